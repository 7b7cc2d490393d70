import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crossEntropy, softmaxRows, argmaxRow, mse } from '../src/loss/index.js';
import { ConfigError, ShapeError } from '../src/errors.js';
import { assertClose, numericGrad } from './helpers.js';

// Central differences in float64 are good to ~1e-10 here; a 1% error in a gradient is ~1e-3.
const GRAD_ATOL = 1e-8;
const GRAD_RTOL = 1e-6;

// N = 5 rows, C = 4 classes, stored after 3 elements of padding to exercise logitsOff.
const N = 5;
const C = 4;
const OFF = 3;
const logits = Float64Array.from([
  9, 9, 9, 0.3, -1.2, 2.5, 0.1, 1.7, 0.4, -0.8, 2.2, -3.1, 0.9, 0.0, 1.1, 0.6, -0.2, 0.5, 0.5, 0.5, -1.5, 3.0, 0.2,
]);
const targets = Int32Array.from([2, 0, -100, 3, 1]);
const weight = Float64Array.from([0.5, 2.0, 1.0, 0.25]);

test('crossEntropy of one row is log-sum-exp minus the target logit', () => {
  const loss = crossEntropy(Float64Array.from([1, 2, 3]), 0, 1, 3, Int32Array.from([2]), null);
  assert.ok(Math.abs(loss - (Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3)) - 3)) < 1e-15);
});

test("crossEntropy with weights divides by the sum of the kept rows' weights", () => {
  const x = Float64Array.from([0, 0, 1, 0]);
  const loss = crossEntropy(x, 0, 2, 2, Int32Array.from([0, 1]), null, { weight: Float64Array.from([3, 1]) });
  const nll0 = Math.log(2);
  const nll1 = Math.log(1 + Math.E) - 0;
  assert.ok(Math.abs(loss - (3 * nll0 + 1 * nll1) / 4) < 1e-15);
});

test('crossEntropy gradient matches central differences, with weights and an ignored row', () => {
  const x = Float64Array.from(logits);
  const d = new Float64Array(x.length);
  crossEntropy(x, OFF, N, C, targets, d, { weight });
  const f = () => crossEntropy(x, OFF, N, C, targets, null, { weight });
  const numeric = numericGrad(f, x);
  assertClose(d, numeric, 'dlogits', GRAD_ATOL, GRAD_RTOL);
});

test('crossEntropy gradient matches central differences without weights', () => {
  const x = Float64Array.from(logits);
  const d = new Float64Array(x.length);
  crossEntropy(x, OFF, N, C, targets, d);
  assertClose(
    d,
    numericGrad(() => crossEntropy(x, OFF, N, C, targets, null), x),
    'dlogits',
    GRAD_ATOL,
    GRAD_RTOL,
  );
});

test('the gradient check fails on a gradient that is 1% wrong', () => {
  const x = Float64Array.from(logits);
  const d = new Float64Array(x.length);
  crossEntropy(x, OFF, N, C, targets, d, { weight });
  const wrong = d.map((v) => v * 1.01);
  const numeric = numericGrad(() => crossEntropy(x, OFF, N, C, targets, null, { weight }), x);
  assert.throws(() => assertClose(wrong, numeric, 'dlogits', GRAD_ATOL, GRAD_RTOL), /dlogits: element \d+/);
});

test('crossEntropy ignores targets equal to ignoreIndex', () => {
  const x = Float64Array.from([2, 0, 5, -5, 0, 1]);
  const d = new Float64Array(6);
  const loss = crossEntropy(x, 0, 3, 2, Int32Array.from([0, 7, 1]), d, { ignoreIndex: 7 });
  const kept = crossEntropy(Float64Array.from([2, 0, 0, 1]), 0, 2, 2, Int32Array.from([0, 1]), null);
  assert.ok(Math.abs(loss - kept) < 1e-15);
  assert.deepEqual(Array.from(d.subarray(2, 4)), [0, 0]);
});

test('crossEntropy returns NaN and a zero gradient when every row is ignored, as PyTorch', () => {
  const d = Float64Array.from([1, 2, 3, 4]);
  const loss = crossEntropy(Float64Array.from([1, 2, 3, 4]), 0, 2, 2, Int32Array.from([-100, -100]), d);
  assert.ok(Number.isNaN(loss));
  assert.deepEqual(Array.from(d), [0, 0, 0, 0]);
});

test('crossEntropy writes the gradient rather than accumulating into it', () => {
  const x = Float64Array.from(logits);
  const fresh = new Float64Array(x.length);
  const dirty = new Float64Array(x.length).fill(42);
  crossEntropy(x, OFF, N, C, targets, fresh);
  crossEntropy(x, OFF, N, C, targets, dirty);
  assert.deepEqual(Array.from(dirty.subarray(OFF)), Array.from(fresh.subarray(OFF)));
  assert.deepEqual(Array.from(dirty.subarray(0, OFF)), [42, 42, 42], 'elements before logitsOff are left alone');
});

test('crossEntropy stays finite for huge logits', () => {
  const loss = crossEntropy(Float32Array.from([1000, 0, -1000]), 0, 1, 3, Int32Array.from([1]), null);
  assert.ok(Math.abs(loss - 1000) < 1e-9);
});

test('crossEntropy on float32 logits agrees with float64', () => {
  const d32 = new Float32Array(logits.length);
  const d64 = new Float64Array(logits.length);
  const l32 = crossEntropy(Float32Array.from(logits), OFF, N, C, targets, d32, { weight: Float32Array.from(weight) });
  const l64 = crossEntropy(logits, OFF, N, C, targets, d64, { weight });
  assertClose([l32], [l64], 'loss', 1e-6, 1e-6);
  assertClose(d32, d64, 'dlogits', 1e-6, 1e-6);
});

test('crossEntropy rejects a target out of range, naming the row and the valid range', () => {
  const x = new Float64Array(6);
  assert.throws(
    () => crossEntropy(x, 0, 2, 3, Int32Array.from([0, 3]), null),
    (e: unknown) => {
      assert.ok(e instanceof ShapeError);
      assert.match(e.message, /target 3 at row 1 .*\[0, 3\).*ignoreIndex \(-100\)/);
      return true;
    },
  );
  assert.throws(() => crossEntropy(x, 0, 2, 3, Int32Array.from([-1, 0]), null), /row 0/);
});

test('crossEntropy rejects weights, targets and logits of the wrong size', () => {
  const x = new Float64Array(6);
  assert.throws(() => crossEntropy(x, 0, 2, 3, Int32Array.from([0, 1]), null, { weight: new Float64Array(2) }), ShapeError);
  assert.throws(() => crossEntropy(x, 0, 2, 3, Int32Array.from([0]), null), /targets have 1 elements, expected one per row \(2\)/);
  assert.throws(() => crossEntropy(x, 1, 2, 3, Int32Array.from([0, 1]), null), /needs 7/);
  assert.throws(() => crossEntropy(x, 0, 2, 3, Int32Array.from([0, 1]), null, { ignoreIndex: 0.5 }), ConfigError);
});

test('softmaxRows writes rows that sum to one, in place too', () => {
  const x = Float64Array.from(logits);
  const out = new Float64Array(N * C);
  softmaxRows(out, 0, x, OFF, N, C);
  for (let i = 0; i < N; i++) {
    let z = 0;
    for (let j = 0; j < C; j++) z += Math.exp(x[OFF + i * C + j]!);
    for (let j = 0; j < C; j++) assert.ok(Math.abs(out[i * C + j]! - Math.exp(x[OFF + i * C + j]!) / z) < 1e-15);
  }
  softmaxRows(x, OFF, x, OFF, N, C);
  assertClose(x.subarray(OFF), out, 'in-place softmax', 0, 0);
});

test('argmaxRow returns the first maximum, or the first NaN, as torch.argmax', () => {
  assert.equal(argmaxRow(Float32Array.from([9, 1, 3, 3, 2]), 1, 4), 1);
  assert.equal(argmaxRow(Float32Array.from([1, NaN, 3, NaN]), 0, 4), 1);
  assert.equal(argmaxRow(Float32Array.from([-Infinity, -Infinity]), 0, 2), 0);
});

test('mse is the mean of squared differences', () => {
  const loss = mse(Float64Array.from([1, 2, 4]), [0, 2, 1], 3, null);
  assert.equal(loss, (1 + 0 + 9) / 3);
});

test('mse gradient matches central differences and is written, not accumulated', () => {
  const p = Float64Array.from([0.3, -1.2, 2.5, 0.1]);
  const t = Float64Array.from([0.0, 1.0, 2.0, -0.5]);
  const d = new Float64Array(4).fill(42);
  mse(p, t, 4, d);
  assertClose(
    d,
    numericGrad(() => mse(p, t, 4, null), p),
    'dpred',
    GRAD_ATOL,
    GRAD_RTOL,
  );
  assertClose(d, [0.15, -1.1, 0.25, 0.3], 'dpred = 2(p - t)/n', 1e-15, 0);
});

test('mse of zero elements is NaN, as PyTorch', () => {
  assert.ok(Number.isNaN(mse(new Float32Array(0), [], 0, null)));
});

test('mse rejects n larger than its buffers', () => {
  assert.throws(() => mse(new Float32Array(3), [1, 2], 3, null), /integer in \[0, 2\]/);
  assert.throws(() => mse(new Float32Array(3), [1, 2, 3], 3, new Float32Array(2)), ShapeError);
});
