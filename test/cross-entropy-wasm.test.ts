/**
 * crossEntropy's two paths held together: float32 rows without class weights go to the WebAssembly
 * module (src/loss/cross-entropy.wat), everything else to the JavaScript loop, which here is the
 * reference (run on a float64 copy of the same float32 logits). The module's e^x is float32's, so
 * the two agree to float32 precision; rows the module cannot judge (an infinite max, a NaN) go to
 * the loop, which keeps PyTorch's rules for them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crossEntropy, wasmCrossEntropyCalls, WASM_MIN_FLOATS } from '../src/loss/cross-entropy.js';
import { wasmGemmAvailable } from '../src/tensor/wasm/module.js';
import { Rng } from '../src/tensor/rng.js';
import { assertClose } from './helpers.js';

function both(x32: Float32Array, off: number, n: number, c: number, y: Int32Array, ignoreIndex = -100) {
  const d32 = new Float32Array(x32.length).fill(7);
  const before = wasmCrossEntropyCalls();
  const loss32 = crossEntropy(x32, off, n, c, y, d32, { ignoreIndex });
  const tookWasm = wasmCrossEntropyCalls() > before;
  const x64 = Float64Array.from(x32);
  const d64 = new Float64Array(x32.length).fill(7);
  const loss64 = crossEntropy(x64, off, n, c, y, d64, { ignoreIndex });
  const lossOnly = crossEntropy(x32, off, n, c, y, null, { ignoreIndex });
  return { loss32, loss64, lossOnly, d32, d64, tookWasm };
}

function randomCase(rng: Rng, n: number, c: number, off: number, spread: number, ignoreEvery = 0) {
  const x = new Float32Array(off + n * c + 5);
  for (let i = 0; i < x.length; i++) x[i] = rng.uniform(-spread, spread);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) y[i] = ignoreEvery > 0 && i % ignoreEvery === 1 ? -100 : rng.int(c);
  return { x, y };
}

test('float32 rows in the module give the float64 loop loss and gradient to float32 precision, for every row width', () => {
  if (!wasmGemmAvailable()) return;
  const rng = new Rng(11);
  for (const [n, c] of [
    [320, 3],
    [48, 1],
    [64, 4],
    [33, 5],
    [17, 7],
    [40, 8],
    [32, 64],
    [6, 1000],
  ] as const) {
    for (const off of [0, 3]) {
      for (const spread of [1, 30]) {
        const { x, y } = randomCase(rng, n, c, off, spread, 5);
        const r = both(x, off, n, c, y);
        const what = `n ${n}, c ${c}, offset ${off}, logits in ±${spread}`;
        assert.ok(r.tookWasm, `${what}: the module's path was not taken`);
        assert.ok(Math.abs(r.loss32 - r.loss64) <= 1e-6 * Math.abs(r.loss64) + 1e-7, `${what}: loss ${r.loss32} against ${r.loss64}`);
        assert.equal(r.lossOnly, r.loss32, `${what}: the loss without a gradient is the loss with one`);
        assertClose(r.d32, r.d64, `${what}: gradient`, 1e-8, 1e-5);
        // the floats around the rows are the caller's and stay as they were
        for (let i = 0; i < off; i++) assert.equal(r.d32[i], 7, `${what}: float ${i} before the rows was written`);
        for (let i = off + n * c; i < r.d32.length; i++) assert.equal(r.d32[i], 7, `${what}: float ${i} after the rows was written`);
      }
    }
  }
});

test('a product of row sums past 2^512 is renormalised, not overflowed', () => {
  if (!wasmGemmAvailable()) return;
  // 2000 rows of 1000 equal logits: each row's sum is 1000, so the product passes 2^512 every 51 rows
  const n = 2000,
    c = 1000;
  const x = new Float32Array(n * c).fill(0.25);
  const y = Int32Array.from({ length: n }, (_, i) => i % c);
  const r = both(x, 0, n, c, y);
  assert.ok(r.tookWasm);
  assert.ok(Math.abs(r.loss32 - Math.log(c)) < 1e-9, `loss ${r.loss32}, expected log(1000) = ${Math.log(c)}`);
  assert.ok(Math.abs(r.loss32 - r.loss64) < 1e-9);
});

test('rows the module cannot judge (infinite max, NaN, every row ignored) get the loop rules, as PyTorch', () => {
  if (!wasmGemmAvailable()) return;
  const rng = new Rng(5);
  const n = 40,
    c = 3;
  for (const [what, plant] of [
    ['+Infinity', (x: Float32Array) => (x[7] = Infinity)],
    ['a row of -Infinity', (x: Float32Array) => x.fill(-Infinity, 9, 12)],
    ['NaN', (x: Float32Array) => (x[20] = NaN)],
  ] as const) {
    const { x, y } = randomCase(rng, n, c, 0, 3);
    plant(x);
    const r = both(x, 0, n, c, y);
    assert.ok(!r.tookWasm, `${what}: the module answered a row it must leave to the loop`);
    assert.ok(Object.is(r.loss32, r.loss64), `${what}: loss ${r.loss32}, the loop says ${r.loss64}`);
    for (let i = 0; i < n * c; i++) {
      const a = r.d32[i]!,
        b = r.d64[i]!;
      assert.ok(Number.isNaN(b) ? Number.isNaN(a) : Math.abs(a - b) <= 1e-7, `${what}: gradient ${i} is ${a}, the loop says ${b}`);
    }
  }
  const { x } = randomCase(rng, n, c, 0, 3);
  const ignored = new Int32Array(n).fill(-100);
  const r = both(x, 0, n, c, ignored);
  assert.ok(r.tookWasm);
  assert.ok(Number.isNaN(r.loss32), 'every row ignored: the loss is 0/0');
  assert.ok(
    r.d32.subarray(0, n * c).every((v) => v === 0),
    'every row ignored: the gradient is 0',
  );
});

test('small batches stay in the loop, where the copies would cost more than they save', () => {
  const before = wasmCrossEntropyCalls();
  const n = Math.floor((WASM_MIN_FLOATS - 1) / 3);
  const x = new Float32Array(n * 3).fill(0.5);
  crossEntropy(x, 0, n, 3, new Int32Array(n), new Float32Array(n * 3));
  assert.equal(wasmCrossEntropyCalls(), before);
});
