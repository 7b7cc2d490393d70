/**
 * A cell's forward pass when no backward pass follows (`ForwardOptions.noGrad`): one layer and
 * direction whole in the WebAssembly module, for the cells whose step is the input projection and
 * the recurrence summed, then an element-wise kernel (LSTM, Elman RNN; not GRU, whose r multiplies
 * the recurrence apart). Its input, both weights (each packed once for the pass), the running state
 * and the layer's output live in the module's memory from the first step to the last; each step is
 * the input projection x_t W_ih^T, the recurrence h_(t-1) W_hh^T onto it, and the cell's kernel
 * (lstm.wat's, rnn.wat's): three calls and no copy. Nothing is kept for a backward pass (the gates,
 * c_t, tanh(c_t) of each step are overwritten by the next).
 *
 * One sequence (B = 1) multiplies through the GEMM's 1 x 8 tile: a matrix-vector kernel of its own
 * (four panels at once, eight sums in flight) was no faster on this project's AMD EPYC (paired median
 * x0.96-1.04 at 512 x 128) and would have taken the module past the 4 KB a browser compiles on its
 * main thread.
 *
 * The numbers are those of the pass that keeps everything (<cell>-wasm.ts after the stack's input
 * projection), bit for bit: the same bias sums, the same k-blocks, each sum over k in the same order.
 * It applies where that pass runs in the module (float32, every item takes every step, H a multiple
 * of 4, a step large enough: wasmSized), with no projection (projSize), and when the module can
 * hold the pass; else it returns false having done nothing, and the stack runs the ordinary pass.
 */
import { wasmSized } from '../../tensor/gemm.js';
import type { Buf } from '../../tensor/buf.js';
import { align, BASE, fmaFor, forgetPacked, load, reserve, stepKc, tuning, workBytes } from '../../tensor/wasm/module.js';
import type { Dir, Workspace } from '../workspace.js';
import type { FastInfer } from './cell.js';

let passes = 0;

/** How many layer passes ran here (tests check that the path was taken). */
export function inferPasses(): number {
  return passes;
}

type Fn = (...args: number[]) => void;

/**
 * A cell's step kernel at fixed addresses: the gates (B, G) with the step's projection and
 * recurrence summed, the running c (B, H, LSTM) and its scratch (B, H), and where h_t goes (B, P).
 */
type StepKernel = (
  exports: Readonly<Record<string, Fn>>,
  gates: number,
  c: number,
  scratch: number,
  h: number,
  B: number,
  H: number,
) => void;

/** lstm.wat's step: c_t into the running c itself (the kept copy is not wanted), tanh(c_t) into scratch. */
const lstmStep: StepKernel = (e, gates, c, scratch, h, B, H) => e['lstm_cell']!(gates, c, c, scratch, h, B, H, 0);

/** rnn.wat's step: h_t = tanh or relu of the gates, in place and in h. */
const rnnStep =
  (relu: boolean): StepKernel =>
  (e, gates, _c, _s, h, B, H) =>
    e['rnn_cell']!(gates, h, B * H, relu ? 1 : 0);

export const lstmInfer: FastInfer = (dir, ws, p, xin, out, ldo) => inferPass(lstmStep, true, dir, ws, p, xin, out, ldo);
export const rnnInfer = (relu: boolean): FastInfer => {
  const step = rnnStep(relu);
  return (dir, ws, p, xin, out, ldo) => inferPass(step, false, dir, ws, p, xin, out, ldo);
};

function inferPass(kernel: StepKernel, withC: boolean, dir: Dir, ws: Workspace, p: Buf, xin: Buf, out: Buf, ldo: number): boolean {
  const { T, B } = ws;
  const { H, P, G, I, col } = dir;
  if (!(p instanceof Float32Array) || !(xin instanceof Float32Array) || !(out instanceof Float32Array)) return false;
  if (ws.ragged || dir.m || H % 4 !== 0 || !wasmSized(B, G, P) || !wasmSized(T * B, G, I)) return false;
  const k = load();
  if (!k) return false;
  const kcX = tuning.kc; // the stack's input projection: k-blocks of tuning.kc
  const kcH = stepKc(P); // lstm-wasm.ts's step: all of P in one block (up to 1024)
  if (P > kcH) return false;
  // The module's memory for the pass (bytes).
  const pX = BASE;
  const pWih = pX + align(4 * T * B * I);
  const pWhh = pWih + align(4 * G * I);
  const pPackX = pWhh + align(4 * G * P);
  const pPackH = pPackX + align(workBytes(I, G, kcX));
  const pBias = pPackH + align(workBytes(P, G, kcH));
  const pGates = pBias + align(4 * B * G);
  const pH0 = pGates + align(4 * B * G);
  const pC = pH0 + align(4 * B * P);
  const pTc = pC + (withC ? align(4 * B * H) : 0);
  const pOut = pTc + (withC ? align(4 * B * H) : 0);
  if (!reserve(k, pOut + align(4 * T * B * P))) return false;
  forgetPacked(); // what a step table had packed is overwritten
  const f32 = k.f32;
  const q = (bytes: number): number => bytes >> 2;
  f32.set(xin.subarray(0, T * B * I), q(pX));
  f32.set(p.subarray(dir.wih, dir.wih + G * I), q(pWih));
  f32.set(p.subarray(dir.whh, dir.whh + G * P), q(pWhh));
  f32.set((dir.hcur as Float32Array).subarray(0, B * P), q(pH0));
  if (withC) f32.set((dir.ccur as Float32Array).subarray(0, B * H), q(pC));
  // b_ih + b_hh for every item, as the stack's projection starts its gates (summed in doubles, stored once)
  const bias = dir.bih >= 0;
  if (bias) {
    for (let j = 0; j < G; j++) f32[q(pBias) + j] = p[dir.bih + j]! + p[dir.bhh + j]!;
    for (let b = 1; b < B; b++) f32.copyWithin(q(pBias) + b * G, q(pBias), q(pBias) + G);
  }
  const beta = bias ? 1 : 0;
  const { gemm } = k;
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
    kernel(k.exports, pGates, pC, pTc, h, B, H);
    hPrev = h;
  }
  // The layer's output, the last state (h_T is the last step's output rows), the cell state.
  const o = q(pOut);
  if (ldo === P && col === 0) out.set(f32.subarray(o, o + T * B * P));
  else for (let r = 0; r < T * B; r++) out.set(f32.subarray(o + r * P, o + r * P + P), r * ldo + col);
  (dir.hcur as Float32Array).set(f32.subarray(q(hPrev), q(hPrev) + B * P));
  if (withC) (dir.ccur as Float32Array).set(f32.subarray(q(pC), q(pC) + B * H));
  passes++;
  return true;
}
