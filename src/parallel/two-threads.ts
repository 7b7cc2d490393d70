/**
 * Training on two threads, wherever threads share memory (Node's worker threads, a cross-origin
 * isolated page's Web Workers): TwoThreadStep splits each batch in two by items, runs forward and
 * backward of one part here and of the other on a helper thread holding a replica of the model, sums
 * the two gradients, and makes the optimizer step here. The result is the step TrainStep takes (the
 * same loss and gradient, to float rounding: the weight-gradient sums run over the parts in a
 * different order); the API stays synchronous.
 *
 * Each part's gradient is scaled by its share of the batch's target weight before it is summed, so
 * ragged batches, ignored targets and class weights give the whole batch's mean cross-entropy
 * (split-batch.ts). The helper's dropout masks come from its own stream (seeded with the main one),
 * so with dropout a run is repeatable for a given number of threads, not across thread counts.
 *
 * The two threads meet through SharedArrayBuffers and Atomics (protocol.ts; a wait costs
 * microseconds, a message through the event loop tens): per step this thread copies the weights and
 * the helper's part of the batch into shared memory, posts the job, runs its own part, waits, and adds
 * the helper's gradient. Small batches (below `minWork` multiply-adds per step, where the hand-off
 * would cost more than it saves: the reference pipeline's whole step is ~130 us) run here alone. How
 * the helper starts is the caller's (`spawn`): src/node/parallel.ts for Node, the explorer's worker
 * for the browser.
 */
import type { Buf, Tensor } from '../tensor/buf.js';
import { stepWidth, type SequenceModel } from '../nn/model.js';
import { cellOf } from '../nn/cells/index.js';
import type { Optimizer } from '../optim/optimizer.js';
import { clipGradNorm, totalNorm } from '../optim/clip.js';
import { ConfigError } from '../errors.js';
import {
  accumulateGradients,
  batchDims,
  checkBatch,
  TrainStep,
  type LossSpec,
  type StepOptions,
  type StepResult,
  type StepRunner,
} from '../train/step.js';
import {
  JOB,
  READY,
  awaitJob,
  readResult,
  sharedBuf,
  sharedInts,
  sharedMemory,
  signal,
  startHelper,
  type Close,
  type ForwardJob,
  type HelperInit,
  type Job,
  type PartResult,
  type WorkerInit,
} from './protocol.js';
import { makePart, partItems, splitBatch, type Alloc, type Layout, type Part } from './split-batch.js';

/** The other thread, as this one drives it: where its jobs go, how it is stopped, what it last said. */
export interface Helper {
  post(m: Job | ForwardJob | Close): void;
  terminate(): void;
  /** A message the helper left (why it failed to start or a job threw), if one can be read now. */
  message(): string | null;
}

/** Starts the helper thread with its share of the memory and its part of the loss; throws when it cannot. */
export type Spawn = (init: HelperInit) => Helper;

export interface ParallelStepOptions extends StepOptions {
  /** Threads in all, this one included. Only 2 is supported (this machine class has two cores). Default 2. */
  threads?: number;
  /**
   * Batches with fewer multiply-adds per step than this (T x B x gates x H x (I + H), a forward
   * pass's recurrent-layer work) run on this thread alone. Default 2,000,000.
   */
  minWork?: number;
  /**
   * How long to wait for a worker that does not answer before taking its part on this thread and
   * going on alone (ms; at least 50 times this thread's own part). Default 60,000.
   */
  workerTimeout?: number;
  /** Starts the helper (a Node worker thread in src/node/parallel.ts, a Web Worker in the explorer). */
  spawn: Spawn;
  /**
   * Share a batch only once the helper has said it is ready, running the batches before that here. A
   * Web Worker started by a worker may need its parent's event loop to start, which a parent blocked
   * waiting for it never returns to. Default false (a Node worker thread starts on its own).
   */
  whenReady?: boolean;
  /** Asked before each batch worth sharing: false runs it on this thread (the explorer: while the learner clicks). */
  mayShare?: () => boolean;
}

/** The worker's part of a batch goes in shared memory. */
const inShared: Alloc = { floats: sharedBuf, ints: sharedInts };

export class TwoThreadStep implements StepRunner {
  readonly threads: number;
  private readonly minWork: number;
  private readonly workerTimeout: number;
  private readonly single: TrainStep;
  private readonly loss: LossSpec;
  private readonly clipNorm: number | null;
  private readonly dLogits = new Map<number, Buf>();
  private readonly parts = new Map<string, [Part, Part]>();
  private readonly shared: Pick<WorkerInit, 'ctrl' | 'params' | 'grad' | 'out'>;
  private worker: Helper | null = null;
  private closed = false;
  private readonly spawn: Spawn;
  private readonly whenReady: boolean;
  private readonly mayShare: () => boolean;
  private readonly workerLoss: WorkerInit['loss'];
  private jobs = 0;
  private reseed: number | undefined;
  /** Steps that ran on both threads, and on this one alone (small or unbatched batches). */
  readonly counts = { parallel: 0, single: 0 };

  constructor(
    readonly model: SequenceModel,
    readonly optimizer: Optimizer,
    o: ParallelStepOptions,
  ) {
    this.threads = o.threads ?? 2;
    if (this.threads !== 1 && this.threads !== 2) throw new ConfigError(`threads must be 1 or 2, got ${String(o.threads)}`);
    this.minWork = o.minWork ?? 2_000_000;
    this.workerTimeout = o.workerTimeout ?? 60_000;
    if (!(this.minWork >= 0)) throw new ConfigError(`minWork must be a number >= 0, got ${String(o.minWork)}`);
    this.single = new TrainStep(model, optimizer, o); // checks the options; runs the small batches
    this.loss = { weight: o.classWeights ? Float64Array.from(o.classWeights) : null, ignoreIndex: o.ignoreIndex ?? -100 };
    this.clipNorm = o.clipNorm ?? null;
    this.shared = sharedMemory(model.table.dtype, model.table.size);
    this.spawn = o.spawn;
    this.whenReady = o.whenReady ?? false;
    this.mayShare = o.mayShare ?? (() => true);
    this.workerLoss = { weight: o.classWeights ? Array.from(o.classWeights) : null, ignoreIndex: this.loss.ignoreIndex };
  }

  /**
   * Starts the worker on the first batch large enough to share (a small model never pays for it);
   * false when Node refuses to (then this batch and the next ones run here, and `failure` says why).
   */
  startWorker(): boolean {
    if (this.worker) return true;
    const started = startHelper(this.spawn, this.model, this.shared, this.workerLoss, 'training');
    if ('failure' in started) {
      this.failure = started.failure;
      this.close();
      return false;
    }
    this.worker = started.helper;
    return true;
  }

  /** Whether a shared step may wait for the helper now: it is up, or (whenReady false) it will be. */
  private helperReady(): boolean {
    if (!this.startWorker()) return false;
    return !this.whenReady || Atomics.load(this.shared.ctrl, READY) === 1;
  }

  /** Whether the helper has started and said it is ready (it starts with the first batch worth sharing). */
  get helperUp(): boolean {
    return !this.closed && this.worker !== null && Atomics.load(this.shared.ctrl, READY) === 1;
  }

  /** 2 when a batch of B sequences of T steps is worth sharing (minWork), else 1. */
  threadsFor(B: number, T: number): number {
    const o = this.model.options;
    const work = T * B * cellOf(o.mode).rows * o.hiddenSize * (o.inputSize + (o.projSize || o.hiddenSize)) * o.numLayers;
    return this.threads < 2 || this.closed || B < 2 || work < this.minWork ? 1 : 2;
  }

  /** Restarts the dropout masks' random streams: this thread's with `seed`, the worker's with a seed made from it. */
  reseedDropout(seed: number): void {
    this.model.rnn.reseedDropout(seed);
    this.reseed = seed;
  }

  run(x: Tensor, targets: Int32Array, lengths?: ArrayLike<number> | null): StepResult {
    const m = this.model;
    const o = m.options;
    const { T, B, batched } = batchDims(o, x);
    if (!batched || this.threadsFor(B, T) < 2) {
      this.counts.single++;
      // (a pending reseed stays pending: it goes to the worker with the next batch it takes)
      return this.single.run(x, targets, lengths);
    }
    // Checked whole, so that an error names the batch's rows and items, not a part's.
    checkBatch(m, x, targets, lengths, this.loss);
    const layout: Layout = { T, B, I: stepWidth(o), batchFirst: o.batchFirst, perStep: o.headOn === 'steps' };
    const {
      parts: [mine, theirs],
      weight: W,
    } = splitBatch({ x, targets, lengths: lengths ?? null }, layout, this.loss, this.partsFor(layout, !!lengths));
    // With no counted target the loss is 0/0 (as in PyTorch): the single step says so.
    if (!(W > 0) || !this.helperReady() || !this.mayShare()) {
      this.counts.single++;
      return this.single.run(x, targets, lengths);
    }
    this.counts.parallel++;
    const { ctrl, params, grad } = this.shared;

    // The worker's part: weights in, job out, wake it.
    params.set(m.table.data);
    const job: Job = { x: theirs.x, targets: theirs.targets, lengths: theirs.lengths, scale: theirs.weight / W };
    if (this.reseed !== undefined) {
      // a 32-bit mix of the whole seed (seeds reach 2^31 * 100003: a product in doubles would lose bits)
      const s = this.reseed;
      job.reseed = (Math.imul((s >>> 0) ^ Math.floor(s / 2 ** 32), 0x9e3779b1) + 1) >>> 0;
      this.reseed = undefined;
    }
    this.worker!.post(job);
    const n = ++this.jobs;
    signal(ctrl, JOB, n);

    // This thread's part, meanwhile.
    m.table.zeroGrad();
    const t0 = performance.now();
    let mineResult: PartResult | null = null;
    let other: PartResult | null = null;
    try {
      mineResult = accumulateGradients(m, mine.x, mine.targets, mine.lengths, this.dLogits, this.loss, mine.weight / W);
    } finally {
      // (when this thread's part threw, still collect the worker's job, so the two stay in step)
      other = this.await(n, performance.now() - t0);
    }
    const g = m.table.grad;
    if (other) {
      for (let i = 0; i < g.length; i++) g[i] = g[i]! + grad[i]!;
    } else {
      // The worker failed or died: it is closed, and its part runs here (the step stays the same step).
      other = accumulateGradients(m, theirs.x, theirs.targets, theirs.lengths, this.dLogits, this.loss, theirs.weight / W);
    }
    // Each part's loss is the mean over its own targets; a part with none (weight 0) adds nothing.
    const [w1, w2] = [mine.weight, theirs.weight];
    const loss = (w1 > 0 ? mineResult.loss * w1 : 0) / W + (w2 > 0 ? other.loss * w2 : 0) / W;
    const gradNorm = this.clipNorm !== null ? clipGradNorm(g, this.clipNorm) : totalNorm(g, 2);
    if (Number.isFinite(loss) && Number.isFinite(gradNorm)) this.optimizer.step();
    return { loss, gradNorm, correct: mineResult.correct + other.correct, counted: mineResult.counted + other.counted };
  }

  /** Why the worker stopped being used, when it failed to start or died; null while it works. */
  failure: string | null = null;

  /** Stops the worker. The step runs on this thread alone afterwards. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.worker) {
      this.worker.post({ close: true });
      signal(this.shared.ctrl, JOB, ++this.jobs);
      this.worker.terminate();
      this.worker = null;
    }
  }

  /**
   * Waits for the worker's job n and returns its results, or null when the worker cannot give them:
   * it failed to start (READY -1), its job threw, or it stopped answering (died: its 'exit' event
   * cannot reach a thread blocked here, so a bound: workerTimeout, or 50 times this thread's part,
   * whichever is longer). Then the worker is closed and the step runs on this thread from now on (`failure` says why).
   */
  private await(n: number, mineMs: number): PartResult | null {
    const { ctrl, out } = this.shared;
    const why = awaitJob(ctrl, n, this.workerTimeout, mineMs, 'part of the step');
    return why === null ? readResult(out) : this.fail(why);
  }

  private fail(why: string): null {
    const msg = this.worker?.message() ?? null;
    this.failure = `the training worker thread stopped (${why}${msg ? `: ${msg}` : ''}); training goes on, on one thread`;
    this.close();
    return null;
  }

  /** The two parts' arrays for batches of this layout, kept per shape (the worker's in shared memory). */
  private partsFor(l: Layout, ragged: boolean): [Part, Part] {
    const key = `${l.T},${l.B},${ragged ? 1 : 0}`;
    let p = this.parts.get(key);
    if (!p) {
      const [B1, B2] = partItems(l.B);
      const dt = this.model.table.dtype;
      p = [makePart(l, B1, dt, ragged), makePart(l, B2, dt, ragged, inShared)];
      this.parts.set(key, p);
    }
    return p;
  }
}
