/**
 * SGD with momentum, as torch.optim.SGD in PyTorch 1.13 (_single_tensor_sgd). From its docs:
 *   g = grad (negated if maximize) + weight_decay * p
 *   b = g on the first step, else momentum * b + (1 - dampening) * g
 *   g = nesterov ? g + momentum * b : b           (only when momentum != 0)
 *   p = p - lr * g
 */
import type { Buf } from '../tensor/buf.js';
import { ConfigError } from '../errors.js';
import { check, checkCommon, scalarRounder, stateBuf, FlatOptimizer } from './optimizer.js';

export interface SGDOptions {
  /** Learning rate. Required, as in PyTorch. */
  lr: number;
  /** Momentum factor. Default 0. */
  momentum?: number;
  /** Dampening for momentum (not applied on the first step). Default 0. */
  dampening?: number;
  /** L2 penalty added to the gradient. Default 0. */
  weightDecay?: number;
  /** Nesterov momentum; needs momentum > 0 and dampening 0. Default false. */
  nesterov?: boolean;
  /** Maximize the objective instead of minimizing. Default false. */
  maximize?: boolean;
}

/** Stochastic gradient descent over a flat parameter buffer. */
export class SGD extends FlatOptimizer {
  lr: number;
  readonly momentum: number;
  readonly dampening: number;
  readonly weightDecay: number;
  readonly nesterov: boolean;
  readonly maximize: boolean;
  /** PyTorch's momentum_buffer: only with momentum, and meaningful only after the first step. */
  private readonly buf: Buf | null;
  private readonly round: (x: number) => number;

  constructor(params: Buf, grads: Buf, opts: SGDOptions) {
    super('SGD', params, grads);
    if (opts?.lr === undefined) throw new ConfigError('SGD needs a learning rate: pass { lr } (a number >= 0).');
    this.lr = opts.lr;
    this.momentum = opts.momentum ?? 0;
    this.dampening = opts.dampening ?? 0;
    this.weightDecay = opts.weightDecay ?? 0;
    this.nesterov = opts.nesterov ?? false;
    this.maximize = opts.maximize ?? false;
    checkCommon(this.lr, this.weightDecay);
    check(this.momentum >= 0, 'momentum value', this.momentum, '>= 0');
    check(Number.isFinite(this.dampening), 'dampening value', this.dampening, 'a finite number');
    if (this.nesterov && (this.momentum <= 0 || this.dampening !== 0)) {
      throw new ConfigError(
        `Nesterov momentum requires a momentum and zero dampening; got momentum ${this.momentum} and dampening ${this.dampening}.`,
      );
    }
    this.buf = this.momentum !== 0 ? stateBuf(params) : null;
    this.round = scalarRounder(params);
  }

  step(): void {
    const { params: p, grads, buf, nesterov } = this;
    const sign = this.maximize ? -1 : 1;
    const first = this.steps === 0;
    // The scalars as PyTorch's kernels see them: rounded to the buffer's dtype.
    const r = this.round;
    const lr = r(this.lr),
      wd = r(this.weightDecay),
      mu = r(this.momentum),
      keep = r(1 - this.dampening);
    for (let i = 0; i < p.length; i++) {
      let g = sign * grads[i]!;
      if (wd !== 0) g += wd * p[i]!;
      if (buf !== null) {
        // PyTorch clones the gradient into the buffer on the first step: no dampening there.
        buf[i] = first ? g : buf[i]! * mu + keep * g;
        g = nesterov ? g + mu * buf[i]! : buf[i]!;
      }
      p[i] = p[i]! - lr * g;
    }
    this.steps++;
  }

  protected buffers(): Record<string, Buf> {
    return this.buf === null ? {} : { momentum_buffer: this.buf };
  }
}
