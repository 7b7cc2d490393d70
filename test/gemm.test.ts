import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gemm, gemmRef } from '../src/tensor/gemm.js';
import { Rng } from '../src/tensor/rng.js';
import { assertClose } from './helpers.js';

test('gemm matches the reference for every transpose case, odd sizes, offsets, leading dimensions, alpha and beta', () => {
  const rng = new Rng(1);
  const sizes = [1, 2, 3, 4, 5, 7, 8, 9, 17];
  let cases = 0;
  for (const [tA, tB] of [
    [false, false],
    [false, true],
    [true, false],
    [true, true],
  ] as const) {
    for (const M of sizes) {
      for (const N of [1, 3, 4, 6, 9]) {
        for (const K of [1, 2, 5, 16]) {
          const [alpha, beta] = [
            [1, 0],
            [1, 1],
            [-0.5, 2],
          ][cases % 3]!;
          const lda = (tA ? M : K) + (cases % 2);
          const ldb = (tB ? K : N) + 2;
          const ldc = N + 1;
          const aOff = 3;
          const bOff = 1;
          const cOff = 2;
          const A = Float32Array.from({ length: aOff + (tA ? K : M) * lda }, () => rng.normal());
          const B = Float32Array.from({ length: bOff + (tB ? N : K) * ldb }, () => rng.normal());
          const C0 = Float32Array.from({ length: cOff + M * ldc }, () => rng.normal());
          const want = C0.slice();
          const got = C0.slice();
          gemmRef(tA, tB, M, N, K, alpha!, A, aOff, lda, B, bOff, ldb, beta!, want, cOff, ldc);
          gemm(tA, tB, M, N, K, alpha!, A, aOff, lda, B, bOff, ldb, beta!, got, cOff, ldc);
          assertClose(got, want, `gemm(${tA}, ${tB}, M ${M}, N ${N}, K ${K}, alpha ${alpha}, beta ${beta})`, 1e-6, 1e-6);
          cases++;
        }
      }
    }
  }
  assert.ok(cases > 500);
});

test('gemm with beta 0 overwrites NaN in C, and leaves the padding between rows alone', () => {
  const A = Float32Array.from([1, 2, 3, 4]);
  const C = Float32Array.from([NaN, NaN, 7, NaN, NaN, 7]);
  gemm(false, false, 2, 2, 2, 1, A, 0, 2, A, 0, 2, 0, C, 0, 3);
  assert.deepEqual(Array.from(C), [7, 10, 7, 15, 22, 7]);
});
