/**
 * The Elman RNN's WebAssembly twin: whole passes of float32 steps in the module, each step the GEMM
 * with W_hh and rnn.wat's kernel, declared as tables for the step driver (src/tensor/wasm/module.ts).
 * It applies when every item takes every step, H is a multiple of 4 and a step is large enough for
 * the module (wasmSized). rnn.ts is the reference.
 */
import { wasmSized } from '../../tensor/gemm.js';
import { copyInto, type Buf } from '../../tensor/buf.js';
import { WasmStep, type StepTable } from '../../tensor/wasm/module.js';
import type { Dir, Workspace } from '../workspace.js';
import { addOutputGrad, writeStep, type CellFast } from './cell.js';
import { inferSized, rnnInfer } from './infer-pass.js';

// gates_t += h_(t-1) W_hh^T, then rnn_cell: h_t = act(gates_t), in place and in h.
const forwardStep = (B: number, H: number, relu: boolean): StepTable => ({
  operands: [
    { name: 'h', floats: B * H, copy: 'inout' }, //     (B, H) h_(t-1) in, h_t out
    { name: 'gates', floats: B * H, copy: 'inout' }, // (B, H) W_ih x_t + b in, h_t out
  ],
  gemm: { when: 'before', a: 'h', c: 'gates', M: B, N: H, K: H, transW: true, beta: 1 },
  kernel: 'rnn_cell',
  args: ['gates', 'h', B * H, relu ? 1 : 0],
});

// rnn_back: dgates = act'(h_t) dL/dh_t; then dh = dgates W_hh.
const backwardStep = (B: number, H: number, relu: boolean): StepTable => ({
  operands: [
    { name: 'h', floats: B * H, copy: 'in' }, //        (B, H) h_t, kept in the gates
    { name: 'dh', floats: B * H, copy: 'inout' }, //    (B, H) dL/dh_t in, dL/dh_(t-1) out
    { name: 'dgates', floats: B * H, copy: 'out' }, //  (B, H) of the pre-activations
  ],
  gemm: { when: 'after', a: 'dgates', c: 'dh', M: B, N: H, K: H, transW: false, beta: 0 },
  kernel: 'rnn_back',
  args: ['h', 'dh', 'dgates', B * H, relu ? 1 : 0],
});

const fits = (dir: Dir, ws: Workspace, p: Buf): p is Float32Array =>
  p instanceof Float32Array && !ws.ragged && dir.H % 4 === 0 && wasmSized(ws.B, dir.H, dir.H);

// (operand indices, the same for every size; found on first use, so a bundle without the kernels leaves this out)
let fwdSlots: [number, number] | undefined;
let backSlots: [number, number, number] | undefined;

export function rnnWasm(relu: boolean): CellFast {
  // each layer and direction's step layouts, made on its first pass
  const forwards = new WeakMap<object, WasmStep>();
  const backwards = new WeakMap<object, WasmStep>();
  return {
    infer: rnnInfer(relu),
    inferFits: inferSized,
    forward(dir: Dir, ws: Workspace, p: Buf, out: Buf, ldo: number): boolean {
      const [h, gates] = (fwdSlots ??= WasmStep.slotsOf(forwardStep(1, 4, false), 'h', 'gates') as [number, number]);
      const { T, B } = ws;
      const { H, col } = dir;
      const step = fits(dir, ws, p) ? (forwards.get(dir) ?? WasmStep.keep(forwards, dir, forwardStep(B, H, relu))) : null;
      if (!step) return false;
      const hcur = dir.hcur as Float32Array;
      step.weight(p as Float32Array, dir.whh);
      step.bind(h, hcur, 0);
      for (let s = 0; s < T; s++) {
        const t = dir.rev ? T - 1 - s : s;
        copyInto(dir.hprev, t * B * H, hcur);
        step.bind(gates, dir.gates as Float32Array, t * B * H);
        step.run(s === 0);
        writeStep(out, hcur, t, B, H, ldo, col);
      }
      return true;
    },
    backward(dir: Dir, ws: Workspace, p: Buf, dOut: Buf, ldo: number): boolean {
      const [bH, bDh, bDgates] = (backSlots ??= WasmStep.slotsOf(backwardStep(1, 4, false), 'h', 'dh', 'dgates') as [
        number,
        number,
        number,
      ]);
      const { T, B } = ws;
      const { H, col, dh } = dir;
      const step = fits(dir, ws, p) ? (backwards.get(dir) ?? WasmStep.keep(backwards, dir, backwardStep(B, H, relu))) : null;
      if (!step) return false;
      step.weight(p as Float32Array, dir.whh);
      step.bind(bDh, dh as Float32Array, 0);
      for (let s = T - 1; s >= 0; s--) {
        const t = dir.rev ? T - 1 - s : s;
        // dh += dL/dh_t from the output first, stored (the reference adds it on the fly)
        addOutputGrad(dh, dOut, t, B, H, ldo, col);
        step.bind(bH, dir.gates as Float32Array, t * B * H);
        step.bind(bDgates, dir.dgates as Float32Array, t * B * H);
        step.run(s === T - 1);
      }
      return true;
    },
  };
}
