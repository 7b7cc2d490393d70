/**
 * Real-valued targets (regression): a Dataset whose sequences carry `v` (K values per step, or K per
 * sequence) instead of classes, the targets' normalisation with the training split's mean and standard
 * deviation, and the way back to the target's own units.
 */
import { DataError } from '../errors.js';
import type { Sequence } from './dataset.js';

/** Per output: the training split's mean and standard deviation of the target. */
export interface TargetNormalization {
  mean: number[];
  std: number[];
}

/**
 * Mean and standard deviation of each of the K outputs over the present (non-NaN) values of `seqs`.
 * A constant output is refused: there is nothing to learn, and its std would divide by 0.
 */
export function fitTargetNormalization(seqs: readonly Sequence[], K: number, names: readonly string[]): TargetNormalization {
  const sum = new Float64Array(K);
  const sq = new Float64Array(K);
  const n = new Float64Array(K);
  for (const s of seqs) {
    const v = s.v!;
    for (let i = 0; i < v.length; i++) {
      const x = v[i]!;
      if (Number.isNaN(x)) continue;
      sum[i % K]! += x;
      n[i % K]!++;
    }
  }
  const mean = Array.from(sum, (v, k) => v / n[k]!);
  for (const s of seqs) {
    const v = s.v!;
    for (let i = 0; i < v.length; i++) if (!Number.isNaN(v[i]!)) sq[i % K]! += (v[i]! - mean[i % K]!) ** 2;
  }
  const std = Array.from(sq, (v, k) => Math.sqrt(v / n[k]!));
  std.forEach((sd, k) => {
    if (!(n[k]! > 0)) throw new DataError(`the training split has no value of the target ${names[k] ?? k}; give more labelled data`);
    if (!(sd > 1e-12 * Math.max(1, Math.abs(mean[k]!))))
      throw new DataError(
        `the target ${names[k] ?? k} is constant in the training split (every value is ${mean[k]}); there is nothing to predict`,
      );
  });
  return { mean, std };
}

/** A copy of `seqs` with their targets standardised by `tn` (K = tn.mean.length). */
export function normalizeTargets<S extends Sequence>(seqs: readonly S[], tn: TargetNormalization): S[] {
  const K = tn.mean.length;
  return seqs.map((s) => ({ ...s, v: s.v!.map((x, i) => (x - tn.mean[i % K]!) / tn.std[i % K]!) }));
}

/** Output k's value `z` (standardised) in the target's own units. */
export function denormalize(z: number, k: number, tn: TargetNormalization): number {
  return z * tn.std[k]! + tn.mean[k]!;
}

export interface RegressionMetrics {
  /** Root mean squared error, in the target's units. */
  rmse: number;
  /** Mean absolute error, in the target's units. */
  mae: number;
  /** Coefficient of determination: 1 - SSE / (sum of squares around the truth's own mean); 1 is perfect, 0 the mean's. */
  r2: number;
  /** Values compared. */
  count: number;
}

/** RMSE, MAE and R² of `pred` against `truth` (pairs with a NaN on either side are skipped). */
export function regressionMetrics(pred: ArrayLike<number>, truth: ArrayLike<number>): RegressionMetrics {
  let n = 0,
    sse = 0,
    sae = 0,
    sum = 0;
  for (let i = 0; i < truth.length; i++) {
    const p = pred[i]!,
      t = truth[i]!;
    if (Number.isNaN(p) || Number.isNaN(t)) continue;
    n++;
    sse += (p - t) ** 2;
    sae += Math.abs(p - t);
    sum += t;
  }
  const mean = sum / n;
  let sst = 0;
  for (let i = 0; i < truth.length; i++) if (!Number.isNaN(pred[i]!) && !Number.isNaN(truth[i]!)) sst += (truth[i]! - mean) ** 2;
  return { rmse: Math.sqrt(sse / n), mae: sae / n, r2: 1 - sse / sst, count: n };
}
