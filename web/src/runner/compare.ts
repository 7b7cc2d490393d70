/**
 * The Compare mode's job: the engine's comparison (compareCells, what `rnnscope compare` drains) stepped
 * one event at a time, side by side, its events folded into the state the page shows.
 */
import { compareCells, memoryWords, verdictSentence, type CompareEvent, type CompareResult, type Dataset } from '../../../src/internal.js';
import { pipelineOptions, settingsKey, type Settings } from '../settings.js';
import type { CompareRow, CompareState } from './protocol.js';
import { PostedJob } from './job.js';

export class CompareJob extends PostedJob<CompareState> {
  private readonly job: Generator<CompareEvent, CompareResult | null>;
  protected state: CompareState;

  constructor(
    readonly settings: Settings,
    /** An upload's data (and a language model's held-out parts). */
    parts?: { data: Dataset; valData?: Dataset; testData?: Dataset },
  ) {
    super();
    this.job = compareCells({
      ...pipelineOptions(settings),
      data: parts?.data,
      valData: parts?.valData,
      testData: parts?.testData,
      sideBySide: true,
    });
    const start = this.job.next().value as Extract<CompareEvent, { type: 'compare_start' }>;
    this.state = {
      key: settingsKey(settings),
      status: 'running',
      rows: start.cells.map((c): CompareRow => ({
        ...c,
        history: [],
        losses: [],
        batchesDone: 0,
        testAccuracy: null,
        gain: null,
        seconds: 0,
      })),
      own: start.own,
      memoryless: {
        status: 'waiting',
        label: start.memoryless.label,
        accuracy: null,
        parameters: start.memoryless.parameters,
        chance: null,
      },
      memory: null,
      verdict: null,
      task: start.task,
      message: null,
    };
  }

  /** One engine event: a batch of the model furthest behind, or a step of the memoryless model. */
  protected step(): void {
    const it = this.job.next();
    if (it.done) {
      if (it.value) this.finish(it.value);
      return;
    }
    const e = it.value;
    const row = 'mode' in e ? this.state.rows.find((r) => r.mode === e.mode) : undefined;
    if (e.type === 'compare_train' && row) {
      row.seconds = e.seconds;
      if (e.event.type === 'batch') {
        row.losses.push(e.event.loss);
        row.batchesDone++;
      } else if (e.event.type === 'epoch') row.history.push({ epoch: e.event.epoch, loss: e.event.loss, valAccuracy: e.event.valAccuracy });
    } else if (e.type === 'compare_cell' && row) {
      row.testAccuracy = e.testAccuracy;
      row.batchesDone = row.batchesTotal;
    } else if (e.type === 'memoryless_train') {
      this.state.memoryless = { ...this.state.memoryless, status: 'running' };
    } else if (e.type === 'compare_failed') {
      this.state.status = 'failed';
      this.state.message = e.message;
    }
  }

  protected override copy(): CompareState {
    return { ...this.state, rows: this.state.rows.map((r) => ({ ...r, history: [...r.history], losses: [...r.losses] })) };
  }

  private finish(r: CompareResult): void {
    for (const x of r.rows)
      Object.assign(
        this.state.rows.find((row) => row.mode === x.mode)!,
        { testAccuracy: x.testAccuracy, gain: x.gain },
      );
    this.state.memoryless = {
      ...this.state.memoryless,
      status: 'done',
      accuracy: r.memoryless.accuracy,
      parameters: r.memoryless.parameters,
      chance: r.chance,
    };
    const own = this.state.rows.find((row) => row.mode === r.own)!;
    this.state.memory = memoryWords(r.comparison, `the ${own.label}'s memory`);
    this.state.verdict = verdictSentence(r.verdict);
    this.state.status = 'done';
  }
}
