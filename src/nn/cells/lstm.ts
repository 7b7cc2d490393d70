/**
 * LSTM cell (PyTorch nn.LSTM), gate order i, f, g, o in the rows of W_ih and W_hh:
 *   i = σ(W_ii x + b_ii + W_hi h + b_hi)   f = σ(...)   g = tanh(...)   o = σ(...)
 *   c_t = f ⊙ c_(t-1) + i ⊙ g     h_t = o ⊙ tanh(c_t)     (with projSize: h_t = W_hr (o ⊙ tanh(c_t)))
 * https://pytorch.org/docs/1.13/generated/torch.nn.LSTM.html
 *
 * `dir.gates` arrives holding W_ih x_t + b_ih + b_hh; the forward pass adds W_hh h_(t-1) and keeps
 * the activated gates in place, which is all the backward pass needs besides c. These loops are the
 * reference; lstm-wasm.ts runs the same steps in WebAssembly SIMD where they fit.
 */
import { gemm } from '../../tensor/gemm.js';
import { copyInto, type Buf } from '../../tensor/buf.js';
import { sigmoid, sigmoid32, tanh32 } from '../../tensor/activations.js';
import type { Dir, Workspace } from '../workspace.js';
import type { Cell, CellInfo } from './cell.js';
import { lstmWasm } from './lstm-wasm.js';

// hprev: (T, B, P) h_(t-1) kept; gates: (T, B, G) in as W_ih x_t + b, activated in place (i f g o);
// cprev, c, tc: (T, B, H) c_(t-1), c_t, tanh(c_t) kept; m: (T, B, H) o ⊙ tanh(c_t) with projection;
// out: (T, B, ldo) h_t at columns col..col+P, 0 where padded.
export function lstmForward(dir: Dir, ws: Workspace, p: Buf, out: Buf, ldo: number): void {
  const exact = p instanceof Float64Array; // float64 runs (gradient checks) use the exact functions
  const sg = exact ? sigmoid : sigmoid32;
  const th = exact ? Math.tanh : tanh32;
  const { T, B, len } = ws;
  const { H, G, gates, hprev, hcur, P } = dir;
  const c = dir.c!,
    tc = dir.tc!,
    cprev = dir.cprev!,
    ccur = dir.ccur!,
    m = dir.m;
  for (let s = 0; s < T; s++) {
    const t = dir.rev ? T - 1 - s : s;
    copyInto(hprev, t * B * P, hcur);
    copyInto(cprev, t * B * H, ccur);
    // gates_t += h_(t-1) W_hh^T
    gemm(false, true, B, G, P, 1, hcur, 0, P, p, dir.whh, P, 1, gates, t * B * G, G);
    for (let b = 0; b < B; b++) {
      const r = t * B + b;
      if (t >= len[b]!) continue;
      const g = r * G;
      for (let j = 0; j < H; j++) {
        const i = sg(gates[g + j]!);
        const f = sg(gates[g + H + j]!);
        const gg = th(gates[g + 2 * H + j]!);
        const o = sg(gates[g + 3 * H + j]!);
        gates[g + j] = i;
        gates[g + H + j] = f;
        gates[g + 2 * H + j] = gg;
        gates[g + 3 * H + j] = o;
        const cv = f * ccur[b * H + j]! + i * gg;
        ccur[b * H + j] = cv;
        c[r * H + j] = cv;
        const tcv = th(cv);
        tc[r * H + j] = tcv;
        const hv = o * tcv;
        if (m) m[r * H + j] = hv;
        else hcur[b * P + j] = hv;
      }
    }
    emitStep(dir, ws, p, out, ldo, t);
  }
}

/**
 * The end of step t, whichever path computed it: with projection h_t = W_hr m_t for the whole step at
 * once; h_t to the layer output, 0 where padded (padded items keep their state).
 */
function emitStep(dir: Dir, ws: Workspace, p: Buf, out: Buf, ldo: number, t: number): void {
  const { B, len } = ws;
  const { H, P, hcur, col, tmp, m } = dir;
  if (m) gemm(false, true, B, P, H, 1, m, t * B * H, H, p, dir.whr, H, 0, tmp, 0, P);
  for (let b = 0; b < B; b++) {
    const o = (t * B + b) * ldo + col;
    if (t >= len[b]!) {
      out.fill(0, o, o + P);
      continue;
    }
    if (m) for (let j = 0; j < P; j++) hcur[b * P + j] = tmp[b * P + j]!;
    for (let j = 0; j < P; j++) out[o + j] = hcur[b * P + j]!;
  }
}

/** dh += dL/dh_t from the layer output, for the items that took step t. */
function addOutputGrad(dir: Dir, ws: Workspace, dOut: Buf, ldo: number, t: number): void {
  const { B, len } = ws;
  const { P, dh, col } = dir;
  for (let b = 0; b < B; b++) {
    if (t >= len[b]!) continue;
    const o = (t * B + b) * ldo + col;
    for (let j = 0; j < P; j++) dh[b * P + j]! += dOut[o + j]!;
  }
}

// dOut: (T, B, ldo) dL/dh_t; dh (B, P), dc (B, H) running; dgates: (T, B, G) out, 0 where padded;
// dhs: (T, B, P) dL/dh_t kept with projection, for dW_hr.
/** dh, dc arrive holding dL/dh_n, dL/dc_n; leave holding dL/dh0, dL/dc0. */
export function lstmBackward(dir: Dir, ws: Workspace, p: Buf, dOut: Buf, ldo: number): void {
  const { T, B, len } = ws;
  const { H, P, G, gates, dgates, dh, tmp } = dir;
  const tcs = dir.tc!,
    cprev = dir.cprev!,
    dc = dir.dc!,
    m = dir.m,
    dhs = dir.dhs;
  const keep = ws.keepDh ? dir.dhKeep : null; // (T, B, P) dL/dh_t of every step, when asked
  for (let s = T - 1; s >= 0; s--) {
    const t = dir.rev ? T - 1 - s : s;
    addOutputGrad(dir, ws, dOut, ldo, t);
    if (keep) for (let b = 0; b < B; b++) for (let j = 0; j < P; j++) keep[(t * B + b) * P + j] = t < len[b]! ? dh[b * P + j]! : 0;
    // With projection, dL/dm_t = dL/dh_t W_hr; dL/dh_t is kept (zero where padded) for dW_hr.
    if (m && dhs) {
      for (let b = 0; b < B; b++) {
        const r = (t * B + b) * P;
        const active = t < len[b]!;
        for (let j = 0; j < P; j++) dhs[r + j] = active ? dh[b * P + j]! : 0;
      }
      gemm(false, false, B, H, P, 1, dhs, t * B * P, P, p, dir.whr, H, 0, tmp, 0, H);
    }
    const dm = m ? tmp : dh;
    for (let b = 0; b < B; b++) {
      const r = t * B + b;
      const g = r * G;
      if (t >= len[b]!) {
        dgates.fill(0, g, g + G);
        continue;
      }
      for (let j = 0; j < H; j++) {
        const i = gates[g + j]!,
          f = gates[g + H + j]!,
          gg = gates[g + 2 * H + j]!,
          o = gates[g + 3 * H + j]!;
        const tc = tcs[r * H + j]!; // tanh(c_t) as the forward pass computed it
        const dmv = dm[b * (m ? H : P) + j]!;
        const dct = dmv * o * (1 - tc * tc) + dc[b * H + j]!;
        dc[b * H + j] = dct * f;
        dgates[g + j] = dct * gg * i * (1 - i);
        dgates[g + H + j] = dct * cprev[r * H + j]! * f * (1 - f);
        dgates[g + 2 * H + j] = dct * i * (1 - gg * gg);
        dgates[g + 3 * H + j] = dmv * tc * o * (1 - o);
      }
    }
    // dL/dh_(t-1) = dgates_t W_hh for the items that took this step; the others carry dh through.
    gemm(false, false, B, P, G, 1, dgates, t * B * G, G, p, dir.whh, P, 0, tmp, 0, P);
    for (let b = 0; b < B; b++) if (t < len[b]!) for (let j = b * P; j < b * P + P; j++) dh[j] = tmp[j]!;
  }
}

/** What the LSTM is, without its kernels (what a page that only names cells imports). */
export const lstmInfo: CellInfo = {
  mode: 'lstm',
  label: 'LSTM',
  short: 'LSTM',
  rows: 4,
  cellState: true,
  hiddenApart: false,
  gates: [
    { symbol: 'i', name: 'input gate', activation: 'sigmoid' },
    { symbol: 'f', name: 'forget gate', activation: 'sigmoid' },
    { symbol: 'g', name: 'cell candidate', activation: 'tanh' },
    { symbol: 'o', name: 'output gate', activation: 'sigmoid' },
  ],
  step: 'gates i, f, g, o update the cell state c_t and hidden state h_t',
  equation: 'i, f, o = sigmoid(in + hid), g = tanh(in + hid), c = f * c_prev + i * g, h = o * tanh(c)',
};

export const lstm: Cell = {
  ...lstmInfo,
  forward: lstmForward,
  backward: lstmBackward,
  wasm: lstmWasm,
};
