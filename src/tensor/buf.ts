/**
 * Buffers. Every tensor in rnnscope is a flat typed array plus a shape held by its owner.
 * float32 is the working type; float64 exists for gradient checks by finite differences.
 *
 * All buffers are made through `alloc`, which counts them, so a test can show that a training
 * step allocates nothing once its workspace exists (docs/ARCHITECTURE.md: one allocation, views into it).
 */
export type DType = 'float32' | 'float64';
export type Buf = Float32Array | Float64Array;

let count = 0;

/** A zeroed buffer of `n` elements. */
export function alloc(dtype: DType, n: number): Buf {
  count++;
  return dtype === 'float64' ? new Float64Array(n) : new Float32Array(n);
}

/** How many buffers `alloc` has made since the process started. */
export function allocations(): number {
  return count;
}

export function dtypeOf(b: Buf): DType {
  return b instanceof Float64Array ? 'float64' : 'float32';
}

/** Number of elements of a shape. */
export function numel(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Copies `src` into a new buffer of the given dtype (rounding to float32 where asked). */
export function fromArray(dtype: DType, src: ArrayLike<number>): Buf {
  const b = alloc(dtype, src.length);
  for (let i = 0; i < src.length; i++) b[i] = src[i]!;
  return b;
}

/** A tensor value: data and shape, used at the API boundary (internals pass offsets instead). */
export interface Tensor {
  data: Buf;
  shape: number[];
}

/** Shape as PyTorch prints it, e.g. "[10, 32, 8]". */
export function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/**
 * dst[at + i] = src[i] for every element of src: a loop when short (TypedArray.set costs a call into
 * the runtime, tens of nanoseconds, more than copying the seed's 8 values), memcpy when long.
 */
export function copyInto(dst: Buf, at: number, src: Buf): void {
  const n = src.length;
  if (n > 64) {
    dst.set(src, at);
    return;
  }
  for (let i = 0; i < n; i++) dst[at + i] = src[i]!;
}
