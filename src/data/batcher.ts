/**
 * Batches, time-major as the engine wants them: x [T, B, I], targets [T, B] (per step) or [B]
 * (per sequence), and lengths [B]. Every batch is padded to the longest sequence of the dataset,
 * so one workspace serves a whole run; the buffers of each batch size are made once and refilled.
 */
import type { Tensor } from '../tensor/buf.js';
import type { Rng } from '../tensor/rng.js';
import { maxLength, type Sequence, type Target } from './dataset.js';
import { columnsOf, type SequenceColumns } from './columns.js';

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

/**
 * What every batcher shares: the sequences in a seeded order, cut into batches of batchSize, each
 * batch's inputs copied time-major into x [T, B, I] and zero-padded past each sequence's length.
 * The targets are the subclass's (class ids here, values in src/train/regress.ts).
 */
export abstract class SequenceBatches<B> {
  readonly T: number;
  protected readonly order: number[];
  /** The columns `seqs` are views of (prepare's parts), read directly; null for other arrays. */
  protected readonly columns: SequenceColumns | null;

  constructor(
    readonly seqs: readonly Sequence[],
    readonly I: number,
    readonly target: Target,
    readonly batchSize: number,
    T?: number,
  ) {
    this.columns = columnsOf(seqs);
    this.T = T ?? this.columns?.maxLength() ?? maxLength(seqs);
    this.order = Array.from({ length: seqs.length }, (_, i) => i); // (not seqs.map: a part's list makes a view per read)
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
  abstract batch(k: number): B;

  /** The size of batch k. */
  protected sizeOf(k: number): number {
    return Math.min(this.batchSize, this.seqs.length - k * this.batchSize);
  }

  /**
   * Batch k's sequences in batch order: their inputs into x [T, B, I] (zeroed first) and lengths
   * into `lengths`; `ragged` when one is shorter than T.
   */
  protected gather(k: number, x: Float32Array, lengths: Int32Array): { items: Sequence[]; ragged: boolean } {
    const from = k * this.batchSize;
    const B = lengths.length;
    const { T, I } = this;
    x.fill(0);
    const items: Sequence[] = [];
    const qs: number[] = [];
    let ragged = false;
    const c = this.columns;
    const mean = c?.norm?.mean;
    const std = c?.norm?.std;
    for (let j = 0; j < B; j++) {
      const q = this.order[from + j]!;
      if (c) qs.push(q);
      else items.push(this.seqs[q]!);
      // from the columns when there are (sequence q is their q, standardised as it is read when they
      // say so, as applyNormalization would), else from the sequence's own view
      const len = c ? c.lengthOf(q) : this.seqs[q]!.length;
      const src = c ? c.x : this.seqs[q]!.x;
      const base = c ? c.stepOf(q) * I : 0;
      lengths[j] = len;
      if (len < T) ragged = true;
      if (mean && std)
        for (let t = 0; t < len; t++) for (let i = 0; i < I; i++) x[(t * B + j) * I + i] = (src[base + t * I + i]! - mean[i]!) / std[i]!;
      else for (let t = 0; t < len; t++) for (let i = 0; i < I; i++) x[(t * B + j) * I + i] = src[base + t * I + i]!;
    }
    // a part's items are made when read (a training step reads none of them)
    return { items: c ? c.listAt(qs) : items, ragged };
  }
}

/** Batches of class ids: targets [T, B] (per step, -100 past a sequence's end) or [B]; buffers made once per batch size. */
export class Batcher extends SequenceBatches<Batch> {
  private readonly bufs = new Map<number, Buffers>();

  batch(k: number): Batch {
    const B = this.sizeOf(k);
    const { T, I } = this;
    let b = this.bufs.get(B);
    if (!b) {
      b = { x: new Float32Array(T * B * I), targets: new Int32Array(this.target === 'steps' ? T * B : B), lengths: new Int32Array(B) };
      this.bufs.set(B, b);
    }
    const { items, ragged } = this.gather(k, b.x, b.lengths);
    const c = this.columns;
    for (let j = 0; j < B; j++) {
      const q = this.order[k * this.batchSize + j]!;
      const len = b.lengths[j]!;
      const y = c ? c.y : items[j]!.y;
      const at = c ? c.yAt(q) : 0;
      if (this.target === 'steps') {
        for (let t = 0; t < T; t++) b.targets[t * B + j] = t < len ? y[at + t]! : -100;
      } else {
        b.targets[j] = y[at]!;
      }
    }
    return { x: { data: b.x, shape: [T, B, I] }, targets: b.targets, lengths: ragged ? b.lengths : null, items };
  }
}
