/**
 * Mean squared error, as PyTorch's nn.MSELoss (F.mse_loss, reduction='mean').
 * Formula (torch.nn.MSELoss docs): loss = sum_i (p_i - t_i)^2 / N; dloss/dp_i = 2 (p_i - t_i) / N.
 */
import type { Buf } from '../tensor/buf.js';
import { pointwiseMean, type Pointwise } from './pointwise.js';

export const SQUARED: Pointwise = { value: (d) => d * d, slope: (d) => 2 * d };

/**
 * Mean squared error of the first `n` elements of `pred` against `target` (those whose `mask` is not
 * 0, when one is given). If `dpred` is given, the gradient is WRITTEN (not accumulated) into its
 * first `n` elements. n = 0 gives NaN, as PyTorch.
 */
export function mse(
  pred: Buf,
  target: Buf | ArrayLike<number>,
  n: number,
  dpred: Buf | null,
  mask: ArrayLike<number> | null = null,
): number {
  return pointwiseMean('mse', SQUARED, pred, target, n, dpred, mask);
}
