/**
 * Matrix multiply on row-major Float32Array/Float64Array with offsets and leading dimensions
 * (BLAS sgemm semantics, row-major): C = alpha * op(A) * op(B) + beta * C, where op(A) is [M, K]
 * and op(B) is [K, N].
 *
 * `gemmRef` is the readable reference; `gemm` is the register-blocked fast path, tested against it,
 * whose sums run in JS doubles and round once when stored. Large float32 problems go instead to a
 * WebAssembly SIMD kernel (wasm/gemm.wat, sums in float32 as BLAS does, about 10x faster), tested
 * against the reference in test/gemm-wasm.test.ts; float64 (gradient checks) always runs here.
 */
import type { Buf } from './buf.js';
import { gemmDispatch } from './dispatch.js';
import { gemmWasm } from './wasm/gemm-wasm.js';

export { gemmDispatch };

export type GemmBackend = 'auto' | 'js' | 'wasm';

let backend: GemmBackend = 'auto';

/**
 * Chooses the float32 kernel: "auto" (default) sends large problems (gemmDispatch) to wasm when it
 * loads here; "js" never; "wasm" every float32 problem (tests, benchmarks). float64 always runs in JS.
 */
export function setGemmBackend(b: GemmBackend): void {
  backend = b;
}

export function gemmBackend(): GemmBackend {
  return backend;
}

/*
 * gemmDispatch (dispatch.ts). When "auto" sends a float32 problem to wasm: M*N*K >= wasmMinWork, however narrow (N or K of 1).
 *
 * wasmMinWork: bench/gemm.ts puts the crossover near 2K multiply-adds (12 x 12 x 12 level, 16^3 and
 * 32 x 8 x 8 two to four times faster in wasm, 64^3 eight times). The cells use the same rule for a
 * whole step (wasmSized): the seed's batch of 32 (32 x 8 x 8) runs its steps in wasm, one sequence
 * (1 x 8 x 8, and its 10 x 8 x 5 projection) stays in the fused JavaScript loops. (Until the steps ran
 * whole in wasm with W_hh kept packed, N or K <= 8 stayed in JS; sending them trains the seed 1.6x faster.)
 */

/**
 * Whether a float32 op(A) op(B) of this size goes to the wasm kernel (the rule gemm() applies); the
 * cells ask it to run a whole step there (GEMM and activations) or neither.
 */
export function wasmSized(M: number, N: number, K: number): boolean {
  return backend === 'wasm' || (backend === 'auto' && M * N * K >= gemmDispatch.wasmMinWork);
}

/** The reference: three loops, one dot product per output element. */
export function gemmRef(
  transA: boolean,
  transB: boolean,
  M: number,
  N: number,
  K: number,
  alpha: number,
  A: Buf,
  aOff: number,
  lda: number,
  B: Buf,
  bOff: number,
  ldb: number,
  beta: number,
  C: Buf,
  cOff: number,
  ldc: number,
): void {
  for (let m = 0; m < M; m++) {
    for (let n = 0; n < N; n++) {
      let s = 0;
      for (let k = 0; k < K; k++) {
        const a = transA ? A[aOff + k * lda + m]! : A[aOff + m * lda + k]!;
        const b = transB ? B[bOff + n * ldb + k]! : B[bOff + k * ldb + n]!;
        s += a * b;
      }
      const c = cOff + m * ldc + n;
      C[c] = alpha * s + (beta === 0 ? 0 : beta * C[c]!);
    }
  }
}

/** C = alpha * op(A) op(B) + beta * C. beta = 0 overwrites C (NaNs in C do not leak through). */
export function gemm(
  transA: boolean,
  transB: boolean,
  M: number,
  N: number,
  K: number,
  alpha: number,
  A: Buf,
  aOff: number,
  lda: number,
  B: Buf,
  bOff: number,
  ldb: number,
  beta: number,
  C: Buf,
  cOff: number,
  ldc: number,
): void {
  if (M === 0 || N === 0) return;
  if (
    backend !== 'js' &&
    K > 0 &&
    C instanceof Float32Array &&
    A instanceof Float32Array &&
    B instanceof Float32Array &&
    (backend === 'wasm' || M * N * K >= gemmDispatch.wasmMinWork) &&
    gemmWasm(transA, transB, M, N, K, alpha, A, aOff, lda, B, bOff, ldb, beta, C, cOff, ldc)
  ) {
    return;
  }
  // op(A)[m, k] = A[aOff + m * sam + k * sak]; op(B)[k, n] = B[bOff + k * sbk + n * sbn]
  const sam = transA ? 1 : lda;
  const sak = transA ? lda : 1;
  const sbk = transB ? 1 : ldb;
  const sbn = transB ? ldb : 1;
  if (N < 4 && M > N) {
    // Few columns (a head with 3 classes): compute C^T = op(B)^T op(A)^T, so the 4-wide blocks run along M.
    gemmBlocked(N, M, K, alpha, B, bOff, sbn, sbk, A, aOff, sak, sam, beta, C, cOff, 1, ldc);
  } else {
    gemmBlocked(M, N, K, alpha, A, aOff, sam, sak, B, bOff, sbk, sbn, beta, C, cOff, ldc, 1);
  }
}

/**
 * The fast path: 2 x 4 blocks of C, whose eight sums stay in registers (JS doubles) over the whole
 * K loop and are stored once, so each element of C is read and rounded once. A last odd row runs in
 * 1 x 4 blocks. Every transpose case is the same loop with other strides; C has strides too (scm, scn)
 * so the caller can swap the roles of A and B.
 */
function gemmBlocked(
  M: number,
  N: number,
  K: number,
  alpha: number,
  A: Buf,
  aOff: number,
  sam: number,
  sak: number,
  B: Buf,
  bOff: number,
  sbk: number,
  sbn: number,
  beta: number,
  C: Buf,
  cOff: number,
  scm: number,
  scn: number,
): void {
  const N4 = N - (N % 4);
  let m = 0;
  for (; m + 1 < M; m += 2) {
    const a0 = aOff + m * sam;
    const a1 = a0 + sam;
    const c0 = cOff + m * scm;
    const c1 = c0 + scm;
    for (let n = 0; n < N4; n += 4) {
      let s00 = 0,
        s01 = 0,
        s02 = 0,
        s03 = 0,
        s10 = 0,
        s11 = 0,
        s12 = 0,
        s13 = 0;
      let b = bOff + n * sbn;
      let i0 = a0;
      let i1 = a1;
      for (let k = 0; k < K; k++, b += sbk, i0 += sak, i1 += sak) {
        const x0 = A[i0]!;
        const x1 = A[i1]!;
        const y0 = B[b]!,
          y1 = B[b + sbn]!,
          y2 = B[b + 2 * sbn]!,
          y3 = B[b + 3 * sbn]!;
        s00 += x0 * y0;
        s01 += x0 * y1;
        s02 += x0 * y2;
        s03 += x0 * y3;
        s10 += x1 * y0;
        s11 += x1 * y1;
        s12 += x1 * y2;
        s13 += x1 * y3;
      }
      const d = n * scn;
      store(C, c0 + d, alpha, beta, s00);
      store(C, c0 + d + scn, alpha, beta, s01);
      store(C, c0 + d + 2 * scn, alpha, beta, s02);
      store(C, c0 + d + 3 * scn, alpha, beta, s03);
      store(C, c1 + d, alpha, beta, s10);
      store(C, c1 + d + scn, alpha, beta, s11);
      store(C, c1 + d + 2 * scn, alpha, beta, s12);
      store(C, c1 + d + 3 * scn, alpha, beta, s13);
    }
    for (let n = N4; n < N; n++) {
      let s0 = 0,
        s1 = 0;
      let b = bOff + n * sbn;
      let i0 = a0;
      let i1 = a1;
      for (let k = 0; k < K; k++, b += sbk, i0 += sak, i1 += sak) {
        const y = B[b]!;
        s0 += A[i0]! * y;
        s1 += A[i1]! * y;
      }
      store(C, c0 + n * scn, alpha, beta, s0);
      store(C, c1 + n * scn, alpha, beta, s1);
    }
  }
  if (m < M) {
    const a0 = aOff + m * sam;
    const c0 = cOff + m * scm;
    for (let n = 0; n < N4; n += 4) {
      let s0 = 0,
        s1 = 0,
        s2 = 0,
        s3 = 0;
      let b = bOff + n * sbn;
      let i0 = a0;
      for (let k = 0; k < K; k++, b += sbk, i0 += sak) {
        const x = A[i0]!;
        s0 += x * B[b]!;
        s1 += x * B[b + sbn]!;
        s2 += x * B[b + 2 * sbn]!;
        s3 += x * B[b + 3 * sbn]!;
      }
      const d = c0 + n * scn;
      store(C, d, alpha, beta, s0);
      store(C, d + scn, alpha, beta, s1);
      store(C, d + 2 * scn, alpha, beta, s2);
      store(C, d + 3 * scn, alpha, beta, s3);
    }
    for (let n = N4; n < N; n++) {
      let s = 0;
      let b = bOff + n * sbn;
      let i0 = a0;
      for (let k = 0; k < K; k++, b += sbk, i0 += sak) s += A[i0]! * B[b]!;
      store(C, c0 + n * scn, alpha, beta, s);
    }
  }
}

function store(C: Buf, i: number, alpha: number, beta: number, s: number): void {
  C[i] = beta === 0 ? alpha * s : beta === 1 ? C[i]! + alpha * s : beta * C[i]! + alpha * s;
}
