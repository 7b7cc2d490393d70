/**
 * RMSprop, as torch.optim.RMSprop in PyTorch 1.13 (_single_tensor_rmsprop). From its docs:
 *   g = grad (negated if maximize) + weight_decay * p
 *   s = alpha * s + (1 - alpha) * g * g
 *   centered: a = alpha * a + (1 - alpha) * g;  avg = sqrt(s - a * a) + eps;  else avg = sqrt(s) + eps
 *   momentum > 0: b = momentum * b + g / avg;  p = p - lr * b;   else p = p - lr * g / avg
 */
import type { Buf } from '../tensor/buf.js';
import { check, checkCommon, scalarRounder, stateBuf, FlatOptimizer } from './optimizer.js';

export interface RMSpropOptions {
  /** Learning rate. Default 1e-2. */
  lr?: number;
  /** Smoothing constant of the squared-gradient average. Default 0.99. */
  alpha?: number;
  /** Added to the denominator for numerical stability. Default 1e-8. */
  eps?: number;
  /** L2 penalty added to the gradient. Default 0. */
  weightDecay?: number;
  /** Momentum factor. Default 0. */
  momentum?: number;
  /** Normalize by the estimated variance of the gradient instead of its second moment. Default false. */
  centered?: boolean;
  /** Maximize the objective instead of minimizing. Default false. */
  maximize?: boolean;
}

/** RMSprop over a flat parameter buffer. */
export class RMSprop extends FlatOptimizer {
  lr: number;
  readonly alpha: number;
  readonly eps: number;
  readonly weightDecay: number;
  readonly momentum: number;
  readonly centered: boolean;
  readonly maximize: boolean;
  private readonly squareAvg: Buf;
  /** Allocated only when used, as PyTorch. */
  private readonly gradAvg: Buf | null;
  private readonly momentumBuf: Buf | null;
  private readonly round: (x: number) => number;

  constructor(params: Buf, grads: Buf, opts: RMSpropOptions = {}) {
    super('RMSprop', params, grads);
    this.lr = opts.lr ?? 1e-2;
    this.alpha = opts.alpha ?? 0.99;
    this.eps = opts.eps ?? 1e-8;
    this.weightDecay = opts.weightDecay ?? 0;
    this.momentum = opts.momentum ?? 0;
    this.centered = opts.centered ?? false;
    this.maximize = opts.maximize ?? false;
    checkCommon(this.lr, this.weightDecay);
    check(this.eps >= 0, 'epsilon value', this.eps, '>= 0');
    check(this.momentum >= 0, 'momentum value', this.momentum, '>= 0');
    // PyTorch 1.13 checks only alpha >= 0; alpha > 1 is accepted there, so it is here.
    check(this.alpha >= 0, 'alpha value', this.alpha, '>= 0');
    this.squareAvg = stateBuf(params);
    this.gradAvg = this.centered ? stateBuf(params) : null;
    this.momentumBuf = this.momentum > 0 ? stateBuf(params) : null;
    this.round = scalarRounder(params);
  }

  step(): void {
    const { params: p, grads, squareAvg: s, gradAvg: a, momentumBuf: b } = this;
    const sign = this.maximize ? -1 : 1;
    // The scalars as PyTorch's kernels see them: rounded to the buffer's dtype.
    const r = this.round;
    const lr = r(this.lr),
      wd = r(this.weightDecay),
      mu = r(this.momentum),
      eps = r(this.eps);
    const alpha = r(this.alpha),
      c = r(1 - this.alpha);
    for (let i = 0; i < p.length; i++) {
      let g = sign * grads[i]!;
      if (wd !== 0) g += wd * p[i]!;
      s[i] = s[i]! * alpha + c * g * g;
      let avg: number;
      if (a !== null) {
        a[i] = a[i]! * alpha + c * g;
        avg = Math.sqrt(s[i]! - a[i]! * a[i]!) + eps;
      } else {
        avg = Math.sqrt(s[i]!) + eps;
      }
      if (b !== null) {
        b[i] = b[i]! * mu + g / avg;
        p[i] = p[i]! - lr * b[i]!;
      } else {
        p[i] = p[i]! - (lr * g) / avg;
      }
    }
    this.steps++;
  }

  protected buffers(): Record<string, Buf> {
    const out: Record<string, Buf> = { square_avg: this.squareAvg };
    if (this.gradAvg !== null) out['grad_avg'] = this.gradAvg;
    if (this.momentumBuf !== null) out['momentum_buffer'] = this.momentumBuf;
    return out;
  }
}
