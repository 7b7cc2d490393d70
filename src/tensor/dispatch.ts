/**
 * Which kernel a float32 GEMM runs in, by size: one object, so that helper threads copy the training
 * thread's choices in one assignment (src/parallel/replica.ts, src/cli/predict-worker.ts). Re-exported
 * by gemm.ts, which documents wasmMinWork; the wasm module (wasm/module.ts) reads fmaMinWork.
 */
export const gemmDispatch = {
  /** M*N*K at and above which "auto" sends a float32 GEMM to the wasm kernel (gemm.ts). */
  wasmMinWork: 2048,
  /**
   * N*K (the work per row of C: each of its N sums runs over K products) at and above which the
   * wasm GEMM fuses its multiply-adds (`f32x4.relaxed_madd`, one rounding instead of two) where the
   * runtime has relaxed SIMD (Node.js 22 and later, Chromium); Infinity turns fusing off.
   *
   * Fused sums differ from unfused ones in the last bits, so a model trained on Node.js 20 and on
   * Node.js 22 drifts apart at these sizes (as PyTorch's allow_tf32 lets results depend on the
   * hardware). Below the threshold every runtime computes the same bits. The default, 128 x 128,
   * keeps the seed model and hidden sizes up to 64 exact and fuses the LSTM/GRU H128 and RNN H256
   * steps (about 1.2x faster GEMMs there: bench/gemm.ts). The rule ignores M, so splitting a batch
   * across threads does not change which sums are fused.
   */
  fmaMinWork: 128 * 128,
};
