/**
 * Inference on two threads (no gradient): TwoThreadForward splits a large batch in two by items, runs
 * the model's noGrad forward pass over the first part here and over the second on a helper thread
 * holding a replica of the model (the same helper TwoThreadStep starts: replica.ts), which writes its
 * part's logits into shared memory; the two parts' logits are laid out as the whole batch's. Every
 * item's numbers are computed by the same kernels in the same order as on one thread, so the logits
 * are the one-thread logits bit for bit: a batch is split only where each part takes the same kernels
 * as the whole (every GEMM of a part large enough for WebAssembly, float32), else it runs here.
 *
 * Per batch this thread copies the weights and the helper's items into shared memory, wakes the
 * helper (Atomics), runs its own part, waits, and copies the helper's logits in. Batches below
 * `minWork` multiply-adds run here alone. How the helper starts is the caller's (`spawn`): the Node
 * one is src/node/parallel.ts's ParallelForward.
 */
import { alloc, type Buf, type Tensor } from '../tensor/buf.js';
import { gemmBackend, wasmSized } from '../tensor/gemm.js';
import type { ModelResult, SequenceModel } from '../nn/model.js';
import { stepWidth } from '../nn/model.js';
import { cellOf } from '../nn/cells/index.js';
import { ConfigError } from '../errors.js';
import { batchDims } from '../train/step.js';
import { JOB, awaitJob, sharedBuf, sharedInts, sharedMemory, signal, startHelper, type WorkerInit } from './protocol.js';
import { partItems } from './split-batch.js';
import type { Helper, Spawn } from './two-threads.js';

export interface ParallelForwardOptions {
  /** Threads in all, this one included: 1 or 2. Default 2. */
  threads?: number;
  /**
   * Batches with fewer multiply-adds than this (T x B x gates x H x (I + H) per layer, the recurrent
   * layers' work) run on this thread alone. Default 2,000,000.
   */
  minWork?: number;
  /** How long to wait for a helper that does not answer before running its part here (ms). Default 60,000. */
  workerTimeout?: number;
  /** Starts the helper (a Node worker thread in src/node/parallel.ts). */
  spawn: Spawn;
}

/** One batch shape's parts: this thread's items (plain arrays) and the helper's (shared), and the logits. */
interface Parts {
  B1: number;
  B2: number;
  mine: { x: Tensor; lengths: Int32Array | null };
  theirs: { x: Tensor; lengths: Int32Array | null; logits: Buf };
  logits: Tensor;
}

export class TwoThreadForward {
  readonly threads: number;
  private readonly minWork: number;
  private readonly workerTimeout: number;
  private readonly shared: Pick<WorkerInit, 'ctrl' | 'params' | 'grad' | 'out'>;
  private readonly spawn: Spawn;
  private readonly parts = new Map<string, Parts>();
  private worker: Helper | null = null;
  private closed = false;
  private jobs = 0;
  /** Batches that ran on both threads, and on this one alone. */
  readonly counts = { parallel: 0, single: 0 };
  /** Why the helper stopped being used, when it failed to start or died; null while it works. */
  failure: string | null = null;

  constructor(
    readonly model: SequenceModel,
    o: ParallelForwardOptions,
  ) {
    this.threads = o.threads ?? 2;
    if (this.threads !== 1 && this.threads !== 2) throw new ConfigError(`threads must be 1 or 2, got ${String(o.threads)}`);
    this.minWork = o.minWork ?? 2_000_000;
    if (!(this.minWork >= 0)) throw new ConfigError(`minWork must be a number >= 0, got ${String(o.minWork)}`);
    this.workerTimeout = o.workerTimeout ?? 60_000;
    this.shared = sharedMemory(model.table.dtype, model.table.size);
    this.spawn = o.spawn;
  }

  /**
   * 2 when a batch of B sequences of T steps is worth sharing (minWork) and each part takes the same
   * kernels as the whole (so the logits are the same bit for bit), else 1.
   */
  threadsFor(B: number, T: number): number {
    const m = this.model;
    const o = m.options;
    if (this.threads < 2 || this.closed || B < 2 || m.table.dtype !== 'float32' || gemmBackend() === 'js') return 1;
    const G = cellOf(o.mode).rows * o.hiddenSize;
    const P = o.projSize || o.hiddenSize;
    const work = T * B * G * (o.inputSize + P) * o.numLayers;
    if (work < this.minWork) return 1;
    const B2 = partItems(B)[1];
    const rows = o.headOn === 'steps' ? T * B2 : B2;
    const sized =
      wasmSized(B2, G, P) &&
      wasmSized(T * B2, G, o.inputSize) &&
      wasmSized(rows, o.numClasses, m.head.inFeatures) &&
      (!o.projSize || wasmSized(B2, P, o.hiddenSize));
    return sized ? 2 : 1;
  }

  /**
   * The logits of `model.forward(x, { lengths, noGrad: true })`, the same bit for bit, computed on two
   * threads when the batch is large enough. Laid out as the model lays them out ([T, B, C], [B, T, C]
   * batch-first, [B, C] for headOn "last"); a view of a buffer kept per batch shape, which the next
   * call of that shape overwrites.
   */
  forward(x: Tensor, f: { lengths?: ArrayLike<number> | null } = {}): Tensor {
    const m = this.model;
    const o = m.options;
    const lengths = f.lengths ?? null;
    const { T, B, batched } = batchDims(o, x);
    const I = stepWidth(o);
    const whole = (): Tensor => this.single(x, lengths);
    // (a token model's batch may come as [T, B] ids, without the trailing 1)
    const width = x.shape.length === 3 ? x.shape[2] : I;
    if (!batched || width !== I || x.data.length !== T * B * I || this.threadsFor(B, T) < 2) return whole();
    if (lengths && (lengths.length !== B || !validLengths(lengths, T))) return whole(); // forward() says what is wrong
    const p = this.partsFor(T, B, lengths !== null);
    // Split, checking the values as they are copied: forward() on the whole batch names a bad one.
    if (!this.split(x, lengths, T, B, I, p)) return whole();
    if (!this.startWorker()) return whole();
    this.counts.parallel++;
    const { ctrl, params } = this.shared;
    params.set(m.table.data);
    this.worker!.post({ forward: true, x: p.theirs.x, lengths: p.theirs.lengths, logits: p.theirs.logits });
    const n = ++this.jobs;
    signal(ctrl, JOB, n);
    const t0 = performance.now();
    let mine: ModelResult | null = null;
    let ok = false;
    try {
      mine = m.forward(p.mine.x, { lengths: p.mine.lengths, noGrad: true });
    } finally {
      ok = this.await(n, performance.now() - t0);
    }
    if (!ok) {
      // The helper failed or died: it is closed, and the whole batch runs here.
      this.counts.parallel--;
      return whole();
    }
    this.join(mine.logits.data, p, T);
    return p.logits;
  }

  private single(x: Tensor, lengths: ArrayLike<number> | null): Tensor {
    this.counts.single++;
    return this.model.forward(x, { lengths, noGrad: true }).logits;
  }

  /** Stops the helper; batches run on this thread alone afterwards. */
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

  private startWorker(): boolean {
    if (this.worker) return true;
    const started = startHelper(this.spawn, this.model, this.shared, { weight: null, ignoreIndex: -100 }, 'inference');
    if ('failure' in started) {
      this.failure = started.failure;
      this.close();
      return false;
    }
    this.worker = started.helper;
    return true;
  }

  /** Waits for the helper's job n: true when it wrote its logits, false (and the helper closed) when it cannot. */
  private await(n: number, mineMs: number): boolean {
    const why = awaitJob(this.shared.ctrl, n, this.workerTimeout, mineMs, 'part');
    return why === null || this.fail(why);
  }

  private fail(why: string): false {
    const msg = this.worker?.message() ?? null;
    this.failure = `the inference worker thread stopped (${why}${msg ? `: ${msg}` : ''}); inference goes on, on one thread`;
    this.close();
    return false;
  }

  private partsFor(T: number, B: number, ragged: boolean): Parts {
    const key = `${T},${B},${ragged ? 1 : 0}`;
    let p = this.parts.get(key);
    if (!p) {
      const o = this.model.options;
      const [B1, B2] = partItems(B);
      const I = stepWidth(o);
      const C = o.numClasses;
      const shape = (b: number): number[] => (o.batchFirst ? [b, T, I] : [T, b, I]);
      const rows = (b: number): number => (o.headOn === 'steps' ? T * b : b);
      const lshape = o.headOn === 'steps' ? (o.batchFirst ? [B, T, C] : [T, B, C]) : [B, C];
      p = {
        B1,
        B2,
        mine: { x: { data: alloc('float32', T * B1 * I), shape: shape(B1) }, lengths: ragged ? new Int32Array(B1) : null },
        theirs: {
          x: { data: sharedBuf('float32', T * B2 * I), shape: shape(B2) },
          lengths: ragged ? sharedInts(B2) : null,
          logits: sharedBuf('float32', rows(B2) * C),
        },
        logits: { data: alloc('float32', rows(B) * C), shape: lshape },
      };
      this.parts.set(key, p);
    }
    return p;
  }

  /** Copies items [0, B1) and [B1, B) into the two parts; false when a value is not finite. */
  private split(x: Tensor, lengths: ArrayLike<number> | null, T: number, B: number, I: number, p: Parts): boolean {
    const bf = this.model.options.batchFirst;
    // a token model's ids must be whole numbers below vocabSize: else forward() on the whole batch says which
    const V = this.model.options.vocabSize ?? Infinity;
    const src = x.data;
    let bad = 0;
    const fill = (dst: Buf, b0: number, items: number): void => {
      for (let t = 0; t < T; t++) {
        for (let k = 0; k < items; k++) {
          const from = (bf ? (b0 + k) * T + t : t * B + b0 + k) * I;
          const to = (bf ? k * T + t : t * items + k) * I;
          for (let i = 0; i < I; i++) {
            const v = src[from + i]!;
            bad += v - v;
            if (V !== Infinity && !(Number.isInteger(v) && v >= 0 && v < V)) bad = NaN;
            dst[to + i] = v;
          }
        }
      }
    };
    fill(p.mine.x.data, 0, p.B1);
    fill(p.theirs.x.data, p.B1, p.B2);
    if (lengths) {
      for (let k = 0; k < p.B1; k++) p.mine.lengths![k] = lengths[k]!;
      for (let k = 0; k < p.B2; k++) p.theirs.lengths![k] = lengths[p.B1 + k]!;
    }
    return bad === 0;
  }

  /** The two parts' logits into the whole batch's layout. */
  private join(mine: Buf, p: Parts, T: number): void {
    const o = this.model.options;
    const C = o.numClasses;
    const out = p.logits.data;
    const theirs = p.theirs.logits;
    const { B1, B2 } = p;
    if (o.headOn === 'last' || o.batchFirst) {
      // item-major: the first part's rows, then the second's
      const n1 = (o.headOn === 'last' ? B1 : B1 * T) * C;
      out.set(mine.subarray(0, n1), 0);
      out.set(theirs, n1);
      return;
    }
    const B = B1 + B2;
    for (let t = 0; t < T; t++) {
      out.set(mine.subarray(t * B1 * C, (t + 1) * B1 * C), t * B * C);
      out.set(theirs.subarray(t * B2 * C, (t + 1) * B2 * C), (t * B + B1) * C);
    }
  }
}

function validLengths(lengths: ArrayLike<number>, T: number): boolean {
  for (let b = 0; b < lengths.length; b++) {
    const n = lengths[b]!;
    if (!Number.isInteger(n) || n < 1 || n > T) return false;
  }
  return true;
}
