/**
 * Token input: nn.Embedding (padding_idx included) and one-hot in front of every cell, against
 * fixtures PyTorch made (tools/make_embedding_fixtures.py: logits, loss and every gradient), float64
 * gradients by central differences, the checks on ids and options, streaming a token model, and
 * sampling (same seed, same tokens; temperature and top-k as documented).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { crossEntropy } from '../src/loss/cross-entropy.js';
import { decodeModel, encodeModel } from '../src/io/model.js';
import { SequenceModel, type SequenceModelOptions } from '../src/nn/model.js';
import { nextTokenDistribution, sample } from '../src/nn/sample.js';
import { flatten, type Nested } from '../tools/parity-case.js';
import { assertClose, numericGrad } from './helpers.js';

interface Fixture {
  name: string;
  config: SequenceModelOptions;
  dtype: 'float32' | 'float64';
  state_dict: Record<string, Nested>;
  x: Nested;
  lengths?: number[];
  targets: Nested;
  expected: { logits: Nested; loss: number; grads: Record<string, Nested> };
}

const dir = join(import.meta.dirname, '..', '..', 'test', 'fixtures', 'embedding');
const fixtures = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as Fixture);

function build(f: Fixture): SequenceModel {
  const m = new SequenceModel(f.config, { dtype: f.dtype });
  assert.deepEqual(
    m.table.entries.map((e) => e.name),
    Object.keys(f.state_dict),
    `${f.name}: parameter names and order are PyTorch's`,
  );
  for (const [name, v] of Object.entries(f.state_dict)) m.table.set(name, flatten(v).data);
  return m;
}

function lossOf(m: SequenceModel, f: Fixture, withGrad: boolean): number {
  const x = flatten(f.x);
  const dt = f.dtype === 'float64' ? Float64Array : Float32Array;
  const res = m.forward({ data: dt.from(x.data), shape: x.shape }, { lengths: f.lengths ?? null });
  const C = m.options.numClasses;
  const t = Int32Array.from(flatten(f.targets).data);
  const logits = res.logits.data;
  const d = withGrad ? new dt(logits.length) : null;
  const loss = crossEntropy(logits, 0, t.length, C, t, d);
  if (d) {
    m.table.zeroGrad();
    m.backward(d, { needInputGrad: false });
  }
  return loss;
}

test('the fixtures cover a learned embedding with and without padding_idx, one-hot, every cell, and float64', () => {
  assert.ok(fixtures.length >= 7);
  for (const mode of ['rnn_tanh', 'rnn_relu', 'lstm', 'gru'])
    assert.ok(
      fixtures.some((f) => f.config.mode === mode),
      mode,
    );
  assert.ok(fixtures.some((f) => f.config.embeddingDim === 0));
  assert.ok(fixtures.some((f) => f.config.paddingIdx !== undefined && f.config.paddingIdx !== null && f.lengths));
  assert.ok(fixtures.some((f) => f.dtype === 'float64'));
});

for (const f of fixtures) {
  test(`PyTorch parity: ${f.name} (logits, loss, every gradient)`, () => {
    const m = build(f);
    const tol = f.dtype === 'float64' ? 1e-10 : 1e-5;
    const loss = lossOf(m, f, true);
    const x = flatten(f.x);
    const res = m.forward({ data: Float64Array.from(x.data), shape: x.shape }, { lengths: f.lengths ?? null });
    const want = flatten(f.expected.logits);
    assert.deepEqual(res.logits.shape, want.shape, 'logits shape');
    assertClose(res.logits.data, want.data, 'logits', tol, tol);
    assertClose([loss], [f.expected.loss], 'loss', tol, tol);
    for (const [name, g] of Object.entries(f.expected.grads))
      assertClose(m.table.gradView(name), flatten(g).data, `grad ${name}`, tol, tol);
  });
}

test('float64 gradients of a learned embedding (and the rest) match central differences; the padding row gets none', () => {
  const f = fixtures.find((c) => c.name === 'embed_lstm_f64')!;
  const m = build(f);
  lossOf(m, f, true);
  const analytic = Float64Array.from(m.table.grad);
  const numeric = numericGrad(() => lossOf(m, f, false), m.table.data as Float64Array);
  assertClose(analytic, numeric, 'dL/dθ', 1e-7, 1e-6);
  const pad = m.table.gradView('embedding.weight').subarray(2 * 4, 3 * 4);
  assert.deepEqual(Array.from(pad), [0, 0, 0, 0]);
});

test('a new embedding draws N(0, 1) and zeroes the padding row; negative paddingIdx counts from the end', () => {
  const m = new SequenceModel({ mode: 'gru', inputSize: 8, hiddenSize: 4, numClasses: 3, vocabSize: 500, embeddingDim: 8, paddingIdx: -1 });
  const w = m.table.view('embedding.weight');
  assert.deepEqual(Array.from(w.subarray(499 * 8)), new Array(8).fill(0));
  const body = Array.from(w.subarray(0, 499 * 8));
  const mean = body.reduce((a, b) => a + b, 0) / body.length;
  const sd = Math.sqrt(body.reduce((a, b) => a + (b - mean) ** 2, 0) / body.length);
  assert.ok(Math.abs(mean) < 0.05 && Math.abs(sd - 1) < 0.05, `N(0, 1): mean ${mean}, sd ${sd}`);
  assert.ok(
    body.some((v) => Math.abs(v) > 2),
    'a normal draw, not U(-1/sqrt(H), 1/sqrt(H))',
  );
  assert.equal(m.options.paddingIdx, 499);
});

test('ids and options are checked with one sentence each', () => {
  const m = new SequenceModel({ mode: 'lstm', inputSize: 3, hiddenSize: 4, numClasses: 5, vocabSize: 5, embeddingDim: 3 });
  assert.throws(
    () => m.forward({ data: Float32Array.from([1, 5]), shape: [2, 1] }),
    /token ids must be integers in \[0, 4\].*position 1 holds 5/,
  );
  assert.throws(() => m.forward({ data: Float32Array.from([1, 2.5]), shape: [2] }), /position 1 holds 2\.5/);
  assert.throws(() => m.forward({ data: new Float32Array(8), shape: [2, 2, 2] }), /token input must be 2-D \[seq, batch\] or 1-D \[seq\]/);
  const opts = { mode: 'lstm', hiddenSize: 4, numClasses: 5, vocabSize: 5 } as const;
  assert.throws(() => new SequenceModel({ ...opts, inputSize: 4, embeddingDim: 3 }), /inputSize must be embeddingDim \(3\)/);
  assert.throws(() => new SequenceModel({ ...opts, inputSize: 3 }), /inputSize must be vocabSize \(5\) for one-hot input/);
  assert.throws(() => new SequenceModel({ ...opts, inputSize: 5, paddingIdx: 0 }), /paddingIdx needs a learned embedding/);
  assert.throws(
    () => new SequenceModel({ ...opts, inputSize: 3, embeddingDim: 3, paddingIdx: 5 }),
    /paddingIdx must be an integer in \[-5, 4\]/,
  );
  assert.throws(() => new SequenceModel({ mode: 'gru', inputSize: 3, hiddenSize: 4, numClasses: 5, embeddingDim: 3 }), /need vocabSize/);
  // [T, B, 1] (a data loader's one feature per step) reads as [T, B]
  const ids = Float32Array.from([1, 2, 3, 4]);
  const a = Array.from(m.forward({ data: ids, shape: [2, 2] }).logits.data);
  assert.deepEqual(Array.from(m.forward({ data: ids, shape: [2, 2, 1] }).logits.data), a);
});

test('a token model streams one id at a time, with the logits of the whole sequence so far', () => {
  const m = new SequenceModel({ mode: 'gru', inputSize: 4, hiddenSize: 6, numClasses: 9, vocabSize: 9, embeddingDim: 4 }, { seed: 3 });
  const ids = [3, 1, 4, 1, 5, 8, 2, 6];
  const whole = m.forward({ data: Float32Array.from(ids), shape: [ids.length] }).logits.data.slice();
  const s = m.stream();
  ids.forEach((id, t) => assertClose(s.step(id), whole.subarray(t * 9, (t + 1) * 9), `step ${t}`, 1e-6, 1e-6));
  assert.throws(() => s.step([1, 2]), /a step of a token model is one id, got 2 values/);
});

test('sampling: the same seed gives the same tokens, temperature 0 and top-k 1 are greedy, top-k keeps k', () => {
  const m = new SequenceModel({ mode: 'lstm', inputSize: 5, hiddenSize: 8, numClasses: 12, vocabSize: 12, embeddingDim: 5 }, { seed: 1 });
  const run = (o: Partial<Parameters<typeof sample>[1]>) => [...sample(m, { prime: [1, 2, 3], length: 20, ...o })];
  const a = run({ seed: 7, temperature: 1.5 }).map((t) => t.id);
  assert.deepEqual(
    run({ seed: 7, temperature: 1.5 }).map((t) => t.id),
    a,
  );
  assert.notDeepEqual(
    run({ seed: 8, temperature: 1.5 }).map((t) => t.id),
    a,
    'another seed, another sample',
  );
  const greedy = run({ temperature: 0 });
  for (const t of greedy) {
    assert.equal(t.probs[t.id], 1);
    assert.equal(Math.max(...t.probs), 1);
  }
  assert.deepEqual(
    run({ topK: 1, seed: 99 }).map((t) => t.id),
    greedy.map((t) => t.id),
  );
  for (const t of run({ topK: 3, seed: 5 })) {
    assert.equal([...t.probs].filter((p) => p > 0).length, 3);
    assertClose([t.probs.reduce((x, y) => x + y, 0)], [1], 'probabilities sum to 1', 1e-12, 0);
    assert.ok(t.probs[t.id]! > 0, 'the drawn token is one of the k');
  }
  // greedy sampling is the argmax of the stream's logits, fed back
  const s = m.stream();
  let logits: ArrayLike<number> = [];
  for (const id of [1, 2, 3]) logits = s.step(id);
  for (const t of greedy) {
    const l = Array.from(logits);
    assert.equal(t.id, l.indexOf(Math.max(...l)));
    logits = s.step(t.id);
  }
});

test('the next-token distribution: softmax of logits / temperature over the top k', () => {
  const p = nextTokenDistribution([1, 3, 2, 3], 2, 0);
  const e = [1, 3, 2, 3].map((v) => Math.exp(v / 2));
  const z = e.reduce((a, b) => a + b, 0);
  assertClose(
    p,
    e.map((v) => v / z),
    'softmax(l / 2)',
    1e-15,
    0,
  );
  assert.deepEqual(
    Array.from(nextTokenDistribution([1, 3, 2, 3], 1, 2)).map((v) => v.toFixed(3)),
    ['0.000', '0.500', '0.000', '0.500'],
  );
  assert.deepEqual(Array.from(nextTokenDistribution([1, 3, 2, 3], 0)), [0, 1, 0, 0], 'ties go to the first');
});

test('sampling refuses what it cannot do, with a sentence', () => {
  const feat = new SequenceModel({ mode: 'gru', inputSize: 3, hiddenSize: 4, numClasses: 3 });
  assert.throws(() => [...sample(feat, { prime: [1], length: 2 })], /needs a model of token input/);
  const cls = new SequenceModel({ mode: 'gru', inputSize: 6, hiddenSize: 4, numClasses: 2, vocabSize: 6, headOn: 'last' });
  assert.throws(() => [...sample(cls, { prime: [1], length: 2 })], /predicts the next token at every step/);
  const lm = new SequenceModel({ mode: 'gru', inputSize: 6, hiddenSize: 4, numClasses: 6, vocabSize: 6 });
  assert.throws(() => [...sample(lm, { prime: [], length: 2 })], /a prime of at least one token/);
  assert.throws(() => [...sample(lm, { prime: [1], length: 2, temperature: -1 })], /temperature must be a finite number >= 0/);
  assert.throws(() => [...sample(lm, { prime: [1], length: 2, topK: 7 })], /topK must be an integer in \[0, 6\]/);
  assert.throws(() => [...sample(lm, { prime: [9], length: 2 })], /token ids must be integers in \[0, 5\]/);
});

test('a token model survives its model file: the same names, options and logits', () => {
  const m = new SequenceModel(
    { mode: 'lstm', inputSize: 4, hiddenSize: 5, numClasses: 7, vocabSize: 7, embeddingDim: 4, paddingIdx: 0 },
    { seed: 2 },
  );
  const { model } = decodeModel(encodeModel(m));
  assert.equal(model.options.vocabSize, 7);
  assert.equal(model.options.paddingIdx, 0);
  assert.deepEqual(
    model.table.entries.map((e) => e.name),
    m.table.entries.map((e) => e.name),
  );
  const x = { data: Float32Array.from([1, 2, 3, 0]), shape: [4] };
  assert.deepEqual(Array.from(model.forward(x).logits.data), Array.from(m.forward(x).logits.data));
});
