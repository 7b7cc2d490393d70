/**
 * checkBatch (src/train/step.ts), the one check of a batch that TrainStep and ParallelTrainStep both
 * run: a good batch passes, and a bad one gets forward()'s, the step's or the loss's own error.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { SequenceModel, type SequenceModelOptions } from '../src/nn/model.js';
import { Adam } from '../src/optim/adam.js';
import { checkBatch, TrainStep, type LossSpec } from '../src/train/step.js';
import { ConfigError, ShapeError } from '../src/errors.js';

const o: SequenceModelOptions = { mode: 'lstm', inputSize: 2, hiddenSize: 3, numClasses: 3 };
const loss: LossSpec = { weight: null, ignoreIndex: -100 };
const x = () => ({ data: Float32Array.from({ length: 4 * 3 * 2 }, (_, i) => Math.sin(i)), shape: [4, 3, 2] });

test('checkBatch passes a batch a step takes: batched, ragged, unbatched, with ignored targets', () => {
  const m = new SequenceModel(o);
  checkBatch(m, x(), new Int32Array(12), [4, 1, 2], loss);
  checkBatch(m, { data: new Float32Array(8), shape: [4, 2] }, Int32Array.of(0, -100, 2, 1), null, loss);
});

test("checkBatch throws forward()'s error for a bad input or lengths, the step's for the target count and the loss's for a target", () => {
  const m = new SequenceModel(o);
  const nan = x();
  nan.data[(2 * 3 + 1) * 2 + 1] = NaN;
  const cases: [() => void, typeof ShapeError, RegExp][] = [
    [
      () => checkBatch(m, { data: new Float32Array(12), shape: [2, 3, 2, 1] }, new Int32Array(6), null, loss),
      ShapeError,
      /input must be 3-D/,
    ],
    [
      () => checkBatch(m, { data: new Float32Array(12), shape: [2, 2, 3] }, new Int32Array(4), null, loss),
      ShapeError,
      /3 features per step, expected inputSize 2/,
    ],
    [() => checkBatch(m, nan, new Int32Array(12), null, loss), ShapeError, /NaN at step 2, item 1, feature 1/],
    [() => checkBatch(m, x(), new Int32Array(12), [4, 5, 1], loss), ShapeError, /lengths\[1\] is 5/],
    [
      () => checkBatch(m, x(), new Int32Array(11), null, loss),
      ConfigError,
      /targets has 11 entries, expected 12 \(one per step and item\)/,
    ],
    [
      () =>
        checkBatch(
          m,
          x(),
          Int32Array.from({ length: 12 }, (_, i) => (i === 7 ? 3 : 0)),
          null,
          loss,
        ),
      ShapeError,
      /target 3 at row 7 is out of bounds/,
    ],
  ];
  for (const [run, type, message] of cases) assert.throws(run, (e: Error) => e instanceof type && message.test(e.message));
});

test('TrainStep refuses a wrong number of targets before any work, and no refused batch changes the weights', () => {
  const m = new SequenceModel(o, { seed: 1 });
  const step = new TrainStep(m, new Adam(m.table.data, m.table.grad));
  step.run(x(), new Int32Array(12));
  const [weights, grads] = [Float32Array.from(m.table.data), Float32Array.from(m.table.grad)];
  assert.throws(() => step.run(x(), new Int32Array(4)), /targets has 4 entries, expected 12/);
  assert.deepEqual(m.table.grad, grads);
  assert.throws(() => step.run(x(), new Int32Array(12).fill(5)), /target 5 at row 0 is out of bounds/);
  assert.deepEqual(m.table.data, weights);
});

test('checkBatch without values leaves non-finite inputs and targets out of range to forward() and the loss', () => {
  const m = new SequenceModel(o);
  const nan = x();
  nan.data[0] = NaN;
  checkBatch(m, nan, new Int32Array(12).fill(7), null, loss, false);
  assert.throws(() => checkBatch(m, nan, new Int32Array(12), null, loss), /NaN at step 0, item 0, feature 0/);
});

test('token ids in every shape forward() takes ([T, B], [T, B, 1], [T]; batch-first too) pass the check without a forward, and train as one', () => {
  for (const batchFirst of [false, true]) {
    const tok: SequenceModelOptions = { mode: 'gru', inputSize: 5, vocabSize: 5, hiddenSize: 4, numClasses: 3, batchFirst };
    const ids = Float32Array.from({ length: 4 * 3 }, (_, i) => (i * 7) % 5);
    const targets = Int32Array.from({ length: 4 * 3 }, (_, i) => i % 3);
    const losses: number[] = [];
    for (const shape of [batchFirst ? [3, 4] : [4, 3], batchFirst ? [3, 4, 1] : [4, 3, 1]]) {
      const m = new SequenceModel(tok, { seed: 2 });
      const forward = m.forward.bind(m);
      let calls = 0;
      m.forward = (...a: Parameters<typeof forward>) => (calls++, forward(...a));
      checkBatch(m, { data: ids, shape }, targets, null, loss);
      checkBatch(m, { data: ids.subarray(0, 4), shape: [4] }, targets.subarray(0, 4), null, loss);
      assert.equal(calls, 0, `[${shape.join(', ')}]: the check ran forward()`);
      const step = new TrainStep(m, new Adam(m.table.data, m.table.grad, { lr: 0.01 }));
      losses.push(step.run({ data: ids, shape }, targets).loss);
      assert.equal(calls, 1, `[${shape.join(', ')}]: one forward() a step`);
    }
    assert.equal(losses[0], losses[1], 'the same batch as [T, B] and [T, B, 1]');
  }
});
