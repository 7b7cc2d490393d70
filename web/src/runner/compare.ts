/**
 * The Compare mode's job: RNN, LSTM and GRU trained side by side on the same data with the same
 * settings (the one that has trained the fewest batches goes next), then the model without memory
 * (`compareMemory` on the RNN) and chance: what `rnnscope compare` measures, one batch at a time.
 */
import { Trainer, compareMemory, evaluate, prepare, type Dataset, type MemoryComparison, type Mode, type Prepared, type TrainEvent } from '../../../src/index.js';
import { cellLabel, modelChoice, pipelineOptions, settingsKey, trainConfig, type Settings } from '../settings.js';
import type { CompareRow, CompareState } from './protocol.js';

const MODES: Mode[] = ['rnn_tanh', 'lstm', 'gru'];

interface Runner {
  p: Prepared;
  gen: Generator<TrainEvent, unknown>;
  row: CompareRow;
}

export class CompareJob {
  private readonly runners: Runner[];
  private memory: Generator<TrainEvent, MemoryComparison> | null = null;
  private state: CompareState;
  private dirty = true;

  constructor(readonly settings: Settings, data?: Dataset) {
    this.runners = MODES.map((mode) => {
      const p = prepare({ ...pipelineOptions(settings), data, model: { ...modelChoice(settings), mode } });
      const trainer = new Trainer(p.model, p.split.train, p.split.val, trainConfig(settings));
      const batchesTotal = Math.ceil(p.split.train.length / settings.batchSize) * settings.epochs;
      const row: CompareRow = { mode, label: cellLabel(mode), parameters: p.model.parameterCount, history: [], losses: [], batchesDone: 0, batchesTotal, testAccuracy: null, seconds: 0 };
      return { p, gen: trainer.run(), row };
    });
    const ds = this.runners[0]!.p.dataset;
    this.state = {
      key: settingsKey(settings), status: 'running', rows: this.runners.map((r) => r.row),
      memoryless: { status: 'waiting', accuracy: null, parameters: this.runners[0]!.p.model.parameterCount, chance: null },
      task: ds.name, delay: settings.task === 'delay' && !settings.data ? settings.delay : null, message: null,
    };
  }

  get busy(): boolean {
    return this.state.status === 'running';
  }

  /** One engine event: a batch of the model furthest behind, or a step of the memoryless model. */
  work(): boolean {
    if (!this.busy) return false;
    this.dirty = true;
    const next = this.runners.filter((r) => r.row.testAccuracy === null).sort((a, b) => a.row.batchesDone / a.row.batchesTotal - b.row.batchesDone / b.row.batchesTotal)[0];
    if (next) {
      this.advance(next);
      return true;
    }
    if (!this.memory) {
      const { p } = this.runners[0]!;
      this.memory = compareMemory(p.model, p.split.train, p.split.val, p.split.test, trainConfig(this.settings), p.seed);
      this.state.memoryless = { ...this.state.memoryless, status: 'running' };
    }
    const r = this.memory.next();
    if (r.done) {
      this.state.memoryless = { status: 'done', accuracy: r.value.memoryless, parameters: r.value.parameters, chance: r.value.chance };
      this.state.status = 'done';
    }
    return true;
  }

  /** Posts the state again at the next flush (a page that asks twice gets an answer twice). */
  touch(): void {
    this.dirty = true;
  }

  /** The state to post, or null if nothing changed since the last call. */
  flush(): CompareState | null {
    if (!this.dirty) return null;
    this.dirty = false;
    return { ...this.state, rows: this.state.rows.map((r) => ({ ...r, history: [...r.history], losses: [...r.losses] })) };
  }

  private advance(r: Runner): void {
    // Time spent on this model alone: the three take turns, so wall time would count the others too.
    const t0 = performance.now();
    const it = r.gen.next();
    r.row.seconds += (performance.now() - t0) / 1000;
    if (it.done) return;
    const e = it.value;
    if (e.type === 'batch') {
      r.row.losses.push(e.loss);
      r.row.batchesDone++;
    } else if (e.type === 'epoch') {
      r.row.history.push({ epoch: e.epoch, loss: e.loss, valAccuracy: e.valAccuracy });
    } else if (e.type === 'train_end') {
      if (e.reason === 'nonfinite') {
        this.state.status = 'failed';
        this.state.message = `${r.row.label}: ${e.message}`;
      }
      r.row.testAccuracy = evaluate(r.p.model, r.p.split.test).accuracy;
      r.row.batchesDone = r.row.batchesTotal;
    }
  }
}
