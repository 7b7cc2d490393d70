/**
 * The wasm GEMM's two ways of summing (src/tensor/dispatch.ts, fmaMinWork): unfused, every product and
 * every sum rounded to float32, which is the same bits on every runtime; and fused (relaxed SIMD's
 * f32x4.relaxed_madd, one rounding per multiply-add), where the runtime has relaxed SIMD (Node.js 22
 * and later) and N*K reaches fmaMinWork. The unfused order is emulated here in JavaScript with
 * Math.fround (a float32 sum or product rounded from a double is the float32 operation's result), so
 * a change of the kernel's order or a fused multiply-add where none was asked for fails the test.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gemmDispatch, gemmRef } from '../src/tensor/gemm.js';
import { gemmWasm } from '../src/tensor/wasm/gemm-wasm.js';
import { load, tuning, wasmGemmAvailable, wasmGemmStatus } from '../src/tensor/wasm/module.js';
import { wasmFeatures } from '../src/tensor/wasm/features.js';
import { Rng } from '../src/tensor/rng.js';
import type { GemmShape } from './helpers.js';

const skip = wasmGemmAvailable() ? false : `wasm kernel unavailable: ${wasmGemmStatus()}`;
const fused = wasmFeatures().relaxedSimd;
const skipFused = skip || (fused ? false : `no relaxed SIMD in V8 ${process.versions.v8} (Node.js 22 and later have it)`);
const f = Math.fround;

type Shape = GemmShape;

/** The kernel's unfused float32 order: per k-block of tuning.kc, s += a*b from 0, then C = alpha s + beta C (beta 1 after the first block). */
function emulate(s: Shape, A: Float32Array, B: Float32Array, C: Float32Array): Float32Array {
  const { tA, tB, M, N, K, alpha, beta } = s;
  const out = C.slice();
  for (let m = 0; m < M; m++) {
    for (let n = 0; n < N; n++) {
      let c = out[m * N + n]!;
      for (let k0 = 0; k0 < K; k0 += tuning.kc) {
        let sum = 0;
        for (let k = k0; k < Math.min(K, k0 + tuning.kc); k++) {
          const a = tA ? A[k * M + m]! : A[m * K + k]!;
          const b = tB ? B[n * K + k]! : B[k * N + n]!;
          sum = f(sum + f(a * b));
        }
        const be = k0 === 0 ? beta : 1;
        c = be === 0 ? f(alpha * sum) : f(f(alpha * sum) + f(be * c));
      }
      out[m * N + n] = c;
    }
  }
  return out;
}

function operands(s: Shape, seed: number) {
  const rng = new Rng(seed);
  const A = Float32Array.from({ length: s.M * s.K }, () => rng.normal());
  const B = Float32Array.from({ length: s.K * s.N }, () => rng.normal());
  const C = Float32Array.from({ length: s.M * s.N }, () => rng.normal());
  return { A, B, C };
}

function wasm(s: Shape, A: Float32Array, B: Float32Array, C: Float32Array): Float32Array {
  const got = C.slice();
  assert.ok(gemmWasm(s.tA, s.tB, s.M, s.N, s.K, s.alpha, A, 0, s.tA ? s.M : s.K, B, 0, s.tB ? s.K : s.N, s.beta, got, 0, s.N));
  return got;
}

const SHAPES: Shape[] = [
  { tA: false, tB: true, M: 13, N: 40, K: 33, alpha: 1, beta: 1 }, // a step's h W_hh^T, odd sizes
  { tA: false, tB: false, M: 9, N: 24, K: 300, alpha: 1, beta: 0 }, // two k-blocks
  { tA: true, tB: false, M: 12, N: 17, K: 600, alpha: -0.5, beta: 2 }, // a weight gradient, three k-blocks
  { tA: true, tB: true, M: 5, N: 8, K: 64, alpha: 2, beta: -1 },
  { tA: false, tB: true, M: 103, N: 20, K: 40, alpha: 1, beta: 1 }, // 6-row tiles (M >= 96), then 4- and 1-row
  { tA: true, tB: false, M: 70, N: 12, K: 300, alpha: 1, beta: 1 }, // A^T packed in two m-blocks, 70 % 4 rows in place
];

function withFmaMinWork<T>(v: number, fn: () => T): T {
  const old = gemmDispatch.fmaMinWork;
  gemmDispatch.fmaMinWork = v;
  try {
    return fn();
  } finally {
    gemmDispatch.fmaMinWork = old;
  }
}

test(
  'with fusing off, the wasm GEMM rounds every product and sum to float32 in its fixed order: the same bits on every runtime',
  { skip },
  () => {
    withFmaMinWork(Infinity, () => {
      SHAPES.forEach((s, i) => {
        const { A, B, C } = operands(s, 10 + i);
        assert.deepEqual(wasm(s, A, B, C), emulate(s, A, B, C), JSON.stringify(s));
      });
    });
  },
);

test('below fmaMinWork (N*K) nothing is fused, so small models compute the same bits on Node.js 20, 22 and 24', { skip }, () => {
  const s = SHAPES[0]!;
  assert.ok(s.N * s.K < gemmDispatch.fmaMinWork, 'the default threshold is above this shape');
  const { A, B, C } = operands(s, 20);
  assert.deepEqual(wasm(s, A, B, C), emulate(s, A, B, C));
});

test(
  'with relaxed SIMD, GEMMs at fmaMinWork fuse their multiply-adds: other bits than unfused, as close to the exact sums',
  { skip: skipFused },
  () => {
    assert.equal(load()?.fused, true, 'the relaxed-SIMD build of the module loaded');
    assert.match(wasmGemmStatus(), /fused multiply-add/);
    withFmaMinWork(0, () => {
      SHAPES.forEach((s, i) => {
        const { A, B, C } = operands(s, 10 + i);
        const got = wasm(s, A, B, C);
        const plain = emulate(s, A, B, C);
        const exact = C.slice();
        gemmRef(s.tA, s.tB, s.M, s.N, s.K, s.alpha, A, 0, s.tA ? s.M : s.K, B, 0, s.tB ? s.K : s.N, s.beta, exact, 0, s.N);
        let differ = 0;
        let errFused = 0;
        let errPlain = 0;
        for (let j = 0; j < got.length; j++) {
          if (got[j] !== plain[j]) differ++;
          errFused += Math.abs(got[j]! - exact[j]!);
          errPlain += Math.abs(plain[j]! - exact[j]!);
        }
        assert.ok(differ > got.length / 10, `${JSON.stringify(s)}: only ${differ} of ${got.length} elements differ from the unfused sums`);
        // one rounding instead of two per term: no worse on the whole than unfused (with room for chance)
        assert.ok(errFused <= 1.25 * errPlain, `${JSON.stringify(s)}: fused error ${errFused} against unfused ${errPlain}`);
      });
    });
  },
);
