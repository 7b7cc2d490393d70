import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeModel, encodeModel } from '../src/io/model.js';
import { decodeSafetensors, encodeSafetensors } from '../src/io/safetensors.js';
import { SequenceModel } from '../src/nn/model.js';
import { ModelFileError } from '../src/errors.js';
import { flatten, type Nested } from '../tools/parity-case.js';
import { assertClose } from './helpers.js';

const dir = join(import.meta.dirname, '..', '..', 'test', 'fixtures', 'model');

for (const name of ['torch_gru_bidir_2layer', 'torch_lstm_proj_last', 'torch_rnn_seed']) {
  test(`decodeModel loads ${name}, saved by PyTorch, and gives PyTorch's logits`, () => {
    const { model, meta } = decodeModel(readFileSync(join(dir, `${name}.safetensors`)), `${name}.safetensors`);
    const fx = JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) as { x: Nested; logits: Nested };
    const x = flatten(fx.x);
    const r = model.forward({ data: Float32Array.from(x.data), shape: x.shape });
    const want = flatten(fx.logits);
    assert.deepEqual(r.logits.shape, want.shape);
    assertClose(r.logits.data, want.data, 'logits');
    assert.equal(meta.classes?.length, model.options.numClasses);
  });
}

test('encodeModel and decodeModel round-trip the weights, the config and the metadata', () => {
  const m = new SequenceModel(
    { mode: 'lstm', inputSize: 3, hiddenSize: 5, numClasses: 4, numLayers: 2, bidirectional: true, projSize: 2 },
    { seed: 9 },
  );
  const bytes = encodeModel(m, { classes: ['a', 'b', 'c', 'd'], normalization: { mean: [0, 1, 2], std: [1, 1, 1] } });
  const { model, meta } = decodeModel(bytes);
  assert.deepEqual(model.options, m.options);
  assert.deepEqual(Array.from(model.table.data), Array.from(m.table.data));
  assert.deepEqual(meta.classes, ['a', 'b', 'c', 'd']);
  assert.deepEqual(meta.normalization?.mean, [0, 1, 2]);
  const names = [...decodeSafetensors(bytes).tensors.keys()].sort();
  assert.ok(names.includes('rnn.weight_hr_l1_reverse') && names.includes('head.weight'), names.join());
});

test('decodeModel says which tensor is missing or has the wrong shape', () => {
  const m = new SequenceModel({ mode: 'gru', inputSize: 3, hiddenSize: 4, numClasses: 2 });
  const sd = m.table.stateDict();
  const meta = decodeSafetensors(encodeModel(m)).metadata;
  const without = encodeSafetensors(
    sd.filter((t) => t.name !== 'rnn.bias_hh_l0'),
    meta,
  );
  assert.throws(
    () => decodeModel(without, 'm.safetensors'),
    (e: Error) => e instanceof ModelFileError && /m\.safetensors.*rnn\.bias_hh_l0/.test(e.message),
  );
  const reshaped = encodeSafetensors(
    sd.map((t) => (t.name === 'head.weight' ? { ...t, shape: [4, 2] } : t)),
    meta,
  );
  assert.throws(
    () => decodeModel(reshaped),
    (e: Error) => e instanceof ModelFileError && /head\.weight.*\[4, 2\].*\[2, 4\]/.test(e.message),
  );
});

test('decodeModel rejects a file without rnnscope metadata, a truncated file and NaN weights', () => {
  const m = new SequenceModel({ mode: 'rnn_tanh', inputSize: 2, hiddenSize: 2, numClasses: 2 });
  const sd = m.table.stateDict();
  assert.throws(
    () => decodeModel(encodeSafetensors(sd)),
    (e: Error) => e instanceof ModelFileError && /no "rnnscope" entry/.test(e.message),
  );
  const bytes = encodeModel(m);
  for (const n of [0, 7, 8, 20, bytes.length - 1]) {
    assert.throws(() => decodeModel(bytes.subarray(0, n)), ModelFileError, `truncated at ${n}`);
  }
  const meta = decodeSafetensors(bytes).metadata;
  const nan = encodeSafetensors(
    sd.map((t) => (t.name === 'head.bias' ? { ...t, data: [NaN, 0] } : t)),
    meta,
  );
  assert.throws(
    () => decodeModel(nan),
    (e: Error) => e instanceof ModelFileError && /head\.bias has NaN/.test(e.message),
  );
});
