/**
 * Gradient clipping by total norm, as torch.nn.utils.clip_grad_norm_ in PyTorch 1.13:
 *   total = ||g||_p over all gradients seen as one vector (p = Infinity: max |g|)
 *   coef = maxNorm / (total + 1e-6);  g = g * coef  when coef < 1
 */
import type { Buf } from '../tensor/buf.js';
import { ConfigError } from '../errors.js';

/**
 * Scales `grads` in place so their total `normType`-norm is at most about `maxNorm`, and returns
 * the total norm before clipping. A NaN norm makes every gradient NaN, as PyTorch 1.13 does
 * (it multiplies by clamp(NaN, max=1) = NaN), so a diverged step is not silently hidden.
 */
export function clipGradNorm(grads: Buf, maxNorm: number, normType = 2): number {
  if (!(maxNorm >= 0)) throw new ConfigError(`clipGradNorm maxNorm is ${maxNorm}; it must be a number >= 0.`);
  if (!(normType > 0)) throw new ConfigError(`clipGradNorm normType is ${normType}; it must be > 0 or Infinity.`);
  const total = totalNorm(grads, normType);
  // PyTorch computes the coefficient as a tensor of the gradients' dtype.
  const coef = grads instanceof Float32Array ? Math.fround(maxNorm / (total + 1e-6)) : maxNorm / (total + 1e-6);
  if (!(coef >= 1)) {
    for (let i = 0; i < grads.length; i++) grads[i] = grads[i]! * coef;
  }
  return total;
}

/** The p-norm of all elements seen as one vector, accumulated in doubles (PyTorch's total_norm). */
export function totalNorm(g: Buf, p: number): number {
  if (p === Infinity) {
    let max = 0;
    for (let i = 0; i < g.length; i++) {
      const a = Math.abs(g[i]!);
      if (a > max || Number.isNaN(a)) max = a;
    }
    return max;
  }
  let sum = 0;
  if (p === 2) {
    for (let i = 0; i < g.length; i++) sum += g[i]! * g[i]!;
    return Math.sqrt(sum);
  }
  for (let i = 0; i < g.length; i++) sum += Math.abs(g[i]!) ** p;
  return sum ** (1 / p);
}
