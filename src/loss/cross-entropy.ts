/**
 * Cross-entropy over rows of logits, as PyTorch's F.cross_entropy(reduction='mean').
 *
 * Dims: N rows (e.g. T*B time steps), C classes. logits (N, C) row-major from `logitsOff`.
 * Formula (torch.nn.CrossEntropyLoss docs, "mean" with class weights):
 *   l_i  = -w[y_i] * log( exp(x_i[y_i]) / sum_c exp(x_i[c]) )
 *   loss = sum_i l_i / sum_i w[y_i]            over rows with y_i != ignoreIndex
 * Gradient: dloss/dx_i[c] = w[y_i] / sum_j w[y_j] * (softmax(x_i)[c] - [c == y_i]).
 */
import type { Buf } from '../tensor/buf.js';
import { ConfigError, ShapeError } from '../errors.js';
import { BASE, align, forgetPacked, load, reserve } from '../tensor/wasm/module.js';

export interface CrossEntropyOptions {
  /** Rows whose target equals this contribute neither loss nor gradient. Default -100 (PyTorch's). */
  ignoreIndex?: number;
  /** Per-class weights, length C. Default null (every class weighs 1). */
  weight?: Buf | null;
}

/**
 * Mean cross-entropy of `n` rows of `c` logits against class `targets` (length n).
 * If `dlogits` is given, d loss / d logits is WRITTEN (not accumulated) into it at the same
 * offset and layout as the logits; ignored rows get 0. When every row is ignored the loss is
 * NaN (0/0, as PyTorch) and the gradient is all zeros. Sums are accumulated in doubles.
 */
export function crossEntropy(
  logits: Buf,
  logitsOff: number,
  n: number,
  c: number,
  targets: Int32Array,
  dlogits: Buf | null,
  opts: CrossEntropyOptions = {},
): number {
  const ignoreIndex = opts.ignoreIndex ?? -100;
  const weight = opts.weight ?? null;
  checkShapes(logits, logitsOff, n, c, targets, dlogits, weight, ignoreIndex);
  if (
    weight === null &&
    n * c >= WASM_MIN_FLOATS &&
    logits instanceof Float32Array &&
    (dlogits === null || dlogits instanceof Float32Array)
  ) {
    const loss = crossEntropyWasm(logits, logitsOff, n, c, targets, dlogits, ignoreIndex);
    if (loss !== null) return loss;
  }

  // Forward, one pass: per row, the max, exp(x - max) (kept in dlogits as the unnormalised softmax),
  // and log-sum-exp; the loss sums w[y] * (lse - x[y]).
  let lossSum = 0;
  let weightSum = 0;
  for (let i = 0; i < n; i++) {
    const y = targets[i]!;
    const row = logitsOff + i * c;
    if (y === ignoreIndex) {
      if (dlogits !== null) dlogits.fill(0, row, row + c);
      continue;
    }
    const w = weight === null ? 1 : weight[y]!;
    let lse: number;
    if (dlogits === null) {
      lse = logSumExp(logits, row, c);
    } else {
      let max = -Infinity;
      for (let j = 0; j < c; j++) if (logits[row + j]! > max) max = logits[row + j]!;
      let sum = 0;
      if (max === -Infinity || max === Infinity) {
        lse = max;
        for (let j = 0; j < c; j++) dlogits[row + j] = NaN;
      } else {
        for (let j = 0; j < c; j++) {
          const v = logits[row + j]!;
          // exp(max - max) is exactly 1: one call to Math.exp fewer per row, the same numbers
          const e = v === max ? 1 : Math.exp(v - max);
          dlogits[row + j] = e;
          sum += e;
        }
        lse = max + Math.log(sum);
        // Backward needs softmax = e / sum; the row's share of the weight is applied below.
        const inv = 1 / sum;
        for (let j = 0; j < c; j++) dlogits[row + j] = dlogits[row + j]! * inv;
      }
    }
    lossSum += w * (lse - logits[row + y]!);
    weightSum += w;
  }
  const loss = lossSum / weightSum;

  // Backward: (softmax - onehot) scaled by this row's share of the total weight.
  if (dlogits !== null) {
    for (let i = 0; i < n; i++) {
      const y = targets[i]!;
      if (y === ignoreIndex) continue;
      const row = logitsOff + i * c;
      // 0/0 = NaN when all weights of the kept rows are 0: PyTorch's gradient is NaN there too.
      const scale = (weight === null ? 1 : weight[y]!) / weightSum;
      for (let j = 0; j < c; j++) dlogits[row + j] = scale * (dlogits[row + j]! - (j === y ? 1 : 0));
    }
  }
  return loss;
}

/**
 * Below this many logits the JavaScript loop is as fast as the module's, counting the copies in and
 * out (a batch-1 step, a stream). Above it, float32 rows go to the module (the kernel in
 * cross-entropy.wat): e^x in float32 SIMD instead of Math.exp in float64, so the softmax and loss
 * agree with the loop's to float32 precision, not to the bit.
 */
export const WASM_MIN_FLOATS = 48;

let wasmCalls = 0;

/** How many times crossEntropy's module path gave the result (tests check that a path was taken). */
export function wasmCrossEntropyCalls(): number {
  return wasmCalls;
}

let scratch64: Float64Array | null = null;
let scratch32: Int32Array | null = null;

/**
 * crossEntropy's unweighted path in the WebAssembly module; null when the module is missing or refuses
 * the memory, or a row needs the reference's rules (an infinite max, or a NaN in a row): the caller
 * then runs the JavaScript loop over every row.
 */
function crossEntropyWasm(
  logits: Float32Array,
  off: number,
  n: number,
  c: number,
  targets: Int32Array,
  dlogits: Float32Array | null,
  ignoreIndex: number,
): number | null {
  const k = load();
  if (k === null) return null;
  const floats = n * c;
  const px = BASE;
  const py = px + align(4 * floats + 16);
  const pd = py + align(4 * n);
  if (!reserve(k, pd + align(4 * floats + 16))) return null;
  forgetPacked();
  const f32 = k.f32;
  f32.set(logits.subarray(off, off + floats), px >> 2);
  new Int32Array(f32.buffer, py, n).set(targets);
  k.exports['xent']!(px, n, c, py, dlogits === null ? 0 : pd, ignoreIndex);
  if (scratch64 === null || scratch64.buffer !== f32.buffer) {
    scratch64 = new Float64Array(f32.buffer, 0, 4);
    scratch32 = new Int32Array(f32.buffer, 32, 1);
  }
  if (scratch32![0] !== 0) return null;
  const r = scratch64;
  const lin = r[0]!,
    prod = r[1]!,
    renorm = r[2]!,
    count = r[3]!;
  if (dlogits !== null) {
    if (count === 0) dlogits.fill(0, off, off + floats);
    else dlogits.set(f32.subarray(pd >> 2, (pd >> 2) + floats), off);
  }
  wasmCalls++;
  // 0 / 0 = NaN when every row is ignored, as PyTorch
  return (lin + Math.log(prod) + renorm * 512 * Math.LN2) / count;
}

/** log(sum_j exp(x[off + j])) for j < c, computed stably by subtracting the max. */
function logSumExp(x: Buf, off: number, c: number): number {
  let max = -Infinity;
  for (let j = 0; j < c; j++) if (x[off + j]! > max) max = x[off + j]!;
  // A row of all -Infinity (or containing +Infinity) must not become Infinity - Infinity = NaN here.
  if (max === -Infinity || max === Infinity) return max;
  let sum = 0;
  for (let j = 0; j < c; j++) {
    const v = x[off + j]!;
    sum += v === max ? 1 : Math.exp(v - max);
  }
  return max + Math.log(sum);
}

function checkShapes(
  logits: Buf,
  off: number,
  n: number,
  c: number,
  targets: Int32Array,
  dlogits: Buf | null,
  weight: Buf | null,
  ignoreIndex: number,
): void {
  if (!Number.isInteger(n) || n < 0 || !Number.isInteger(c) || c < 1) {
    throw new ShapeError(`crossEntropy needs n >= 0 rows and c >= 1 classes as integers, got n = ${n}, c = ${c}.`);
  }
  if (!Number.isInteger(off) || off < 0 || off + n * c > logits.length) {
    throw new ShapeError(`crossEntropy logits hold ${logits.length} elements, but offset ${off} plus ${n} x ${c} needs ${off + n * c}.`);
  }
  if (dlogits !== null && off + n * c > dlogits.length) {
    throw new ShapeError(`crossEntropy dlogits hold ${dlogits.length} elements, but offset ${off} plus ${n} x ${c} needs ${off + n * c}.`);
  }
  if (targets.length !== n) {
    throw new ShapeError(`crossEntropy targets have ${targets.length} elements, expected one per row (${n}).`);
  }
  if (weight !== null && weight.length !== c) {
    throw new ShapeError(`crossEntropy weight has ${weight.length} elements, expected one per class (${c}).`);
  }
  if (!Number.isInteger(ignoreIndex)) {
    throw new ConfigError(`crossEntropy ignoreIndex must be an integer, got ${ignoreIndex}.`);
  }
  for (let i = 0; i < n; i++) {
    const y = targets[i]!;
    if (y !== ignoreIndex && (y < 0 || y >= c)) {
      throw new ShapeError(
        `crossEntropy target ${y} at row ${i} is out of bounds; it must be in [0, ${c}) or equal ignoreIndex (${ignoreIndex}).`,
      );
    }
  }
}

/** Writes softmax of each of `n` rows of `c` logits into `out` (n, c) at `outOff`. Works in place when `out` is `logits` at the same offset. */
export function softmaxRows(out: Buf, outOff: number, logits: Buf, logitsOff: number, n: number, c: number): void {
  for (let i = 0; i < n; i++) {
    const src = logitsOff + i * c;
    const dst = outOff + i * c;
    const lse = logSumExp(logits, src, c);
    for (let j = 0; j < c; j++) out[dst + j] = Math.exp(logits[src + j]! - lse);
  }
}

/**
 * The one argmax every prediction uses: the index of the largest of `c` values starting at `off`,
 * the first one on ties, and the first NaN if there is one (torch.argmax's rule: a NaN row says so).
 */
export function argmaxRow(x: ArrayLike<number>, off: number, c: number): number {
  let best = 0;
  for (let j = 0; j < c; j++) {
    const v = x[off + j]!;
    if (Number.isNaN(v)) return j;
    if (v > x[off + best]!) best = j;
  }
  return best;
}
