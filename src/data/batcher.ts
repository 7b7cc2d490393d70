/**
 * Batches, time-major as the engine wants them: x [T, B, I], targets [T, B] (per step) or [B]
 * (per sequence), and lengths [B]. Every batch is padded to the longest sequence of the dataset,
 * so one workspace serves a whole run; the buffers of each batch size are made once and refilled.
 */
import type { Tensor } from '../tensor/buf.js';
import type { Rng } from '../tensor/rng.js';
import { maxLength, type Sequence, type Target } from './dataset.js';

export interface Batch {
  x: Tensor;
  targets: Int32Array;
  /** null when every sequence in the batch has the full length T. */
  lengths: Int32Array | null;
  /** The sequences in this batch, in batch order. */
  items: Sequence[];
}

interface Buffers {
  x: Float32Array;
  targets: Int32Array;
  lengths: Int32Array;
}

export class Batcher {
  readonly T: number;
  private readonly bufs = new Map<number, Buffers>();
  private readonly order: number[];

  constructor(
    readonly seqs: readonly Sequence[],
    readonly I: number,
    readonly target: Target,
    readonly batchSize: number,
    T?: number,
  ) {
    this.T = T ?? maxLength(seqs);
    this.order = seqs.map((_, i) => i);
  }

  /** Batches per pass over the data. */
  get count(): number {
    return Math.ceil(this.seqs.length / this.batchSize);
  }

  /** A fresh random order for the next pass; it depends on `rng` alone, not on earlier passes. */
  shuffle(rng: Rng): void {
    for (let i = 0; i < this.order.length; i++) this.order[i] = i;
    rng.shuffle(this.order);
  }

  /** Batch k of the current order (the last one may be smaller). */
  batch(k: number): Batch {
    const from = k * this.batchSize;
    const B = Math.min(this.batchSize, this.seqs.length - from);
    const { T, I } = this;
    let b = this.bufs.get(B);
    if (!b) {
      b = { x: new Float32Array(T * B * I), targets: new Int32Array(this.target === 'steps' ? T * B : B), lengths: new Int32Array(B) };
      this.bufs.set(B, b);
    }
    b.x.fill(0);
    const items: Sequence[] = [];
    let ragged = false;
    for (let j = 0; j < B; j++) {
      const s = this.seqs[this.order[from + j]!]!;
      items.push(s);
      b.lengths[j] = s.length;
      if (s.length < T) ragged = true;
      for (let t = 0; t < s.length; t++) {
        for (let i = 0; i < I; i++) b.x[(t * B + j) * I + i] = s.x[t * I + i]!;
      }
      if (this.target === 'steps') {
        for (let t = 0; t < T; t++) b.targets[t * B + j] = t < s.length ? s.y[t]! : -100;
      } else {
        b.targets[j] = s.y[0]!;
      }
    }
    return { x: { data: b.x, shape: [T, B, I] }, targets: b.targets, lengths: ragged ? b.lengths : null, items };
  }
}
