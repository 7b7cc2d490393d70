/**
 * Mean squared error, as PyTorch's F.mse_loss(reduction='mean').
 * Formula (torch.nn.MSELoss docs): loss = sum_i (p_i - t_i)^2 / N; dloss/dp_i = 2 (p_i - t_i) / N.
 */
import type { Buf } from '../tensor/buf.js';
import { ShapeError } from '../errors.js';

/**
 * Mean squared error of the first `n` elements of `pred` against `target`. If `dpred` is given,
 * the gradient is WRITTEN (not accumulated) into its first `n` elements. n = 0 gives NaN, as PyTorch.
 */
export function mse(pred: Buf, target: Buf | ArrayLike<number>, n: number, dpred: Buf | null): number {
  if (!Number.isInteger(n) || n < 0 || n > pred.length || n > target.length || (dpred !== null && n > dpred.length)) {
    throw new ShapeError(
      `mse needs n to be an integer in [0, ${Math.min(pred.length, target.length, dpred?.length ?? Infinity)}] ` +
        `(pred ${pred.length}, target ${target.length}${dpred === null ? '' : `, dpred ${dpred.length}`} elements), got ${n}.`,
    );
  }
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const d = pred[i]! - target[i]!;
    sum += d * d;
  }
  if (dpred !== null) {
    for (let i = 0; i < n; i++) dpred[i] = (2 * (pred[i]! - target[i]!)) / n;
  }
  return sum / n;
}
