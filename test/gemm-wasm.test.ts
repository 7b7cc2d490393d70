/**
 * The WebAssembly SIMD GEMM against the reference (gemmRef, sums in doubles), and gemm()'s dispatch
 * to it. The wasm kernel sums in float32 in another order, so it is held to a tolerance scaled by
 * sum_k |a_ik b_kj|, the size of the terms it adds.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gemm, gemmBackend, gemmRef, setGemmBackend } from '../src/tensor/gemm.js';
import { gemmWasm } from '../src/tensor/wasm/gemm-wasm.js';
import { execFileSync } from 'node:child_process';
import { loadWasm, tuning, wasmGemmAvailable, wasmGemmStatus } from '../src/tensor/wasm/module.js';
import { WASM_MODULE_BASE64, WASM_RELAXED_MODULE_BASE64 } from '../src/tensor/wasm/module-bytes.js';
import { Rng } from '../src/tensor/rng.js';
import type { GemmShape } from './helpers.js';

const hasWasm = wasmGemmAvailable();
const skip = hasWasm ? false : `wasm kernel unavailable: ${wasmGemmStatus()}`;

interface Case extends GemmShape {
  lda: number;
  ldb: number;
  ldc: number;
  aOff: number;
  bOff: number;
  cOff: number;
}

function operands(c: Case, rng: Rng) {
  const A = Float32Array.from({ length: c.aOff + (c.tA ? c.K : c.M) * c.lda + 3 }, () => rng.normal());
  const B = Float32Array.from({ length: c.bOff + (c.tB ? c.N : c.K) * c.ldb + 3 }, () => rng.normal());
  const C = Float32Array.from({ length: c.cOff + c.M * c.ldc + 3 }, () => rng.normal());
  return { A, B, C };
}

/** |got - want| <= tol * (sum_k |alpha a b| + |beta c|) per element, and everything outside C's matrix untouched. */
function check(
  c: Case,
  got: Float32Array,
  want: Float32Array,
  C0: Float32Array,
  A: Float32Array,
  B: Float32Array,
  tol: number,
  what: string,
): void {
  for (let i = 0; i < C0.length; i++) {
    const m = Math.floor((i - c.cOff) / c.ldc);
    const n = i - c.cOff - m * c.ldc;
    const inside = i >= c.cOff && m < c.M && n < c.N;
    if (!inside) {
      assert.ok(Object.is(got[i], C0[i]), `${what}: element ${i} outside C changed from ${C0[i]} to ${got[i]}`);
      continue;
    }
    let scale = c.beta === 0 ? 0 : Math.abs(c.beta * C0[i]!);
    for (let k = 0; k < c.K; k++) {
      const a = c.tA ? A[c.aOff + k * c.lda + m]! : A[c.aOff + m * c.lda + k]!;
      const b = c.tB ? B[c.bOff + n * c.ldb + k]! : B[c.bOff + k * c.ldb + n]!;
      scale += Math.abs(c.alpha * a * b);
    }
    const d = Math.abs(got[i]! - want[i]!);
    assert.ok(
      d <= tol * scale + 1e-30,
      `${what}: C[${m}, ${n}] is ${got[i]}, expected ${want[i]} (|diff| ${d.toExponential(2)}, scale ${scale.toExponential(2)})`,
    );
  }
}

function run(c: Case, rng: Rng, tol: number): void {
  const { A, B, C } = operands(c, rng);
  const want = C.slice();
  const got = C.slice();
  gemmRef(c.tA, c.tB, c.M, c.N, c.K, c.alpha, A, c.aOff, c.lda, B, c.bOff, c.ldb, c.beta, want, c.cOff, c.ldc);
  assert.ok(gemmWasm(c.tA, c.tB, c.M, c.N, c.K, c.alpha, A, c.aOff, c.lda, B, c.bOff, c.ldb, c.beta, got, c.cOff, c.ldc));
  check(
    c,
    got,
    want,
    C,
    A,
    B,
    tol,
    `gemmWasm(${c.tA}, ${c.tB}, M ${c.M}, N ${c.N}, K ${c.K}, alpha ${c.alpha}, beta ${c.beta}, ld ${c.lda}/${c.ldb}/${c.ldc})`,
  );
}

test('gemmWasm matches gemmRef for every transpose case, odd sizes, offsets, leading dimensions, alpha and beta', { skip }, () => {
  const rng = new Rng(7);
  let n = 0;
  for (const [tA, tB] of [
    [false, false],
    [false, true],
    [true, false],
    [true, true],
  ] as const) {
    for (const M of [1, 3, 4, 5, 8, 13]) {
      for (const N of [1, 3, 7, 8, 9, 17, 24]) {
        for (const K of [1, 3, 4, 5, 9, 33]) {
          const [alpha, beta] = (
            [
              [1, 0],
              [1, 1],
              [-0.5, 2],
              [2, -1],
            ] as const
          )[n % 4]!;
          const pad = n % 3;
          run(
            {
              tA,
              tB,
              M,
              N,
              K,
              alpha,
              beta,
              lda: (tA ? M : K) + pad,
              ldb: (tB ? K : N) + (n % 2) * 2,
              ldc: N + (n % 5 === 0 ? 0 : 1),
              aOff: n % 4,
              bOff: (n >> 1) % 3,
              cOff: (n >> 2) % 5,
            },
            rng,
            1e-6,
          );
          n++;
        }
      }
    }
  }
  assert.ok(n > 1000);
});

test("gemmWasm across k blocks and m blocks, and with the engine's large shapes", { skip }, () => {
  const rng = new Rng(8);
  const saved = { ...tuning };
  try {
    // small blocks so that a small problem crosses several of each, ragged at the end
    Object.assign(tuning, { kc: 8, mc: 8 });
    for (const [tA, tB] of [
      [false, false],
      [false, true],
      [true, false],
      [true, true],
    ] as const) {
      for (const beta of [0, 1, 0.5]) {
        run(
          { tA, tB, M: 21, N: 19, K: 37, alpha: 1.5, beta, lda: tA ? 21 : 37, ldb: tB ? 37 : 19, ldc: 20, aOff: 1, bOff: 2, cOff: 3 },
          rng,
          1e-6,
        );
      }
    }
    Object.assign(tuning, saved);
    // the engine's calls for LSTM H128 B64 I32 (fewer rows or columns, to keep the reference quick):
    // projection, recurrence, its backward, dW_ih, dW_hh over 3200 rows
    const shapes: Array<[boolean, boolean, number, number, number]> = [
      [false, true, 400, 512, 32],
      [false, false, 103, 37, 19], // 6-row tiles, then the 4- and 1-row ones, in both m-blocks
      [true, false, 103, 37, 300], // A^T packed per m-block and k-block, its last 103 % 4 rows in place
      [false, true, 64, 512, 128],
      [false, false, 64, 128, 512],
      [true, false, 128, 32, 3200],
      [true, false, 64, 136, 3200],
    ];
    for (const [tA, tB, M, N, K] of shapes) {
      run({ tA, tB, M, N, K, alpha: 1, beta: 1, lda: tA ? M : K, ldb: tB ? K : N, ldc: N, aOff: 0, bOff: 0, cOff: 0 }, rng, 1e-6);
    }
  } finally {
    Object.assign(tuning, saved);
  }
});

test('gemmWasm streamed in chunks (rows of A and C; rows of A^T and B) with beta 0 over NaN, beta 0.5, padded rows', { skip }, () => {
  const rng = new Rng(12);
  for (const beta of [0, 0.5]) {
    for (const pad of [0, 3]) {
      // 2100 rows of 16 + 16 floats: chunks of 2048 rows and a ragged last one
      run(
        {
          tA: false,
          tB: pad > 0,
          M: 2100,
          N: 16,
          K: 16,
          alpha: 0.5,
          beta,
          lda: 16 + pad,
          ldb: 16 + pad,
          ldc: 16 + pad,
          aOff: 1,
          bOff: 2,
          cOff: 3,
        },
        rng,
        1e-6,
      );
      // 5000 rows k of A^T [k, 8] and B [k, 8]: chunks of 4096 rows
      run(
        { tA: true, tB: false, M: 8, N: 8, K: 5000, alpha: 0.5, beta, lda: 8 + pad, ldb: 8 + pad, ldc: 8 + pad, aOff: 1, bOff: 2, cOff: 3 },
        rng,
        1e-6,
      );
    }
  }
  const A = Float32Array.from({ length: 5000 * 8 }, () => rng.normal());
  const C = new Float32Array(64).fill(NaN);
  assert.ok(gemmWasm(true, false, 8, 8, 5000, 1, A, 0, 8, A, 0, 8, 0, C, 0, 8));
  assert.ok(C.every(Number.isFinite));
});

test('gemmWasm relative error stays within 1e-5 for K in the thousands', { skip }, () => {
  const rng = new Rng(9);
  for (const K of [1000, 4000]) {
    run({ tA: true, tB: false, M: 8, N: 16, K, alpha: 1, beta: 0, lda: 8, ldb: 16, ldc: 16, aOff: 0, bOff: 0, cOff: 0 }, rng, 1e-6);
    // all-positive terms: no cancellation, so the error relative to the result itself
    const A = Float32Array.from({ length: 4 * K }, () => Math.abs(rng.normal()));
    const B = Float32Array.from({ length: K * 8 }, () => Math.abs(rng.normal()));
    const want = new Float32Array(32);
    const got = new Float32Array(32);
    gemmRef(false, false, 4, 8, K, 1, A, 0, K, B, 0, 8, 0, want, 0, 8);
    gemmWasm(false, false, 4, 8, K, 1, A, 0, K, B, 0, 8, 0, got, 0, 8);
    for (let i = 0; i < 32; i++) assert.ok(Math.abs(got[i]! - want[i]!) <= 1e-5 * Math.abs(want[i]!), `K ${K}: ${got[i]} vs ${want[i]}`);
  }
});

test('gemmWasm with beta 0 overwrites NaN in C, and leaves the padding between rows alone', { skip }, () => {
  const A = Float32Array.from([1, 2, 3, 4]);
  const C = Float32Array.from([NaN, NaN, 7, NaN, NaN, 7]);
  assert.ok(gemmWasm(false, false, 2, 2, 2, 1, A, 0, 2, A, 0, 2, 0, C, 0, 3));
  assert.deepEqual(Array.from(C), [7, 10, 7, 15, 22, 7]);
  // and a whole C of NaN with no padding (C is not copied in)
  const C2 = new Float32Array(4).fill(NaN);
  assert.ok(gemmWasm(false, false, 2, 2, 2, 1, A, 0, 2, A, 0, 2, 0, C2, 0, 2));
  assert.deepEqual(Array.from(C2), [7, 10, 15, 22]);
});

test('gemmWasm grows its memory for a larger problem after a smaller one and stays correct', { skip }, () => {
  const rng = new Rng(10);
  run({ tA: false, tB: false, M: 4, N: 8, K: 4, alpha: 1, beta: 0, lda: 4, ldb: 8, ldc: 8, aOff: 0, bOff: 0, cOff: 0 }, rng, 1e-6);
  run(
    { tA: false, tB: true, M: 700, N: 300, K: 200, alpha: 1, beta: 1, lda: 200, ldb: 200, ldc: 300, aOff: 0, bOff: 0, cOff: 0 },
    rng,
    1e-6,
  );
  run({ tA: false, tB: false, M: 4, N: 8, K: 4, alpha: 1, beta: 0, lda: 4, ldb: 8, ldc: 8, aOff: 0, bOff: 0, cOff: 0 }, rng, 1e-6);
});

test('gemm() sends large float32 problems to wasm and everything else to JS, with the same results', () => {
  const rng = new Rng(11);
  const M = 64,
    N = 128,
    K = 128;
  const A = Float32Array.from({ length: M * K }, () => rng.normal());
  const B = Float32Array.from({ length: N * K }, () => rng.normal());
  const run = (
    backend: 'js' | 'wasm' | 'auto',
    A: Float32Array | Float64Array,
    B: Float32Array | Float64Array,
    C: Float32Array | Float64Array,
  ) => {
    setGemmBackend(backend);
    try {
      assert.equal(gemmBackend(), backend);
      gemm(false, true, M, N, K, 1, A, 0, K, B, 0, K, 0, C, 0, N);
    } finally {
      setGemmBackend('auto');
    }
  };
  const cj = new Float32Array(M * N);
  const cw = new Float32Array(M * N);
  run('js', A, B, cj);
  run('auto', A, B, cw);
  gemmRef(false, true, M, N, K, 1, A, 0, K, B, 0, K, 0, cj, 0, N);
  for (let i = 0; i < cj.length; i++) assert.ok(Math.abs(cw[i]! - cj[i]!) <= 1e-5 * (1 + Math.abs(cj[i]!)));
  // float64 always takes the JS kernel: bit for bit the reference's sums in doubles
  const c64 = new Float64Array(M * N);
  const ref64 = new Float64Array(M * N);
  run('wasm', Float64Array.from(A), Float64Array.from(B), c64);
  gemmRef(false, true, M, N, K, 1, Float64Array.from(A), 0, K, Float64Array.from(B), 0, K, 0, ref64, 0, N);
  assert.deepEqual(c64, ref64);
  // One problem with the JS kernel ("js") and with gemm()'s own choice ("auto").
  const both = (tA: boolean, tB: boolean, m: number, n: number, k: number): [Float32Array, Float32Array] => {
    const a = Float32Array.from({ length: m * k }, () => rng.normal());
    const b = Float32Array.from({ length: k * n }, () => rng.normal());
    const out = [new Float32Array(m * n), new Float32Array(m * n)] as [Float32Array, Float32Array];
    for (const [i, be] of [
      [0, 'js'],
      [1, 'auto'],
    ] as const) {
      setGemmBackend(be);
      gemm(tA, tB, m, n, k, 1, a, 0, tA ? m : k, b, 0, tB ? k : n, 0, out[i], 0, n);
    }
    return out;
  };
  // problems under wasmMinWork multiply-adds (one seed sequence: 10 x 8 x 5, 1 x 8 x 8, 10 x 3 x 8) stay in JS: same bits
  for (const [tA, tB, m, n, k] of [
    [false, false, 8, 8, 8],
    [false, true, 10, 8, 5],
    [false, false, 1, 8, 8],
    [false, true, 10, 3, 8],
  ] as const) {
    const [s1, s2] = both(tA, tB, m, n, k);
    assert.deepEqual(s1, s2, `${m} x ${n} x ${k}`);
  }
  // narrow ones above it go to wasm (the reference pipeline's batch: 320 x 8 x 5, 320 x 3 x 8), to float32 rounding
  for (const [tA, tB, m, n, k] of [
    [false, true, 320, 8, 5],
    [false, true, 320, 3, 8],
    [true, false, 8, 8, 320],
  ] as const) {
    const [s1, s2] = both(tA, tB, m, n, k);
    assert.notDeepEqual(s1, s2, `${m} x ${n} x ${k} took the wasm kernel`);
    for (let i = 0; i < s1.length; i++) assert.ok(Math.abs(s1[i]! - s2[i]!) <= 1e-5 * (1 + Math.abs(s1[i]!)), `${m} x ${n} x ${k}`);
  }
});

test('both builds of the wasm module stay small (12 KB), and loadWasm() loads one asynchronously for pages that need it', async () => {
  // A budget, not a browser's rule: Chromium compiles either synchronously on a page's main thread;
  // older Chrome refused past 4 KB there (Chromium 114, the first with relaxed SIMD, among them), which
  // loadWasm() gets round. 8 KB until the LSTM's inference kernel (lstm-infer.wat, its activations
  // written out in its cell loop: about 2.8 KB with its fused twins) and the GEMM's 6-row tiles and
  // packed A^T (about 1.7 KB with theirs): 9.2 and 11.4 KB on 2026-12-01
  assert.ok(atob(WASM_MODULE_BASE64).length < 12288);
  assert.ok(atob(WASM_RELAXED_MODULE_BASE64).length < 12288);
  assert.equal(await loadWasm(), true);
  // in a fresh process, so that the asynchronous path is the one that loads it
  const url = new URL('../src/tensor/wasm/module.js', import.meta.url).href;
  const out = execFileSync(
    process.execPath,
    ['--input-type=module', '-e', `const m = await import(${JSON.stringify(url)}); console.log(await m.loadWasm(), m.wasmGemmStatus());`],
    { encoding: 'utf8' },
  );
  assert.match(out.trim(), /^true wasm simd/);
});
