import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GRU, LSTM, RNN, Recurrent } from '../src/nn/recurrent.js';
import { SequenceModel } from '../src/nn/model.js';
import { Adam } from '../src/optim/adam.js';
import { TrainStep } from '../src/train/step.js';
import { allocations } from '../src/tensor/buf.js';
import { Rng } from '../src/tensor/rng.js';
import { ConfigError, ShapeError } from '../src/errors.js';
import { diff, numericGrad } from './helpers.js';

function randBuf(seed: number, n: number): Float32Array {
  const r = new Rng(seed);
  return Float32Array.from({ length: n }, () => r.normal());
}

test('RNN, LSTM and GRU have PyTorch parameter names, shapes and U(-1/sqrt(H), 1/sqrt(H)) init', () => {
  const lstm = new LSTM({ inputSize: 5, hiddenSize: 16, numLayers: 2, bidirectional: true, projSize: 4 }, { seed: 1 });
  const shapes = Object.fromEntries(lstm.table.entries.map((e) => [e.name, e.shape.join('x')]));
  assert.deepEqual(shapes, {
    weight_ih_l0: '64x5',
    weight_hh_l0: '64x4',
    bias_ih_l0: '64',
    bias_hh_l0: '64',
    weight_hr_l0: '4x16',
    weight_ih_l0_reverse: '64x5',
    weight_hh_l0_reverse: '64x4',
    bias_ih_l0_reverse: '64',
    bias_hh_l0_reverse: '64',
    weight_hr_l0_reverse: '4x16',
    weight_ih_l1: '64x8',
    weight_hh_l1: '64x4',
    bias_ih_l1: '64',
    bias_hh_l1: '64',
    weight_hr_l1: '4x16',
    weight_ih_l1_reverse: '64x8',
    weight_hh_l1_reverse: '64x4',
    bias_ih_l1_reverse: '64',
    bias_hh_l1_reverse: '64',
    weight_hr_l1_reverse: '4x16',
  });
  const bound = 1 / Math.sqrt(16);
  let max = 0;
  for (const v of lstm.table.data) max = Math.max(max, Math.abs(v));
  assert.ok(max <= bound && max > 0.95 * bound, `init spans ±${max}, expected about ±${bound}`);
  assert.equal(new GRU({ inputSize: 3, hiddenSize: 2, bias: false }).table.entries.map((e) => e.name).join(), 'weight_ih_l0,weight_hh_l0');
  assert.equal(new GRU({ inputSize: 3, hiddenSize: 2 }).table.get('weight_ih_l0').shape.join('x'), '6x3');
});

test('the same seed gives the same weights and the same training run, bit for bit', () => {
  const run = (seed: number) => {
    const m = new SequenceModel({ mode: 'lstm', inputSize: 4, hiddenSize: 6, numClasses: 3, numLayers: 2, dropout: 0.3 }, { seed });
    const step = new TrainStep(m, new Adam(m.table.data, m.table.grad, { lr: 0.01 }));
    const x = { data: randBuf(2, 7 * 5 * 4), shape: [7, 5, 4] };
    const y = Int32Array.from({ length: 35 }, (_, i) => i % 3);
    const losses = [1, 2, 3, 4, 5].map(() => step.run(x, y).loss);
    return { losses, w: Array.from(m.table.data) };
  };
  const a = run(42);
  const b = run(42);
  const c = run(43);
  assert.deepEqual(a, b);
  assert.notDeepEqual(a.w, c.w);
});

test('a training step allocates no buffers once the workspace for its batch and length exists', () => {
  for (const mode of ['rnn_tanh', 'lstm', 'gru'] as const) {
    const m = new SequenceModel({
      mode,
      inputSize: 5,
      hiddenSize: 8,
      numClasses: 3,
      numLayers: 2,
      bidirectional: true,
      dropout: 0.2,
      projSize: mode === 'lstm' ? 4 : 0,
    });
    const step = new TrainStep(m, new Adam(m.table.data, m.table.grad), { clipNorm: 1 });
    const x = { data: randBuf(1, 10 * 32 * 5), shape: [10, 32, 5] };
    const y = Int32Array.from({ length: 320 }, (_, i) => i % 3);
    const lengths = Int32Array.from({ length: 32 }, (_, i) => 1 + (i % 10));
    step.run(x, y, lengths);
    const before = allocations();
    for (let i = 0; i < 5; i++) step.run(x, y, lengths);
    assert.equal(allocations() - before, 0, `${mode}: buffers were allocated during training steps`);
  }
});

test('dropout applies between layers in training only, and its backward matches central differences', () => {
  const m = new Recurrent({ mode: 'gru', inputSize: 3, hiddenSize: 4, numLayers: 3, dropout: 0.5 }, { seed: 1, dtype: 'float64' });
  const x = { data: Float64Array.from(randBuf(3, 5 * 2 * 3)), shape: [5, 2, 3] };
  const evalA = Array.from(m.forward(x).output.data);
  const evalB = Array.from(m.forward(x).output.data);
  assert.deepEqual(evalA, evalB);
  const trainA = Array.from(m.forward(x, { training: true }).output.data);
  assert.notDeepEqual(trainA, evalA);
  const w = randBuf(4, 5 * 2 * 4);
  const loss = () => {
    m.reseedDropout(7);
    const out = m.forward(x, { training: true }).output.data;
    let s = 0;
    for (let i = 0; i < w.length; i++) s += w[i]! * out[i]!;
    return s;
  };
  loss();
  m.table.zeroGrad();
  const g = m.backward({ dOutput: Float64Array.from(w) });
  const gx = Float64Array.from(g.dx.data);
  const gp = Float64Array.from(m.table.grad);
  const dp = diff(gp, numericGrad(loss, m.table.data as Float64Array), 1e-6, 1e-5);
  assert.ok(dp.excess <= 0, `param ${dp.index}: ${dp.a} vs ${dp.b}`);
  const dx = diff(gx, numericGrad(loss, x.data), 1e-6, 1e-5);
  assert.ok(dx.excess <= 0, `x ${dx.index}: ${dx.a} vs ${dx.b}`);
});

const isConfig = (re: RegExp) => (e: Error) => e instanceof ConfigError && re.test(e.message);
const isShape = (re: RegExp) => (e: Error) => e instanceof ShapeError && re.test(e.message);

test('bad options throw a ConfigError that says what is valid', () => {
  assert.throws(() => new RNN({ inputSize: 5, hiddenSize: 0 }), isConfig(/hiddenSize must be a positive integer, got 0/));
  assert.throws(
    () => new GRU({ inputSize: 5, hiddenSize: 4, dropout: 1.5 }),
    isConfig(/dropout must be a probability in \[0, 1\], got 1\.5/),
  );
  assert.throws(
    () => new LSTM({ inputSize: 5, hiddenSize: 4, projSize: 4 }),
    isConfig(/projSize must be smaller than hiddenSize \(4\), got 4/),
  );
  assert.throws(() => new GRU({ inputSize: 5, hiddenSize: 4, projSize: 2 }), isConfig(/projSize is only supported by lstm/));
  assert.throws(() => new RNN({ inputSize: 2.5, hiddenSize: 4 }), isConfig(/inputSize must be a positive integer, got 2\.5/));
  assert.throws(
    () => new RNN({ inputSize: 2, hiddenSize: 4, nonlinearity: 'sigmoid' as 'tanh' }),
    isConfig(/nonlinearity must be "tanh" or "relu"/),
  );
  assert.throws(() => new RNN({ inputSize: 2, hiddenSize: 4, numLayers: 0 }), isConfig(/numLayers must be a positive integer/));
  assert.throws(
    () => new SequenceModel({ mode: 'lstm', inputSize: 2, hiddenSize: 4, numClasses: 0 }),
    isConfig(/numClasses must be a positive integer/),
  );
});

test('bad inputs throw a ShapeError that says what and where', () => {
  const m = new LSTM({ inputSize: 3, hiddenSize: 4, numLayers: 2 });
  const x = { data: new Float32Array(5 * 2 * 3), shape: [5, 2, 3] };
  assert.throws(
    () => m.forward(x, { h0: { data: new Float32Array(8), shape: [1, 2, 4] } }),
    isShape(/h0 must have shape \[2, 2, 4\].*got \[1, 2, 4\]/),
  );
  assert.throws(() => m.forward(x, { c0: { data: new Float32Array(8), shape: [2, 4] } }), isShape(/c0 must have shape \[2, 2, 4\]/));
  const nan = new Float32Array(30);
  nan[3 * 2 * 3 + 1 * 3 + 2] = NaN;
  assert.throws(() => m.forward({ data: nan, shape: [5, 2, 3] }), isShape(/input has NaN at step 3, item 1, feature 2/));
  assert.throws(
    () => m.forward(x, { lengths: [0, 5] }),
    isShape(/lengths\[0\] is 0; each length must be an integer from 1 to the sequence length 5/),
  );
  assert.throws(() => m.forward(x, { lengths: [5, 6] }), isShape(/lengths\[1\] is 6/));
  assert.throws(() => m.forward(x, { lengths: [5] }), isShape(/one per batch item \(2\)/));
  assert.throws(
    () => m.forward({ data: new Float32Array(10), shape: [5, 2] }),
    isShape(/input has 2 features per step, expected inputSize 3/),
  );
  assert.throws(
    () => new GRU({ inputSize: 3, hiddenSize: 4 }).forward(x, { c0: { data: new Float32Array(8), shape: [1, 2, 4] } }),
    isShape(/c0 is only for lstm/),
  );
});

test('unbatched input gives the same result as a batch of one', () => {
  const m = new GRU({ inputSize: 3, hiddenSize: 4, bidirectional: true, numLayers: 2 }, { seed: 2 });
  const data = randBuf(5, 6 * 3);
  const a = m.forward({ data, shape: [6, 3] });
  const outA = Array.from(a.output.data);
  const hA = Array.from(a.hN.data);
  assert.deepEqual(a.output.shape, [6, 8]);
  assert.deepEqual(a.hN.shape, [4, 4]);
  const b = m.forward({ data, shape: [6, 1, 3] });
  assert.deepEqual(outA, Array.from(b.output.data));
  assert.deepEqual(hA, Array.from(b.hN.data));
});

test("with lengths, padded outputs are zero and h_n is each item's state at its own last step", () => {
  const m = new RNN({ inputSize: 2, hiddenSize: 3 }, { seed: 4 });
  const T = 5;
  const x = randBuf(6, T * 2 * 2);
  const r = m.forward({ data: x, shape: [T, 2, 2] }, { lengths: [5, 2] });
  const out = Array.from(r.output.data);
  const hN = Array.from(r.hN.data);
  for (let t = 2; t < T; t++) assert.deepEqual(out.slice((t * 2 + 1) * 3, (t * 2 + 2) * 3), [0, 0, 0]);
  assert.deepEqual(hN.slice(3, 6), out.slice((1 * 2 + 1) * 3, (1 * 2 + 2) * 3));
  // item 1 alone, truncated to its length, gives the same
  const alone = new Float32Array(2 * 2);
  for (let t = 0; t < 2; t++) alone.set(x.subarray((t * 2 + 1) * 2, (t * 2 + 2) * 2), t * 2);
  assert.deepEqual(Array.from(m.forward({ data: alone, shape: [2, 2] }).hN.data), hN.slice(3, 6));
});

test('a stream, one step at a time, gives the logits of the whole sequence so far through forward', () => {
  for (const mode of ['rnn_tanh', 'lstm', 'gru'] as const) {
    const m = new SequenceModel(
      { mode, inputSize: 3, hiddenSize: 5, numLayers: 2, numClasses: 4, projSize: mode === 'lstm' ? 2 : 0 },
      { seed: 6 },
    );
    const x = randBuf(8, 7 * 3);
    const whole = Array.from(m.forward({ data: x, shape: [7, 3] }).logits.data);
    const s = m.stream();
    for (let t = 0; t < 7; t++) {
      const got = Array.from(s.step(x.subarray(t * 3, t * 3 + 3)));
      got.forEach((v, k) => assert.ok(Math.abs(v - whole[t * 4 + k]!) < 1e-6, `${mode} step ${t}: ${v} vs ${whole[t * 4 + k]}`));
    }
    s.reset();
    assert.equal(s.steps, 0);
    assert.ok(s.h.every((v) => v === 0));
  }
  assert.throws(
    () => new SequenceModel({ mode: 'gru', inputSize: 3, hiddenSize: 5, numClasses: 2, bidirectional: true }).stream(),
    /cannot stream/,
  );
});

test('the workspace grows linearly in T, in B and in H, and in nothing else (issue #5: memory)', () => {
  // Every buffer a forward and backward pass keeps, for LSTM with projection off and on and a GRU,
  // two layers, both directions: bytes(T, B, H) is affine in each of T, B and H with the others
  // fixed (f(x) + f(3x) = 2 f(2x)), so no term like T^2, B^2, H^2 or T x T hides in it.
  const bytes = (mode: 'lstm' | 'gru' | 'rnn_tanh', T: number, B: number, H: number, proj = 0): number => {
    const r = new Recurrent({ mode, inputSize: 5, hiddenSize: H, numLayers: 2, bidirectional: true, projSize: proj ? H / 2 : 0 });
    const ws = r.workspace(B, T) as unknown as Record<string, unknown>;
    let n = 0;
    const add = (v: unknown): void => {
      if (ArrayBuffer.isView(v)) n += v.byteLength;
      else if (Array.isArray(v)) v.forEach(add);
      else if (v && typeof v === 'object') Object.values(v).forEach(add);
    };
    Object.entries(ws).forEach(([k, v]) => k !== 'results' && add(v));
    return n;
  };
  for (const [mode, proj] of [
    ['lstm', 0],
    ['lstm', 1],
    ['gru', 0],
    ['rnn_tanh', 0],
  ] as const) {
    const f = (T: number, B: number, H: number) => bytes(mode, T, B, H, proj);
    assert.equal(f(4, 3, 8) + f(12, 3, 8), 2 * f(8, 3, 8), `${mode} ${proj}: affine in T`);
    assert.equal(f(5, 2, 8) + f(5, 6, 8), 2 * f(5, 4, 8), `${mode} ${proj}: affine in B`);
    assert.equal(f(5, 3, 8) + f(5, 3, 24), 2 * f(5, 3, 16), `${mode} ${proj}: affine in H`);
    assert.ok(f(8, 3, 8) > f(4, 3, 8), `${mode}: it grows`);
  }
});
