import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sigmoid, sigmoid32, tanh32 } from '../src/tensor/activations.js';

test('tanh32 is within 2.5e-7 (relative) of float32 tanh over [-20, 20], exact at 0 and odd', () => {
  let worst = 0;
  for (let i = -200000; i <= 200000; i++) {
    const x = i / 10000;
    const want = Math.fround(Math.tanh(x));
    const err = Math.abs(tanh32(x) - want) / Math.max(Math.abs(want), 1e-30);
    worst = Math.max(worst, err);
    assert.equal(tanh32(-x), -tanh32(x));
  }
  assert.ok(worst < 2.5e-7, `worst relative error ${worst}`);
  assert.equal(tanh32(0), 0);
  assert.ok(Math.abs(tanh32(1e-5) - 1e-5) < 1e-15);
});

test('sigmoid32 is within 2e-7 (absolute) of sigmoid, and stays in [0, 1]', () => {
  let worst = 0;
  for (let i = -40000; i <= 40000; i++) {
    const x = i / 1000;
    const v = sigmoid32(x);
    assert.ok(v >= 0 && v <= 1, `sigmoid32(${x}) = ${v}`);
    worst = Math.max(worst, Math.abs(v - sigmoid(x)));
  }
  assert.ok(worst < 2e-7, `worst absolute error ${worst}`);
});
