/**
 * The one core of the regression losses (MSELoss, L1Loss, HuberLoss, SmoothL1Loss): a pointwise
 * loss of d = pred - target, its mean over the counted elements, and its gradient. PyTorch's
 * reduction='mean' divides by the element count; with a mask, the count is that of the kept elements,
 * which is PyTorch's loss of pred[mask] against target[mask] (how padded steps are left out).
 */
import type { Buf } from '../tensor/buf.js';
import { ShapeError } from '../errors.js';

/** A pointwise loss: its value and its derivative at d = pred - target. */
export interface Pointwise {
  value(d: number): number;
  slope(d: number): number;
}

/**
 * Mean of `f` over the first `n` elements whose `mask` is not 0 (all of them without a mask). If
 * `dpred` is given, the gradient is WRITTEN (not accumulated) into its first `n` elements, 0 where
 * the mask is 0. No counted element gives NaN, as PyTorch's mean of nothing. Sums are in doubles.
 */
export function pointwiseMean(
  name: string,
  f: Pointwise,
  pred: Buf,
  target: ArrayLike<number>,
  n: number,
  dpred: Buf | null,
  mask: ArrayLike<number> | null = null,
): number {
  if (
    !Number.isInteger(n) ||
    n < 0 ||
    n > pred.length ||
    n > target.length ||
    (dpred !== null && n > dpred.length) ||
    (mask !== null && n > mask.length)
  ) {
    const most = Math.min(pred.length, target.length, dpred?.length ?? Infinity, mask?.length ?? Infinity);
    throw new ShapeError(
      `${name} needs n to be an integer in [0, ${most}] ` +
        `(pred ${pred.length}, target ${target.length}${dpred === null ? '' : `, dpred ${dpred.length}`}${mask === null ? '' : `, mask ${mask.length}`} elements), got ${n}.`,
    );
  }
  let sum = 0;
  let count = 0;
  for (let i = 0; i < n; i++) {
    if (mask !== null && mask[i] === 0) continue;
    sum += f.value(pred[i]! - target[i]!);
    count++;
  }
  if (dpred !== null) {
    for (let i = 0; i < n; i++) dpred[i] = mask !== null && mask[i] === 0 ? 0 : f.slope(pred[i]! - target[i]!) / count;
  }
  return sum / count;
}
