/**
 * Optimizers and schedules by name, as a config (CLI flags, a model file's history) describes them.
 */
import type { Buf } from '../tensor/buf.js';
import { Adam, AdamW, CosineAnnealingLR, RMSprop, SGD, StepLR, type LRSchedule, type Optimizer } from '../optim/index.js';
import { ConfigError } from '../errors.js';
import { DEFAULTS } from '../defaults.js';

export type OptimizerName = 'adam' | 'adamw' | 'sgd' | 'rmsprop';
export const OPTIMIZERS: readonly OptimizerName[] = ['adam', 'adamw', 'sgd', 'rmsprop'];

export interface OptimizerSpec {
  type: OptimizerName;
  /** Learning rate. Default defaultLr(type): DEFAULTS.lr, or DEFAULTS.sgdLr for sgd. */
  lr?: number;
  /** sgd, rmsprop. Default 0. */
  momentum?: number;
  /** sgd: Nesterov momentum. Default false. */
  nesterov?: boolean;
  /** L2 penalty (decoupled for adamw). Default 0 (adamw: 0.01). */
  weightDecay?: number;
}

export type ScheduleSpec = { type: 'step'; stepSize: number; gamma?: number } | { type: 'cosine'; tMax: number; etaMin?: number };

export function defaultLr(type: OptimizerName): number {
  return type === 'sgd' ? DEFAULTS.sgdLr : DEFAULTS.lr;
}

export function makeOptimizer(s: OptimizerSpec, params: Buf, grads: Buf): Optimizer {
  const lr = s.lr ?? defaultLr(s.type);
  switch (s.type) {
    case 'adam':
      return new Adam(params, grads, { lr, weightDecay: s.weightDecay });
    case 'adamw':
      return new AdamW(params, grads, { lr, weightDecay: s.weightDecay });
    case 'sgd':
      return new SGD(params, grads, { lr, momentum: s.momentum, nesterov: s.nesterov, weightDecay: s.weightDecay });
    case 'rmsprop':
      return new RMSprop(params, grads, { lr, momentum: s.momentum, weightDecay: s.weightDecay });
    default:
      throw new ConfigError(`optimizer must be one of ${OPTIMIZERS.join(', ')}, got ${String((s as { type: unknown }).type)}`);
  }
}

export function makeSchedule(s: ScheduleSpec | null | undefined, opt: Optimizer): LRSchedule | null {
  if (!s) return null;
  if (s.type === 'step') return new StepLR(opt, { stepSize: s.stepSize, gamma: s.gamma });
  if (s.type === 'cosine') return new CosineAnnealingLR(opt, { tMax: s.tMax, etaMin: s.etaMin });
  throw new ConfigError(`schedule must be "step" or "cosine", got ${String((s as { type: unknown }).type)}`);
}
