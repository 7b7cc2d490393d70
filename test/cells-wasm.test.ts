/**
 * The cells' fast paths against their references. The LSTM, GRU and RNN steps run whole in WebAssembly
 * SIMD (each cell's <cell>.wat kernels, driven by <cell>-wasm.ts's step tables) against the JavaScript
 * cells: forward outputs, final states and every gradient of a training step agree to float32
 * rounding. Ragged batches, H not a multiple of 4 and float64 take the JavaScript path, and the
 * counter shows which path ran. The RNN's fused pass (its fast path for small recurrences) against
 * its reference, the GEMM then the activation.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SequenceModel, type SequenceModelOptions } from '../src/nn/model.js';
import { setGemmBackend, type GemmBackend } from '../src/tensor/gemm.js';
import { wasmCellSteps, wasmGemmAvailable, wasmGemmStatus } from '../src/tensor/wasm/module.js';
import { CELLS } from '../src/nn/cells/index.js';
import { crossEntropy } from '../src/loss/cross-entropy.js';
import { Rng } from '../src/tensor/rng.js';
import { assertClose } from './helpers.js';

const skip = wasmGemmAvailable() ? false : `wasm kernel unavailable: ${wasmGemmStatus()}`;

interface Out {
  logits: Float32Array;
  hN: Float32Array;
  cN: Float32Array | null;
  grad: Float32Array;
  steps: number;
  kept: Float32Array;
}

/** Forward, cross-entropy over every step, backward, with the GEMM backend set to `backend`. */
function trainStep(o: SequenceModelOptions, backend: GemmBackend, T: number, B: number, lengths: number[] | null): Out {
  const rng = new Rng(5);
  const x = { data: Float32Array.from({ length: T * B * o.inputSize }, () => rng.normal()), shape: [T, B, o.inputSize] };
  const targets = Int32Array.from({ length: T * B }, () => Math.floor(rng.random() * o.numClasses));
  const m = new SequenceModel(o, { seed: 9 });
  setGemmBackend(backend);
  const before = wasmCellSteps();
  try {
    const r = m.forward(x, { lengths });
    const d = new Float32Array(r.logits.data.length);
    crossEntropy(r.logits.data, 0, T * B, o.numClasses, targets, d);
    m.table.zeroGrad();
    m.backward(d);
    // What the forward pass keeps for the backward pass and the prediction trace: gates, c_t, tanh(c_t), GRU's W_hn h + b_hn.
    const kept = m.rnn
      .workspace(B, T)
      .dirs.flat()
      .flatMap((d) => [d.gates, d.c, d.tc, d.gh].flatMap((b) => (b ? Array.from(b) : [])));
    return {
      kept: Float32Array.from(kept),
      logits: Float32Array.from(r.logits.data),
      hN: Float32Array.from(r.hN.data),
      cN: r.cN ? Float32Array.from(r.cN.data) : null,
      grad: Float32Array.from(m.table.grad),
      steps: wasmCellSteps() - before,
    };
  } finally {
    setGemmBackend('auto');
  }
}

const cases: { name: string; o: SequenceModelOptions; T: number; B: number; lengths?: number[]; simdSteps: number }[] = [
  // simdSteps: forward and backward steps run in wasm (LSTM with projection: its forward only)
  { name: 'LSTM', o: { mode: 'lstm', inputSize: 6, hiddenSize: 12, numClasses: 4 }, T: 7, B: 5, simdSteps: 14 },
  {
    name: 'LSTM, 2 layers, bidirectional',
    o: { mode: 'lstm', inputSize: 5, hiddenSize: 8, numLayers: 2, bidirectional: true, numClasses: 3 },
    T: 6,
    B: 3,
    simdSteps: 48,
  },
  {
    name: 'LSTM with projection',
    o: { mode: 'lstm', inputSize: 4, hiddenSize: 16, projSize: 12, numClasses: 3 },
    T: 5,
    B: 4,
    simdSteps: 5,
  },
  { name: 'GRU', o: { mode: 'gru', inputSize: 6, hiddenSize: 12, numClasses: 4 }, T: 7, B: 5, simdSteps: 14 },
  {
    name: 'GRU without bias, 2 layers',
    o: { mode: 'gru', inputSize: 3, hiddenSize: 16, numLayers: 2, bias: false, numClasses: 2 },
    T: 6,
    B: 3,
    simdSteps: 24,
  },
  {
    name: 'GRU, bidirectional',
    o: { mode: 'gru', inputSize: 3, hiddenSize: 20, bidirectional: true, numClasses: 2 },
    T: 4,
    B: 6,
    simdSteps: 16,
  },
  { name: 'RNN tanh', o: { mode: 'rnn_tanh', inputSize: 6, hiddenSize: 12, numClasses: 4 }, T: 7, B: 5, simdSteps: 14 },
  {
    name: 'RNN relu, 2 layers, bidirectional',
    o: { mode: 'rnn_relu', inputSize: 3, hiddenSize: 16, numLayers: 2, bidirectional: true, numClasses: 3 },
    T: 5,
    B: 4,
    simdSteps: 40,
  },
  {
    name: 'LSTM, ragged batch (the JavaScript path)',
    o: { mode: 'lstm', inputSize: 3, hiddenSize: 8, numClasses: 2 },
    T: 5,
    B: 3,
    lengths: [5, 2, 4],
    simdSteps: 0,
  },
  { name: 'GRU, H = 10 (the JavaScript path)', o: { mode: 'gru', inputSize: 3, hiddenSize: 10, numClasses: 2 }, T: 5, B: 3, simdSteps: 0 },
];

for (const c of cases) {
  test(`SIMD cell steps match the JavaScript cells: ${c.name}`, { skip }, () => {
    const js = trainStep(c.o, 'js', c.T, c.B, c.lengths ?? null);
    const simd = trainStep(c.o, 'wasm', c.T, c.B, c.lengths ?? null);
    assert.equal(js.steps, 0);
    assert.equal(simd.steps, c.simdSteps, 'steps run in wasm');
    assertClose(simd.logits, js.logits, 'logits', 2e-6, 2e-5);
    assertClose(simd.hN, js.hN, 'h_n', 2e-6, 2e-5);
    if (js.cN) assertClose(simd.cN!, js.cN, 'c_n', 2e-6, 2e-5);
    assertClose(simd.kept, js.kept, 'gates, c, tanh(c), W_hn h + b_hn kept by the forward pass', 2e-6, 2e-5);
    assertClose(simd.grad, js.grad, 'gradients', 5e-6, 5e-5);
  });
}

test('float64 models keep the JavaScript cells even with the wasm backend', { skip }, () => {
  const m = new SequenceModel({ mode: 'gru', inputSize: 4, hiddenSize: 16, numClasses: 2 }, { dtype: 'float64' });
  setGemmBackend('wasm');
  const before = wasmCellSteps();
  try {
    m.forward({ data: new Float64Array(5 * 2 * 4).fill(0.5), shape: [5, 2, 4] });
  } finally {
    setGemmBackend('auto');
  }
  assert.equal(wasmCellSteps(), before);
});

test('a pass never multiplies by the W_hh a previous pass packed: weights changed between passes are used', { skip }, () => {
  for (const mode of ['lstm', 'gru', 'rnn_tanh'] as const) {
    // "auto" with one input feature and two steps of 8: the steps (8 x G x 24) go to wasm, the input
    // projection (16 x G x 1) and the head (16 x 3 x 24) stay in JS, so no other call into the module
    // comes between the two passes and only the pass's `first` flag stands between the second pass and
    // the first pass's W_hh.
    const o: SequenceModelOptions = { mode, inputSize: 1, hiddenSize: 24, numClasses: 3 };
    const x = { data: Float32Array.from({ length: 2 * 8 }, (_, i) => Math.sin(i)), shape: [2, 8, 1] };
    const run = (backend: GemmBackend) => {
      const m = new SequenceModel(o, { seed: 3 });
      setGemmBackend(backend);
      try {
        const before = wasmCellSteps();
        m.forward(x);
        assert.equal(wasmCellSteps() - before, backend === 'js' ? 0 : 2, `${mode} ${backend}: steps in wasm`);
        // the same shapes and layout again, with every recurrent weight changed in place
        const w = m.table.view('rnn.weight_hh_l0');
        for (let i = 0; i < w.length; i++) w[i] = -w[i]! * 0.5;
        return Float32Array.from(m.forward(x).logits.data);
      } finally {
        setGemmBackend('auto');
      }
    };
    assertClose(run('auto'), run('js'), `${mode}: logits after the weights changed`, 2e-6, 2e-5);
  }
});

/** A model's outputs and hidden states with the RNN's fused pass on, or off (the reference runs). */
function rnnPass(mode: 'rnn_tanh' | 'rnn_relu', fused: boolean, dtype: 'float32' | 'float64', lengths: number[] | null): Float64Array {
  const cell = CELLS[mode];
  const saved = cell.fused;
  if (!fused) cell.fused = undefined;
  setGemmBackend('js');
  try {
    const m = new SequenceModel(
      { mode, inputSize: 5, hiddenSize: 8, numLayers: 2, bidirectional: true, numClasses: 3 },
      { seed: 4, dtype },
    );
    const rng = new Rng(6);
    const x = { data: Float64Array.from({ length: 10 * 3 * 5 }, () => rng.normal()), shape: [10, 3, 5] };
    const r = m.forward(dtype === 'float32' ? { ...x, data: Float32Array.from(x.data) } : x, { lengths });
    return Float64Array.from([...r.logits.data, ...r.hN.data]);
  } finally {
    cell.fused = saved;
    setGemmBackend('auto');
  }
}

for (const mode of ['rnn_tanh', 'rnn_relu'] as const) {
  test(`the ${mode} fused pass matches its reference, float32 and float64, full and ragged batches`, () => {
    for (const lengths of [null, [10, 4, 7]]) {
      assertClose(rnnPass(mode, true, 'float32', lengths), rnnPass(mode, false, 'float32', lengths), `${mode} float32`, 2e-6, 2e-5);
      assertClose(rnnPass(mode, true, 'float64', lengths), rnnPass(mode, false, 'float64', lengths), `${mode} float64`, 1e-12, 1e-12);
    }
  });
}

test('a relu RNN that overflows carries NaN to every later step and h_n on every path, as torch.relu does', () => {
  // W_ih all 1 and x near float32's largest: every unit's h_1 is +Infinity; W_hh of both signs then
  // gives Infinity - Infinity = NaN at step 2, which relu must keep (it used to make it 0).
  const [T, B, I, H] = [4, 2, 5, 8];
  for (const backend of ['js', 'wasm', 'auto'] as const) {
    if (backend === 'wasm' && !wasmGemmAvailable()) continue;
    const m = new SequenceModel({ mode: 'rnn_relu', inputSize: I, hiddenSize: H, numClasses: 3 }, { seed: 1 });
    m.table.set('rnn.weight_ih_l0', new Float32Array(H * I).fill(1));
    m.table.set(
      'rnn.weight_hh_l0',
      Float32Array.from({ length: H * H }, (_, i) => (i % 2 ? 1 : -1)),
    );
    m.table.set('rnn.bias_ih_l0', new Float32Array(H));
    m.table.set('rnn.bias_hh_l0', new Float32Array(H));
    const x = new Float32Array(T * B * I);
    x.fill(3e38, 0, B * I);
    setGemmBackend(backend);
    try {
      const r = m.forward({ data: x, shape: [T, B, I] });
      const out = r.output.data;
      for (let i = 0; i < B * H; i++) assert.equal(out[i], Infinity, `${backend}: h_1 is +Infinity`);
      for (let i = B * H; i < T * B * H; i++)
        assert.ok(Number.isNaN(out[i]), `${backend}: output ${i} (step ${Math.floor(i / (B * H)) + 1}) is NaN`);
      assert.ok(Array.from(r.hN.data).every(Number.isNaN), `${backend}: h_n is NaN`);
    } finally {
      setGemmBackend('auto');
    }
  }
});
