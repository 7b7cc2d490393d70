/**
 * Sequences as the rest of rnnscope sees them, whatever their source (a built-in task, CSV, JSON).
 * Each sequence has its own length; labels are per step (many-to-many) or one per sequence.
 */
import type { Rng } from '../tensor/rng.js';

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
  /** The step values as the file writes them (a CSV step column, or a wide file's column names), to echo back. */
  steps?: string[];
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
}

export interface Split {
  train: Sequence[];
  val: Sequence[];
  test: Sequence[];
}

/**
 * Shuffles with `rng` and cuts into train / validation / test by fractions (the rest is train).
 * From 3 sequences on, validation and test get at least one each.
 */
export function split(seqs: Sequence[], rng: Rng, valFrac = 0.15, testFrac = 0.15): Split {
  const order = seqs.map((_, i) => i);
  rng.shuffle(order);
  const least = seqs.length >= 3 ? 1 : 0;
  const nVal = Math.max(least, Math.round(seqs.length * valFrac));
  const nTest = Math.max(least, Math.round(seqs.length * testFrac));
  const pick = (a: number, b: number) => order.slice(a, b).map((i) => seqs[i]!);
  return { test: pick(0, nTest), val: pick(nTest, nTest + nVal), train: pick(nTest + nVal, seqs.length) };
}

/** Longest sequence. */
export function maxLength(seqs: readonly Sequence[]): number {
  let T = 0;
  for (const s of seqs) T = Math.max(T, s.length);
  return T;
}

export interface Normalization {
  mean: number[];
  std: number[];
}

/** Per-feature mean and standard deviation over every step of `seqs` (std 1 where a feature is constant). */
export function fitNormalization(seqs: readonly Sequence[], I: number): Normalization {
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
  const mean = Array.from(sum, (v) => v / Math.max(n, 1));
  const std = Array.from(sq, (v, i) => {
    const varc = v / Math.max(n, 1) - mean[i]! * mean[i]!;
    return varc > 1e-12 ? Math.sqrt(varc) : 1;
  });
  return { mean, std };
}

/** A copy of `seqs` with features standardised by `norm`. */
export function applyNormalization(seqs: readonly Sequence[], norm: Normalization): Sequence[] {
  const I = norm.mean.length;
  return seqs.map((s) => {
    const x = new Float32Array(s.x.length);
    for (let k = 0; k < x.length; k++) x[k] = (s.x[k]! - norm.mean[k % I]!) / norm.std[k % I]!;
    return { ...s, x };
  });
}
