/**
 * The Compare mode's job: the engine's comparison (compareCells, what `rnnscope compare` drains) stepped
 * one event at a time, side by side, its events folded into the state the page shows.
 */
import { compareCells, memoryWords, verdictSentence, type CompareEvent, type CompareResult, type Dataset } from '../../../src/internal.js';
import { pipelineOptions, settingsKey, type Settings } from '../settings.js';
import type { CompareRow, CompareState } from './protocol.js';
import { RaceJob } from './job.js';

export class CompareJob extends RaceJob<CompareRow, CompareState, CompareEvent, CompareResult> {
  protected readonly job: Generator<CompareEvent, CompareResult | null>;
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

  /** A batch or epoch of the model furthest behind, or its test. */
  protected onCell(e: CompareEvent, row: CompareRow): void {
    if (e.type === 'compare_train') {
      row.seconds = e.seconds;
      if (e.event.type === 'batch') {
        row.losses.push(e.event.loss);
        row.batchesDone++;
      } else if (e.event.type === 'epoch') row.history.push({ epoch: e.event.epoch, loss: e.event.loss, valAccuracy: e.event.valAccuracy });
    } else if (e.type === 'compare_cell') {
      row.testAccuracy = e.testAccuracy;
      row.batchesDone = row.batchesTotal;
    }
  }

  protected override copy(): CompareState {
    return { ...this.state, rows: this.state.rows.map((r) => ({ ...r, history: [...r.history], losses: [...r.losses] })) };
  }

  protected finish(r: CompareResult): void {
    for (const x of r.rows) Object.assign(this.rowOf(x.mode), { testAccuracy: x.testAccuracy, gain: x.gain });
    this.state.memoryless = {
      ...this.state.memoryless,
      status: 'done',
      accuracy: r.memoryless.accuracy,
      parameters: r.memoryless.parameters,
      chance: r.chance,
    };
    const own = this.rowOf(r.own);
    this.state.memory = memoryWords(r.comparison, `the ${own.label}'s memory`);
    this.state.verdict = verdictSentence(r.verdict);
    this.state.status = 'done';
  }
}
