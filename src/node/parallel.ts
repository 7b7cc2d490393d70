/**
 * Training on both cores (Node.js): ParallelTrainStep splits each batch in two by items, runs
 * forward and backward of one part here and of the other in a worker thread holding a replica of the
 * model, sums the two gradients, and makes the optimizer step here. The result is the step TrainStep
 * takes (the same loss and gradient, to float rounding: the weight-gradient sums run over the parts
 * in a different order); the API stays synchronous.
 *
 * Each part's gradient is scaled by its share of the batch's target weight before it is summed, so
 * ragged batches, ignored targets and class weights give the whole batch's mean cross-entropy. The
 * worker's dropout masks come from its own stream (seeded with the main one), so with dropout a
 * run is repeatable for a given number of threads, not across thread counts.
 *
 * The two threads meet through SharedArrayBuffers and Atomics (a wait costs microseconds, a message
 * through the event loop tens): per step the main thread copies the weights and the worker's part of
 * the batch into shared memory, wakes the worker, runs its own part, waits, and adds the worker's
 * gradient. Small batches (below `minWork` multiply-adds per step, where the hand-off would cost
 * more than it saves: the seed's whole step is ~130 us) run on this thread alone.
 */
import os from 'node:os';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import type { Buf, DType, Tensor } from '../tensor/buf.js';
import { gemmBackend, gemmDispatch } from '../tensor/gemm.js';
import type { SequenceModel } from '../nn/model.js';
import { cellOf } from '../nn/cells/index.js';
import type { Optimizer } from '../optim/optimizer.js';
import { clipGradNorm, totalNorm } from '../optim/clip.js';
import { ConfigError } from '../errors.js';
import { accumulateGradients, TrainStep, targetWeight, type LossSpec, type StepOptions, type StepResult, type StepRunner } from '../train/step.js';

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

/** ctrl slots (Int32): the job number posted, the job number done, its status, and ready. */
export const JOB = 0, DONE = 1, STATUS = 2, READY = 3;
/** What the worker reports per job (Float64): loss (mean over its part), correct, counted. */
export const OUT_LOSS = 0, OUT_CORRECT = 1, OUT_COUNTED = 2;

/** The worker's start-up data. */
export interface WorkerInit {
  options: SequenceModel['options'];
  dtype: DType;
  backend: string;
  dispatch: typeof gemmDispatch;
  ctrl: Int32Array;
  params: Buf;
  grad: Buf;
  out: Float64Array;
  port: MessagePort;
  loss: { weight: number[] | null; ignoreIndex: number };
}

/** One job: the worker's part of the batch, in shared memory, and its share of the loss weight. */
export interface Job {
  x: Tensor;
  targets: Int32Array;
  lengths: Int32Array | null;
  scale: number;
  /** Present when the main thread reseeded dropout since the last job. */
  reseed?: number;
  close?: boolean;
}

interface Part {
  x: Tensor;
  targets: Int32Array;
  lengths: Int32Array | null;
}

function shared(dtype: DType, n: number): Buf {
  const bytes = (dtype === 'float64' ? 8 : 4) * Math.max(1, n);
  const sab = new SharedArrayBuffer(bytes);
  return dtype === 'float64' ? new Float64Array(sab, 0, n) : new Float32Array(sab, 0, n);
}

export class ParallelTrainStep implements StepRunner {
  readonly threads: number;
  private readonly minWork: number;
  private readonly workerTimeout: number;
  private readonly single: TrainStep;
  private readonly loss: LossSpec;
  private readonly clipNorm: number | null;
  private readonly dLogits = new Map<number, Buf>();
  private readonly parts = new Map<string, { mine: Part; theirs: Part }>();
  private readonly ctrl: Int32Array;
  private readonly params: Buf;
  private readonly grad: Buf;
  private readonly out: Float64Array;
  private readonly port: MessagePort;
  private worker: Worker | null = null;
  private closed = false;
  private readonly workerPort: MessagePort;
  private readonly workerLoss: WorkerInit['loss'];
  private jobs = 0;
  private reseed: number | undefined;
  /** Steps that ran on both threads, and on this one alone (small or unbatched batches). */
  readonly counts = { parallel: 0, single: 0 };

  constructor(readonly model: SequenceModel, readonly optimizer: Optimizer, o: ParallelStepOptions = {}) {
    this.threads = o.threads ?? 2;
    if (this.threads !== 1 && this.threads !== 2) throw new ConfigError(`threads must be 1 or 2, got ${String(o.threads)}`);
    this.minWork = o.minWork ?? 2_000_000;
    this.workerTimeout = o.workerTimeout ?? 60_000;
    if (!(this.minWork >= 0)) throw new ConfigError(`minWork must be a number >= 0, got ${String(o.minWork)}`);
    this.single = new TrainStep(model, optimizer, o); // checks the options; runs the small batches
    this.loss = { weight: o.classWeights ? Float64Array.from(o.classWeights) : null, ignoreIndex: o.ignoreIndex ?? -100 };
    this.clipNorm = o.clipNorm ?? null;
    const dt = model.table.dtype;
    this.ctrl = new Int32Array(new SharedArrayBuffer(16));
    this.params = shared(dt, model.table.size);
    this.grad = shared(dt, model.table.size);
    this.out = new Float64Array(new SharedArrayBuffer(24));
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
      options: m.options, dtype: m.table.dtype, backend: gemmBackend(), dispatch: { ...gemmDispatch }, ctrl: this.ctrl, params: this.params, grad: this.grad,
      out: this.out, port: this.workerPort, loss: this.workerLoss,
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
    const batched = x.shape.length === 3;
    const B = batched ? (o.batchFirst ? x.shape[0]! : x.shape[1]!) : 1;
    const T = batched ? (o.batchFirst ? x.shape[1]! : x.shape[0]!) : x.shape[0]!;
    if (!batched || this.threadsFor(B, T) < 2) {
      this.counts.single++;
      // (a pending reseed stays pending: it goes to the worker with the next batch it takes)
      return this.single.run(x, targets, lengths);
    }
    // A batch the single step would refuse goes to it, so the error is the same word for word
    // (and names the whole batch's rows and items, not a part's); so does one with no counted
    // target, whose loss is 0/0 there as in PyTorch.
    const W = this.valid(x, targets, lengths, T, B) ? targetWeight(targets, this.loss) : 0;
    if (!(W > 0) || !this.startWorker()) {
      this.counts.single++;
      return this.single.run(x, targets, lengths);
    }
    this.counts.parallel++;
    const B1 = Math.ceil(B / 2);
    const { mine, theirs } = this.split(x, targets, lengths ?? null, T, B, B1);
    const w1 = targetWeight(mine.targets, this.loss);
    const w2 = W - w1;

    // The worker's part: weights in, job out, wake it.
    this.params.set(m.table.data);
    const job: Job = { ...theirs, scale: w2 / W };
    if (this.reseed !== undefined) {
      // a 32-bit mix of the whole seed (seeds reach 2^31 * 100003: a product in doubles would lose bits)
      const s = this.reseed;
      job.reseed = (Math.imul((s >>> 0) ^ Math.floor(s / 2 ** 32), 0x9e3779b1) + 1) >>> 0;
      this.reseed = undefined;
    }
    this.port.postMessage(job);
    const n = ++this.jobs;
    Atomics.store(this.ctrl, JOB, n);
    Atomics.notify(this.ctrl, JOB);

    // This thread's part, meanwhile.
    m.table.zeroGrad();
    const t0 = performance.now();
    let mineResult: { loss: number; correct: number; counted: number } | null = null;
    let other: { loss: number; correct: number; counted: number } | null = null;
    try {
      mineResult = accumulateGradients(m, mine.x, mine.targets, mine.lengths, this.dLogits, this.loss, w1 / W);
    } finally {
      // (when this thread's part threw, still collect the worker's job, so the two stay in step)
      other = this.await(n, performance.now() - t0);
    }
    const g = m.table.grad;
    if (other) {
      const wg = this.grad;
      for (let i = 0; i < g.length; i++) g[i] = g[i]! + wg[i]!;
    } else {
      // The worker failed or died: it is closed, and its part runs here (the step stays the same step).
      other = accumulateGradients(m, theirs.x, theirs.targets, theirs.lengths, this.dLogits, this.loss, w2 / W);
    }
    // Each part's loss is the mean over its own targets; a part with none (weight 0) adds nothing.
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
      this.port.postMessage({ close: true } satisfies Partial<Job>);
      Atomics.store(this.ctrl, JOB, ++this.jobs);
      Atomics.notify(this.ctrl, JOB);
      void this.worker.terminate();
      this.worker = null;
    }
    this.port.close();
  }

  /** Whether the batch passes every check forward() and the loss make (shapes, finite inputs, targets, lengths). */
  private valid(x: Tensor, targets: Int32Array, lengths: ArrayLike<number> | null | undefined, T: number, B: number): boolean {
    const o = this.model.options;
    if (x.shape.length !== 3 || x.shape[2] !== o.inputSize || x.data.length !== T * B * o.inputSize) return false;
    const xd = x.data;
    for (let i = 0; i < xd.length; i++) if (!Number.isFinite(xd[i]!)) return false;
    if (targets.length !== (o.headOn === 'steps' ? T : 1) * B) return false;
    const C = o.numClasses;
    const ig = this.loss.ignoreIndex;
    for (let i = 0; i < targets.length; i++) {
      const y = targets[i]!;
      if (y !== ig && (y < 0 || y >= C)) return false;
    }
    if (lengths) {
      if (lengths.length !== B) return false;
      for (let b = 0; b < B; b++) {
        const n = lengths[b]!;
        if (!Number.isInteger(n) || n < 1 || n > T) return false;
      }
    }
    return true;
  }

  /**
   * Waits for the worker's job n and returns its results, or null when the worker cannot give them:
   * it failed to start (READY -1), its job threw, or it stopped answering (died: its 'exit' event
   * cannot reach a thread blocked here, so a bound: workerTimeout, or 50 times this thread's part,
   * whichever is longer). Then the worker is closed and the step runs on this thread from now on (`failure` says why).
   */
  private await(n: number, mineMs: number): { loss: number; correct: number; counted: number } | null {
    const bound = Math.max(this.workerTimeout, 50 * mineMs);
    const started = performance.now();
    for (;;) {
      const done = Atomics.load(this.ctrl, DONE);
      if (done === n) break;
      if (Atomics.load(this.ctrl, READY) < 0) return this.fail('it failed to start');
      if (performance.now() - started > bound) return this.fail(`it did not answer within ${Math.round(bound / 1000)} s`);
      Atomics.wait(this.ctrl, DONE, done, 250);
    }
    if (Atomics.load(this.ctrl, STATUS) !== 0) return this.fail('its part of the step threw');
    return { loss: this.out[OUT_LOSS]!, correct: this.out[OUT_CORRECT]!, counted: this.out[OUT_COUNTED]! };
  }

  private fail(why: string): null {
    const msg = receiveMessageOnPort(this.port);
    this.failure = `the training worker thread stopped (${why}${msg ? `: ${String(msg.message)}` : ''}); training goes on, on one thread`;
    this.close();
    return null;
  }

  private partKey(T: number, B: number, lengths: ArrayLike<number> | null): string {
    return `${T},${B},${lengths ? 1 : 0}`;
  }

  /** The batch's two parts by items (the first B1 here, the rest in the worker), in buffers kept per shape. */
  private split(x: Tensor, targets: Int32Array, lengths: ArrayLike<number> | null, T: number, B: number, B1: number): { mine: Part; theirs: Part } {
    const o = this.model.options;
    const I = o.inputSize;
    const dt = this.model.table.dtype;
    const B2 = B - B1;
    const key = this.partKey(T, B, lengths);
    let p = this.parts.get(key);
    if (!p) {
      const make = (Bp: number, share: boolean): Part => {
        const xs = share ? shared(dt, T * Bp * I) : new (dt === 'float64' ? Float64Array : Float32Array)(T * Bp * I);
        const rows = (o.headOn === 'steps' ? T : 1) * Bp;
        const ts = share ? new Int32Array(new SharedArrayBuffer(4 * rows)) : new Int32Array(rows);
        const ls = lengths ? (share ? new Int32Array(new SharedArrayBuffer(4 * Bp)) : new Int32Array(Bp)) : null;
        return { x: { data: xs, shape: o.batchFirst ? [Bp, T, I] : [T, Bp, I] }, targets: ts, lengths: ls };
      };
      p = { mine: make(B1, false), theirs: make(B2, true) };
      this.parts.set(key, p);
    }
    const bf = o.batchFirst;
    const src = x.data;
    const fill = (part: Part, b0: number, Bp: number): void => {
      const xd = part.x.data;
      for (let t = 0; t < T; t++) {
        for (let b = 0; b < Bp; b++) {
          const from = (bf ? (b0 + b) * T + t : t * B + b0 + b) * I;
          const to = (bf ? b * T + t : t * Bp + b) * I;
          for (let i = 0; i < I; i++) xd[to + i] = src[from + i]!;
        }
      }
      if (o.headOn === 'steps') {
        for (let t = 0; t < T; t++) {
          for (let b = 0; b < Bp; b++) part.targets[bf ? b * T + t : t * Bp + b] = targets[bf ? (b0 + b) * T + t : t * B + b0 + b]!;
        }
      } else {
        for (let b = 0; b < Bp; b++) part.targets[b] = targets[b0 + b]!;
      }
      if (part.lengths && lengths) for (let b = 0; b < Bp; b++) part.lengths[b] = lengths[b0 + b]!;
    };
    fill(p.mine, 0, B1);
    fill(p.theirs, B1, B2);
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
export function stepFactory(threads: number | 'auto', minWork?: number): (model: SequenceModel, optimizer: Optimizer, o: StepOptions) => StepRunner {
  const n = resolveThreads(threads);
  if (n !== 1 && n !== 2) throw new ConfigError(`threads must be 1, 2 or "auto", got ${String(threads)}`);
  return (model, optimizer, o) => (n === 1 ? new TrainStep(model, optimizer, o) : new ParallelTrainStep(model, optimizer, { ...o, threads: n, minWork }));
}
