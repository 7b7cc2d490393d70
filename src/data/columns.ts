/**
 * A data set column by column: every step's features in one Float32Array, the class ids in one
 * Int32Array, and each sequence's first step in `start`, so N sequences cost their numbers, their ids
 * and 4 bytes each, not an object and two typed-array views each (about 260 bytes a sequence on V8,
 * more than 10 steps of 5 float32 features). A Sequence object is a light view made when asked
 * (`sequence(k)`, `sequences()`); the batchers read straight from the columns (`columnsOf`).
 *
 * The CSV fast path (src/data/csv-fast.ts) makes its Dataset this way; `columnar` gives it a
 * `sequences` made on first use, and `prepare` (src/train/prepare.ts) splits and normalises the
 * columns by index, so training a file never makes the whole file's views.
 */
import type { Dataset, Normalization, Sequence, Target } from './dataset.js';

export class SequenceColumns {
  /** Views made by `sequences()`: the batchers find the columns behind an array of them. */
  private made: Sequence[] | null = null;

  constructor(
    /** Features per step. */
    readonly I: number,
    /** [steps, I] every sequence's steps in turn, row-major. */
    readonly x: Float32Array,
    /** [N + 1] sequence k's steps are start[k] .. start[k + 1] - 1. */
    readonly start: Int32Array,
    /** Class ids: [steps] for "steps" (-100 where a step has no label), [N] for "last". */
    readonly y: Int32Array,
    readonly target: Target,
    readonly ids: readonly string[],
    /** The step values as the file writes them, each sequence's from its first (integers counting up); null: none. */
    readonly stepTexts: ((k: number) => string[]) | null = null,
  ) {}

  /** Sequences held. */
  get size(): number {
    return this.start.length - 1;
  }

  lengthOf(k: number): number {
    return this.start[k + 1]! - this.start[k]!;
  }

  /** Where sequence k's class ids begin in `y` (one of them for "last"). */
  yAt(k: number): number {
    return this.target === 'steps' ? this.start[k]! : k;
  }

  /** Sequence k as a Sequence: views of the columns, made now. */
  sequence(k: number): Sequence {
    const a = this.start[k]!;
    const b = this.start[k + 1]!;
    const y = this.target === 'steps' ? this.y.subarray(a, b) : this.y.subarray(k, k + 1);
    const steps = this.stepTexts?.(k);
    return { id: this.ids[k]!, length: b - a, x: this.x.subarray(a * this.I, b * this.I), y, ...(steps ? { steps } : {}) };
  }

  /** Every sequence as a view, made once; the array is known to `columnsOf`. */
  sequences(): Sequence[] {
    if (this.made === null) {
      const n = this.size;
      const out = new Array<Sequence>(n);
      for (let k = 0; k < n; k++) out[k] = this.sequence(k);
      this.made = out;
      madeFrom.set(out, this);
    }
    return this.made;
  }

  /** The longest sequence's steps. */
  maxLength(): number {
    let T = 0;
    for (let k = 0; k < this.size; k++) T = Math.max(T, this.lengthOf(k));
    return T;
  }

  /**
   * The sequences at `order`, in that order, as new columns, their features standardised by `norm`
   * (as applyNormalization does, to the bit) or copied when it is null.
   */
  pick(order: readonly number[], norm: Normalization | null): SequenceColumns {
    const { I } = this;
    const n = order.length;
    const start = new Int32Array(n + 1);
    for (let j = 0; j < n; j++) start[j + 1] = start[j]! + this.lengthOf(order[j]!);
    const x = new Float32Array(start[n]! * I);
    const y = new Int32Array(this.target === 'steps' ? start[n]! : n);
    for (let j = 0; j < n; j++) {
      const k = order[j]!;
      const from = this.start[k]! * I;
      const len = this.lengthOf(k) * I;
      const to = start[j]! * I;
      if (norm === null) x.set(this.x.subarray(from, from + len), to);
      else for (let e = 0; e < len; e++) x[to + e] = (this.x[from + e]! - norm.mean[e % I]!) / norm.std[e % I]!;
      if (this.target === 'steps') y.set(this.y.subarray(this.start[k]!, this.start[k + 1]!), start[j]!);
      else y[j] = this.y[k]!;
    }
    const texts = this.stepTexts;
    return new SequenceColumns(
      I,
      x,
      start,
      y,
      this.target,
      order.map((k) => this.ids[k]!),
      texts && ((j: number) => texts(order[j]!)),
    );
  }

  /** fitNormalization over the sequences at `order`, summed in that order (the same numbers to the bit). */
  fitNormalization(order: readonly number[]): Normalization {
    const { I } = this;
    const sum = new Float64Array(I);
    const sq = new Float64Array(I);
    let n = 0;
    for (const k of order) {
      const base = this.start[k]! * I;
      const T = this.lengthOf(k);
      for (let t = 0; t < T; t++) {
        for (let i = 0; i < I; i++) {
          const v = this.x[base + t * I + i]!;
          sum[i]! += v;
          sq[i]! += v * v;
        }
      }
      n += T;
    }
    return statistics(sum, sq, n);
  }
}

/** Mean and standard deviation from sums (std 1 where a feature is constant): fitNormalization's last step. */
export function statistics(sum: Float64Array, sq: Float64Array, n: number): Normalization {
  const mean = Array.from(sum, (v) => v / Math.max(n, 1));
  const std = Array.from(sq, (v, i) => {
    const varc = v / Math.max(n, 1) - mean[i]! * mean[i]!;
    return varc > 1e-12 ? Math.sqrt(varc) : 1;
  });
  return { mean, std };
}

const madeFrom = new WeakMap<readonly Sequence[], SequenceColumns>();

/** The columns behind `seqs` when it is one's `sequences()` (then seqs[k] is its sequence k), else null. */
export function columnsOf(seqs: readonly Sequence[]): SequenceColumns | null {
  return madeFrom.get(seqs) ?? null;
}

/**
 * A Dataset over `columns`: `sequences` is made on first use (and may be replaced), so a data set
 * that is only trained on, counted or predicted in batches never holds an object per sequence.
 * `columns` is not enumerable: a Dataset spread from this one (`{ ...ds, sequences }`) or sent to a
 * worker is a plain one, its sequences made, never columns that no longer match them.
 */
export function columnar(ds: Omit<Dataset, 'sequences'>, columns: SequenceColumns): Dataset {
  const out = { ...ds } as Dataset;
  Object.defineProperty(out, 'columns', { value: columns, enumerable: false, configurable: true, writable: false });
  Object.defineProperty(out, 'sequences', {
    enumerable: true,
    configurable: true,
    get: () => columns.sequences(),
    // new sequences are no longer the columns'
    set: (v: Sequence[]) => {
      delete out.columns;
      Object.defineProperty(out, 'sequences', { value: v, enumerable: true, configurable: true, writable: true });
    },
  });
  return out;
}

/** How many sequences `ds` holds, without making them. */
export function sequenceCount(ds: Dataset): number {
  return ds.columns?.size ?? ds.sequences.length;
}

/** Sequence k's length, without making it. */
export function lengthAt(ds: Dataset, k: number): number {
  return ds.columns ? ds.columns.lengthOf(k) : ds.sequences[k]!.length;
}
