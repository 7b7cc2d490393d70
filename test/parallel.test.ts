/**
 * ParallelTrainStep (src/node/parallel.ts) against TrainStep: the same batches give the same loss,
 * counts, gradient norm and weights (float64: to 1e-12, only the order of the weight-gradient sums
 * differs; float32: to 1e-5), for every cell and the options that change how a batch is split.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { SequenceModel, type SequenceModelOptions } from '../src/nn/model.js';
import { Adam } from '../src/optim/adam.js';
import { TrainStep, type StepOptions, type StepRunner } from '../src/train/step.js';
import { ParallelTrainStep, stepFactory } from '../src/node/parallel.js';
import { Rng } from '../src/tensor/rng.js';
import type { DType, Tensor } from '../src/tensor/buf.js';
import { ShapeError } from '../src/errors.js';
import { Trainer } from '../src/train/trainer.js';
import { getTask } from '../src/data/tasks.js';
import { split } from '../src/data/dataset.js';
import { assertClose } from './helpers.js';

interface Batch {
  x: Tensor;
  targets: Int32Array;
  lengths: Int32Array | null;
}

function batches(o: SequenceModelOptions, T: number, B: number, n: number, dtype: DType, ragged: boolean, ignore: boolean): Batch[] {
  const rng = new Rng(7);
  const I = o.inputSize;
  const rows = (o.headOn === 'last' ? 1 : T) * B;
  return Array.from({ length: n }, () => {
    const data = dtype === 'float64' ? new Float64Array(T * B * I) : new Float32Array(T * B * I);
    for (let i = 0; i < data.length; i++) data[i] = rng.random() * 2 - 1;
    const targets = Int32Array.from({ length: rows }, () =>
      ignore && rng.random() < 0.2 ? -100 : Math.floor(rng.random() * o.numClasses),
    );
    const lengths = ragged ? Int32Array.from({ length: B }, () => 1 + Math.floor(rng.random() * T)) : null;
    return { x: { data, shape: o.batchFirst ? [B, T, I] : [T, B, I] }, targets, lengths };
  });
}

function runAll(step: StepRunner, bs: Batch[]) {
  return bs.map((b) => step.run(b.x, b.targets, b.lengths));
}

const cases: { name: string; o: SequenceModelOptions; T: number; B: number; ragged?: boolean; ignore?: boolean; step?: StepOptions }[] = [
  { name: 'rnn_tanh', o: { mode: 'rnn_tanh', inputSize: 3, hiddenSize: 5, numClasses: 3 }, T: 6, B: 8 },
  {
    name: 'lstm, 2 layers, ragged lengths, ignored targets, class weights, clipping',
    o: { mode: 'lstm', inputSize: 4, hiddenSize: 6, numLayers: 2, numClasses: 3 },
    T: 7,
    B: 9,
    ragged: true,
    ignore: true,
    step: { classWeights: [1, 2, 0.5], clipNorm: 0.5 },
  },
  {
    name: 'gru, batch first, bidirectional',
    o: { mode: 'gru', inputSize: 3, hiddenSize: 4, numClasses: 2, batchFirst: true, bidirectional: true },
    T: 5,
    B: 6,
  },
  {
    name: 'lstm with projection, head on the last step, odd batch',
    o: { mode: 'lstm', inputSize: 3, hiddenSize: 6, projSize: 3, numClasses: 4, headOn: 'last' },
    T: 5,
    B: 7,
    ragged: true,
  },
  { name: 'rnn_relu, batch of 2', o: { mode: 'rnn_relu', inputSize: 2, hiddenSize: 3, numClasses: 2 }, T: 4, B: 2 },
];

for (const c of cases) {
  test(`two threads take the step one thread takes (float64): ${c.name}`, () => {
    const bs = batches(c.o, c.T, c.B, 3, 'float64', c.ragged ?? false, c.ignore ?? false);
    const one = new SequenceModel(c.o, { seed: 3, dtype: 'float64' });
    const two = new SequenceModel(c.o, { seed: 3, dtype: 'float64' });
    const a = runAll(new TrainStep(one, new Adam(one.table.data, one.table.grad, { lr: 0.01 }), c.step), bs);
    const par = new ParallelTrainStep(two, new Adam(two.table.data, two.table.grad, { lr: 0.01 }), { ...c.step, minWork: 0 });
    try {
      const b = runAll(par, bs);
      assert.equal(par.counts.parallel, 3, 'every batch went to both threads');
      for (let i = 0; i < a.length; i++) {
        assert.ok(Math.abs(a[i]!.loss - b[i]!.loss) < 1e-12, `step ${i} loss ${a[i]!.loss} vs ${b[i]!.loss}`);
        assert.ok(Math.abs(a[i]!.gradNorm - b[i]!.gradNorm) < 1e-12 * Math.max(1, a[i]!.gradNorm), `step ${i} grad norm`);
        assert.equal(b[i]!.correct, a[i]!.correct);
        assert.equal(b[i]!.counted, a[i]!.counted);
      }
      assertClose(two.table.data, one.table.data, 'weights after 3 steps', 1e-12, 1e-10);
    } finally {
      par.close();
    }
  });
}

test('token ids as [T, B] (and [B, T] batch-first) go to both threads, and take the step one thread takes (float64)', () => {
  for (const batchFirst of [false, true]) {
    const o: SequenceModelOptions = { mode: 'lstm', inputSize: 6, vocabSize: 6, hiddenSize: 5, numClasses: 6, batchFirst };
    const [T, B] = [5, 8];
    const ids = Float64Array.from({ length: T * B }, (_, i) => (i * 5 + 3) % 6);
    const targets = Int32Array.from({ length: T * B }, (_, i) => (i * 7) % 6);
    const x = { data: ids, shape: batchFirst ? [B, T] : [T, B] };
    const one = new SequenceModel(o, { seed: 3, dtype: 'float64' });
    const two = new SequenceModel(o, { seed: 3, dtype: 'float64' });
    const a = new TrainStep(one, new Adam(one.table.data, one.table.grad, { lr: 0.01 })).run(x, targets);
    const par = new ParallelTrainStep(two, new Adam(two.table.data, two.table.grad, { lr: 0.01 }), { minWork: 0 });
    try {
      const b = par.run(x, targets);
      assert.equal(par.counts.parallel, 1, `batchFirst ${batchFirst}: the batch went to both threads`);
      assert.ok(Math.abs(a.loss - b.loss) < 1e-12, `loss ${a.loss} vs ${b.loss}`);
      assertClose(two.table.data, one.table.data, 'weights after the step', 1e-12, 1e-10);
    } finally {
      par.close();
    }
  }
});

test('two threads take the step one thread takes (float32, LSTM H32) to 1e-5', () => {
  const o: SequenceModelOptions = { mode: 'lstm', inputSize: 8, hiddenSize: 32, numClasses: 5 };
  const bs = batches(o, 12, 16, 4, 'float32', false, false);
  const one = new SequenceModel(o, { seed: 1 });
  const two = new SequenceModel(o, { seed: 1 });
  const a = runAll(new TrainStep(one, new Adam(one.table.data, one.table.grad, { lr: 1e-3 })), bs);
  const par = new ParallelTrainStep(two, new Adam(two.table.data, two.table.grad, { lr: 1e-3 }), { minWork: 0 });
  try {
    const b = runAll(par, bs);
    for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i]!.loss - b[i]!.loss) < 1e-5, `step ${i} loss ${a[i]!.loss} vs ${b[i]!.loss}`);
    assertClose(two.table.data, one.table.data, 'weights', 1e-5, 1e-4);
  } finally {
    par.close();
  }
});

test('batches below minWork, of one item or unbatched stay on this thread, and match TrainStep bit for bit', () => {
  const o: SequenceModelOptions = { mode: 'rnn_tanh', inputSize: 5, hiddenSize: 8, numClasses: 3 };
  const bs = batches(o, 10, 32, 2, 'float32', false, false);
  const one = new SequenceModel(o, { seed: 2 });
  const two = new SequenceModel(o, { seed: 2 });
  const a = runAll(new TrainStep(one, new Adam(one.table.data, one.table.grad)), bs);
  const par = new ParallelTrainStep(two, new Adam(two.table.data, two.table.grad)); // default minWork: the reference pipeline's size is below it
  const b = runAll(par, bs);
  par.run({ data: new Float32Array(10 * 5), shape: [10, 5] }, new Int32Array(10)); // unbatched
  par.run({ data: new Float32Array(10 * 5), shape: [10, 1, 5] }, new Int32Array(10)); // one item
  par.close();
  assert.deepEqual(par.counts, { parallel: 0, single: 4 });
  assert.deepEqual(
    b.map((r) => r.loss),
    a.map((r) => r.loss),
  );
});

test("a bad batch gets the single step's error, naming the whole batch", () => {
  const o: SequenceModelOptions = { mode: 'gru', inputSize: 2, hiddenSize: 4, numClasses: 3 };
  const m = new SequenceModel(o);
  const par = new ParallelTrainStep(m, new Adam(m.table.data, m.table.grad), { minWork: 0 });
  try {
    const [b] = batches(o, 4, 6, 1, 'float32', false, false);
    b!.x.data[(3 * 6 + 5) * 2 + 1] = NaN; // step 3, item 5: in the worker's half
    assert.throws(
      () => par.run(b!.x, b!.targets),
      (e: Error) => e instanceof ShapeError && /at step 3, item 5, feature 1/.test(e.message),
    );
    b!.x.data[(3 * 6 + 5) * 2 + 1] = 0;
    b!.targets[23] = 3;
    assert.throws(() => par.run(b!.x, b!.targets), /target 3 at row 23 is out of bounds/);
    b!.targets[23] = 0;
    assert.throws(() => par.run(b!.x, b!.targets, [4, 4, 4, 4, 4, 9]), /lengths\[5\] is 9/);
    assert.equal(par.run(b!.x, b!.targets).counted, 24, 'and a good batch still runs on both threads');
    assert.equal(par.counts.parallel, 1);
  } finally {
    par.close();
  }
});

test('a part whose counted targets all weigh 0 adds nothing (not 0/0): class weights [0, 1, 1], many-to-one', () => {
  const o: SequenceModelOptions = { mode: 'gru', inputSize: 3, hiddenSize: 4, numClasses: 3, headOn: 'last' };
  const x = { data: Float64Array.from({ length: 5 * 6 * 3 }, (_, i) => Math.sin(i)), shape: [5, 6, 3] };
  const targets = Int32Array.from([1, 2, 1, 0, 0, 0]); // the worker's half (items 3-5) is all class 0, weight 0
  const one = new SequenceModel(o, { seed: 4, dtype: 'float64' });
  const two = new SequenceModel(o, { seed: 4, dtype: 'float64' });
  const step = { classWeights: [0, 1, 1] };
  const a = new TrainStep(one, new Adam(one.table.data, one.table.grad), step).run(x, targets);
  const par = new ParallelTrainStep(two, new Adam(two.table.data, two.table.grad), { ...step, minWork: 0 });
  try {
    const b = par.run(x, targets);
    assert.equal(par.counts.parallel, 1);
    assert.ok(Number.isFinite(b.gradNorm), `gradient norm ${b.gradNorm}`);
    assert.ok(
      Math.abs(a.loss - b.loss) < 1e-12 && Math.abs(a.gradNorm - b.gradNorm) < 1e-12,
      `${a.loss} ${a.gradNorm} vs ${b.loss} ${b.gradNorm}`,
    );
    assertClose(two.table.data, one.table.data, 'weights', 1e-12, 1e-10);
  } finally {
    par.close();
  }
});

test('when the worker dies, its part runs on this thread: the same step, then one thread, and a reason', async () => {
  const o: SequenceModelOptions = { mode: 'lstm', inputSize: 3, hiddenSize: 6, numClasses: 3 };
  const bs = batches(o, 5, 8, 3, 'float64', false, false);
  const one = new SequenceModel(o, { seed: 6, dtype: 'float64' });
  const two = new SequenceModel(o, { seed: 6, dtype: 'float64' });
  const a = runAll(new TrainStep(one, new Adam(one.table.data, one.table.grad)), bs);
  const par = new ParallelTrainStep(two, new Adam(two.table.data, two.table.grad), { minWork: 0 });
  const b = [par.run(bs[0]!.x, bs[0]!.targets)];
  // The first step waits as long as a worker may take to start on a loaded machine; then the bound is short.
  (par as unknown as { workerTimeout: number }).workerTimeout = 300;
  await (par as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate();
  b.push(par.run(bs[1]!.x, bs[1]!.targets), par.run(bs[2]!.x, bs[2]!.targets));
  assert.match(par.failure ?? '', /did not answer within/);
  assert.deepEqual(par.counts, { parallel: 2, single: 1 });
  for (let i = 0; i < 3; i++) assert.ok(Math.abs(a[i]!.loss - b[i]!.loss) < 1e-12, `step ${i}`);
  assertClose(two.table.data, one.table.data, 'weights', 1e-12, 1e-10);
  par.close();
});

test('a Trainer with stepFactory(2) trains like one with a single thread, and the same again when rerun', () => {
  const task = getTask('trend');
  const data = task.generate(4, { count: 300, length: 8 });
  const s = split(data.sequences, new Rng(4));
  const o: SequenceModelOptions = {
    mode: 'lstm',
    inputSize: data.features.length,
    hiddenSize: 24,
    numLayers: 2,
    dropout: 0.2,
    numClasses: data.classes.length,
  };
  const train = (threads: number) => {
    const m = new SequenceModel(o, { seed: 5 });
    const t = new Trainer(m, s.train, s.val, { epochs: 2, batchSize: 32, makeStep: stepFactory(threads, 0) });
    for (const _ of t.run());
    return t.history.map((h) => h.loss);
  };
  const one = train(1);
  const two = train(2);
  assert.deepEqual(train(2), two, 'two threads: the same run twice');
  // With dropout the worker's masks come from its own stream, so the runs differ, but only a little.
  for (let i = 0; i < one.length; i++) assert.ok(Math.abs(one[i]! - two[i]!) < 0.05, `epoch ${i + 1}: ${one[i]} vs ${two[i]}`);
  assert.notDeepEqual(two, one);
});
