/**
 * Huber loss, as PyTorch's nn.HuberLoss(delta) (F.huber_loss, reduction='mean').
 * Formula (torch.nn.HuberLoss docs), d = p - t:
 *   l = 0.5 d^2                     if |d| < delta
 *   l = delta (|d| - 0.5 delta)     otherwise
 * dl/dd = d inside, delta * sign(d) outside (PyTorch's backward: -delta for d <= -delta, delta for d >= delta).
 */
import type { Buf } from '../tensor/buf.js';
import { ConfigError } from '../errors.js';
import { pointwiseMean, type Pointwise } from './pointwise.js';

export function huberPointwise(delta: number): Pointwise {
  if (!(delta > 0) || !Number.isFinite(delta)) throw new ConfigError(`HuberLoss needs delta to be a positive finite number, got ${delta}`);
  return {
    value: (d) => (Math.abs(d) < delta ? 0.5 * d * d : delta * (Math.abs(d) - 0.5 * delta)),
    slope: (d) => (d <= -delta ? -delta : d >= delta ? delta : d),
  };
}

/** Mean Huber loss of the first `n` elements (kept by `mask`, if given); gradient WRITTEN into `dpred`. Default delta 1, as PyTorch. */
export function huber(
  pred: Buf,
  target: ArrayLike<number>,
  n: number,
  dpred: Buf | null,
  mask: ArrayLike<number> | null = null,
  delta = 1,
): number {
  return pointwiseMean('huber', huberPointwise(delta), pred, target, n, dpred, mask);
}
