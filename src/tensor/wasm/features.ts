/**
 * What this runtime's WebAssembly offers, feature-tested by validating tiny modules (as the
 * wasm-feature-detect library does): SIMD, which the kernels need (src/tensor/wasm/module.ts), and
 * relaxed SIMD, whose fused multiply-add (`f32x4.relaxed_madd`) the GEMM uses at the larger sizes
 * (gemmDispatch.fmaMinWork; module.ts loads the relaxed build where it validates). V8 ships relaxed
 * SIMD from 11.4: Node.js 22 and 24 have it, Node.js 20 only behind --experimental-wasm-relaxed-simd.
 */

/** A module of one function, () -> v128, whose body is `i32.const n; i8x16.splat` per operand, then `op`. */
function probe(operands: number, op: number[]): Uint8Array<ArrayBuffer> {
  const body = [0x00]; // no locals
  for (let i = 1; i <= operands; i++) body.push(0x41, i, 0xfd, 0x0f); // i32.const i; i8x16.splat
  body.push(...op, 0x0b); // the instruction tested; end
  const code = [0x01, body.length, ...body];
  const type = [0x01, 0x60, 0x00, 0x01, 0x7b]; // one type: () -> v128
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00], // "\0asm", version 1
    ...[0x01, type.length, ...type],
    ...[0x03, 0x02, 0x01, 0x00], // one function, of type 0
    ...[0x0a, code.length, ...code],
  ]);
}

/** `f32x4.relaxed_madd` (opcode 0xfd 0x105) of three vectors, and `i8x16.popcnt` (0xfd 0x62) of one. */
const RELAXED_MADD = probe(3, [0xfd, 0x85, 0x02]);
const SIMD_POPCNT = probe(1, [0xfd, 0x62]);

export interface WasmFeatures {
  /** WebAssembly at all. */
  wasm: boolean;
  /** Fixed-width SIMD (v128): the kernels run in wasm only where this is true. */
  simd: boolean;
  /** Relaxed SIMD (fused multiply-add among others). */
  relaxedSimd: boolean;
}

export function wasmFeatures(): WasmFeatures {
  if (typeof WebAssembly !== 'object') return { wasm: false, simd: false, relaxedSimd: false };
  const valid = (bytes: Uint8Array<ArrayBuffer>): boolean => {
    try {
      return WebAssembly.validate(bytes);
    } catch {
      return false;
    }
  };
  return { wasm: true, simd: valid(SIMD_POPCNT), relaxedSimd: valid(RELAXED_MADD) };
}
