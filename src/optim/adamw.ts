/**
 * AdamW, as torch.optim.AdamW in PyTorch 1.13 (_single_tensor_adamw): Adam's loop (adam.ts) with
 * decoupled weight decay applied to the parameter before the moments, p = p * (1 - lr * weight_decay),
 * instead of L2 added to the gradient (Loshchilov and Hutter, "Decoupled Weight Decay Regularization").
 */
import type { Buf } from '../tensor/buf.js';
import { AdamBase, type AdamOptions } from './adam.js';

export interface AdamWOptions extends AdamOptions {
  /** Decoupled weight decay: p *= 1 - lr * weightDecay each step. Default 1e-2 (unlike Adam's 0). */
  weightDecay?: number;
}

/** AdamW over a flat parameter buffer. */
export class AdamW extends AdamBase {
  constructor(params: Buf, grads: Buf, opts: AdamWOptions = {}) {
    super('AdamW', true, params, grads, opts, 1e-2);
  }
}
