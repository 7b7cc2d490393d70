/**
 * Elman RNN cell (PyTorch nn.RNN): h_t = act(W_ih x_t + b_ih + W_hh h_(t-1) + b_hh), act tanh or relu.
 * https://pytorch.org/docs/1.13/generated/torch.nn.RNN.html
 *
 * `dir.gates` arrives holding W_ih x_t + b_ih + b_hh for every step (one GEMM, done by the stack);
 * the forward pass adds W_hh h_(t-1) step by step and keeps h_t in place of the pre-activation.
 */
import { gemm } from '../../tensor/gemm.js';
import type { Buf } from '../../tensor/buf.js';
import type { Dir, Workspace } from '../workspace.js';

export function rnnForward(dir: Dir, ws: Workspace, p: Buf, out: Buf, ldo: number, relu: boolean): void {
  const { T, B, len } = ws;
  const { H, gates, hprev, hcur, col } = dir;
  for (let s = 0; s < T; s++) {
    const t = dir.rev ? T - 1 - s : s;
    hprev.set(hcur, t * B * H);
    gemm(false, true, B, H, H, 1, hcur, 0, H, p, dir.whh, H, 1, gates, t * B * H, H);
    for (let b = 0; b < B; b++) {
      const g = (t * B + b) * H;
      const o = (t * B + b) * ldo + col;
      if (t >= len[b]!) {
        out.fill(0, o, o + H);
        continue;
      }
      for (let j = 0; j < H; j++) {
        const a = gates[g + j]!;
        const h = relu ? (a > 0 ? a : 0) : Math.tanh(a);
        gates[g + j] = h;
        hcur[b * H + j] = h;
        out[o + j] = h;
      }
    }
  }
}

/** dh arrives holding dL/dh_n; leaves holding dL/dh0. Writes dgates for every step (0 where padded). */
export function rnnBackward(dir: Dir, ws: Workspace, p: Buf, dOut: Buf, ldo: number, relu: boolean): void {
  const { T, B, len } = ws;
  const { H, gates, dgates, dh, tmp, col } = dir;
  for (let s = T - 1; s >= 0; s--) {
    const t = dir.rev ? T - 1 - s : s;
    for (let b = 0; b < B; b++) {
      const g = (t * B + b) * H;
      if (t >= len[b]!) {
        dgates.fill(0, g, g + H);
        continue;
      }
      const o = (t * B + b) * ldo + col;
      for (let j = 0; j < H; j++) {
        const h = gates[g + j]!;
        const dhv = dh[b * H + j]! + dOut[o + j]!;
        dgates[g + j] = relu ? (h > 0 ? dhv : 0) : dhv * (1 - h * h);
      }
    }
    // dL/dh_(t-1) = dgates_t W_hh, for the items that took this step; the others carry dh through.
    gemm(false, false, B, H, H, 1, dgates, t * B * H, H, p, dir.whh, H, 0, tmp, 0, H);
    for (let b = 0; b < B; b++) if (t < len[b]!) for (let j = b * H; j < b * H + H; j++) dh[j] = tmp[j]!;
  }
}
