/**
 * Inference without gradients: the noGrad forward pass (an LSTM or RNN layer whole in WebAssembly,
 * infer-pass.ts) gives the ordinary pass's numbers bit for bit and keeps nothing for
 * backward; ParallelForward (two threads) gives the one-thread logits bit for bit.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { SequenceModel, type SequenceModelOptions } from '../src/nn/model.js';
import { inferPasses } from '../src/nn/cells/infer-pass.js';
import { ParallelForward } from '../src/node/parallel.js';
import { Rng } from '../src/tensor/rng.js';
import type { Tensor } from '../src/tensor/buf.js';
import { ConfigError } from '../src/errors.js';

function input(o: SequenceModelOptions, T: number, B: number, seed = 5): Tensor {
  const rng = new Rng(seed);
  const data = Float32Array.from({ length: T * B * o.inputSize }, () => rng.random() * 4 - 2);
  return { data, shape: o.batchFirst ? [B, T, o.inputSize] : [T, B, o.inputSize] };
}

/** Indices where a and b differ as float32 (NaN equal to NaN). */
function differing(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let n = 0;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) n++;
  return n;
}

const cases: { name: string; o: SequenceModelOptions; T: number; B: number; fast: boolean; lengths?: number[] }[] = [
  { name: 'one sequence, H128', o: { mode: 'lstm', inputSize: 32, hiddenSize: 128, numClasses: 10 }, T: 12, B: 1, fast: true },
  { name: 'batch of 5, H64', o: { mode: 'lstm', inputSize: 7, hiddenSize: 64, numClasses: 4 }, T: 9, B: 5, fast: true },
  {
    name: 'two layers, bidirectional, batch-first, many-to-one',
    o: { mode: 'lstm', inputSize: 6, hiddenSize: 16, numClasses: 3, numLayers: 2, bidirectional: true, batchFirst: true, headOn: 'last' },
    T: 8,
    B: 6,
    fast: true,
  },
  { name: 'no bias, one sequence', o: { mode: 'lstm', inputSize: 5, hiddenSize: 36, numClasses: 3, bias: false }, T: 6, B: 1, fast: true },
  { name: 'inputSize 300 (two k-blocks)', o: { mode: 'lstm', inputSize: 300, hiddenSize: 24, numClasses: 3 }, T: 5, B: 1, fast: true },
  // lstm-infer.wat takes (item, unit group) jobs two at a time: two items of a group, and an odd batch's
  // last item two groups at a time (9 groups: the last group alone); both directions; fused sums in both
  // k-blocks of the input projection (N*K at fmaMinWork) where the runtime has relaxed SIMD
  {
    name: 'batch of 3, H36 (an odd batch, an odd number of groups), bidirectional, two layers',
    o: { mode: 'lstm', inputSize: 5, hiddenSize: 36, numClasses: 3, numLayers: 2, bidirectional: true },
    T: 7,
    B: 3,
    fast: true,
  },
  // 64 items' gate sums go through the cell at a time, and an odd batch's last item 64 groups at a time
  {
    name: 'batch of 131, H268 (chunks of 64 items, of 64 groups, an odd last chunk)',
    o: { mode: 'lstm', inputSize: 5, hiddenSize: 268, numClasses: 3 },
    T: 3,
    B: 131,
    fast: true,
  },
  {
    name: 'batch of 3, H128, inputSize 300 (fused sums)',
    o: { mode: 'lstm', inputSize: 300, hiddenSize: 128, numClasses: 4 },
    T: 4,
    B: 3,
    fast: true,
  },
  {
    name: 'projSize (the ordinary pass)',
    o: { mode: 'lstm', inputSize: 5, hiddenSize: 16, projSize: 8, numClasses: 3 },
    T: 6,
    B: 4,
    fast: false,
  },
  {
    name: 'ragged lengths (the ordinary pass)',
    o: { mode: 'lstm', inputSize: 5, hiddenSize: 16, numClasses: 3 },
    T: 6,
    B: 3,
    fast: false,
    lengths: [6, 2, 4],
  },
  { name: 'RNN tanh, batch of 4', o: { mode: 'rnn_tanh', inputSize: 5, hiddenSize: 32, numClasses: 3 }, T: 6, B: 4, fast: true },
  { name: 'RNN relu, one sequence', o: { mode: 'rnn_relu', inputSize: 5, hiddenSize: 64, numClasses: 3 }, T: 10, B: 1, fast: true },
  {
    name: 'RNN H52, one sequence',
    o: { mode: 'rnn_tanh', inputSize: 5, hiddenSize: 52, numClasses: 3 },
    T: 10,
    B: 1,
    fast: true,
  },
  {
    name: 'RNN H8, one sequence (too small for wasm: the fused pass)',
    o: { mode: 'rnn_tanh', inputSize: 5, hiddenSize: 8, numClasses: 3 },
    T: 10,
    B: 1,
    fast: false,
  },
  { name: 'GRU (the ordinary pass)', o: { mode: 'gru', inputSize: 5, hiddenSize: 16, numClasses: 3 }, T: 6, B: 4, fast: false },
];

for (const c of cases) {
  test(`noGrad gives the ordinary forward pass bit for bit: ${c.name}`, () => {
    const m = new SequenceModel(c.o, { seed: 3 });
    const x = input(c.o, c.T, c.B);
    const f = { lengths: c.lengths ?? null };
    const a = m.forward(x, f);
    const logits = a.logits.data.slice();
    const hN = a.hN.data.slice();
    const cN = a.cN?.data.slice();
    const before = inferPasses();
    const b = m.forward(x, { ...f, noGrad: true });
    assert.equal(inferPasses() > before, c.fast, c.fast ? 'the whole-pass path ran' : 'the ordinary pass ran');
    assert.equal(differing(b.logits.data, logits), 0, 'logits');
    assert.equal(differing(b.hN.data, hN), 0, 'h_n');
    if (cN) assert.equal(differing(b.cN!.data, cN), 0, 'c_n');
  });
}

test('a noGrad pass whole in the module allocates its input, its output and the states, nothing per step for a backward pass', () => {
  // the bench's LSTM at batch 64: the full workspace (gates, c, tanh(c), h_(t-1) and gradients of every
  // step) is 8 floats per step, item and unit more than the lean one
  const o: SequenceModelOptions = { mode: 'lstm', inputSize: 32, hiddenSize: 128, numClasses: 10 };
  const [T, B] = [50, 64];
  const m = new SequenceModel(o, { seed: 2 });
  const x = input(o, T, B);
  const before = process.memoryUsage().arrayBuffers;
  const logits = m.forward(x, { noGrad: true }).logits.data.slice();
  const added = process.memoryUsage().arrayBuffers - before;
  // x, the layer's output and the logits (T x B rows of each), twice over for the runtime's slack
  const rows = 4 * T * B * (o.inputSize + o.hiddenSize + o.numClasses);
  assert.ok(added < 2 * rows, `${(added / 2 ** 20).toFixed(1)} MB added, at most ${((2 * rows) / 2 ** 20).toFixed(1)} MB`);
  // the same numbers as the ordinary pass (which makes the full workspace)
  assert.equal(differing(m.forward(x).logits.data, logits), 0);
  assert.ok(process.memoryUsage().arrayBuffers - before > 4 * rows, 'the ordinary pass keeps every step');
});

test('after a noGrad pass, backward() and stepRecord() ask for a pass without it; an ordinary pass restores them', () => {
  const o: SequenceModelOptions = { mode: 'lstm', inputSize: 4, hiddenSize: 8, numClasses: 3 };
  const m = new SequenceModel(o, { seed: 1 });
  const x = input(o, 5, 2);
  const rows = m.forward(x, { noGrad: true }).logits.data.length;
  assert.throws(
    () => m.backward(new Float32Array(rows)),
    (e: Error) => e instanceof ConfigError && /without noGrad/.test(e.message),
  );
  assert.throws(
    () => m.rnn.backward({}),
    (e: Error) => e instanceof ConfigError && /without noGrad/.test(e.message),
  );
  assert.throws(
    () => m.rnn.stepRecord(0, 0, 0),
    (e: Error) => e instanceof ConfigError && /without noGrad/.test(e.message),
  );
  m.forward(x);
  m.backward(new Float32Array(rows));
  assert.ok(m.rnn.stepRecord(0, 0, 0));
});

const twoCases: { name: string; o: SequenceModelOptions; T: number; B: number; lengths?: boolean }[] = [
  { name: 'LSTM, time-major, odd batch', o: { mode: 'lstm', inputSize: 8, hiddenSize: 32, numClasses: 5 }, T: 7, B: 9 },
  { name: 'LSTM, batch-first', o: { mode: 'lstm', inputSize: 8, hiddenSize: 32, numClasses: 5, batchFirst: true }, T: 7, B: 8 },
  {
    name: 'GRU, many-to-one, ragged',
    o: { mode: 'gru', inputSize: 8, hiddenSize: 64, numClasses: 10, headOn: 'last' },
    T: 7,
    B: 8,
    lengths: true,
  },
  { name: 'RNN, two layers', o: { mode: 'rnn_tanh', inputSize: 8, hiddenSize: 32, numClasses: 5, numLayers: 2 }, T: 6, B: 10 },
];

test('ParallelForward: two threads give the one-thread logits bit for bit', () => {
  for (const c of twoCases) {
    const m = new SequenceModel(c.o, { seed: 4 });
    const x = input(c.o, c.T, c.B, 9);
    const lengths = c.lengths ? Int32Array.from({ length: c.B }, (_, b) => 1 + ((b * 5) % c.T)) : null;
    const want = m.forward(x, { lengths }).logits.data.slice();
    const par = new ParallelForward(m, { minWork: 0 });
    try {
      assert.equal(par.threadsFor(c.B, c.T), 2, c.name);
      for (let rep = 0; rep < 2; rep++) {
        const got = par.forward(x, { lengths });
        assert.deepEqual(got.shape, m.forward(x, { lengths }).logits.shape, c.name);
        assert.equal(differing(got.data, want), 0, `${c.name}, call ${rep}`);
      }
      assert.deepEqual(par.counts, { parallel: 2, single: 0 }, c.name);
      assert.equal(par.failure, null);
    } finally {
      par.close();
    }
  }
});

test('ParallelForward: token ids as [T, B] or [T, B, 1] go to both threads, the logits bit for bit; a bad id gets forward()’s error', () => {
  for (const batchFirst of [false, true]) {
    const o: SequenceModelOptions = { mode: 'lstm', inputSize: 7, vocabSize: 7, hiddenSize: 16, numClasses: 7, batchFirst };
    const m = new SequenceModel(o, { seed: 4 });
    const [T, B] = [6, 10];
    const ids = Float32Array.from({ length: T * B }, (_, i) => (i * 3 + 1) % 7);
    const dims = batchFirst ? [B, T] : [T, B];
    const want = m.forward({ data: ids, shape: [...dims, 1] }).logits.data.slice();
    const par = new ParallelForward(m, { minWork: 0 });
    try {
      for (const shape of [dims, [...dims, 1]])
        assert.equal(differing(par.forward({ data: ids, shape }).data, want), 0, `[${shape.join(', ')}]`);
      assert.deepEqual(par.counts, { parallel: 2, single: 0 });
      const bad = ids.slice();
      bad[T * B - 1] = 7;
      assert.throws(() => par.forward({ data: bad, shape: dims }), /position 59 holds 7/);
      assert.deepEqual(par.counts, { parallel: 2, single: 1 }, 'the bad batch ran whole, on this thread');
    } finally {
      par.close();
    }
  }
});

test('ParallelForward: small batches, one item and bad input stay on this thread, with forward()’s own error', () => {
  const o: SequenceModelOptions = { mode: 'lstm', inputSize: 8, hiddenSize: 32, numClasses: 5 };
  const m = new SequenceModel(o, { seed: 4 });
  const par = new ParallelForward(m); // default minWork
  try {
    const small = input(o, 4, 6);
    assert.equal(par.threadsFor(6, 4), 1);
    assert.equal(differing(par.forward(small).data, m.forward(small).logits.data.slice()), 0);
    const big = new ParallelForward(m, { minWork: 0 });
    try {
      assert.equal(big.threadsFor(1, 4), 1, 'one item');
      const bad = input(o, 4, 8);
      bad.data[3 * 8 * 8 + 5 * 8 + 2] = NaN; // step 3, item 5, feature 2
      assert.throws(() => big.forward(bad), /input has NaN at step 3, item 5, feature 2/);
      assert.throws(() => big.forward(input(o, 4, 8), { lengths: [4, 4, 4, 4, 4, 4, 4, 9] }), /lengths\[7\] is 9/);
      assert.equal(big.counts.parallel, 0);
    } finally {
      big.close();
    }
  } finally {
    par.close();
  }
  assert.throws(() => new ParallelForward(m, { threads: 3 }), /threads must be 1 or 2/);
});

test('ParallelForward: a helper that cannot start leaves the batch on this thread, and says why', () => {
  const o: SequenceModelOptions = { mode: 'lstm', inputSize: 8, hiddenSize: 32, numClasses: 5 };
  const m = new SequenceModel(o, { seed: 4 });
  const par = new ParallelForward(m, {
    minWork: 0,
    spawn: () => {
      throw new Error('no threads here');
    },
  });
  const x = input(o, 5, 8);
  assert.equal(differing(par.forward(x).data, m.forward(x).logits.data.slice()), 0);
  assert.match(par.failure ?? '', /could not start \(no threads here\)/);
  assert.deepEqual(par.counts, { parallel: 0, single: 1 });
  par.close();
});

test('ParallelForward: when the helper dies, its part runs on this thread: the same logits, then one thread, and a reason', async () => {
  const o: SequenceModelOptions = { mode: 'lstm', inputSize: 8, hiddenSize: 32, numClasses: 5 };
  const m = new SequenceModel(o, { seed: 4 });
  const x = input(o, 5, 8);
  const want = m.forward(x).logits.data.slice();
  const par = new ParallelForward(m, { minWork: 0 });
  try {
    assert.equal(differing(par.forward(x).data, want), 0, 'on two threads');
    // The first batch waits as long as a worker may take to start on a loaded machine; then the bound is short.
    (par as unknown as { workerTimeout: number }).workerTimeout = 300;
    await (par as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate();
    assert.equal(differing(par.forward(x).data, want), 0, 'the helper gone');
    assert.equal(differing(par.forward(x).data, want), 0, 'then on one thread');
    assert.match(par.failure ?? '', /did not answer within/);
    assert.deepEqual(par.counts, { parallel: 1, single: 2 });
  } finally {
    par.close();
  }
});
