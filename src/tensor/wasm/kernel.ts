/**
 * The WebAssembly SIMD GEMM (gemm.wat, embedded by gemm-wasm.ts) behind gemm()'s signature.
 *
 * The module owns its memory: growing it would detach any view the engine held, so the engine's
 * buffers stay ordinary Float32Arrays and each call copies op(A)'s and op(B)'s spans in and C's span
 * in and out (typed-array set, i.e. memcpy). For the shapes that reach it the copies cost a few per
 * cent of the arithmetic (bench/gemm.ts measures both).
 *
 * Loading is synchronous (the module is under 4 KB, which browsers allow on the main thread); where
 * it fails, or WebAssembly SIMD is missing (WebAssembly.validate says no), gemmWasm returns false and
 * the caller runs the JavaScript kernel.
 */
import { GEMM_WASM_BASE64 } from './gemm-wasm.js';

type GemmFn = (
  transA: number, transB: number, M: number, N: number, K: number, alpha: number,
  a: number, lda: number, b: number, ldb: number, beta: number, c: number, ldc: number,
  work: number, kcMax: number, mcMax: number, packed: number,
) => void;

interface Kernel {
  memory: WebAssembly.Memory;
  gemm: GemmFn;
  lstmCell: (gates: number, ccur: number, c: number, tc: number, h: number, B: number, H: number) => void;
  gruCell: (gates: number, gh: number, bias: number, h: number, B: number, H: number) => void;
  rnnCell: (gates: number, h: number, n: number, relu: number) => void;
  lstmBack: (gates: number, tc: number, cprev: number, dh: number, dc: number, dgates: number, B: number, H: number) => void;
  gruBack: (gates: number, gh: number, hprev: number, dh: number, dgates: number, dgh: number, B: number, H: number) => void;
  rnnBack: (h: number, dh: number, dg: number, n: number, relu: number) => void;
  /** A view of memory, remade whenever memory grows. */
  f32: Float32Array;
}

/** Steps of k per block (gemmWasm's float32 sums run over at most this many terms; a step's, up to 1024), and rows of C per block. */
export const tuning = { kc: 256, mc: 64 };

let kernel: Kernel | null = null;
let state: 'untried' | 'ready' | 'absent' = 'untried';
let why = '';
/** The module calls of the last gemmWasm (up to 256 chunks), for replayLastWasmGemm. */
const REPLAY_MAX = 256;
const last = new Float64Array(17 * REPLAY_MAX);
let lastCount = 0;

/** Bytes 0..63 of the module's memory are its scratch; operands start here. */
const BASE = 64;
/** Past this, the JS kernel runs (wasm32 memory tops out at 4 GiB; we stay well below). */
const MAX_BYTES = 1 << 30;

function decode(b64: string): Uint8Array<ArrayBuffer> {
  const s = atob(b64);
  const out = new Uint8Array(new ArrayBuffer(s.length));
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

function load(): Kernel | null {
  if (state !== 'untried') return kernel;
  state = 'absent';
  try {
    if (typeof WebAssembly !== 'object') {
      why = 'no WebAssembly';
      return null;
    }
    const bytes = decode(GEMM_WASM_BASE64);
    // The module uses SIMD throughout, so validating it is the feature test.
    if (!WebAssembly.validate(bytes)) {
      why = 'WebAssembly SIMD is not supported here';
      return null;
    }
    const inst = new WebAssembly.Instance(new WebAssembly.Module(bytes), {});
    const memory = inst.exports['memory'] as WebAssembly.Memory;
    kernel = {
      memory, gemm: inst.exports['gemm'] as GemmFn, f32: new Float32Array(memory.buffer),
      lstmCell: inst.exports['lstm_cell'] as Kernel['lstmCell'], gruCell: inst.exports['gru_cell'] as Kernel['gruCell'],
      rnnCell: inst.exports['rnn_cell'] as Kernel['rnnCell'],
      lstmBack: inst.exports['lstm_back'] as Kernel['lstmBack'], gruBack: inst.exports['gru_back'] as Kernel['gruBack'],
      rnnBack: inst.exports['rnn_back'] as Kernel['rnnBack'],
    };
    state = 'ready';
  } catch (e) {
    why = `WebAssembly failed to load: ${(e as Error).message}`;
    kernel = null;
  }
  return kernel;
}

/** Whether the wasm kernel is usable here; when not, `wasmGemmStatus()` says why. */
export function wasmGemmAvailable(): boolean {
  return load() !== null;
}

export function wasmGemmStatus(): string {
  return load() ? 'wasm simd' : why;
}

/** The module's memory in bytes now (it grows on demand and is kept). */
export function wasmGemmMemoryBytes(): number {
  return load()?.memory.buffer.byteLength ?? 0;
}

const align = (bytes: number): number => (bytes + 15) & ~15;

/** Elements from the first to the last of a rows x cols matrix with leading dimension ld. */
const spanOf = (rows: number, cols: number, ld: number): number => (rows - 1) * ld + cols;

/** dst[at + i] = src[from + i] for i < n: a loop when short (no subarray view to allocate), else memcpy. */
function copy(dst: Float32Array, at: number, src: Float32Array, from: number, n: number): void {
  if (n < 256) {
    for (let i = 0; i < n; i++) dst[at + i] = src[from + i]!;
  } else {
    dst.set(src.subarray(from, from + n), at);
  }
}

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
  transA: boolean, transB: boolean, M: number, N: number, K: number, alpha: number,
  A: Float32Array, aOff: number, lda: number, B: Float32Array, bOff: number, ldb: number,
  beta: number, C: Float32Array, cOff: number, ldc: number,
): boolean {
  const k = load();
  if (!k) return false;
  lastCount = 0;
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

/** Bytes of operands one chunk copies in (a few hundred KB: L2 holds them with room to spare). */
const CHUNK_BYTES = 256 * 1024;

/** Makes sure the module's memory has `end` bytes; false if that is more than we allow. */
function reserve(k: Kernel, end: number): boolean {
  if (end > MAX_BYTES) return false;
  if (end > k.memory.buffer.byteLength) {
    try {
      k.memory.grow(Math.ceil((end - k.memory.buffer.byteLength) / 65536));
    } catch {
      return false; // the engine refused the memory: the JS kernel needs none
    }
    k.f32 = new Float32Array(k.memory.buffer);
  }
  return true;
}

/** One call: copy op(A), op(B) and C in, multiply, copy C out. */
function once(
  k: Kernel, transA: boolean, transB: boolean, M: number, N: number, K: number, alpha: number,
  A: Float32Array, aOff: number, lda: number, B: Float32Array, bOff: number, ldb: number,
  beta: number, C: Float32Array, cOff: number, ldc: number,
): boolean {
  const aRows = transA ? K : M, aCols = transA ? M : K;
  const bRows = transB ? N : K, bCols = transB ? K : N;
  const pA = BASE;
  const pB = pA + bytesIn(aRows, aCols, lda);
  const pC = pB + bytesIn(bRows, bCols, ldb);
  const cSpan = spanOf(M, N, ldc);
  const pW = pC + align(4 * cSpan);
  if (!reserve(k, pW + workBytes(K, N))) return false;
  resident = null;
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
  k: Kernel, kr: number, M: number, N: number, K: number, alpha: number,
  A: Float32Array, aOff: number, lda: number, B: Float32Array, bOff: number, ldb: number,
  beta: number, C: Float32Array, cOff: number, ldc: number,
): boolean {
  const pA = BASE;
  const pB = pA + align(4 * spanOf(kr, M, lda));
  const pC = pB + align(4 * spanOf(kr, N, ldb));
  const cSpan = spanOf(M, N, ldc);
  const pW = pC + align(4 * cSpan);
  if (!reserve(k, pW + workBytes(kr, N))) return false;
  resident = null;
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

/** The packed panels of B: one k-block of ceil(N / 8) panels of 8 floats per k. */
const workBytes = (K: number, N: number, kc = tuning.kc): number => 4 * Math.min(K, kc) * 8 * Math.ceil(N / 8);

function call(
  k: Kernel, transA: boolean, transB: boolean, M: number, N: number, K: number, alpha: number,
  pA: number, lda: number, pB: number, ldb: number, beta: number, pC: number, ldc: number, pW: number,
  kc = tuning.kc, packed = false, record = true,
): void {
  k.gemm(transA ? 1 : 0, transB ? 1 : 0, M, N, K, alpha, pA, lda, pB, ldb, beta, pC, ldc, pW, kc, tuning.mc, packed ? 1 : 0);
  // (the step functions' calls are not gemmWasm's: they stay out of the replay log)
  if (record && lastCount < REPLAY_MAX) {
    // (replayed with beta 1: a replay must not depend on what C held)
    const r = 17 * lastCount++;
    last[r] = transA ? 1 : 0; last[r + 1] = transB ? 1 : 0; last[r + 2] = M; last[r + 3] = N; last[r + 4] = K;
    last[r + 5] = alpha; last[r + 6] = pA; last[r + 7] = lda; last[r + 8] = pB; last[r + 9] = ldb; last[r + 10] = 1;
    last[r + 11] = pC; last[r + 12] = ldc; last[r + 13] = pW; last[r + 14] = kc; last[r + 15] = tuning.mc; last[r + 16] = packed ? 1 : 0;
  }
}

/**
 * For bench/gemm.ts only: replays the module calls of the last gemmWasm (each chunk on the operands
 * as the last chunk left them) without the copies, to measure the arithmetic apart from them.
 */
export function replayLastWasmGemm(): boolean {
  const k = load();
  if (!k || lastCount === 0) return false;
  for (let i = 0; i < lastCount; i++) {
    const a = last.subarray(17 * i, 17 * i + 17);
    k.gemm(a[0]!, a[1]!, a[2]!, a[3]!, a[4]!, a[5]!, a[6]!, a[7]!, a[8]!, a[9]!, a[10]!, a[11]!, a[12]!, a[13]!, a[14]!, a[15]!, a[16]!);
  }
  return true;
}

let cellSteps = 0;

/**
 * The recurrent weight the last step call packed into the module, and where. The next step of the
 * same pass (first = false: the weights cannot have changed; the same layout; no other call in
 * between) multiplies by those panels without copying or packing W_hh again, which at batch 32 is
 * a tenth of a step. Every other call into the module forgets it.
 */
interface Resident { src: Float32Array; off: number; n: number; transB: boolean; pW: number; kc: number }
let resident: Resident | null = null;

/**
 * Whether W (n floats of src at off, K rows of op(W)) is already packed at pW for this call, else
 * notes that it will be (when it fits one k-block) or that nothing is.
 */
function reuse(first: boolean, src: Float32Array, off: number, n: number, K: number, transB: boolean, pW: number, kc: number): boolean {
  if (K > kc) {
    resident = null;
    return false;
  }
  const r = resident;
  if (!first && r !== null && r.src === src && r.off === off && r.n === n && r.transB === transB && r.pW === pW && r.kc === kc) return true;
  resident = { src, off, n, transB, pW, kc };
  return false;
}

/** k-block for a step's GEMM over K: all of K in one block (so its packing can be kept) up to 1024. */
const stepKc = (K: number): number => (K <= 1024 ? Math.max(K, 1) : tuning.kc);

/** How many LSTM, GRU and RNN steps (forward or backward) have run in the module (tests check that a path was taken). */
export function wasmCellSteps(): number {
  return cellSteps;
}

/** A step call's place in the module: its operands' byte offsets, W_hh's packed panels, the k-block, and whether those panels are kept from the previous step. */
interface StepLayout { at: number[]; pW: number; kc: number; packed: boolean }

/**
 * Lays out a step call's operands (float counts, in order, W_hh's op(W) last: K rows by N columns) from
 * BASE, makes room for them and for W's packed panels, and copies W_hh (its last region, from p at
 * whh) in unless the previous step of the same pass left it packed. Null when the memory is refused.
 */
function stepLayout(k: Kernel, first: boolean, p: Float32Array, whh: number, K: number, N: number, transB: boolean, floats: number[]): StepLayout | null {
  const at = [BASE];
  for (const n of floats) at.push(at[at.length - 1]! + align(4 * n));
  const pW = at[floats.length]!;
  const kc = stepKc(K);
  if (!reserve(k, pW + workBytes(K, N, kc))) return null;
  const n = floats[floats.length - 1]!;
  const packed = reuse(first, p, whh, n, K, transB, pW, kc);
  if (!packed) copy(k.f32, at[floats.length - 1]! >> 2, p, whh, n);
  return { at, pW, kc, packed };
}

/**
 * One LSTM step of B items, all active, in the module: gates[t] += h_(t-1) W_hh^T (the GEMM), then
 * the cell (lstm_cell in gemm.wat): gates[t] becomes the activated i, f, g, o; ccur becomes c_t, also
 * written to c and tanh(c_t) to tc at cOff; h_t = o * tanh(c_t) goes to h at hOff (B x H, packed).
 * Operands are copied in and results out, as for gemmWasm. The step functions return false, having
 * done nothing, when the kernel is unavailable, H is not a multiple of 4 or the memory is refused;
 * `first` is a pass's first step (W_hh is then always copied and packed again).
 */
export function lstmStepWasm(
  B: number, H: number, P: number, hcur: Float32Array, p: Float32Array, whh: number,
  gates: Float32Array, gOff: number, ccur: Float32Array, c: Float32Array, tc: Float32Array, cOff: number,
  h: Float32Array, hOff: number, first = true,
): boolean {
  const k = load();
  if (!k || H % 4 !== 0) return false;
  const G = 4 * H;
  const L = stepLayout(k, first, p, whh, P, G, true, [B * P, B * G, B * H, B * H, B * H, B * H, G * P]);
  if (!L) return false;
  const [pA, pC, pCc, pc, ptc, ph, pB] = L.at as [number, number, number, number, number, number, number];
  const f32 = k.f32;
  copy(f32, pA >> 2, hcur, 0, B * P);
  copy(f32, pC >> 2, gates, gOff, B * G);
  copy(f32, pCc >> 2, ccur, 0, B * H);
  call(k, false, true, B, G, P, 1, pA, P, pB, P, 1, pC, G, L.pW, L.kc, L.packed, false);
  k.lstmCell(pC, pCc, pc, ptc, ph, B, H);
  cellSteps++;
  copy(gates, gOff, f32, pC >> 2, B * G);
  copy(ccur, 0, f32, pCc >> 2, B * H);
  copy(c, cOff, f32, pc >> 2, B * H);
  copy(tc, cOff, f32, ptc >> 2, B * H);
  copy(h, hOff, f32, ph >> 2, B * H);
  return true;
}

/**
 * One GRU step of B items, all active, in the module: gh[t] = h_(t-1) W_hh^T (the GEMM, no bias), then
 * the cell (gru_cell in gemm.wat): gates[t] (the input side) becomes r, z, n; gh[t]'s n part becomes
 * W_hn h + b_hn; hcur becomes h_t. bhh is b_hh's offset in p, or -1 for none.
 */
export function gruStepWasm(
  B: number, H: number, hcur: Float32Array, p: Float32Array, whh: number, bhh: number,
  gates: Float32Array, gOff: number, gh: Float32Array, first = true,
): boolean {
  const k = load();
  if (!k || H % 4 !== 0) return false;
  const G = 3 * H;
  const L = stepLayout(k, first, p, whh, H, G, true, [B * H, B * G, B * G, G, G * H]);
  if (!L) return false;
  const [pA, pC, pX, pBias, pB] = L.at as [number, number, number, number, number];
  const f32 = k.f32;
  copy(f32, pA >> 2, hcur, 0, B * H);
  copy(f32, pX >> 2, gates, gOff, B * G);
  if (bhh >= 0) copy(f32, pBias >> 2, p, bhh, G);
  else f32.fill(0, pBias >> 2, (pBias >> 2) + G);
  call(k, false, true, B, G, H, 1, pA, H, pB, H, 0, pC, G, L.pW, L.kc, L.packed, false);
  k.gruCell(pX, pC, pBias, pA, B, H);
  cellSteps++;
  copy(gates, gOff, f32, pX >> 2, B * G);
  copy(gh, gOff, f32, pC >> 2, B * G);
  copy(hcur, 0, f32, pA >> 2, B * H);
  return true;
}

/**
 * One Elman RNN step of B items, all active, in the module: gates[t] += h_(t-1) W_hh^T (the GEMM),
 * then tanh (or relu) in place (rnn_cell in gemm.wat); hcur becomes h_t.
 */
export function rnnStepWasm(
  B: number, H: number, hcur: Float32Array, p: Float32Array, whh: number, gates: Float32Array, gOff: number, relu: boolean,
  first = true,
): boolean {
  const k = load();
  if (!k || H % 4 !== 0) return false;
  const L = stepLayout(k, first, p, whh, H, H, true, [B * H, B * H, H * H]);
  if (!L) return false;
  const [pA, pC, pB] = L.at as [number, number, number];
  const f32 = k.f32;
  copy(f32, pA >> 2, hcur, 0, B * H);
  copy(f32, pC >> 2, gates, gOff, B * H);
  call(k, false, true, B, H, H, 1, pA, H, pB, H, 1, pC, H, L.pW, L.kc, L.packed, false);
  k.rnnCell(pC, pA, B * H, relu ? 1 : 0);
  cellSteps++;
  copy(gates, gOff, f32, pC >> 2, B * H);
  copy(hcur, 0, f32, pA >> 2, B * H);
  return true;
}

/**
 * One LSTM backward step of B items, all active, without projection, in the module: from the
 * activated gates and tanh(c_t), c_(t-1) (at cOff) and dh = dL/dh_t, dc = dL/dc_t, writes dgates[t]
 * (lstm_back in gemm.wat), dc = dL/dc_(t-1) and dh = dgates[t] W_hh = dL/dh_(t-1).
 */
export function lstmBackStepWasm(
  B: number, H: number, gates: Float32Array, gOff: number, tc: Float32Array, cprev: Float32Array, cOff: number,
  dh: Float32Array, dc: Float32Array, dgates: Float32Array, p: Float32Array, whh: number, first = true,
): boolean {
  const k = load();
  if (!k || H % 4 !== 0) return false;
  const G = 4 * H;
  const L = stepLayout(k, first, p, whh, G, H, false, [B * G, B * H, B * H, B * H, B * H, B * G, G * H]);
  if (!L) return false;
  const [pG, pT, pCp, pDh, pDc, pDg, pB] = L.at as [number, number, number, number, number, number, number];
  const f32 = k.f32;
  copy(f32, pG >> 2, gates, gOff, B * G);
  copy(f32, pT >> 2, tc, cOff, B * H);
  copy(f32, pCp >> 2, cprev, cOff, B * H);
  copy(f32, pDh >> 2, dh, 0, B * H);
  copy(f32, pDc >> 2, dc, 0, B * H);
  k.lstmBack(pG, pT, pCp, pDh, pDc, pDg, B, H);
  call(k, false, false, B, H, G, 1, pDg, G, pB, H, 0, pDh, H, L.pW, L.kc, L.packed, false);
  cellSteps++;
  copy(dgates, gOff, f32, pDg >> 2, B * G);
  copy(dc, 0, f32, pDc >> 2, B * H);
  copy(dh, 0, f32, pDh >> 2, B * H);
  return true;
}

/**
 * One GRU backward step of B items, all active, in the module: from r, z, n, gh's n part, h_(t-1) (at
 * hOff) and dh = dL/dh_t, writes dgates[t], dgh[t] (gru_back in gemm.wat) and
 * dh = z dL/dh_t + dgh[t] W_hh = dL/dh_(t-1).
 */
export function gruBackStepWasm(
  B: number, H: number, gates: Float32Array, gh: Float32Array, gOff: number, hprev: Float32Array, hOff: number,
  dh: Float32Array, dgates: Float32Array, dgh: Float32Array, p: Float32Array, whh: number, first = true,
): boolean {
  const k = load();
  if (!k || H % 4 !== 0) return false;
  const G = 3 * H;
  const L = stepLayout(k, first, p, whh, G, H, false, [B * G, B * G, B * H, B * H, B * G, B * G, G * H]);
  if (!L) return false;
  const [pG, pGh, pHp, pDh, pDg, pDgh, pB] = L.at as [number, number, number, number, number, number, number];
  const f32 = k.f32;
  copy(f32, pG >> 2, gates, gOff, B * G);
  copy(f32, pGh >> 2, gh, gOff, B * G);
  copy(f32, pHp >> 2, hprev, hOff, B * H);
  copy(f32, pDh >> 2, dh, 0, B * H);
  k.gruBack(pG, pGh, pHp, pDh, pDg, pDgh, B, H);
  call(k, false, false, B, H, G, 1, pDgh, G, pB, H, 1, pDh, H, L.pW, L.kc, L.packed, false);
  cellSteps++;
  copy(dgates, gOff, f32, pDg >> 2, B * G);
  copy(dgh, gOff, f32, pDgh >> 2, B * G);
  copy(dh, 0, f32, pDh >> 2, B * H);
  return true;
}

/**
 * One Elman RNN backward step of B items, all active, in the module: from h_t (gates at gOff) and
 * dh = dL/dh_t, writes dgates[t] (rnn_back in gemm.wat) and dh = dgates[t] W_hh = dL/dh_(t-1).
 */
export function rnnBackStepWasm(
  B: number, H: number, gates: Float32Array, gOff: number, dh: Float32Array, dgates: Float32Array,
  p: Float32Array, whh: number, relu: boolean, first = true,
): boolean {
  const k = load();
  if (!k || H % 4 !== 0) return false;
  const L = stepLayout(k, first, p, whh, H, H, false, [B * H, B * H, B * H, H * H]);
  if (!L) return false;
  const [pG, pDh, pDg, pB] = L.at as [number, number, number, number];
  const f32 = k.f32;
  copy(f32, pG >> 2, gates, gOff, B * H);
  copy(f32, pDh >> 2, dh, 0, B * H);
  k.rnnBack(pG, pDh, pDg, B * H, relu ? 1 : 0);
  call(k, false, false, B, H, H, 1, pDg, H, pB, H, 0, pDh, H, L.pW, L.kc, L.packed, false);
  cellSteps++;
  copy(dgates, gOff, f32, pDg >> 2, B * H);
  copy(dh, 0, f32, pDh >> 2, B * H);
  return true;
}
