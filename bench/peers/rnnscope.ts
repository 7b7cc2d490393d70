/**
 * rnnscope itself: SequenceModel + Adam + TrainStep, exactly as a user would write it.
 * Timed with Node's monotonic clock around the steps; nothing else runs inside the timed loop.
 */
import { SequenceModel } from '../../src/nn/model.js';
import { Adam } from '../../src/optim/index.js';
import { TrainStep } from '../../src/train/step.js';
import { allocations } from '../../src/tensor/buf.js';
import type { BenchConfig } from '../configs.js';
import { collect } from '../gc.js';
import type { Availability, BenchData, MemoryReport, Peer, StepFn } from '../peer.js';

const MB = 1024 * 1024;

export class RnnscopePeer implements Peer {
  readonly name = 'rnnscope';
  private mem: MemoryReport = {};

  async available(): Promise<Availability> {
    return { ok: true, version: 'rnnscope (this tree)', notes: [] };
  }

  async setup(c: BenchConfig, data: BenchData): Promise<StepFn> {
    if (c.task !== 'train') throw new Error(`rnnscope peer: task "${String(c.task)}" is not implemented in the bench`);
    await collect();
    const before = process.memoryUsage();
    const model = new SequenceModel({ mode: c.mode, inputSize: c.I, hiddenSize: c.H, numClasses: c.C });
    for (const p of data.params) model.table.set(p.name, p.data);
    const step = new TrainStep(model, new Adam(model.table.data, model.table.grad, { lr: c.lr }));
    const x = { data: data.x, shape: [c.T, c.B, c.I] };
    const targets = data.targets;
    const mem: MemoryReport = { rssMB: 0 };
    this.mem = mem;
    let firstCall = true;
    let timedSteps = 0;
    let timedAllocs = 0;

    return async (steps) => {
      const a0 = allocations();
      let lossFirst = NaN;
      let lossLast = NaN;
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < steps; i++) {
        lossLast = step.run(x, targets).loss;
        if (i === 0) lossFirst = lossLast;
      }
      const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
      let now = process.memoryUsage();
      if (firstCall) {
        // The workspace is made on the first step: count it with the model, not as per-step churn.
        firstCall = false;
        await collect();
        now = process.memoryUsage();
        mem.arraysMB = (now.arrayBuffers - before.arrayBuffers) / MB;
        mem.heapMB = (now.heapUsed - before.heapUsed) / MB;
      } else {
        timedSteps += steps;
        timedAllocs += allocations() - a0;
        mem.allocsPerStep = timedAllocs / timedSteps;
      }
      mem.rssMB = Math.max(mem.rssMB ?? 0, now.rss / MB);
      return { seconds, lossFirst, lossLast };
    };
  }

  async memory(): Promise<MemoryReport> {
    return this.mem;
  }

  async teardown(): Promise<void> {}
}
