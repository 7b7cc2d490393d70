/**
 * Training on both cores (Node.js): ParallelTrainStep splits each batch in two by items, runs
 * forward and backward of one part here and of the other in a worker thread holding a replica of the
 * model, sums the two gradients, and makes the optimizer step here. The result is the step TrainStep
 * takes (the same loss and gradient, to float rounding: the weight-gradient sums run over the parts
 * in a different order); the API stays synchronous.
 *
 * Each part's gradient is scaled by its share of the batch's target weight before it is summed, so
 * ragged batches, ignored targets and class weights give the whole batch's mean cross-entropy
 * (split-batch.ts). The worker's dropout masks come from its own stream (seeded with the main one),
 * so with dropout a run is repeatable for a given number of threads, not across thread counts.
 *
 * The two threads meet through SharedArrayBuffers and Atomics (protocol.ts; a wait costs
 * microseconds, a message through the event loop tens): per step the main thread copies the weights
 * and the worker's part of the batch into shared memory, wakes the worker, runs its own part, waits,
 * and adds the worker's gradient. Small batches (below `minWork` multiply-adds per step, where the
 * hand-off would cost more than it saves: the reference pipeline's whole step is ~130 us) run on this thread alone.
 */
import os from 'node:os';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import type { Buf, Tensor } from '../tensor/buf.js';
import { gemmBackend, gemmDispatch } from '../tensor/gemm.js';
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
  DONE,
  JOB,
  READY,
  STATUS,
  readResult,
  sharedBuf,
  sharedInts,
  sharedMemory,
  signal,
  type Close,
  type Job,
  type PartResult,
  type WorkerInit,
} from './protocol.js';
import { makePart, partItems, splitBatch, type Alloc, type Layout, type Part } from './split-batch.js';

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
}

/** The worker's part of a batch goes in shared memory. */
const inShared: Alloc = { floats: sharedBuf, ints: sharedInts };

export class ParallelTrainStep implements StepRunner {
  readonly threads: number;
  private readonly minWork: number;
  private readonly workerTimeout: number;
  private readonly single: TrainStep;
  private readonly loss: LossSpec;
  private readonly clipNorm: number | null;
  private readonly dLogits = new Map<number, Buf>();
  private readonly parts = new Map<string, [Part, Part]>();
  private readonly shared: Pick<WorkerInit, 'ctrl' | 'params' | 'grad' | 'out'>;
  private readonly port: MessagePort;
  private worker: Worker | null = null;
  private closed = false;
  private readonly workerPort: MessagePort;
  private readonly workerLoss: WorkerInit['loss'];
  private jobs = 0;
  private reseed: number | undefined;
  /** Steps that ran on both threads, and on this one alone (small or unbatched batches). */
  readonly counts = { parallel: 0, single: 0 };

  constructor(
    readonly model: SequenceModel,
    readonly optimizer: Optimizer,
    o: ParallelStepOptions = {},
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
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.port.unref();
    this.workerPort = port2;
    this.workerLoss = { weight: o.classWeights ? Array.from(o.classWeights) : null, ignoreIndex: this.loss.ignoreIndex };
  }

  /**
   * Starts the worker on the first batch large enough to share (a small model never pays for it);
   * false when Node refuses to (then this batch and the next ones run here, and `failure` says why).
   */
  private startWorker(): boolean {
    if (this.worker) return true;
    const m = this.model;
    const init: WorkerInit = {
      options: m.options,
      dtype: m.table.dtype,
      backend: gemmBackend(),
      dispatch: { ...gemmDispatch },
      ...this.shared,
      port: this.workerPort,
      loss: this.workerLoss,
    };
    try {
      const file = new URL('./parallel-worker.js', import.meta.url);
      // (run from the TypeScript sources or bundled, the compiled worker may not be beside this file)
      if (!existsSync(fileURLToPath(file))) throw new Error(`${fileURLToPath(file)} does not exist`);
      const w = new Worker(file, { workerData: init, transferList: [this.workerPort] });
      // The worker never holds the process open: an un-closed step does not keep a CLI run alive.
      w.unref();
      // Errors the worker reports itself (READY -1, STATUS 1, a message on the port); these events
      // only arrive once this thread is back in its event loop, after the wait that would need them.
      w.on('error', () => {});
      this.worker = w;
      return true;
    } catch (e) {
      this.failure = `the training worker thread could not start (${(e as Error).message}); training goes on, on one thread`;
      this.close();
      return false;
    }
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
    if (!(W > 0) || !this.startWorker()) {
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
    this.port.postMessage(job);
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
      this.port.postMessage({ close: true } satisfies Close);
      signal(this.shared.ctrl, JOB, ++this.jobs);
      void this.worker.terminate();
      this.worker = null;
    }
    this.port.close();
  }

  /**
   * Waits for the worker's job n and returns its results, or null when the worker cannot give them:
   * it failed to start (READY -1), its job threw, or it stopped answering (died: its 'exit' event
   * cannot reach a thread blocked here, so a bound: workerTimeout, or 50 times this thread's part,
   * whichever is longer). Then the worker is closed and the step runs on this thread from now on (`failure` says why).
   */
  private await(n: number, mineMs: number): PartResult | null {
    const { ctrl, out } = this.shared;
    const bound = Math.max(this.workerTimeout, 50 * mineMs);
    const started = performance.now();
    for (;;) {
      const done = Atomics.load(ctrl, DONE);
      if (done === n) break;
      if (Atomics.load(ctrl, READY) < 0) return this.fail('it failed to start');
      if (performance.now() - started > bound) return this.fail(`it did not answer within ${Math.round(bound / 1000)} s`);
      Atomics.wait(ctrl, DONE, done, 250);
    }
    if (Atomics.load(ctrl, STATUS) !== 0) return this.fail('its part of the step threw');
    return readResult(out);
  }

  private fail(why: string): null {
    const msg = receiveMessageOnPort(this.port);
    this.failure = `the training worker thread stopped (${why}${msg ? `: ${String(msg.message)}` : ''}); training goes on, on one thread`;
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

/** Cores this process may use (os.availableParallelism where Node has it). */
export function cores(): number {
  return typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
}

/** "auto": 2 where there are two cores or more, else 1; a number stays as it is. */
export function resolveThreads(threads: number | 'auto'): number {
  return threads === 'auto' ? (cores() >= 2 ? 2 : 1) : threads;
}

/**
 * A Trainer's `makeStep` for `threads` threads: 1 is TrainStep; 2 is ParallelTrainStep; "auto" is 2
 * where there are two cores or more. Either way small batches stay on one thread (see minWork).
 */
export function stepFactory(
  threads: number | 'auto',
  minWork?: number,
): (model: SequenceModel, optimizer: Optimizer, o: StepOptions) => StepRunner {
  const n = resolveThreads(threads);
  if (n !== 1 && n !== 2) throw new ConfigError(`threads must be 1, 2 or "auto", got ${String(threads)}`);
  return (model, optimizer, o) =>
    n === 1 ? new TrainStep(model, optimizer, o) : new ParallelTrainStep(model, optimizer, { ...o, threads: n, minWork });
}
