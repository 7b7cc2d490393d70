import { test } from 'node:test';
import assert from 'node:assert/strict';
import { f2, f3, f4, num, pct, points, seconds, vec } from '../src/format.js';

test("numbers are written with fixed decimals: the CLI keeps a small negative's sign, the page drops it", () => {
  assert.equal(num(-0.0001, 2), '-0.00');
  assert.equal(f2(-0.004), '0.00');
  assert.equal(f3(-0.0004), '0.000');
  assert.equal(f3(0.8904), '0.890');
  assert.equal(f4(-0.00001), '-0.0000');
  assert.equal(num(NaN), 'NaN');
});

test('fractions read as percentages and differences as signed points', () => {
  assert.equal(pct(0.8912), '89.1%');
  assert.equal(points(0.534), '+53.4 points');
  assert.equal(points(-0.02), '-2.0 points');
});

test('a long vector keeps its head and its last value, and durations switch from ms to s at one second', () => {
  assert.equal(vec([1, 2, 3, 4, 5, 6, 7], 1, 6), '[1.0, 2.0, 3.0, 4.0, ..., 7.0]');
  assert.equal(seconds(0.34), '340 ms');
  assert.equal(seconds(2.151), '2.15 s');
});
