/**
 * The ONNX export, run: each model goes through onnxruntime-node (its bundled CPU build) and must give
 * rnnscope's logits at 1e-5 on a ragged batch of raw features, for every cell, two layers, both
 * directions, both layouts and both heads. The largest difference per cell is printed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import onnxProto from 'onnx-proto';
import { SequenceModel, type SequenceModelOptions } from '../src/nn/model.js';
import { MODES, type Mode } from '../src/nn/options.js';
import { Rng } from '../src/tensor/rng.js';
import { encodeOnnx, ONNX_OPSET } from '../src/export/onnx.js';
import { ConfigError } from '../src/errors.js';

interface Case {
  name: string;
  options: SequenceModelOptions;
}

function cases(mode: Mode): Case[] {
  const base = { mode, inputSize: 3, hiddenSize: 5, numClasses: 4, numLayers: 2 };
  return [
    { name: 'two layers, bidirectional, head on steps', options: { ...base, bidirectional: true } },
    {
      name: 'two layers, bidirectional, batch-first, head on the last state',
      options: { ...base, bidirectional: true, batchFirst: true, headOn: 'last' },
    },
    {
      name: 'one layer, no biases, head on the last state',
      options: { ...base, numLayers: 1, bias: false, headBias: false, headOn: 'last' },
    },
    { name: 'two layers, one direction, batch-first, head on steps', options: { ...base, batchFirst: true } },
  ];
}

const T = 7;
const LENGTHS = [7, 3, 1, 5];
const B = LENGTHS.length;

/** Runs `c` in rnnscope and in onnxruntime on the same raw ragged batch; returns the largest |difference|. */
async function compare(c: Case, seed: number): Promise<number> {
  const model = new SequenceModel(c.options, { seed });
  const o = model.options;
  const I = o.inputSize;
  const rng = new Rng(seed + 100);
  // raw features far from standard, as a data file has them
  const norm = { mean: Array.from({ length: I }, () => rng.uniform(-3, 3)), std: Array.from({ length: I }, () => rng.uniform(0.2, 4)) };
  const raw = new Float32Array(T * B * I);
  const normed = new Float32Array(T * B * I);
  const at = (t: number, b: number, i: number) => (o.batchFirst ? (b * T + t) * I + i : (t * B + b) * I + i);
  for (let t = 0; t < T; t++)
    for (let b = 0; b < B; b++)
      for (let i = 0; i < I; i++) {
        // padded steps carry garbage: neither side may read them
        const v = t < LENGTHS[b]! ? norm.mean[i]! + norm.std[i]! * rng.normal() : 1e3;
        raw[at(t, b, i)] = v;
        normed[at(t, b, i)] = (v - norm.mean[i]!) / norm.std[i]!; // applyNormalization's arithmetic
      }
  const shape = o.batchFirst ? [B, T, I] : [T, B, I];
  const want = model.forward({ data: normed, shape }, { lengths: LENGTHS }).logits;

  const session = await ort.InferenceSession.create(encodeOnnx(model, { normalization: norm }));
  const got = (
    await session.run({
      input: new ort.Tensor('float32', raw, shape),
      lengths: new ort.Tensor('int32', Int32Array.from(LENGTHS), [B]),
    })
  )['logits']!;
  assert.deepEqual(got.dims, want.shape, `${c.name}: logits' shape`);
  const g = got.data as Float32Array;
  let worst = 0;
  for (let k = 0; k < want.data.length; k++) worst = Math.max(worst, Math.abs(g[k]! - want.data[k]!));
  assert.ok(worst <= 1e-5, `${o.mode}, ${c.name}: onnxruntime differs from rnnscope by ${worst}`);
  return worst;
}

for (const mode of MODES) {
  test(`the ONNX export of ${mode} gives rnnscope's logits in onnxruntime at 1e-5 (layers, directions, layouts, ragged lengths)`, async () => {
    let worst = 0;
    let seed = 1;
    for (const c of cases(mode)) worst = Math.max(worst, await compare(c, seed++));
    console.log(`# ${mode}: largest |onnxruntime - rnnscope| over ${cases(mode).length} models: ${worst.toExponential(2)}`);
  });
}

test('an exported model declares its opset, its dynamic batch and step axes and its classes, and its LSTM reads the lengths', async () => {
  const model = new SequenceModel({ mode: 'lstm', inputSize: 2, hiddenSize: 3, numClasses: 2 }, { seed: 4 });
  const bytes = encodeOnnx(model, { classes: ['no', 'yes'] });
  const m = onnxProto.onnx.ModelProto.decode(bytes);
  assert.equal(Number(m.opsetImport![0]!.version), ONNX_OPSET);
  const dims = m.graph!.input![0]!.type!.tensorType!.shape!.dim!.map((d) => d.dimParam || Number(d.dimValue));
  assert.deepEqual(dims, ['steps', 'batch', 2]);
  assert.equal(m.metadataProps!.find((p) => p.key === 'classes')?.value, '["no","yes"]');
  const lstm = m.graph!.node!.find((n) => n.opType === 'LSTM')!;
  assert.ok(lstm.input!.includes('lengths'));
});

test('an LSTM with a projection is refused with one sentence: ONNX has no such operator', () => {
  const model = new SequenceModel({ mode: 'lstm', inputSize: 2, hiddenSize: 4, projSize: 2, numClasses: 2 });
  assert.throws(
    () => encodeOnnx(model),
    (e: unknown) => e instanceof ConfigError && /projection/.test(e.message),
  );
});

test('a token model exports with its embedding (Gather) or one-hot (OneHot): int64 ids in, rnnscope logits out', async () => {
  for (const [name, extra] of [
    ['embedding', { vocabSize: 11, embeddingDim: 4, inputSize: 4, paddingIdx: 0 }],
    ['one-hot', { vocabSize: 6, inputSize: 6 }],
  ] as const) {
    for (const batchFirst of [false, true]) {
      const model = new SequenceModel({ mode: 'gru', hiddenSize: 5, numClasses: 3, numLayers: 2, batchFirst, ...extra }, { seed: 9 });
      const V = extra.vocabSize;
      const rng = new Rng(3);
      const ids = Array.from({ length: T * B }, () => Math.floor(rng.uniform(0, V)));
      const shape = batchFirst ? [B, T] : [T, B];
      const want = model.forward({ data: Float32Array.from(ids), shape }, { lengths: LENGTHS }).logits;
      const session = await ort.InferenceSession.create(encodeOnnx(model));
      const got = (
        await session.run({
          input: new ort.Tensor(
            'int64',
            BigInt64Array.from(ids, (v) => BigInt(v)),
            shape,
          ),
          lengths: new ort.Tensor('int32', Int32Array.from(LENGTHS), [B]),
        })
      )['logits']!;
      assert.deepEqual(got.dims, want.shape);
      const g = got.data as Float32Array;
      let worst = 0;
      for (let k = 0; k < want.data.length; k++) worst = Math.max(worst, Math.abs(g[k]! - want.data[k]!));
      assert.ok(worst <= 1e-5, `${name}${batchFirst ? ', batch-first' : ''}: onnxruntime differs from rnnscope by ${worst}`);
    }
  }
});

test("a regression model's export gives values in the target's units, under the output name values", async () => {
  const model = new SequenceModel({ mode: 'lstm', inputSize: 2, hiddenSize: 4, numClasses: 2, headOn: 'last' }, { seed: 5 });
  const targetNorm = { mean: [300, -2], std: [12, 0.5] };
  const rng = new Rng(8);
  const x = Float32Array.from({ length: T * B * 2 }, () => rng.normal());
  const want = model.forward({ data: x, shape: [T, B, 2] }, { lengths: LENGTHS }).logits;
  const session = await ort.InferenceSession.create(encodeOnnx(model, { targetNorm }));
  const got = (
    await session.run({ input: new ort.Tensor('float32', x, [T, B, 2]), lengths: new ort.Tensor('int32', Int32Array.from(LENGTHS), [B]) })
  )['values']!;
  const g = got.data as Float32Array;
  for (let k = 0; k < want.data.length; k++) {
    const c = k % 2;
    const v = want.data[k]! * targetNorm.std[c]! + targetNorm.mean[c]!;
    assert.ok(Math.abs(g[k]! - v) <= 1e-4 * Math.max(1, Math.abs(v)), `output ${k}: ${g[k]} against ${v}`);
  }
});
