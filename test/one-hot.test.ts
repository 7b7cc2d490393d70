/**
 * One-hot input rows (src/nn/one-hot.ts): the input projection gathered and its weight gradient
 * scattered give the same bits as the GEMMs they replace, for every cell, with and without bias, over
 * several of the wasm kernel's k-blocks of rows (and a ragged last one), fused or not; and rows that
 * are not one-hot take the GEMMs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SequenceModel } from '../src/nn/model.js';
import { oneHotPath } from '../src/nn/one-hot.js';
import { gemmDispatch } from '../src/tensor/gemm.js';
import { wasmGemmAvailable } from '../src/tensor/wasm/module.js';
import type { Mode } from '../src/nn/options.js';

/** Logits and every gradient of one forward and backward, with the one-hot path on or off. */
function pass(
  mode: Mode,
  bias: boolean,
  dtype: 'float32' | 'float64',
  on: boolean,
  tokens: boolean,
  poison?: { weight?: number; grad?: number },
) {
  const V = 12,
    T = 37,
    B = 9; // 333 rows: two of the kernel's 256-row blocks, the second ragged
  const m = new SequenceModel(
    { mode, inputSize: V, hiddenSize: 32, numClasses: V, bias, ...(tokens ? { vocabSize: V } : {}) },
    { seed: 3, dtype },
  );
  const ids = Array.from({ length: T * B }, (_, i) => (i * 7 + ((i * i) % 5)) % V);
  const Arr = dtype === 'float32' ? Float32Array : Float64Array;
  // as token ids, or as the same one-hot rows given as features
  const x = tokens
    ? { data: Arr.from(ids), shape: [T, B, 1] }
    : { data: Arr.from(Array.from({ length: T * B * V }, (_, i) => (ids[Math.floor(i / V)] === i % V ? 1 : 0))), shape: [T, B, V] };
  if (poison?.weight !== undefined) m.table.view('rnn.weight_ih_l0')[5] = poison.weight;
  const was = { ...oneHotPath };
  oneHotPath.enabled = on;
  try {
    const r = m.forward(x);
    const logits = r.logits.data.slice();
    const d = logits.map((v, i) => Math.sin(i) * 0.1 + v * 0.01);
    if (poison?.grad !== undefined) d[7] = poison.grad;
    m.table.zeroGrad();
    m.backward(d);
    return {
      logits,
      grad: m.table.grad.slice(),
      used: [oneHotPath.projections - was.projections, oneHotPath.gradients - was.gradients],
    };
  } finally {
    oneHotPath.enabled = was.enabled;
  }
}

for (const fuse of [false, true]) {
  test(`one-hot rows: the projection's gather and the weight gradient's scatter give the GEMMs' bits (${fuse ? 'fused where the runtime can' : 'unfused'})`, () => {
    const saved = gemmDispatch.fmaMinWork;
    gemmDispatch.fmaMinWork = fuse ? 0 : Infinity;
    try {
      for (const mode of ['lstm', 'gru', 'rnn_tanh'] as Mode[]) {
        for (const bias of [true, false]) {
          for (const tokens of [true, false]) {
            const what = `${mode}, bias ${bias}, ${tokens ? 'token ids' : 'one-hot features'}`;
            const fast = pass(mode, bias, 'float32', true, tokens);
            const slow = pass(mode, bias, 'float32', false, tokens);
            assert.deepEqual(fast.used, [1, wasmGemmAvailable() ? 1 : 0], `${what}: the one-hot path ran`);
            assert.deepEqual(slow.used, [0, 0], `${what}: switched off, it did not`);
            assert.deepEqual(fast.logits, slow.logits, `${what}: logits`);
            assert.deepEqual(fast.grad, slow.grad, `${what}: gradients`);
          }
        }
      }
    } finally {
      gemmDispatch.fmaMinWork = saved;
    }
  });
}

test('one-hot rows in float64: the projection is gathered (the same bits), the weight gradient stays a GEMM', () => {
  const fast = pass('lstm', true, 'float64', true, true);
  const slow = pass('lstm', true, 'float64', false, true);
  assert.deepEqual(fast.used, [1, 0]);
  assert.deepEqual(fast.logits, slow.logits);
  assert.deepEqual(fast.grad, slow.grad);
});

test('rows that are not one-hot (features; a row of two 1s) take the GEMMs', () => {
  const m = new SequenceModel({ mode: 'lstm', inputSize: 4, hiddenSize: 16, numClasses: 3 }, { seed: 1 });
  const before = { ...oneHotPath };
  const oneHot = [1, 0, 0, 0, 0, 0, 1, 0];
  m.forward({ data: Float32Array.from([...oneHot, 0, 1, 1, 0]), shape: [3, 1, 4] });
  m.forward({ data: Float32Array.from([...oneHot, 0, 0.5, 0, 0]), shape: [3, 1, 4] });
  m.forward({ data: Float32Array.from([...oneHot, 0, 0, 0, 0]), shape: [3, 1, 4] });
  assert.equal(oneHotPath.projections, before.projections);
  m.forward({ data: Float32Array.from([...oneHot, 0, 0, 0, 1]), shape: [3, 1, 4] });
  assert.equal(oneHotPath.projections, before.projections + 1);
});

test('an infinity or a NaN in W_ih or in the gradient takes the GEMMs, whose 0 x inf spreads NaN along the row as PyTorch does', () => {
  const same = (a: ArrayLike<number>, b: ArrayLike<number>, what: string) => {
    assert.equal(a.length, b.length);
    for (let i = 0; i < a.length; i++)
      assert.ok(Object.is(a[i], b[i]) || (Number.isNaN(a[i]) && Number.isNaN(b[i])), `${what} [${i}]: ${a[i]} vs ${b[i]}`);
  };
  for (const poison of [{ weight: Infinity }, { weight: NaN }, { grad: Infinity }, { grad: NaN }]) {
    const what = JSON.stringify(poison, (_, v: unknown) => (typeof v === 'number' ? String(v) : v));
    const fast = pass('lstm', true, 'float32', true, true, poison);
    const slow = pass('lstm', true, 'float32', false, true, poison);
    same(fast.logits, slow.logits, `${what}: logits`);
    same(fast.grad, slow.grad, `${what}: gradients`);
    assert.ok(Array.from(slow.grad).filter(Number.isNaN).length > 1, `${what}: the GEMMs spread NaN`);
  }
});
