/**
 * The GRU's WebAssembly twin: whole passes of float32 steps in the module, each step the GEMM with
 * W_hh and gru.wat's kernel, declared as tables for the step driver (src/tensor/wasm/module.ts).
 * It applies when every item takes every step, H is a multiple of 4 and a step is large enough for
 * the module (wasmSized). gru.ts is the reference.
 */
import { wasmSized } from '../../tensor/gemm.js';
import { copyInto, type Buf } from '../../tensor/buf.js';
import { WasmStep, type StepTable } from '../../tensor/wasm/module.js';
import type { Dir, Workspace } from '../workspace.js';
import { addOutputGrad, writeStep, type CellFast } from './cell.js';

/** Each layer and direction's step layouts, made on its first pass. */
const forwards = new WeakMap<object, WasmStep>();
const backwards = new WeakMap<object, WasmStep>();

// gh_t = h_(t-1) W_hh^T (no bias), then gru_cell: r, z, n in place of the input side, gh's n part + b_hn, h_t.
const forwardStep = (B: number, H: number): StepTable => ({
  operands: [
    { name: 'h', floats: B * H, copy: 'inout' }, //         (B, H) h_(t-1) in, h_t out
    { name: 'gh', floats: B * 3 * H, copy: 'out' }, //      (B, G) W_hh h_(t-1), its n part + b_hn
    { name: 'gates', floats: B * 3 * H, copy: 'inout' }, // (B, G) W_ih x_t + b_ih in, r z n out
    { name: 'bias', floats: 3 * H, copy: 'in' }, //         (G) b_hh, zeros without bias
  ],
  gemm: { when: 'before', a: 'h', c: 'gh', M: B, N: 3 * H, K: H, transW: true, beta: 0 },
  kernel: 'gru_cell',
  args: ['gates', 'gh', 'bias', 'h', B, H],
});

// gru_back: dgates, dgh from r z n, gh's n part, h_(t-1), dh (dh becomes z dL/dh_t); then dh += dgh W_hh.
const backwardStep = (B: number, H: number): StepTable => ({
  operands: [
    { name: 'gates', floats: B * 3 * H, copy: 'in' }, //  (B, G) r z n
    { name: 'gh', floats: B * 3 * H, copy: 'in' }, //     (B, G) its n part: W_hn h + b_hn
    { name: 'hprev', floats: B * H, copy: 'in' }, //      (B, H) h_(t-1)
    { name: 'dh', floats: B * H, copy: 'inout' }, //      (B, H) dL/dh_t in, dL/dh_(t-1) out
    { name: 'dgates', floats: B * 3 * H, copy: 'out' }, // (B, G) input side
    { name: 'dgh', floats: B * 3 * H, copy: 'out' }, //    (B, G) W_hh side
  ],
  gemm: { when: 'after', a: 'dgh', c: 'dh', M: B, N: H, K: 3 * H, transW: false, beta: 1 },
  kernel: 'gru_back',
  args: ['gates', 'gh', 'hprev', 'dh', 'dgates', 'dgh', B, H],
});

// (operand indices, the same for every size; found on first use, so a bundle without the kernels leaves this out)
let fwdSlots: [number, number, number, number] | undefined;
let backSlots: [number, number, number, number, number, number] | undefined;

function forward(dir: Dir, ws: Workspace, p: Buf, out: Buf, ldo: number): boolean {
  const [h, gh, gates, bias] = (fwdSlots ??= WasmStep.slotsOf(forwardStep(1, 4), 'h', 'gh', 'gates', 'bias') as [
    number,
    number,
    number,
    number,
  ]);
  const { T, B } = ws;
  const { H, G, col } = dir;
  if (!(p instanceof Float32Array) || ws.ragged || H % 4 !== 0 || !wasmSized(B, G, H)) return false;
  const step = forwards.get(dir) ?? WasmStep.keep(forwards, dir, forwardStep(B, H));
  if (!step) return false;
  const hcur = dir.hcur as Float32Array;
  step.weight(p, dir.whh);
  step.bind(h, hcur, 0);
  step.bind(bias, dir.bhh >= 0 ? p : null, dir.bhh);
  for (let s = 0; s < T; s++) {
    const t = dir.rev ? T - 1 - s : s;
    copyInto(dir.hprev, t * B * H, hcur);
    step.bind(gh, dir.gh as Float32Array, t * B * G);
    step.bind(gates, dir.gates as Float32Array, t * B * G);
    step.run(s === 0);
    writeStep(out, hcur, t, B, H, ldo, col);
  }
  return true;
}

function backward(dir: Dir, ws: Workspace, p: Buf, dOut: Buf, ldo: number): boolean {
  const [bGates, bGh, bHprev, bDh, bDgates, bDgh] = (backSlots ??= WasmStep.slotsOf(
    backwardStep(1, 4),
    'gates',
    'gh',
    'hprev',
    'dh',
    'dgates',
    'dgh',
  ) as [number, number, number, number, number, number]);
  const { T, B } = ws;
  const { H, G, col, dh } = dir;
  if (!(p instanceof Float32Array) || ws.ragged || H % 4 !== 0 || !wasmSized(B, H, G)) return false;
  const step = backwards.get(dir) ?? WasmStep.keep(backwards, dir, backwardStep(B, H));
  if (!step) return false;
  step.weight(p, dir.whh);
  step.bind(bDh, dh as Float32Array, 0);
  for (let s = T - 1; s >= 0; s--) {
    const t = dir.rev ? T - 1 - s : s;
    // dh += dL/dh_t from the output first, stored (the reference adds it on the fly)
    addOutputGrad(dh, dOut, t, B, H, ldo, col);
    step.bind(bGates, dir.gates as Float32Array, t * B * G);
    step.bind(bGh, dir.gh as Float32Array, t * B * G);
    step.bind(bHprev, dir.hprev as Float32Array, t * B * H);
    step.bind(bDgates, dir.dgates as Float32Array, t * B * G);
    step.bind(bDgh, dir.dgh as Float32Array, t * B * G);
    step.run(s === T - 1);
  }
  return true;
}

export const gruWasm: CellFast = { forward, backward };
