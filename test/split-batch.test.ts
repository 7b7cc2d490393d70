/**
 * splitBatch (src/node/split-batch.ts) alone: a batch split by items into two parts, each weighted by
 * its counted targets, in either layout, with lengths or without.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { makePart, partItems, splitBatch, type Batch, type Layout, type Part } from '../src/parallel/split-batch.js';
import type { LossSpec } from '../src/train/step.js';

const plain: LossSpec = { weight: null, ignoreIndex: -100 };

/** A batch whose every value says where it is: x = 100 t + 10 b + i, a target per row, lengths per item. */
function batch(l: Layout, target: (t: number, b: number) => number): Batch {
  const { T, B, I, batchFirst: bf } = l;
  const x = new Float32Array(T * B * I);
  const rows = l.perStep ? T : 1;
  const targets = new Int32Array(rows * B);
  for (let t = 0; t < T; t++)
    for (let b = 0; b < B; b++) for (let i = 0; i < I; i++) x[(bf ? b * T + t : t * B + b) * I + i] = 100 * t + 10 * b + i;
  for (let t = 0; t < rows; t++) for (let b = 0; b < B; b++) targets[bf ? b * rows + t : t * B + b] = target(t, b);
  return { x: { data: x, shape: bf ? [B, T, I] : [T, B, I] }, targets, lengths: Int32Array.from({ length: B }, (_, b) => 1 + (b % T)) };
}

/** Item k of a part as [x values per step, targets, length]. */
function item(p: Part, l: Layout, k: number, items: number) {
  const { T, I, batchFirst: bf } = l;
  const rows = l.perStep ? T : 1;
  const xs = Array.from({ length: T }, (_, t) =>
    Array.from(p.x.data.subarray((bf ? k * T + t : t * items + k) * I, (bf ? k * T + t : t * items + k) * I + I)),
  );
  const ys = Array.from({ length: rows }, (_, t) => p.targets[bf ? k * rows + t : t * items + k]);
  return [xs, ys, p.lengths?.[k]];
}

for (const batchFirst of [false, true]) {
  for (const perStep of [true, false]) {
    test(`a batch of 7 splits into items 0-3 and 4-6, each whole (${batchFirst ? 'batch first' : 'time first'}, targets per ${perStep ? 'step' : 'item'})`, () => {
      const l: Layout = { T: 3, B: 7, I: 2, batchFirst, perStep };
      const b = batch(l, (t, k) => (t + k) % 3);
      const { parts } = splitBatch(b, l, plain);
      const whole = makePart(l, 7, 'float32', true);
      whole.x.data.set(b.x.data);
      whole.targets.set(b.targets);
      whole.lengths!.set(b.lengths!);
      assert.deepEqual(
        parts.map((p) => p.x.shape),
        [batchFirst ? [4, 3, 2] : [3, 4, 2], batchFirst ? [3, 3, 2] : [3, 3, 2]],
      );
      for (let k = 0; k < 7; k++) {
        const [p, at, items] = k < 4 ? [parts[0], k, 4] : [parts[1], k - 4, 3];
        assert.deepEqual(item(p, l, at, items), item(whole, l, k, 7), `item ${k}`);
      }
    });
  }
}

test('each part weighs its counted targets by their class weights, and the two weigh what the batch does', () => {
  const l: Layout = { T: 2, B: 4, I: 1, batchFirst: false, perStep: true };
  // rows t * 4 + b: items 0-1 go to the first part, 2-3 to the second
  const b = batch(
    l,
    (t, k) =>
      [
        [0, 1, 2, -100],
        [2, -100, 1, 1],
      ][t]![k]!,
  );
  const loss: LossSpec = { weight: Float64Array.of(0.5, 1, 2), ignoreIndex: -100 };
  const { parts, weight } = splitBatch(b, l, loss);
  assert.equal(parts[0].weight, 0.5 + 1 + 2);
  assert.equal(parts[1].weight, 2 + 1 + 1);
  assert.equal(weight, parts[0].weight + parts[1].weight);
  assert.equal(splitBatch(b, l, plain).parts[0].weight, 3, 'without class weights a part weighs its number of counted targets');
});

test('a part whose targets are all ignored weighs 0, and the other the whole batch', () => {
  const l: Layout = { T: 1, B: 3, I: 1, batchFirst: true, perStep: false };
  const { parts, weight } = splitBatch(
    batch(l, (_, k) => (k < 2 ? -100 : 1)),
    l,
    plain,
  );
  assert.deepEqual([parts[0].weight, parts[1].weight, weight], [0, 1, 1]);
});

test('parts given are filled in place, and a batch without lengths leaves them out', () => {
  const l: Layout = { T: 2, B: 5, I: 3, batchFirst: false, perStep: true };
  const [B1, B2] = partItems(5);
  assert.deepEqual([B1, B2], [3, 2]);
  const given: [Part, Part] = [makePart(l, B1, 'float64', false), makePart(l, B2, 'float64', false)];
  const b = { ...batch(l, () => 0), lengths: null };
  const { parts } = splitBatch(b, l, plain, given);
  assert.equal(parts[0], given[0]);
  assert.equal(parts[1], given[1]);
  assert.equal(parts[0].lengths, null);
  assert.deepEqual(Array.from(parts[1].x.data.subarray(0, 3)), [30, 31, 32], 'step 0 of item 3');
});
