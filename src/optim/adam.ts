/**
 * Adam, as torch.optim.Adam in PyTorch 1.13 with foreach=False (_single_tensor_adam), in its
 * operation order so float32 results agree with PyTorch's:
 *   t += 1;  g = grad (negated if maximize) + weight_decay * p        (L2: added to the gradient)
 *   m = b1 * m + (1 - b1) * g;   v = b2 * v + (1 - b2) * g * g
 *   stepSize = lr / (1 - b1^t);  denom = sqrt(v) / sqrt(1 - b2^t) + eps   (amsgrad: vmax = max(vmax, v))
 *   p = p - stepSize * m / denom
 * AdamW (adamw.ts) shares this loop with decoupled decay instead of L2.
 */
import type { Buf } from '../tensor/buf.js';
import { check, checkCommon, scalarRounder, stateBuf, FlatOptimizer } from './optimizer.js';

export interface AdamOptions {
  /** Learning rate. Default 1e-3. */
  lr?: number;
  /** Decay rates of the first and second moment averages, each in [0, 1). Default [0.9, 0.999]. */
  betas?: readonly [number, number];
  /** Added to the denominator for numerical stability. Default 1e-8. */
  eps?: number;
  /** L2 penalty added to the gradient. Default 0. */
  weightDecay?: number;
  /** Use the maximum of past second moments (AMSGrad). Default false. */
  amsgrad?: boolean;
  /** Maximize the objective instead of minimizing. Default false. */
  maximize?: boolean;
}

/**
 * The loop Adam and AdamW share. Not exported from the index: use Adam or AdamW.
 * `decoupled` selects AdamW's p *= 1 - lr * weight_decay over Adam's L2 gradient term.
 */
export abstract class AdamBase extends FlatOptimizer {
  lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
  readonly amsgrad: boolean;
  readonly maximize: boolean;
  private readonly m: Buf;
  private readonly v: Buf;
  /** Only allocated with amsgrad, as PyTorch. */
  private readonly vmax: Buf | null;
  private readonly round: (x: number) => number;

  protected constructor(
    kind: string,
    private readonly decoupled: boolean,
    params: Buf,
    grads: Buf,
    opts: AdamOptions,
    defaultWeightDecay: number,
  ) {
    super(kind, params, grads);
    this.lr = opts.lr ?? 1e-3;
    const betas = opts.betas ?? [0.9, 0.999];
    this.beta1 = betas[0];
    this.beta2 = betas[1];
    this.eps = opts.eps ?? 1e-8;
    this.weightDecay = opts.weightDecay ?? defaultWeightDecay;
    this.amsgrad = opts.amsgrad ?? false;
    this.maximize = opts.maximize ?? false;
    checkCommon(this.lr, this.weightDecay);
    check(this.eps >= 0, 'epsilon value', this.eps, '>= 0');
    check(this.beta1 >= 0 && this.beta1 < 1, 'beta parameter at index 0', this.beta1, 'in [0, 1)');
    check(this.beta2 >= 0 && this.beta2 < 1, 'beta parameter at index 1', this.beta2, 'in [0, 1)');
    this.m = stateBuf(params);
    this.v = stateBuf(params);
    this.vmax = this.amsgrad ? stateBuf(params) : null;
    this.round = scalarRounder(params);
  }

  step(): void {
    const { params: p, grads, m, v, vmax, lr, weightDecay: wd } = this;
    const t = ++this.steps;
    const sign = this.maximize ? -1 : 1;
    // The scalars as PyTorch's kernels see them: rounded to the buffer's dtype.
    const r = this.round;
    const decay = this.decoupled ? r(1 - lr * wd) : 1;
    const l2 = this.decoupled ? 0 : r(wd);
    const b1 = r(this.beta1),
      c1 = r(1 - this.beta1),
      b2 = r(this.beta2),
      c2 = r(1 - this.beta2);
    const stepSize = r(lr / (1 - this.beta1 ** t));
    const bc2Sqrt = r(Math.sqrt(1 - this.beta2 ** t));
    const eps = r(this.eps);
    for (let i = 0; i < p.length; i++) {
      if (decay !== 1) p[i] = p[i]! * decay;
      let g = sign * grads[i]!;
      if (l2 !== 0) g += l2 * p[i]!;
      m[i] = m[i]! * b1 + c1 * g;
      v[i] = v[i]! * b2 + c2 * g * g;
      let vhat = v[i]!;
      if (vmax !== null) vhat = vmax[i] = Math.max(vmax[i]!, vhat);
      const denom = Math.sqrt(vhat) / bc2Sqrt + eps;
      p[i] = p[i]! - (stepSize * m[i]!) / denom;
    }
  }

  protected buffers(): Record<string, Buf> {
    const b: Record<string, Buf> = { exp_avg: this.m, exp_avg_sq: this.v };
    if (this.vmax !== null) b['max_exp_avg_sq'] = this.vmax;
    return b;
  }
}

/** Adam over a flat parameter buffer; weight decay is classic L2 added to the gradient. */
export class Adam extends AdamBase {
  constructor(params: Buf, grads: Buf, opts: AdamOptions = {}) {
    super('Adam', false, params, grads, opts, 0);
  }
}
