/**
 * rnnscope itself, exactly as a user would write it:
 *   - "train": SequenceModel + Adam + TrainStep.run;
 *   - "infer": SequenceModel.forward on a [T, B, I] batch with { noGrad: true }; with --threads 2,
 *     ParallelForward.forward (rnnscope/node), which splits a large batch between two threads;
 *   - "stream": model.stream().step(x_t), which keeps the state between calls.
 * Timed with Node's monotonic clock around the steps; nothing else runs inside the timed loop.
 */
import { SequenceModel } from '../../src/nn/model.js';
import { Adam } from '../../src/optim/index.js';
import { TrainStep, type StepRunner } from '../../src/train/step.js';
import { ParallelForward, ParallelTrainStep } from '../../src/node/parallel.js';
import { allocations, type Tensor } from '../../src/tensor/buf.js';
import type { BenchConfig } from '../configs.js';
import { collect } from '../gc.js';
import type { Availability, BenchData, MemoryReport, Peer, StepFn, StepsResult } from '../peer.js';

const MB = 1024 * 1024;
/** Inference as a user writes it: no backward pass follows, so nothing is kept for one. */
const NO_GRAD = { noGrad: true };

function sum(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]!;
  return s;
}

export class RnnscopePeer implements Peer {
  readonly name = 'rnnscope';
  private mem: MemoryReport = {};
  private runNotes: string[] = [];

  private steps: { close?(): void }[] = [];

  constructor(readonly threads = 1) {
    if (threads !== 1 && threads !== 2) throw new Error(`--threads must be 1 or 2, got ${threads}`);
  }

  async available(): Promise<Availability> {
    const notes =
      this.threads === 2
        ? [
            'training on 2 threads (ParallelTrainStep), inference on 2 threads (ParallelForward), where a batch has 2M multiply-adds or more, else 1',
          ]
        : [];
    return { ok: true, version: 'this tree', notes };
  }

  async setup(c: BenchConfig, data: BenchData): Promise<StepFn> {
    await collect();
    const before = process.memoryUsage();
    const model = new SequenceModel({ mode: c.mode, inputSize: c.I, hiddenSize: c.H, numClasses: c.C, vocabSize: c.V });
    for (const p of data.params) model.table.set(p.name, p.data);
    this.runNotes = [];
    const run = this.task(c, data, model);
    const mem: MemoryReport = { rssMB: 0 };
    this.mem = mem;
    let firstCall = true;
    let timedSteps = 0;
    let timedAllocs = 0;

    return async (steps) => {
      const a0 = allocations();
      const r = run(steps);
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
      return r;
    };
  }

  /** The timed loop of each task: synchronous, timed around the loop and nothing else. */
  private task(c: BenchConfig, data: BenchData, model: SequenceModel): (steps: number) => StepsResult {
    const { T, B, I } = c;
    if (c.task === 'train') {
      const opt = new Adam(model.table.data, model.table.grad, { lr: c.lr });
      const step: StepRunner = this.threads === 2 ? new ParallelTrainStep(model, opt) : new TrainStep(model, opt);
      this.steps.push(step);
      if (this.threads === 2) {
        const n = step.threadsFor(B, T);
        this.runNotes.push(
          n > 1 ? "rnnscope on 2 threads (the worker's replica is in rss, not in arrays)" : 'rnnscope on 1 thread (below minWork)',
        );
      }
      const x = { data: data.x, shape: [T, B, c.V ? 1 : I] };
      const targets = data.targets;
      return (steps) => {
        let lossFirst = NaN;
        let lossLast = NaN;
        const t0 = process.hrtime.bigint();
        for (let i = 0; i < steps; i++) {
          lossLast = step.run(x, targets).loss;
          if (i === 0) lossFirst = lossLast;
        }
        const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
        return { seconds, lossFirst, lossLast };
      };
    }
    if (c.V) throw new Error(`rnnscope peer: token input is benched for training only`);
    if (c.task === 'infer') {
      const x = { data: data.x, shape: [T, B, I] };
      // --threads 2: ParallelForward, which splits batches worth it between this thread and a worker
      const two = this.threads === 2 ? new ParallelForward(model) : null;
      if (two) {
        this.steps.push(two);
        this.runNotes.push(two.threadsFor(B, T) > 1 ? 'rnnscope on 2 threads (ParallelForward)' : 'rnnscope on 1 thread (below minWork)');
      }
      return (steps) => {
        let logits: Tensor | null = null;
        const t0 = process.hrtime.bigint();
        for (let i = 0; i < steps; i++) logits = two ? two.forward(x) : model.forward(x, NO_GRAD).logits;
        const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
        return { seconds, lossFirst: NaN, lossLast: NaN, check: logits ? sum(logits.data) : NaN };
      };
    }
    if (c.task === 'stream') {
      // Step i feeds x[i mod T] of sequence 0 (all peers do the same), as views made here.
      const xs = Array.from({ length: T }, (_, t) => data.x.subarray(t * B * I, t * B * I + I));
      const stream = model.stream();
      let t = 0;
      return (steps) => {
        let logits: ArrayLike<number> | null = null;
        const t0 = process.hrtime.bigint();
        for (let i = 0; i < steps; i++) {
          logits = stream.step(xs[t]!);
          if (++t === T) t = 0;
        }
        const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
        return { seconds, lossFirst: NaN, lossLast: NaN, check: logits ? sum(logits) : NaN };
      };
    }
    throw new Error(`rnnscope peer: task "${String(c.task)}" is not implemented in the bench`);
  }

  async memory(): Promise<MemoryReport> {
    return this.mem;
  }

  async notes(): Promise<string[]> {
    return this.runNotes;
  }

  async teardown(): Promise<void> {
    for (const s of this.steps) s.close?.();
    this.steps = [];
  }
}
