/**
 * Smooth L1 loss, as PyTorch's nn.SmoothL1Loss(beta) (F.smooth_l1_loss, reduction='mean').
 * Formula (torch.nn.SmoothL1Loss docs), d = p - t:
 *   l = 0.5 d^2 / beta              if |d| < beta
 *   l = |d| - 0.5 beta              otherwise
 * dl/dd = d / beta inside, -1 for d <= -beta, 1 for d >= beta (PyTorch's backward). beta = 0 gives
 * L1Loss's value, but not quite its gradient: at d = 0 it is -1 (d <= -0), where L1Loss's is 0 (the
 * fixture smooth_l1_beta0_vector pins this). HuberLoss(delta) = delta * SmoothL1Loss(beta = delta).
 */
import type { Buf } from '../tensor/buf.js';
import { ConfigError } from '../errors.js';
import { pointwiseMean, type Pointwise } from './pointwise.js';

export function smoothL1Pointwise(beta: number): Pointwise {
  if (!(beta >= 0) || !Number.isFinite(beta))
    throw new ConfigError(`SmoothL1Loss needs beta to be a finite number of at least 0, got ${beta}`);
  return {
    value: (d) => (Math.abs(d) < beta ? (0.5 * d * d) / beta : Math.abs(d) - 0.5 * beta),
    slope: (d) => (d <= -beta ? -1 : d >= beta ? 1 : d / beta),
  };
}

/** Mean smooth L1 loss of the first `n` elements (kept by `mask`, if given); gradient WRITTEN into `dpred`. Default beta 1, as PyTorch. */
export function smoothL1(
  pred: Buf,
  target: ArrayLike<number>,
  n: number,
  dpred: Buf | null,
  mask: ArrayLike<number> | null = null,
  beta = 1,
): number {
  return pointwiseMean('smooth_l1', smoothL1Pointwise(beta), pred, target, n, dpred, mask);
}
