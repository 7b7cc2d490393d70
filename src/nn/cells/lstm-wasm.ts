/**
 * The LSTM's WebAssembly twin: whole passes of float32 steps in the module, each step the GEMM with
 * W_hh and lstm.wat's kernel, declared as tables for the step driver (src/tensor/wasm/module.ts).
 * It applies when every item takes every step, H is a multiple of 4 and a step is large enough for
 * the module (wasmSized); the backward pass also needs no projection. lstm.ts is the reference.
 */
import { gemm, wasmSized } from '../../tensor/gemm.js';
import { copyInto, type Buf } from '../../tensor/buf.js';
import { WasmStep, type StepTable } from '../../tensor/wasm/module.js';
import type { Dir, Workspace } from '../workspace.js';
import { addOutputGrad, writeStep, type CellFast } from './cell.js';
import { inferSized, lstmInfer } from './infer-pass.js';

/** Each layer and direction's step layouts, made on its first pass. */
const forwards = new WeakMap<object, WasmStep>();
const backwards = new WeakMap<object, WasmStep>();

// gates_t += h_(t-1) W_hh^T, then lstm_cell: (B, G) activated in place, c_t, tanh(c_t), h_t = o tanh(c_t).
const forwardStep = (B: number, H: number, P: number): StepTable => ({
  operands: [
    { name: 'h', floats: B * P, copy: 'in' }, //            h_(t-1): (B, P)
    { name: 'gates', floats: B * 4 * H, copy: 'inout' }, // (B, G) W_ih x_t + b in, i f g o out
    { name: 'ccur', floats: B * H, copy: 'inout' }, //      (B, H) c_(t-1) in, c_t out
    { name: 'c', floats: B * H, copy: 'out' }, //           (B, H) c_t, kept
    { name: 'tc', floats: B * H, copy: 'out' }, //          (B, H) tanh(c_t), kept for the backward pass
    { name: 'hOut', floats: B * H, copy: 'out' }, //        (B, H) o tanh(c_t): h_t, or m_t before W_hr
  ],
  gemm: { when: 'before', a: 'h', c: 'gates', M: B, N: 4 * H, K: P, transW: true, beta: 1 },
  kernel: 'lstm_cell',
  args: ['gates', 'ccur', 'c', 'tc', 'hOut', B, H],
});

// lstm_back: dgates from the kept gates, tanh(c_t), c_(t-1), dh, dc (dc becomes dL/dc_(t-1)); then dh = dgates W_hh.
const backwardStep = (B: number, H: number): StepTable => ({
  operands: [
    { name: 'gates', floats: B * 4 * H, copy: 'in' }, //   (B, G) i f g o
    { name: 'tc', floats: B * H, copy: 'in' }, //          (B, H) tanh(c_t)
    { name: 'cprev', floats: B * H, copy: 'in' }, //       (B, H) c_(t-1)
    { name: 'dh', floats: B * H, copy: 'inout' }, //       (B, H) dL/dh_t in, dL/dh_(t-1) out
    { name: 'dc', floats: B * H, copy: 'inout' }, //       (B, H) dL/dc_t in, dL/dc_(t-1) out
    { name: 'dgates', floats: B * 4 * H, copy: 'out' }, // (B, G) of the pre-activations
  ],
  gemm: { when: 'after', a: 'dgates', c: 'dh', M: B, N: H, K: 4 * H, transW: false, beta: 0 },
  kernel: 'lstm_back',
  args: ['gates', 'tc', 'cprev', 'dh', 'dc', 'dgates', B, H],
});

// (operand indices, the same for every size; found on first use, so a bundle without the kernels leaves this out)
let fwdSlots: [number, number, number, number, number, number] | undefined;
let backSlots: [number, number, number, number, number, number] | undefined;

function forward(dir: Dir, ws: Workspace, p: Buf, out: Buf, ldo: number): boolean {
  const [h, gates, cc, c, tc, hOut] = (fwdSlots ??= WasmStep.slotsOf(forwardStep(1, 4, 4), 'h', 'gates', 'ccur', 'c', 'tc', 'hOut') as [
    number,
    number,
    number,
    number,
    number,
    number,
  ]);
  const { T, B } = ws;
  const { H, P, G, col, m, tmp } = dir;
  if (!(p instanceof Float32Array) || ws.ragged || H % 4 !== 0 || !wasmSized(B, G, P)) return false;
  const step = forwards.get(dir) ?? WasmStep.keep(forwards, dir, forwardStep(B, H, P));
  if (!step) return false;
  const hcur = dir.hcur as Float32Array,
    ccur = dir.ccur as Float32Array;
  step.weight(p, dir.whh);
  step.bind(h, hcur, 0);
  step.bind(cc, ccur, 0);
  for (let s = 0; s < T; s++) {
    const t = dir.rev ? T - 1 - s : s;
    copyInto(dir.hprev, t * B * P, hcur);
    copyInto(dir.cprev!, t * B * H, ccur);
    step.bind(gates, dir.gates as Float32Array, t * B * G);
    step.bind(c, dir.c as Float32Array, t * B * H);
    step.bind(tc, dir.tc as Float32Array, t * B * H);
    step.bind(hOut, (m ?? hcur) as Float32Array, m ? t * B * H : 0);
    step.run(s === 0);
    // With projection, h_t = W_hr m_t for the whole step; then h_t to the layer output (as lstm.ts).
    if (m) gemm(false, true, B, P, H, 1, m, t * B * H, H, p, dir.whr, H, 0, tmp, 0, P);
    if (m) for (let i = 0; i < B * P; i++) hcur[i] = tmp[i]!;
    writeStep(out, hcur, t, B, P, ldo, col);
  }
  return true;
}

function backward(dir: Dir, ws: Workspace, p: Buf, dOut: Buf, ldo: number): boolean {
  const [bGates, bTc, bCprev, bDh, bDc, bDgates] = (backSlots ??= WasmStep.slotsOf(
    backwardStep(1, 4),
    'gates',
    'tc',
    'cprev',
    'dh',
    'dc',
    'dgates',
  ) as [number, number, number, number, number, number]);
  const { T, B } = ws;
  const { H, P, G, col, dh } = dir;
  if (!(p instanceof Float32Array) || ws.ragged || dir.m || H % 4 !== 0 || !wasmSized(B, P, G)) return false;
  const step = backwards.get(dir) ?? WasmStep.keep(backwards, dir, backwardStep(B, H));
  if (!step) return false;
  step.weight(p, dir.whh);
  step.bind(bDh, dh as Float32Array, 0);
  step.bind(bDc, dir.dc as Float32Array, 0);
  for (let s = T - 1; s >= 0; s--) {
    const t = dir.rev ? T - 1 - s : s;
    addOutputGrad(dh, dOut, t, B, P, ldo, col);
    step.bind(bGates, dir.gates as Float32Array, t * B * G);
    step.bind(bTc, dir.tc as Float32Array, t * B * H);
    step.bind(bCprev, dir.cprev as Float32Array, t * B * H);
    step.bind(bDgates, dir.dgates as Float32Array, t * B * G);
    step.run(s === T - 1);
  }
  return true;
}

export const lstmWasm: CellFast = { forward, backward, infer: lstmInfer, inferFits: inferSized };
