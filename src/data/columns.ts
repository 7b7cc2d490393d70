/**
 * A data set column by column: every step's features in one Float32Array, the class ids in one
 * Int32Array, and each sequence's first step in `start`, so N sequences cost their numbers, their ids
 * and 4 bytes each, not an object and two typed-array views each (about 260 bytes a sequence on V8,
 * more than 10 steps of 5 float32 features). A Sequence object is a light view made when asked
 * (`sequence(k)`); `list()` is an array of them made one at a time as they are read, never kept, and
 * the batchers read straight from the columns behind it (`columnsOf`).
 *
 * The CSV fast path (src/data/csv-fast.ts) makes its Dataset this way; `columnar` gives it a
 * `sequences` made on first use, and `prepare` (src/train/prepare.ts) splits and normalises the
 * columns by index into one set of columns per part, each handed out as its `list()`, so training a
 * file never holds an object per sequence.
 */
import type { Dataset, Normalization, Sequence, Target } from './dataset.js';

export class SequenceColumns {
  /** Views made by `sequences()`: the batchers find the columns behind an array of them. */
  private made: Sequence[] | null = null;

  constructor(
    /** Features per step. */
    readonly I: number,
    /** [steps, I] every sequence's steps in turn, row-major, as read (never normalised in place). */
    readonly x: Float32Array,
    /** [rows + 1] the stored sequence r's steps are start[r] .. start[r + 1] - 1. */
    readonly start: Int32Array,
    /** Class ids: [steps] for "steps" (-100 where a step has no label), [rows] for "last". */
    readonly y: Int32Array,
    readonly target: Target,
    readonly ids: readonly string[],
    /** The step values as the file writes them, each sequence's from its first (integers counting up); null: none. */
    readonly stepTexts: ((r: number) => string[]) | null = null,
    /** Sequence k is the stored sequence order[k] (a part of a split); null: sequence k is stored sequence k. */
    readonly order: Int32Array | null = null,
    /** Features are read standardised by this (as applyNormalization does, to the bit); null: as stored. */
    readonly norm: Normalization | null = null,
  ) {}

  /** Sequences held. */
  get size(): number {
    return this.order ? this.order.length : this.start.length - 1;
  }

  /** Where sequence k is stored (its index into start, and y for "last"). */
  rowOf(k: number): number {
    return this.order ? this.order[k]! : k;
  }

  lengthOf(k: number): number {
    const r = this.rowOf(k);
    return this.start[r + 1]! - this.start[r]!;
  }

  /** Sequence k's first step in `x` (its features from x[stepOf(k) * I]). */
  stepOf(k: number): number {
    return this.start[this.rowOf(k)]!;
  }

  /** Where sequence k's class ids begin in `y` (one of them for "last"). */
  yAt(k: number): number {
    const r = this.rowOf(k);
    return this.target === 'steps' ? this.start[r]! : r;
  }

  /**
   * Sequence k's features, len * I of them from x[from], into out[to...] as they are read: standardised
   * by `norm` (in doubles, rounded once to float32, as applyNormalization) or copied.
   */
  featuresInto(k: number, out: Float32Array, to: number): void {
    const { I, norm } = this;
    const from = this.stepOf(k) * I;
    const n = this.lengthOf(k) * I;
    if (norm === null) out.set(this.x.subarray(from, from + n), to);
    else for (let e = 0; e < n; e++) out[to + e] = (this.x[from + e]! - norm.mean[e % I]!) / norm.std[e % I]!;
  }

  /** Sequence k as a Sequence: views of the columns (its features a copy when normalised), made now. */
  sequence(k: number): Sequence {
    const r = this.rowOf(k);
    const a = this.start[r]!;
    const b = this.start[r + 1]!;
    const y = this.target === 'steps' ? this.y.subarray(a, b) : this.y.subarray(r, r + 1);
    const steps = this.stepTexts?.(r);
    const id = this.ids[r]!;
    if (this.norm === null) return { id, length: b - a, x: this.x.subarray(a * this.I, b * this.I), y, ...(steps ? { steps } : {}) };
    // standardised features are a copy, made when first read (a batch's items are mostly read for id and y)
    let x: Float32Array | null = null;
    const feats = () => {
      if (x === null) {
        x = new Float32Array((b - a) * this.I);
        this.featuresInto(k, x, 0);
      }
      return x;
    };
    return {
      id,
      length: b - a,
      get x() {
        return feats();
      },
      y,
      ...(steps ? { steps } : {}),
    };
  }

  /** Every sequence as a view, made once and kept; the array is known to `columnsOf`. */
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

  /**
   * Every sequence as an array that holds none of them: element k is sequence k's view, made each time
   * it is read (so `list[k] !== list[k]`), and read-only. It is an Array to every reader (indexing,
   * length, iteration, map, slice, JSON, Array.isArray) and known to `columnsOf`, so a batcher reads
   * the columns behind it; the memory is the columns' alone, not ~260 bytes of objects a sequence.
   */
  list(): Sequence[] {
    const out = lazyList(this.size, (k) => this.sequence(k));
    madeFrom.set(out, this);
    return out;
  }

  /** The sequences at `ks` as an array like `list()`'s (not known to `columnsOf`: its element j is sequence ks[j]). */
  listAt(ks: readonly number[]): Sequence[] {
    return lazyList(ks.length, (j) => this.sequence(ks[j]!));
  }

  /** The longest sequence's steps. */
  maxLength(): number {
    let T = 0;
    for (let k = 0; k < this.size; k++) T = Math.max(T, this.lengthOf(k));
    return T;
  }

  /**
   * The sequences at `order`, in that order, their features read standardised by `norm` (as
   * applyNormalization gives them, to the bit) or as they are when it is null: new columns over the
   * same arrays, which copy nothing but the order (4 bytes a sequence).
   */
  pick(order: readonly number[], norm: Normalization | null): SequenceColumns {
    if (norm && this.norm) throw new Error('pick: these columns are normalised already');
    const rows = Int32Array.from(order, (k) => this.rowOf(k));
    return new SequenceColumns(this.I, this.x, this.start, this.y, this.target, this.ids, this.stepTexts, rows, norm ?? this.norm);
  }

  /** fitNormalization over the sequences at `order`, summed in that order (the same numbers to the bit). */
  fitNormalization(order: readonly number[]): Normalization {
    const { I } = this;
    const sum = new Float64Array(I);
    const sq = new Float64Array(I);
    let n = 0;
    for (const k of order) {
      const base = this.stepOf(k) * I;
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

/** k when `p` is an array index below n ("0", "17"; not "01", "-0" or "1.5"), else -1. */
function indexOf(p: string | symbol, n: number): number {
  if (typeof p !== 'string' || p.length === 0) return -1;
  const c = p.charCodeAt(0);
  if (c < 48 || c > 57 || (c === 48 && p.length > 1)) return -1;
  const k = Number(p);
  return Number.isInteger(k) && k < n ? k : -1;
}

/** An Array of n elements, element k `at(k)` made when read; writes are refused. */
function lazyList<T>(n: number, at: (k: number) => T): T[] {
  const target: T[] = [];
  target.length = n; // holes: no storage
  const refuse = () => false; // a TypeError in strict code
  return new Proxy(target, {
    get: (t, p, r) => {
      const k = indexOf(p, n);
      return k >= 0 ? at(k) : Reflect.get(t, p, r);
    },
    has: (t, p) => indexOf(p, n) >= 0 || Reflect.has(t, p),
    getOwnPropertyDescriptor: (t, p) => {
      const k = indexOf(p, n);
      return k >= 0 ? { value: at(k), writable: false, enumerable: true, configurable: true } : Reflect.getOwnPropertyDescriptor(t, p);
    },
    ownKeys: (t) => [...Array.from({ length: n }, (_, k) => String(k)), ...Reflect.ownKeys(t)],
    set: refuse,
    defineProperty: refuse,
    deleteProperty: refuse,
    setPrototypeOf: refuse,
  });
}

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

/** Every class id of `seqs` in order (each sequence's y), from the columns behind them when there are, without making a view of each. */
export function forEachLabel(seqs: readonly Sequence[], f: (y: number) => void): void {
  const c = columnsOf(seqs);
  if (c === null) {
    for (const s of seqs) for (const y of s.y) f(y);
    return;
  }
  for (let k = 0; k < c.size; k++) {
    const a = c.yAt(k);
    const n = c.target === 'steps' ? c.lengthOf(k) : 1;
    for (let i = 0; i < n; i++) f(c.y[a + i]!);
  }
}

/** How many sequences `ds` holds, without making them. */
export function sequenceCount(ds: Dataset): number {
  return ds.columns?.size ?? ds.sequences.length;
}

/** Sequence k's length, without making it. */
export function lengthAt(ds: Dataset, k: number): number {
  return ds.columns ? ds.columns.lengthOf(k) : ds.sequences[k]!.length;
}
