/**
 * The input projection and its weight gradient when the layer's input rows are one-hot vectors (a
 * character model's default input; any feature rows that happen to be one-hot qualify too): x W_ih^T
 * is then row id of W_ih^T, and dL/dW_ih = dG^T x adds each row of dG into column id. Gathering and
 * scattering costs T*B*G additions where the GEMMs cost T*B*G*V multiply-adds each (the char
 * configuration, V = 64: about 15% of its step).
 *
 * Same bits as the GEMMs they replace. The projection: every product but one is zero, so each gate is
 * bias + w in one rounding, as in either GEMM kernel. The weight gradient: the rows with their id's 1
 * summed in float32 per block of `tuning.kc` rows from 0, each block's sum then added to the gradient,
 * as the WebAssembly kernel groups them (unfused or fused: a multiply-add by 1 rounds as the add);
 * where that kernel would not run (float64, JavaScript GEMMs) the GEMM runs as before. Rows that are
 * not all exact 0s and one 1 take the GEMMs, and so do a W_ih or a dG holding an infinity or a NaN:
 * the GEMMs' zero products then make NaN across the gate's row (0 x inf), as PyTorch's do, where a
 * gather or a scatter would keep it in one column.
 */
import type { Buf } from '../tensor/buf.js';
import { wasmSized } from '../tensor/gemm.js';
import { tuning, wasmGemmAvailable } from '../tensor/wasm/module.js';

// Scratch kept between calls (grown, never shrunk): the rows' ids, W_ih^T (V x G), a block's sums.
let ids = new Int32Array(0);
let wt: Float64Array | Float32Array = new Float32Array(0);
let sums = new Float32Array(0);
let seen = new Uint8Array(0);

/** Switched on; and how often each half ran (tests compare against the GEMMs with it off). */
export const oneHotPath = { enabled: true, projections: 0, gradients: 0 };

/**
 * The id of each of the `rows` rows of x (width V) into the scratch, when every row is all 0 but one
 * 1; false at the first row that is not (a feature input: usually its first value).
 */
function readIds(x: Buf, rows: number, V: number): boolean {
  if (!oneHotPath.enabled || V < 2) return false;
  if (ids.length < rows) ids = new Int32Array(rows);
  for (let r = 0, o = 0; r < rows; r++, o += V) {
    let id = -1;
    for (let v = 0; v < V; v++) {
      const a = x[o + v]!;
      if (a === 0) continue;
      if (a !== 1 || id >= 0) return false;
      id = v;
    }
    if (id < 0) return false;
    ids[r] = id;
  }
  return true;
}

/**
 * gates[r, :] = row ids[r] of W_ih^T (W_ih at `wih` in p, G x V) + beta bias, for the rows r < rows
 * of one-hot x, where bias is gates' row 0 on entry: the GEMM with C = gates holding the bias in every
 * row. Returns false, having done nothing, when x is not one-hot.
 */
export function projectOneHot(x: Buf, rows: number, V: number, p: Buf, wih: number, G: number, beta: 0 | 1, gates: Buf): boolean {
  if (!readIds(x, rows, V)) return false;
  const n = V * G;
  // W_ih^T with the bias added to each row in the cells' dtype, one rounding as in the GEMM (C = w + bias)
  if (wt.length < n || wt instanceof Float32Array !== p instanceof Float32Array)
    wt = p instanceof Float32Array ? new Float32Array(n) : new Float64Array(n);
  // (the module's scratch in locals: the loops then read no context slot per element)
  const w = wt,
    id = ids;
  let finite = 0; // stays 0 while every weight is finite (a - a is NaN for an infinity or a NaN)
  for (let g = 0; g < G; g++) {
    const b = beta === 0 ? 0 : gates[g]!;
    for (let v = 0; v < V; v++) {
      const a = p[wih + g * V + v]!;
      finite += a - a;
      w[v * G + g] = a + b;
    }
  }
  if (finite !== 0) return false;
  for (let r = 0; r < rows; r++) {
    const from = id[r]! * G;
    const to = r * G;
    for (let g = 0; g < G; g++) gates[to + g] = w[from + g]!;
  }
  oneHotPath.projections++;
  return true;
}

/**
 * grad[wih + g * V + v] += sum of dG[r, g] over the rows r whose id is v, for one-hot x, summed as the
 * WebAssembly GEMM would (module comment). Returns false, having done nothing, where that GEMM would not
 * run or x is not one-hot: the caller's GEMM then does it.
 */
export function weightGradOneHot(x: Buf, rows: number, V: number, dG: Buf, G: number, grad: Buf, wih: number): boolean {
  if (!(grad instanceof Float32Array && dG instanceof Float32Array && x instanceof Float32Array)) return false;
  if (!wasmSized(G, V, rows) || !wasmGemmAvailable()) return false;
  if (!readIds(x, rows, V)) return false;
  let finite = 0;
  for (let i = 0, m = rows * G; i < m; i++) {
    const a = dG[i]!;
    finite += a - a;
  }
  if (finite !== 0) return false;
  const n = V * G;
  if (sums.length < n) sums = new Float32Array(n);
  if (seen.length < V) seen = new Uint8Array(V);
  const kc = tuning.kc;
  const sum = sums,
    got = seen,
    idOf = ids;
  for (let r0 = 0; r0 < rows; r0 += kc) {
    const r1 = Math.min(rows, r0 + kc);
    got.fill(0, 0, V);
    for (let r = r0; r < r1; r++) {
      const id = idOf[r]!;
      const s = id * G;
      const d = r * G;
      if (got[id] === 0) {
        got[id] = 1;
        for (let g = 0; g < G; g++) sum[s + g] = dG[d + g]!;
      } else {
        for (let g = 0; g < G; g++) sum[s + g] = sum[s + g]! + dG[d + g]!;
      }
    }
    for (let v = 0; v < V; v++) {
      if (got[v] === 0) continue;
      const s = v * G;
      for (let g = 0, o = wih + v; g < G; g++, o += V) grad[o] = grad[o]! + sum[s + g]!;
    }
  }
  oneHotPath.gradients++;
  return true;
}
