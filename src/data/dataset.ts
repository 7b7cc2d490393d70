/**
 * Sequences as the rest of rnnscope sees them, whatever their source (a built-in task, CSV, JSON).
 * Each sequence has its own length; labels are per step (many-to-many) or one per sequence.
 */
import type { Rng } from '../tensor/rng.js';
import type { Tokenizer } from './text.js';
import { columnsOf, statistics, type SequenceColumns } from './columns.js';

export type Target = 'steps' | 'last';

export interface Sequence {
  /** The id the user knows it by (CSV id column, JSON index, or a generated "seq-12"). */
  id: string;
  /** Steps in this sequence. */
  length: number;
  /** [length, I] features, row-major. */
  x: Float32Array;
  /** Class ids: [length] when target is "steps" (-100 where a step has no label), [1] when "last". */
  y: Int32Array;
  /** Real-valued targets of a regression dataset (read with `regression`), laid out as `y`; NaN where there is none. */
  v?: Float32Array;
  /** What `v` is relative to, in the target's units (a forecasting window's last value of the target); 0 when absent. */
  offset?: number;
  /** The group the sequence belongs to (a CSV group column), for a split that keeps groups whole. */
  group?: string;
  /** The step values as the file writes them (a CSV step column, or a wide file's column names), to echo back. */
  steps?: string[];
  /** A text dataset's string (src/data/text-data.ts): x holds its token ids once the vocabulary is built. */
  text?: string;
}

/** What makes a dataset text: how it is cut into tokens, what is predicted, and (once built) its vocabulary. */
export interface TextSpec {
  tokenizer: Tokenizer;
  /** classify: one label per text; next: the next token at every step (a language model). */
  kind: 'classify' | 'next';
  /** Tokens by id (<pad>, <unk>, then the training split's), once built from it or read from a model file. */
  vocabulary?: string[];
  /** The data file's text column (a classifier's), so predict finds it again. */
  column?: string;
}

export interface Dataset {
  /** Short name ("trend", or the file name). */
  name: string;
  /** One line for the user: what the task is and why it needs memory. */
  description: string;
  features: string[];
  classes: string[];
  target: Target;
  sequences: Sequence[];
  /** A file's columns the reader did not use (neither id, step, label nor feature). */
  unused?: string[];
  /** The step column, and whether it was taken by its name (step, t, time, timestep) rather than given. */
  stepColumn?: { name: string; byName: boolean };
  /** Present for text: its sequences carry `text`, encoded by prepare with the training split's vocabulary. */
  text?: TextSpec;
  /**
   * The same sequences column by column (src/data/columns.ts), where the reader made them so (the CSV
   * fast path): then `sequences` is made on first use, and prepare and the batchers read the columns.
   * Not enumerable (src/data/columns.ts, `columnar`): a Dataset spread from this one is a plain one.
   */
  columns?: SequenceColumns;
}

export interface Split {
  train: Sequence[];
  val: Sequence[];
  test: Sequence[];
}

/**
 * Shuffles with `rng` and cuts into train / validation / test by fractions (the rest is train).
 * From 3 sequences on, validation and test get at least one each (unless a fraction is 0).
 */
export function split(seqs: Sequence[], rng: Rng, valFrac = 0.15, testFrac = 0.15): Split {
  const p = splitIndices(seqs.length, rng, valFrac, testFrac);
  const pick = (ix: number[]) => ix.map((i) => seqs[i]!);
  return { test: pick(p.test), val: pick(p.val), train: pick(p.train) };
}

/** Indices of a split of n sequences. */
export interface SplitIndices {
  train: number[];
  val: number[];
  test: number[];
}

/** `split` by index: the same shuffle and cut. */
export function splitIndices(n: number, rng: Rng, valFrac = 0.15, testFrac = 0.15): SplitIndices {
  const order = Array.from({ length: n }, (_, i) => i);
  rng.shuffle(order);
  const [nVal, nTest] = splitSizes(n, valFrac, testFrac);
  return { test: order.slice(0, nTest), val: order.slice(nTest, nTest + nVal), train: order.slice(nTest + nVal, n) };
}

/** `splitOrdered` by index for sequences whose order is the file's (no dated steps): the earliest train, the latest test. */
export function orderedIndices(n: number, valFrac = 0.15, testFrac = 0.15): SplitIndices {
  const [nVal, nTest] = splitSizes(n, valFrac, testFrac);
  const nTrain = n - nVal - nTest;
  const range = (a: number, b: number) => Array.from({ length: b - a }, (_, i) => a + i);
  return { train: range(0, nTrain), val: range(nTrain, nTrain + nVal), test: range(nTrain + nVal, n) };
}

/** How sequences are split: shuffled, in their order (file or time), or by whole groups. */
export type SplitKind = 'random' | 'ordered' | 'group';

/** Sizes of validation and test for `n` sequences: at least one each from 3 on (0 where a fraction is 0). */
function splitSizes(n: number, valFrac: number, testFrac: number): [number, number] {
  const least = (f: number) => (n >= 3 && f > 0 ? 1 : 0);
  return [Math.max(least(valFrac), Math.round(n * valFrac)), Math.max(least(testFrac), Math.round(n * testFrac))];
}

/**
 * The chronological split: sequences in their order (the file's, or their first step's time when
 * every step is a date), the earliest for training, then validation, the latest for test, so a
 * model is judged on what came after what it learnt from. (Named apart from a series' own
 * chronological windowing, which cuts one long series; both keep the future out of training.)
 */
export function splitOrdered(seqs: Sequence[], valFrac = 0.15, testFrac = 0.15): Split {
  const times = seqs.map((s) => (s.steps?.[0] !== undefined && !/^[+-]?\d+$/.test(s.steps[0]) ? Date.parse(s.steps[0]) : NaN));
  const order = seqs.map((_, i) => i);
  if (times.every((t) => Number.isFinite(t))) order.sort((a, b) => times[a]! - times[b]! || a - b);
  const [nVal, nTest] = splitSizes(seqs.length, valFrac, testFrac);
  const nTrain = seqs.length - nVal - nTest;
  const pick = (a: number, b: number) => order.slice(a, b).map((i) => seqs[i]!);
  return { train: pick(0, nTrain), val: pick(nTrain, nTrain + nVal), test: pick(nTrain + nVal, seqs.length) };
}

/**
 * The group split: whole groups (Sequence.group) go to test, then validation, until each holds its
 * fraction of the sequences, the rest to training, so no group is on two sides.
 */
export function splitByGroup(seqs: Sequence[], rng: Rng, valFrac = 0.15, testFrac = 0.15): Split {
  const groups = [...new Set(seqs.map((s) => s.group ?? s.id))];
  rng.shuffle(groups);
  const [nVal, nTest] = splitSizes(seqs.length, valFrac, testFrac);
  const size = new Map<string, number>();
  for (const s of seqs) size.set(s.group ?? s.id, (size.get(s.group ?? s.id) ?? 0) + 1);
  const side = new Map<string, keyof Split>();
  let [inTest, inVal] = [0, 0];
  for (const g of groups) {
    // Test and validation each take groups until full, keeping one group at least for training.
    if (inTest < nTest && side.size < groups.length - 1) {
      side.set(g, 'test');
      inTest += size.get(g)!;
    } else if (inVal < nVal && side.size < groups.length - 1) {
      side.set(g, 'val');
      inVal += size.get(g)!;
    } else side.set(g, 'train');
  }
  const out: Split = { train: [], val: [], test: [] };
  for (const s of seqs) out[side.get(s.group ?? s.id)!].push(s);
  return out;
}

/** Splits by `kind` (see SplitKind). `valFrac` or `testFrac` 0 leaves that part empty (its data came from elsewhere). */
export function splitBy(kind: SplitKind, seqs: Sequence[], rng: Rng, valFrac = 0.15, testFrac = 0.15): Split {
  if (kind === 'ordered') return splitOrdered(seqs, valFrac, testFrac);
  if (kind === 'group') return splitByGroup(seqs, rng, valFrac, testFrac);
  return split(seqs, rng, valFrac, testFrac);
}

/** Longest sequence. */
export function maxLength(seqs: readonly Sequence[]): number {
  const cols = columnsOf(seqs);
  if (cols) return cols.maxLength(); // without making a view of each
  let T = 0;
  for (const s of seqs) T = Math.max(T, s.length);
  return T;
}

export interface Normalization {
  mean: number[];
  std: number[];
}

/** Per-feature mean and standard deviation over every step of `seqs` (std 1 where a feature is constant). */
export function fitNormalization(seqs: readonly Pick<Sequence, 'x' | 'length'>[], I: number): Normalization {
  const sum = new Float64Array(I);
  const sq = new Float64Array(I);
  let n = 0;
  for (const s of seqs) {
    for (let t = 0; t < s.length; t++) {
      for (let i = 0; i < I; i++) {
        const v = s.x[t * I + i]!;
        sum[i]! += v;
        sq[i]! += v * v;
      }
    }
    n += s.length;
  }
  return statistics(sum, sq, n);
}

/** A copy of `seqs` with features standardised by `norm`. */
export function applyNormalization<S extends Pick<Sequence, 'x'>>(seqs: readonly S[], norm: Normalization): S[] {
  const I = norm.mean.length;
  return seqs.map((s) => {
    const x = new Float32Array(s.x.length);
    for (let k = 0; k < x.length; k++) x[k] = (s.x[k]! - norm.mean[k % I]!) / norm.std[k % I]!;
    return { ...s, x };
  });
}
