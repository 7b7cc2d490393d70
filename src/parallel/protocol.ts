/**
 * What the main thread and ParallelTrainStep's worker say to each other. They meet in shared memory:
 * Int32 control slots they wait and wake on, the weights, the worker's gradient and its results;
 * each job's part of the batch comes through a MessagePort, its arrays in shared memory too.
 */
import type { Buf, DType, Tensor } from '../tensor/buf.js';
import { gemmBackend, gemmDispatch } from '../tensor/gemm.js';
import type { SequenceModel } from '../nn/model.js';

/** ctrl slots (Int32): the job number posted, the job number done, its status (0 ok, 1 threw), and ready (1, or -1: failed to start). */
export const JOB = 0,
  DONE = 1,
  STATUS = 2,
  READY = 3;
const SLOTS = 4;
/** What the worker reports per job (Float64): loss (mean over its part), correct, counted. */
const OUT_LOSS = 0,
  OUT_CORRECT = 1,
  OUT_COUNTED = 2;

/** The worker's start-up data. */
export interface HelperInit {
  options: SequenceModel['options'];
  dtype: DType;
  /** The main thread's kernel choices, so that both parts take the same paths. */
  backend: string;
  dispatch: typeof gemmDispatch;
  ctrl: Int32Array;
  params: Buf;
  grad: Buf;
  out: Float64Array;
  loss: { weight: number[] | null; ignoreIndex: number };
}

/** A Node worker thread's init: the helper's, and the port its jobs come on. */
export interface WorkerInit extends HelperInit {
  port: { postMessage(m: unknown): void; close(): void };
}

/** One job: the worker's part of the batch, in shared memory, and its share of the loss weight. */
export interface Job {
  x: Tensor;
  targets: Int32Array;
  lengths: Int32Array | null;
  scale: number;
  /** Present when the main thread reseeded dropout since the last job. */
  reseed?: number;
}

/**
 * A forward-only job (TwoThreadForward): the worker's items of the batch, in shared memory, and where
 * their logits go (shared memory too); no gradient, no loss.
 */
export interface ForwardJob {
  forward: true;
  x: Tensor;
  lengths: Int32Array | null;
  logits: Buf;
}

/** The last message: the worker leaves its loop. */
export interface Close {
  close: true;
}

/** One part's results: its mean loss, and its counted targets that the model got right. */
export interface PartResult {
  loss: number;
  correct: number;
  counted: number;
}

/** Shared memory for the two threads: control slots, weights, the worker's gradient and results. */
export function sharedMemory(dtype: DType, params: number): Pick<WorkerInit, 'ctrl' | 'params' | 'grad' | 'out'> {
  return {
    ctrl: new Int32Array(new SharedArrayBuffer(4 * SLOTS)),
    params: sharedBuf(dtype, params),
    grad: sharedBuf(dtype, params),
    out: new Float64Array(new SharedArrayBuffer(24)),
  };
}

/** A float buffer in shared memory. */
export function sharedBuf(dtype: DType, n: number): Buf {
  const bytes = (dtype === 'float64' ? 8 : 4) * Math.max(1, n);
  const sab = new SharedArrayBuffer(bytes);
  return dtype === 'float64' ? new Float64Array(sab, 0, n) : new Float32Array(sab, 0, n);
}

/** An int buffer in shared memory. */
export function sharedInts(n: number): Int32Array {
  return new Int32Array(new SharedArrayBuffer(4 * n));
}

/**
 * Starts the helper of a two-thread step or forward pass with `spawn`: the model's options, this
 * thread's kernel choices (so that both parts take the same paths), the shared memory and the loss.
 * The helper, or, where spawn throws, the sentence saying that `work` ("training", "inference") goes
 * on, on one thread.
 */
export function startHelper<W>(
  spawn: (init: HelperInit) => W,
  model: SequenceModel,
  shared: Pick<HelperInit, 'ctrl' | 'params' | 'grad' | 'out'>,
  loss: HelperInit['loss'],
  work: 'training' | 'inference',
): { helper: W } | { failure: string } {
  try {
    const helper = spawn({
      options: model.options,
      dtype: model.table.dtype,
      backend: gemmBackend(),
      dispatch: { ...gemmDispatch },
      ...shared,
      loss,
    });
    return { helper };
  } catch (e) {
    return { failure: `the ${work} worker thread could not start (${(e as Error).message}); ${work} goes on, on one thread` };
  }
}

/** Sets a control slot and wakes the thread waiting on it. */
export function signal(ctrl: Int32Array, slot: number, value: number): void {
  Atomics.store(ctrl, slot, value);
  Atomics.notify(ctrl, slot);
}

/**
 * The caller's side of job n: waits until the helper signals DONE = n, and says why not when it cannot
 * (null when it did its part): it failed to start (READY -1), its part threw (STATUS 1), or it stopped
 * answering. A helper that died cannot reach a thread blocked here with its 'exit' event, hence the
 * bound: `timeoutMs`, or 50 times the caller's own part, whichever is longer.
 */
export function awaitJob(ctrl: Int32Array, n: number, timeoutMs: number, mineMs: number, part: string): string | null {
  const bound = Math.max(timeoutMs, 50 * mineMs);
  const started = performance.now();
  for (;;) {
    const done = Atomics.load(ctrl, DONE);
    if (done === n) break;
    if (Atomics.load(ctrl, READY) < 0) return 'it failed to start';
    if (performance.now() - started > bound) return `it did not answer within ${Math.round(bound / 1000)} s`;
    Atomics.wait(ctrl, DONE, done, 250);
  }
  return Atomics.load(ctrl, STATUS) !== 0 ? `its ${part} threw` : null;
}

/** The helper's side of job n: runs `work`, sets STATUS (0, or 1 when it threw) and signals DONE = n; returns the error's message, or null. */
export function doJob(ctrl: Int32Array, n: number, work: () => void): string | null {
  let error: string | null = null;
  try {
    work();
    Atomics.store(ctrl, STATUS, 0);
  } catch (e) {
    Atomics.store(ctrl, STATUS, 1);
    error = e instanceof Error ? e.message : String(e);
  }
  signal(ctrl, DONE, n);
  return error;
}

export function writeResult(out: Float64Array, r: PartResult): void {
  out[OUT_LOSS] = r.loss;
  out[OUT_CORRECT] = r.correct;
  out[OUT_COUNTED] = r.counted;
}

export function readResult(out: Float64Array): PartResult {
  return { loss: out[OUT_LOSS]!, correct: out[OUT_CORRECT]!, counted: out[OUT_COUNTED]! };
}
