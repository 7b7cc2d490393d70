/**
 * Matrix multiply on row-major Float32Array/Float64Array with offsets and leading dimensions
 * (BLAS sgemm semantics, row-major): C = alpha * op(A) * op(B) + beta * C, where op(A) is [M, K]
 * and op(B) is [K, N]. Sums run in JS doubles and round once when stored.
 *
 * `gemmRef` is the readable reference; `gemm` picks a loop order per transpose case so the
 * innermost loop walks contiguous memory, and is tested against the reference.
 */
import type { Buf } from './buf.js';

/** The reference: three loops, one dot product per output element. */
export function gemmRef(
  transA: boolean, transB: boolean, M: number, N: number, K: number, alpha: number,
  A: Buf, aOff: number, lda: number, B: Buf, bOff: number, ldb: number,
  beta: number, C: Buf, cOff: number, ldc: number,
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
  transA: boolean, transB: boolean, M: number, N: number, K: number, alpha: number,
  A: Buf, aOff: number, lda: number, B: Buf, bOff: number, ldb: number,
  beta: number, C: Buf, cOff: number, ldc: number,
): void {
  if (M === 0 || N === 0) return;
  if (beta !== 1) scaleRows(C, cOff, ldc, M, N, beta);
  if (K === 0 || alpha === 0) return;
  if (!transA && transB) gemmNT(M, N, K, alpha, A, aOff, lda, B, bOff, ldb, C, cOff, ldc);
  else if (!transA && !transB) gemmNN(M, N, K, alpha, A, aOff, lda, B, bOff, ldb, C, cOff, ldc);
  else if (transA && !transB) gemmTN(M, N, K, alpha, A, aOff, lda, B, bOff, ldb, C, cOff, ldc);
  else gemmRef(true, true, M, N, K, alpha, A, aOff, lda, B, bOff, ldb, 1, C, cOff, ldc);
}

function scaleRows(C: Buf, cOff: number, ldc: number, M: number, N: number, beta: number): void {
  for (let m = 0; m < M; m++) {
    const r = cOff + m * ldc;
    if (beta === 0) C.fill(0, r, r + N);
    else for (let n = 0; n < N; n++) C[r + n] *= beta;
  }
}

/** C += alpha * A B^T: rows of A against rows of B, both contiguous (x W^T for a Linear). */
function gemmNT(
  M: number, N: number, K: number, alpha: number,
  A: Buf, aOff: number, lda: number, B: Buf, bOff: number, ldb: number, C: Buf, cOff: number, ldc: number,
): void {
  for (let m = 0; m < M; m++) {
    const a = aOff + m * lda;
    const c = cOff + m * ldc;
    let n = 0;
    // Four output columns at a time: each A element is loaded once for four dot products.
    for (; n + 3 < N; n += 4) {
      const b0 = bOff + n * ldb, b1 = b0 + ldb, b2 = b1 + ldb, b3 = b2 + ldb;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let k = 0; k < K; k++) {
        const av = A[a + k]!;
        s0 += av * B[b0 + k]!;
        s1 += av * B[b1 + k]!;
        s2 += av * B[b2 + k]!;
        s3 += av * B[b3 + k]!;
      }
      C[c + n] += alpha * s0;
      C[c + n + 1] += alpha * s1;
      C[c + n + 2] += alpha * s2;
      C[c + n + 3] += alpha * s3;
    }
    for (; n < N; n++) {
      const b0 = bOff + n * ldb;
      let s = 0;
      for (let k = 0; k < K; k++) s += A[a + k]! * B[b0 + k]!;
      C[c + n] += alpha * s;
    }
  }
}

/** C += alpha * A B: each A element scales a contiguous row of B into a contiguous row of C. */
function gemmNN(
  M: number, N: number, K: number, alpha: number,
  A: Buf, aOff: number, lda: number, B: Buf, bOff: number, ldb: number, C: Buf, cOff: number, ldc: number,
): void {
  for (let m = 0; m < M; m++) {
    const a = aOff + m * lda;
    const c = cOff + m * ldc;
    for (let k = 0; k < K; k++) {
      const av = alpha * A[a + k]!;
      if (av === 0) continue;
      const b = bOff + k * ldb;
      for (let n = 0; n < N; n++) C[c + n] += av * B[b + n]!;
    }
  }
}

/** C += alpha * A^T B: a sum of outer products of rows (weight gradients dW += dY^T X). */
function gemmTN(
  M: number, N: number, K: number, alpha: number,
  A: Buf, aOff: number, lda: number, B: Buf, bOff: number, ldb: number, C: Buf, cOff: number, ldc: number,
): void {
  for (let k = 0; k < K; k++) {
    const a = aOff + k * lda;
    const b = bOff + k * ldb;
    for (let m = 0; m < M; m++) {
      const av = alpha * A[a + m]!;
      if (av === 0) continue;
      const c = cOff + m * ldc;
      for (let n = 0; n < N; n++) C[c + n] += av * B[b + n]!;
    }
  }
}
