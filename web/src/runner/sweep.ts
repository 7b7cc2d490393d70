/**
 * The memory sweep's job in the worker: the engine's sweep (memorySweep, what `rnnscope compare --sweep`
 * drains) stepped one batch at a time, its events folded into the state the Compare mode shows.
 */
import { cellInfo, memorySweep, verdictSentence, type SweepEvent, type SweepResult } from '../../../src/internal.js';
import type { SweepRequest, SweepState } from './protocol.js';
import { PostedJob } from './job.js';

export class SweepJob extends PostedJob<SweepState> {
  private readonly job: Generator<SweepEvent, SweepResult>;
  protected state: SweepState;

  constructor(readonly request: SweepRequest) {
    super();
    this.job = memorySweep({
      delays: request.delays,
      seeds: request.seeds,
      count: request.count,
      train: { epochs: request.epochs },
    });
    const start = this.job.next().value as Extract<SweepEvent, { type: 'sweep_start' }>;
    this.state = {
      request,
      status: 'running',
      cells: start.cells,
      batchesDone: 0,
      batchesTotal: start.batchesTotal,
      runsDone: 0,
      runs: start.runs,
      current: null,
      result: null,
    };
  }

  /** One engine event: a batch of the current run, or a run's end. */
  protected step(): void {
    const it = this.job.next();
    if (it.done) {
      const { runs: _, ...r } = it.value;
      this.state.result = {
        ...r,
        sentences: r.verdicts.map((v) => ({ k: v.k, level: v.verdict.level, text: verdictSentence(v.verdict) })),
      };
      this.state.status = 'done';
      this.state.current = null;
      return;
    }
    const e = it.value;
    if (e.type === 'sweep_batch') {
      this.state.batchesDone = e.batchesDone;
      this.state.current = { k: e.k, label: cellInfo(e.mode).label, seed: e.seed };
    } else if (e.type === 'sweep_run') this.state.runsDone = e.run;
  }
}
