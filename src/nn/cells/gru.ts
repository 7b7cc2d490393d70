/**
 * GRU cell (PyTorch nn.GRU), gate order r, z, n in the rows of W_ih and W_hh:
 *   r = σ(W_ir x + b_ir + W_hr h + b_hr)    z = σ(W_iz x + b_iz + W_hz h + b_hz)
 *   n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))    h_t = (1 - z) ⊙ n + z ⊙ h_(t-1)
 * https://pytorch.org/docs/1.13/generated/torch.nn.GRU.html  (ONNX calls this linear_before_reset=1)
 *
 * `dir.gates` arrives holding W_ih x_t + b_ih only (b_hh sits inside r ⊙ (...) for n); the W_hh side
 * of each step is kept in `dir.gh`, and the activated r, z, n replace the pre-activations. These loops
 * are the reference; gru-wasm.ts runs the same steps in WebAssembly SIMD where they fit.
 */
import { gemm } from '../../tensor/gemm.js';
import { copyInto, type Buf } from '../../tensor/buf.js';
import { sigmoid, sigmoid32, tanh32 } from '../../tensor/activations.js';
import type { Dir, Workspace } from '../workspace.js';
import type { Cell, CellInfo } from './cell.js';
import { gruWasm } from './gru-wasm.js';

// hprev: (T, B, H) h_(t-1) kept; gates: (T, B, G) in as W_ih x_t + b_ih, activated in place (r z n);
// gh: (T, B, G) W_hh h_(t-1), its n part + b_hn kept; out: (T, B, ldo) h_t at col..col+H, 0 where padded.
export function gruForward(dir: Dir, ws: Workspace, p: Buf, out: Buf, ldo: number): void {
  const exact = p instanceof Float64Array; // float64 runs (gradient checks) use the exact functions
  const sg = exact ? sigmoid : sigmoid32;
  const th = exact ? Math.tanh : tanh32;
  const { T, B, len } = ws;
  const { H, G, gates, hprev, hcur, col } = dir;
  const gh = dir.gh!;
  const bhh = dir.bhh;
  for (let s = 0; s < T; s++) {
    const t = dir.rev ? T - 1 - s : s;
    copyInto(hprev, t * B * H, hcur);
    const ghOff = t * B * G;
    // W_hh h alone; b_hh is added per unit below (no bias rows to write, no C to copy into the GEMM).
    gemm(false, true, B, G, H, 1, hcur, 0, H, p, dir.whh, H, 0, gh, ghOff, G);
    for (let b = 0; b < B; b++) {
      const o = (t * B + b) * ldo + col;
      if (t >= len[b]!) {
        out.fill(0, o, o + H);
        continue;
      }
      const g = ghOff + b * G;
      for (let j = 0; j < H; j++) {
        const r = sg(gates[g + j]! + (gh[g + j]! + (bhh >= 0 ? p[bhh + j]! : 0)));
        const z = sg(gates[g + H + j]! + (gh[g + H + j]! + (bhh >= 0 ? p[bhh + H + j]! : 0)));
        const hn = gh[g + 2 * H + j]! + (bhh >= 0 ? p[bhh + 2 * H + j]! : 0);
        gh[g + 2 * H + j] = hn; // W_hn h + b_hn, which the backward pass multiplies by r's derivative
        const n = th(gates[g + 2 * H + j]! + r * gh[g + 2 * H + j]!);
        gates[g + j] = r;
        gates[g + H + j] = z;
        gates[g + 2 * H + j] = n;
        const h = (1 - z) * n + z * hcur[b * H + j]!;
        hcur[b * H + j] = h;
        out[o + j] = h;
      }
    }
  }
}

// dOut: (T, B, ldo) dL/dh_t; dh: (B, H) running; dgates, dgh: (T, B, G) out (input side, W_hh side), 0 where padded.
/** dh arrives holding dL/dh_n; leaves holding dL/dh0. Writes dgates (input side) and dgh (W_hh side). */
export function gruBackward(dir: Dir, ws: Workspace, p: Buf, dOut: Buf, ldo: number): void {
  const { T, B, len } = ws;
  const { H, G, gates, hprev, dgates, dh, tmp, col } = dir;
  const gh = dir.gh!,
    dgh = dir.dgh!;
  const keep = ws.keepDh ? dir.dhKeep : null; // (T, B, H) dL/dh_t of every step, when asked
  for (let s = T - 1; s >= 0; s--) {
    const t = dir.rev ? T - 1 - s : s;
    for (let b = 0; b < B; b++) {
      const g = (t * B + b) * G;
      const hp = (t * B + b) * H;
      if (t >= len[b]!) {
        dgates.fill(0, g, g + G);
        dgh.fill(0, g, g + G);
        keep?.fill(0, hp, hp + H);
        continue;
      }
      const o = (t * B + b) * ldo + col;
      for (let j = 0; j < H; j++) {
        const r = gates[g + j]!,
          z = gates[g + H + j]!,
          n = gates[g + 2 * H + j]!;
        const dhv = dh[b * H + j]! + dOut[o + j]!;
        if (keep) keep[hp + j] = dhv;
        const dan = dhv * (1 - z) * (1 - n * n);
        const daz = dhv * (hprev[hp + j]! - n) * z * (1 - z);
        const dar = dan * gh[g + 2 * H + j]! * r * (1 - r);
        dgates[g + j] = dar;
        dgates[g + H + j] = daz;
        dgates[g + 2 * H + j] = dan;
        dgh[g + j] = dar;
        dgh[g + H + j] = daz;
        dgh[g + 2 * H + j] = dan * r;
        dh[b * H + j] = dhv * z;
      }
    }
    // dL/dh_(t-1) = z ⊙ dL/dh_t + dgh_t W_hh for the items that took this step.
    gemm(false, false, B, H, G, 1, dgh, t * B * G, G, p, dir.whh, H, 0, tmp, 0, H);
    for (let b = 0; b < B; b++) if (t < len[b]!) for (let j = b * H; j < b * H + H; j++) dh[j]! += tmp[j]!;
  }
}

/** What the GRU is, without its kernels (what a page that only names cells imports). */
export const gruInfo: CellInfo = {
  mode: 'gru',
  label: 'GRU',
  short: 'GRU',
  rows: 3,
  cellState: false,
  hiddenApart: true,
  gates: [
    { symbol: 'r', name: 'reset gate', activation: 'sigmoid' },
    { symbol: 'z', name: 'update gate', activation: 'sigmoid' },
    { symbol: 'n', name: 'new candidate', activation: 'tanh' },
  ],
  step: 'gates r, z and candidate n update the hidden state h_t',
  equation: 'r, z = sigmoid(in + hid), n = tanh(in_n + r * hid_n), h = (1 - z) * n + z * h_prev',
};

export const gru: Cell = {
  ...gruInfo,
  forward: gruForward,
  backward: gruBackward,
  wasm: gruWasm,
};
