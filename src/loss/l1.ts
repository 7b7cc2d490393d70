/**
 * Mean absolute error, as PyTorch's nn.L1Loss (F.l1_loss, reduction='mean').
 * Formula (torch.nn.L1Loss docs): loss = sum_i |p_i - t_i| / N; dloss/dp_i = sign(p_i - t_i) / N,
 * with sign(0) = 0 (torch.sign, which l1_loss's backward uses).
 */
import type { Buf } from '../tensor/buf.js';
import { pointwiseMean, type Pointwise } from './pointwise.js';

export const ABSOLUTE: Pointwise = { value: (d) => Math.abs(d), slope: (d) => (d > 0 ? 1 : d < 0 ? -1 : d) };

/** Mean absolute error of the first `n` elements (kept by `mask`, if given); gradient WRITTEN into `dpred`. */
export function l1(pred: Buf, target: ArrayLike<number>, n: number, dpred: Buf | null, mask: ArrayLike<number> | null = null): number {
  return pointwiseMean('l1', ABSOLUTE, pred, target, n, dpred, mask);
}
