/**
 * The WebAssembly SIMD GEMM (gemm.wat, in the module of module.ts) behind gemm()'s signature: each
 * call copies op(A)'s and op(B)'s spans in and C's span in and out. For the shapes that reach it the
 * copies cost a few per cent of the arithmetic (bench/gemm.ts measures both).
 */
import { align, BASE, copy, fmaFor, forgetPacked, gemmWorkBytes, load, reserve, spanOf, tuning, type Kernel } from './module.js';

/**
 * C = alpha * op(A) op(B) + beta * C on float32 in the wasm kernel, gemm()'s signature and
 * semantics (beta 0 overwrites C, NaNs included; C's row padding is left as it was). Returns false,
 * having done nothing, when the kernel is unavailable or the operands would not fit its memory.
 * Needs M, N, K >= 1.
 *
 * Large problems are streamed in chunks of about CHUNK_BYTES, so that what one chunk copies in is
 * still in cache when the kernel reads it: rows of A and C when A is not transposed (the input
 * projection: C is T*B rows), rows of A^T and B, C staying in wasm memory, for A^T B (the weight
 * gradients over T*B rows). Chunks of k are whole k-blocks, so the sums are grouped as without them.
 */
export function gemmWasm(
  transA: boolean,
  transB: boolean,
  M: number,
  N: number,
  K: number,
  alpha: number,
  A: Float32Array,
  aOff: number,
  lda: number,
  B: Float32Array,
  bOff: number,
  ldb: number,
  beta: number,
  C: Float32Array,
  cOff: number,
  ldc: number,
): boolean {
  const k = load();
  if (!k) return false;
  if (tap !== null) tap.start();
  // decided on the whole problem, so every chunk below sums the same way
  fma = fmaFor(k, N, K);
  if (!transA) {
    const rows = Math.floor(CHUNK_BYTES / (4 * (N + K))) & ~3;
    // (each chunk copies and packs B again: worth it only while a chunk has many rows)
    if (rows >= 32 && rows < M) {
      // every chunk but the last has the same size, so if the first fits they all do
      for (let m0 = 0; m0 < M; m0 += rows) {
        const mr = Math.min(rows, M - m0);
        if (!once(k, false, transB, mr, N, K, alpha, A, aOff + m0 * lda, lda, B, bOff, ldb, beta, C, cOff + m0 * ldc, ldc)) return false;
      }
      return true;
    }
  } else if (!transB && lda <= 2 * M + 64 && ldb <= 2 * N + 64) {
    const kr = Math.max(1, Math.floor(CHUNK_BYTES / (4 * (M + N)) / tuning.kc)) * tuning.kc;
    if (kr < K) return streamK(k, kr, M, N, K, alpha, A, aOff, lda, B, bOff, ldb, beta, C, cOff, ldc);
  }
  return once(k, transA, transB, M, N, K, alpha, A, aOff, lda, B, bOff, ldb, beta, C, cOff, ldc);
}

/** gemm's fma argument for the chunks of the current gemmWasm call. */
let fma = 0;

/** Bytes of operands one chunk copies in (a few hundred KB: L2 holds them with room to spare). */
const CHUNK_BYTES = 256 * 1024;

/**
 * Copies a rows x cols matrix (leading dimension ld) into the module's memory at byte `at`, and
 * returns the leading dimension it has there: the span as one memcpy when its row padding is small,
 * else row by row, packed.
 */
function copyIn(f32: Float32Array, at: number, src: Float32Array, off: number, rows: number, cols: number, ld: number): number {
  const span = spanOf(rows, cols, ld);
  if (span <= 2 * rows * cols + 64) {
    copy(f32, at >> 2, src, off, span);
    return ld;
  }
  for (let r = 0; r < rows; r++) copy(f32, (at >> 2) + r * cols, src, off + r * ld, cols);
  return cols;
}

/** Bytes a matrix takes once copied in by copyIn. */
function bytesIn(rows: number, cols: number, ld: number): number {
  const span = spanOf(rows, cols, ld);
  return align(4 * (span <= 2 * rows * cols + 64 ? span : rows * cols));
}

/** One call: copy op(A), op(B) and C in, multiply, copy C out. */
function once(
  k: Kernel,
  transA: boolean,
  transB: boolean,
  M: number,
  N: number,
  K: number,
  alpha: number,
  A: Float32Array,
  aOff: number,
  lda: number,
  B: Float32Array,
  bOff: number,
  ldb: number,
  beta: number,
  C: Float32Array,
  cOff: number,
  ldc: number,
): boolean {
  const aRows = transA ? K : M,
    aCols = transA ? M : K;
  const bRows = transB ? N : K,
    bCols = transB ? K : N;
  const pA = BASE;
  const pB = pA + bytesIn(aRows, aCols, lda);
  const pC = pB + bytesIn(bRows, bCols, ldb);
  const cSpan = spanOf(M, N, ldc);
  const pW = pC + align(4 * cSpan);
  if (!reserve(k, pW + gemmWorkBytes(transA, M, N, K))) return false;
  forgetPacked();
  const f32 = k.f32;
  const la = copyIn(f32, pA, A, aOff, aRows, aCols, lda);
  const lb = copyIn(f32, pB, B, bOff, bRows, bCols, ldb);
  // C comes in when it is read (beta != 0) or when its row padding must survive the copy out.
  if (beta !== 0 || ldc !== N) copy(f32, pC >> 2, C, cOff, cSpan);
  call(k, transA, transB, M, N, K, alpha, pA, la, pB, lb, beta, pC, ldc, pW);
  copy(C, cOff, f32, pC >> 2, cSpan);
  return true;
}

/** A^T B over many rows k, kr rows of A and B at a time, C kept in wasm memory throughout. */
function streamK(
  k: Kernel,
  kr: number,
  M: number,
  N: number,
  K: number,
  alpha: number,
  A: Float32Array,
  aOff: number,
  lda: number,
  B: Float32Array,
  bOff: number,
  ldb: number,
  beta: number,
  C: Float32Array,
  cOff: number,
  ldc: number,
): boolean {
  const pA = BASE;
  const pB = pA + align(4 * spanOf(kr, M, lda));
  const pC = pB + align(4 * spanOf(kr, N, ldb));
  const cSpan = spanOf(M, N, ldc);
  const pW = pC + align(4 * cSpan);
  if (!reserve(k, pW + gemmWorkBytes(true, M, N, kr))) return false;
  forgetPacked();
  const f32 = k.f32;
  if (beta !== 0 || ldc !== N) copy(f32, pC >> 2, C, cOff, cSpan);
  for (let k0 = 0; k0 < K; k0 += kr) {
    const kk = Math.min(kr, K - k0);
    const a0 = aOff + k0 * lda;
    const b0 = bOff + k0 * ldb;
    copy(f32, pA >> 2, A, a0, spanOf(kk, M, lda));
    copy(f32, pB >> 2, B, b0, spanOf(kk, N, ldb));
    call(k, true, false, M, N, kk, alpha, pA, lda, pB, ldb, k0 === 0 ? beta : 1, pC, ldc, pW);
  }
  copy(C, cOff, f32, pC >> 2, cSpan);
  return true;
}

function call(
  k: Kernel,
  transA: boolean,
  transB: boolean,
  M: number,
  N: number,
  K: number,
  alpha: number,
  pA: number,
  lda: number,
  pB: number,
  ldb: number,
  beta: number,
  pC: number,
  ldc: number,
  pW: number,
): void {
  k.gemm(transA ? 1 : 0, transB ? 1 : 0, M, N, K, alpha, pA, lda, pB, ldb, beta, pC, ldc, pW, tuning.kc, tuning.mc, 0, fma);
  if (tap !== null)
    tap.call([transA ? 1 : 0, transB ? 1 : 0, M, N, K, alpha, pA, lda, pB, ldb, beta, pC, ldc, pW, tuning.kc, tuning.mc, 0, fma]);
}

/**
 * A bench's view of the module calls gemmWasm makes (bench/gemm.ts replays them without the copies,
 * to time the arithmetic apart from them); null, and free, in the engine.
 */
export interface WasmGemmTap {
  /** A gemmWasm call begins. */
  start(): void;
  /** One call of the module's gemm, its 18 arguments. */
  call(args: readonly number[]): void;
}
let tap: WasmGemmTap | null = null;

export function tapWasmGemm(t: WasmGemmTap | null): void {
  tap = t;
}

/** For bench/gemm.ts: the module's gemm with these 18 arguments, on whatever its memory holds. */
export function rawWasmGemm(args: readonly number[]): boolean {
  const k = load();
  if (!k) return false;
  k.gemm(...args);
  return true;
}
