/**
 * The regression losses by name, as a training run chooses one: PyTorch's MSELoss, L1Loss,
 * HuberLoss(delta) and SmoothL1Loss(beta), all with reduction='mean' over the counted elements.
 */
import type { Buf } from '../tensor/buf.js';
import { ConfigError } from '../errors.js';
import { ABSOLUTE } from './l1.js';
import { SQUARED } from './mse.js';
import { huberPointwise } from './huber.js';
import { smoothL1Pointwise } from './smooth-l1.js';
import { pointwiseMean, type Pointwise } from './pointwise.js';

export const REGRESSION_LOSSES = ['mse', 'l1', 'huber', 'smooth_l1'] as const;
export type RegressionLossName = (typeof REGRESSION_LOSSES)[number];

export interface RegressionLossSpec {
  type: RegressionLossName;
  /** HuberLoss's delta (default 1). */
  delta?: number;
  /** SmoothL1Loss's beta (default 1). */
  beta?: number;
}

/** PyTorch's class name of a loss, for messages and the model file. */
export const TORCH_NAMES: Record<RegressionLossName, string> = {
  mse: 'MSELoss',
  l1: 'L1Loss',
  huber: 'HuberLoss',
  smooth_l1: 'SmoothL1Loss',
};

/** Loss of `n` predictions against targets (the elements whose mask is not 0); its gradient WRITTEN into `dpred`. */
export type RegressionLoss = (
  pred: Buf,
  target: ArrayLike<number>,
  n: number,
  dpred: Buf | null,
  mask?: ArrayLike<number> | null,
) => number;

/** The loss a spec names, checked once. */
export function regressionLoss(spec: RegressionLossSpec): RegressionLoss {
  let f: Pointwise;
  switch (spec.type) {
    case 'mse':
      f = SQUARED;
      break;
    case 'l1':
      f = ABSOLUTE;
      break;
    case 'huber':
      f = huberPointwise(spec.delta ?? 1);
      break;
    case 'smooth_l1':
      f = smoothL1Pointwise(spec.beta ?? 1);
      break;
    default:
      throw new ConfigError(
        `a regression loss is one of ${REGRESSION_LOSSES.join(', ')}, got ${JSON.stringify((spec as { type: unknown }).type)}`,
      );
  }
  const name = TORCH_NAMES[spec.type];
  return (pred, target, n, dpred, mask = null) => pointwiseMean(name, f, pred, target, n, dpred, mask);
}
