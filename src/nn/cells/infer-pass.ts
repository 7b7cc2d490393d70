/**
 * A cell's forward pass when no backward pass follows (`ForwardOptions.noGrad`): one layer and
 * direction whole in the WebAssembly module, for the cells whose step is the input projection and
 * the recurrence summed, then an element-wise kernel (LSTM, Elman RNN; not GRU, whose r multiplies
 * the recurrence apart). Its input, both weights (each packed once for the pass), the running state
 * and the layer's output live in the module's memory from the first step to the last, and nothing is
 * kept for a backward pass: the stack gives such a pass a lean workspace (workspace.ts, inferSized).
 *
 * The LSTM's pass is one call (lstm-infer.wat): the weights packed by unit group, each job (one item,
 * four units) summing its 16 gate pre-activations in registers, two jobs at a time with eight sums in
 * flight, and the cell applied to 64 jobs' sums at a time while they are in L1; no (B, 4H) gates array
 * is written, no GEMM is called per step. The RNN's pass is three calls a step: the input projection
 * x_t W_ih^T and the recurrence h_(t-1) W_hh^T onto it through gemm.wat, and rnn.wat's kernel.
 *
 * The numbers are those of the pass that keeps everything (<cell>-wasm.ts after the stack's input
 * projection), bit for bit: the same bias sums, the same k-blocks, each sum over k in the same order
 * (fused or not as gemm.wat's would be: fmaFor), added to the same things in the same order, through
 * the same activations. It applies where that pass runs in the module (float32, every item takes every
 * step, H a multiple of 4, a step large enough: wasmSized), with no projection (projSize), and when the
 * module can hold the pass; else it returns false having done nothing, and the stack runs the ordinary
 * pass.
 */
import { wasmSized } from '../../tensor/gemm.js';
import { align, BASE, fmaFor, forgetPacked, load, reserve, stepKc, tuning, workBytes } from '../../tensor/wasm/module.js';
import type { Dir, Workspace } from '../workspace.js';
import type { FastInfer } from './cell.js';

let passes = 0;

/** How many layer passes ran here (tests check that the path was taken). */
export function inferPasses(): number {
  return passes;
}

/**
 * Whether the passes here run a layer of these sizes (given float32 weights and every item taking every
 * step): where the ordinary pass runs its steps in the module (H a multiple of 4, a step large enough:
 * wasmSized), with no projection, the recurrence in one k-block (P up to 1024), and the module loaded.
 */
export function inferSized(T: number, B: number, I: number, H: number, P: number, G: number): boolean {
  return P === H && H % 4 === 0 && P <= stepKc(P) && wasmSized(B, G, P) && wasmSized(T * B, G, I) && load() !== null;
}

/** A layer's pass here, given float32 buffers. */
type Pass = (dir: Dir, ws: Workspace, p: Float32Array, xin: Float32Array, out: Float32Array, ldo: number) => boolean;

/** `pass` where it runs (float32 buffers, every item taking every step, sizes inferSized takes); else false, and the ordinary pass runs. */
const whereItRuns =
  (pass: Pass): FastInfer =>
  (dir, ws, p, xin, out, ldo) =>
    p instanceof Float32Array &&
    xin instanceof Float32Array &&
    out instanceof Float32Array &&
    !ws.ragged &&
    inferSized(ws.T, ws.B, dir.I, dir.H, dir.P, dir.G) &&
    pass(dir, ws, p, xin, out, ldo);

export const lstmInfer: FastInfer = whereItRuns(lstmPass);
export const rnnInfer = (relu: boolean): FastInfer => whereItRuns((dir, ws, p, xin, out, ldo) => rnnPass(relu, dir, ws, p, xin, out, ldo));

/** The Elman RNN's pass: three calls a step (both weights packed once for the pass) and no copy. */
function rnnPass(relu: boolean, dir: Dir, ws: Workspace, p: Float32Array, xin: Float32Array, out: Float32Array, ldo: number): boolean {
  const { T, B } = ws;
  const { H, P, G, I, col } = dir;
  const k = load()!;
  const kcX = tuning.kc; // the stack's input projection: k-blocks of tuning.kc
  const kcH = stepKc(P); // rnn-wasm.ts's step: all of P in one block
  // The module's memory for the pass (bytes).
  const pX = BASE;
  const pWih = pX + align(4 * T * B * I);
  const pWhh = pWih + align(4 * G * I);
  const pPackX = pWhh + align(4 * G * P);
  const pPackH = pPackX + align(workBytes(I, G, kcX));
  const pBias = pPackH + align(workBytes(P, G, kcH));
  const pGates = pBias + align(4 * B * G);
  const pH0 = pGates + align(4 * B * G);
  const pOut = pH0 + align(4 * B * P);
  if (!reserve(k, pOut + align(4 * T * B * P))) return false;
  forgetPacked(); // what a step table had packed is overwritten
  const f32 = k.f32;
  const q = (bytes: number): number => bytes >> 2;
  f32.set(xin.subarray(0, T * B * I), q(pX));
  f32.set(p.subarray(dir.wih, dir.wih + G * I), q(pWih));
  f32.set(p.subarray(dir.whh, dir.whh + G * P), q(pWhh));
  f32.set((dir.hcur as Float32Array).subarray(0, B * P), q(pH0));
  // b_ih + b_hh for every item, as the stack's projection starts its gates (summed in doubles, stored once)
  const bias = dir.bih >= 0;
  if (bias) {
    for (let j = 0; j < G; j++) f32[q(pBias) + j] = p[dir.bih + j]! + p[dir.bhh + j]!;
    for (let b = 1; b < B; b++) f32.copyWithin(q(pBias) + b * G, q(pBias), q(pBias) + G);
  }
  const beta = bias ? 1 : 0;
  const { gemm } = k;
  const rnnCell = k.exports['rnn_cell']!;
  const mc = tuning.mc;
  // Both weights packed once (an M = 0 product packs and multiplies nothing); W_ih only when it is one k-block.
  const keepX = I <= kcX;
  const fmaX = fmaFor(k, G, I),
    fmaH = fmaFor(k, G, P);
  if (keepX) gemm(0, 1, 0, G, I, 1, pX, I, pWih, I, 0, pGates, G, pPackX, kcX, mc, 0, fmaX);
  gemm(0, 1, 0, G, P, 1, pH0, P, pWhh, P, 1, pGates, G, pPackH, kcH, mc, 0, fmaH);
  let hPrev = pH0;
  for (let s = 0; s < T; s++) {
    const t = dir.rev ? T - 1 - s : s;
    if (bias) f32.copyWithin(q(pGates), q(pBias), q(pBias) + B * G);
    const x = pX + 4 * t * B * I;
    gemm(0, 1, B, G, I, 1, x, I, pWih, I, beta, pGates, G, pPackX, kcX, mc, keepX ? 1 : 0, fmaX);
    gemm(0, 1, B, G, P, 1, hPrev, P, pWhh, P, 1, pGates, G, pPackH, kcH, mc, 1, fmaH);
    const h = pOut + 4 * t * B * P;
    rnnCell(pGates, h, B * H, relu ? 1 : 0);
    hPrev = h;
  }
  // The layer's output, the last state (h_T is the last step's output rows), the cell state.
  const o = q(pOut);
  if (ldo === P && col === 0) out.set(f32.subarray(o, o + T * B * P));
  else for (let r = 0; r < T * B; r++) out.set(f32.subarray(o + r * P, o + r * P + P), r * ldo + col);
  (dir.hcur as Float32Array).set(f32.subarray(q(hPrev), q(hPrev) + B * P));
  passes++;
  return true;
}

/**
 * The LSTM's pass: lstm-infer.wat's one call for all T steps, the weights packed by unit group
 * (pack_gates). The module's memory holds the input and the output (T x B rows of each), the packed
 * weights, the running c, and 4 KB of gate sums: nothing per step.
 */
function lstmPass(dir: Dir, ws: Workspace, p: Float32Array, xin: Float32Array, out: Float32Array, ldo: number): boolean {
  const { T, B } = ws;
  const { H, G, I, col } = dir;
  const k = load()!;
  const kcX = tuning.kc; // the stack's input projection: k-blocks of tuning.kc
  const pX = BASE;
  const pWx = pX + align(4 * T * B * I);
  const pWh = pWx + align(4 * G * I);
  const pRaw = pWh + align(4 * G * H);
  const pBias = pRaw + align(4 * G * Math.max(I, H));
  const pH0 = pBias + align(4 * G);
  const pC = pH0 + align(4 * B * H);
  const pScratch = (pC + align(4 * B * H) + 63) & ~63; // 64 jobs' gate sums, 64-byte aligned, and 128 bytes more
  const pOut = pScratch + 64 * 64 + 128;
  if (!reserve(k, pOut + align(4 * T * B * H))) return false;
  forgetPacked(); // what a step table had packed is overwritten
  const f32 = k.f32;
  const q = (bytes: number): number => bytes >> 2;
  const e = k.exports;
  f32.set(xin.subarray(0, T * B * I), q(pX));
  f32.set(p.subarray(dir.wih, dir.wih + G * I), q(pRaw));
  e['pack_gates']!(pRaw, I, H, pWx);
  f32.set(p.subarray(dir.whh, dir.whh + G * H), q(pRaw));
  e['pack_gates']!(pRaw, H, H, pWh);
  f32.set((dir.hcur as Float32Array).subarray(0, B * H), q(pH0));
  f32.set((dir.ccur as Float32Array).subarray(0, B * H), q(pC));
  // b_ih + b_hh in the packed order (group u's 16: i f g o of units 4u..4u+3), summed in doubles as the stack's projection
  const bias = dir.bih >= 0;
  if (bias) {
    for (let g = 0; g < 4; g++)
      for (let j = 0; j < H; j++) {
        const r = g * H + j;
        f32[q(pBias) + (j >> 2) * 16 + g * 4 + (j & 3)] = p[dir.bih + r]! + p[dir.bhh + r]!;
      }
  }
  const fmaX = fmaFor(k, G, I),
    fmaH = fmaFor(k, G, H);
  e['lstm_infer']!(pX, pH0, pC, pOut, pWx, pWh, bias ? pBias : 0, pScratch, T, B, I, H, kcX, dir.rev ? 1 : 0, fmaX, fmaH);
  const o = q(pOut);
  if (ldo === H && col === 0) out.set(f32.subarray(o, o + T * B * H));
  else for (let r = 0; r < T * B; r++) out.set(f32.subarray(o + r * H, o + r * H + H), r * ldo + col);
  const last = q(pOut) + (dir.rev ? 0 : (T - 1) * B * H);
  (dir.hcur as Float32Array).set(f32.subarray(last, last + B * H));
  (dir.ccur as Float32Array).set(f32.subarray(q(pC), q(pC) + B * H));
  passes++;
  return true;
}
