/**
 * Elman RNN cell (PyTorch nn.RNN): h_t = act(W_ih x_t + b_ih + W_hh h_(t-1) + b_hh), act tanh or relu.
 * https://pytorch.org/docs/1.13/generated/torch.nn.RNN.html
 *
 * `dir.gates` arrives holding W_ih x_t + b_ih + b_hh for every step (one GEMM, done by the stack);
 * the forward pass adds W_hh h_(t-1) and applies the activation, keeping h_t in place of the
 * pre-activation. rnnForward is the reference (the GEMM, then the activation); rnnForwardFused, the
 * fast path for small recurrences (the seed's 8 units at inference and batch 1), does both in one pass
 * per step, four units at a time with the sums in registers; test/cells-wasm.test.ts holds them
 * together, and rnn-wasm.ts runs large float32 steps in WebAssembly SIMD.
 */
import { gemm, gemmBackend, gemmDispatch } from '../../tensor/gemm.js';
import { copyInto, type Buf } from '../../tensor/buf.js';
import { tanh32 } from '../../tensor/activations.js';
import type { Dir, Workspace } from '../workspace.js';
import type { Cell, CellInfo } from './cell.js';
import { rnnWasm } from './rnn-wasm.js';

// NaN stays NaN, as in torch.relu and the wasm twin (f32x4.max): an overflowed sequence stays visibly broken.
const relu1 = (a: number): number => (a > 0 ? a : a !== a ? a : 0);

// hprev: (T, B, H) h_(t-1) kept; gates: (T, B, H) in as W_ih x_t + b, h_t out in place;
// out: (T, B, ldo) h_t at col..col+H, 0 where padded.
export function rnnForward(dir: Dir, ws: Workspace, p: Buf, out: Buf, ldo: number, relu: boolean): void {
  const { T, B, len } = ws;
  const { H, gates, hprev, hcur, col } = dir;
  const th = p instanceof Float64Array ? Math.tanh : tanh32;
  for (let s = 0; s < T; s++) {
    const t = dir.rev ? T - 1 - s : s;
    copyInto(hprev, t * B * H, hcur);
    // gates_t += h_(t-1) W_hh^T
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
        emit(gates, hcur, out, g + j, b * H + j, o + j, relu ? relu1(a) : th(a));
      }
    }
  }
}

/**
 * The fused pass, for recurrences too small for the GEMM (B H^2 below gemmDispatch.wasmMinWork),
 * float64 runs and the JavaScript backend: false, having done nothing, for the others.
 */
export function rnnForwardFused(dir: Dir, ws: Workspace, p: Buf, out: Buf, ldo: number, relu: boolean): boolean {
  const { T, B, len } = ws;
  const { H, gates, hprev, hcur, col } = dir;
  const exact = p instanceof Float64Array;
  if (!exact && gemmBackend() !== 'js' && B * H * H >= gemmDispatch.wasmMinWork) return false;
  const w = dir.whh;
  const H4 = H - (H % 4);
  for (let s = 0; s < T; s++) {
    const t = dir.rev ? T - 1 - s : s;
    const hp = t * B * H;
    copyInto(hprev, hp, hcur);
    for (let b = 0; b < B; b++) {
      const g = (t * B + b) * H;
      const o = (t * B + b) * ldo + col;
      if (t >= len[b]!) {
        out.fill(0, o, o + H);
        continue;
      }
      const x = hp + b * H; // h_(t-1) of item b
      let j = 0;
      for (; j < H4; j += 4) {
        let s0 = gates[g + j]!,
          s1 = gates[g + j + 1]!,
          s2 = gates[g + j + 2]!,
          s3 = gates[g + j + 3]!;
        const w0 = w + j * H,
          w1 = w0 + H,
          w2 = w1 + H,
          w3 = w2 + H;
        for (let k = 0; k < H; k++) {
          const v = hprev[x + k]!;
          s0 += v * p[w0 + k]!;
          s1 += v * p[w1 + k]!;
          s2 += v * p[w2 + k]!;
          s3 += v * p[w3 + k]!;
        }
        emit(gates, hcur, out, g + j, b * H + j, o + j, relu ? relu1(s0) : exact ? Math.tanh(s0) : tanh32(s0));
        emit(gates, hcur, out, g + j + 1, b * H + j + 1, o + j + 1, relu ? relu1(s1) : exact ? Math.tanh(s1) : tanh32(s1));
        emit(gates, hcur, out, g + j + 2, b * H + j + 2, o + j + 2, relu ? relu1(s2) : exact ? Math.tanh(s2) : tanh32(s2));
        emit(gates, hcur, out, g + j + 3, b * H + j + 3, o + j + 3, relu ? relu1(s3) : exact ? Math.tanh(s3) : tanh32(s3));
      }
      for (; j < H; j++) {
        let s0 = gates[g + j]!;
        const w0 = w + j * H;
        for (let k = 0; k < H; k++) s0 += hprev[x + k]! * p[w0 + k]!;
        emit(gates, hcur, out, g + j, b * H + j, o + j, relu ? relu1(s0) : exact ? Math.tanh(s0) : tanh32(s0));
      }
    }
  }
  return true;
}

/** h_t to its three homes: the gates (kept for the backward pass), the running state, the layer output. */
function emit(gates: Buf, hcur: Buf, out: Buf, gi: number, hi: number, oi: number, h: number): void {
  gates[gi] = h;
  hcur[hi] = h;
  out[oi] = h;
}

// dOut: (T, B, ldo) dL/dh_t; dh: (B, H) running; dgates: (T, B, H) out, 0 where padded.
/** dh arrives holding dL/dh_n; leaves holding dL/dh0. Writes dgates for every step (0 where padded). */
export function rnnBackward(dir: Dir, ws: Workspace, p: Buf, dOut: Buf, ldo: number, relu: boolean): void {
  const { T, B, len } = ws;
  const { H, gates, dgates, dh, tmp, col } = dir;
  const keep = ws.keepDh ? dir.dhKeep : null; // (T, B, H) dL/dh_t of every step, when asked
  for (let s = T - 1; s >= 0; s--) {
    const t = dir.rev ? T - 1 - s : s;
    for (let b = 0; b < B; b++) {
      const g = (t * B + b) * H;
      if (t >= len[b]!) {
        dgates.fill(0, g, g + H);
        keep?.fill(0, g, g + H);
        continue;
      }
      const o = (t * B + b) * ldo + col;
      for (let j = 0; j < H; j++) {
        const h = gates[g + j]!;
        const dhv = dh[b * H + j]! + dOut[o + j]!;
        if (keep) keep[g + j] = dhv;
        dgates[g + j] = relu ? (h > 0 ? dhv : 0) : dhv * (1 - h * h);
      }
    }
    // dL/dh_(t-1) = dgates_t W_hh, for the items that took this step; the others carry dh through.
    if (ws.ragged) {
      gemm(false, false, B, H, H, 1, dgates, t * B * H, H, p, dir.whh, H, 0, tmp, 0, H);
      for (let b = 0; b < B; b++) if (t < len[b]!) for (let j = b * H; j < b * H + H; j++) dh[j] = tmp[j]!;
    } else {
      gemm(false, false, B, H, H, 1, dgates, t * B * H, H, p, dir.whh, H, 0, dh, 0, H);
    }
  }
}

const elmanInfo = (act: 'tanh' | 'relu'): CellInfo => ({
  mode: act === 'relu' ? 'rnn_relu' : 'rnn_tanh',
  label: `RNN (${act})`,
  short: 'RNN',
  rows: 1,
  cellState: false,
  hiddenApart: false,
  gates: [],
  step: `h_t = ${act}(W_ih x_t + b_ih + W_hh h_(t-1) + b_hh)`,
  equation: `h = ${act}(W_ih x + b_ih + W_hh h_prev + b_hh)`,
});

/** What the plain RNNs are, without their kernels (what a page that only names cells imports). */
// (@__PURE__: a bundle that uses only the infos, the explorer's page, then leaves the kernels out)
export const rnnTanhInfo: CellInfo = /* @__PURE__ */ elmanInfo('tanh');
export const rnnReluInfo: CellInfo = /* @__PURE__ */ elmanInfo('relu');

const elman = (info: CellInfo): Cell => {
  const relu = info.mode === 'rnn_relu';
  return {
    ...info,
    forward: (dir, ws, p, out, ldo) => rnnForward(dir, ws, p, out, ldo, relu),
    backward: (dir, ws, p, dOut, ldo) => rnnBackward(dir, ws, p, dOut, ldo, relu),
    wasm: rnnWasm(relu),
    fused: { forward: (dir, ws, p, out, ldo) => rnnForwardFused(dir, ws, p, out, ldo, relu) },
  };
};

export const rnnTanh: Cell = /* @__PURE__ */ elman(rnnTanhInfo);
export const rnnRelu: Cell = /* @__PURE__ */ elman(rnnReluInfo);
