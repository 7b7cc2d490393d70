/**
 * What one step of one layer and direction did in a forward pass, read from the workspace that kept
 * it: the values a trace shows (src/explain), copied out, so the workspace itself stays private.
 */
import { gemm } from '../tensor/gemm.js';
import type { Buf } from '../tensor/buf.js';
import type { Cell } from './cells/index.js';
import type { Workspace } from './workspace.js';

export interface StepRecord {
  /** The layer's input at step t: x_t for the first layer, the layer below's h_t (both directions) above. */
  x: number[];
  /** h_(t-1): the state the step started from (for the reverse direction, the state after step t+1). */
  hPrev: number[];
  h: number[];
  /** The activated gates by the cell's symbols (i, f, g, o; r, z, n); empty for a plain RNN. */
  gates: Record<string, number[]>;
  /** LSTM: c_(t-1) and c_t. */
  cPrev?: number[];
  c?: number[];
  /** The two halves of the pre-activation: W_ih x_t + b_ih and W_hh h_(t-1) + b_hh, G values each. */
  inputPart: number[];
  hiddenPart: number[];
}

/** Step t of layer l, direction d, batch item b, from ws (the pass that filled it) and the parameters p. */
export function readStep(ws: Workspace, cell: Cell, p: Buf, l: number, d: number, t: number, b: number): StepRecord {
  const dir = ws.dirs[l]![d]!;
  const { I, H, P, G } = dir;
  const D = ws.dirs[l]!.length;
  const r = t * ws.B + b; // row of step t, item b, in every (T, B, ·) buffer
  const slice = (buf: ArrayLike<number>, off: number, n: number) => Array.from({ length: n }, (_, j) => buf[off + j]!);
  const xin = l === 0 ? ws.x : ws.out[l - 1]!;
  // The halves recomputed with the same GEMM kernel (the pass kept only their sum), in doubles.
  const inPart = new Float64Array(G);
  const hidPart = new Float64Array(G);
  if (dir.bih >= 0) for (let k = 0; k < G; k++) inPart[k] = p[dir.bih + k]!;
  if (dir.bhh >= 0) for (let k = 0; k < G; k++) hidPart[k] = p[dir.bhh + k]!;
  gemm(false, true, 1, G, I, 1, xin, r * I, I, p, dir.wih, I, 1, inPart, 0, G);
  gemm(false, true, 1, G, P, 1, dir.hprev, r * P, P, p, dir.whh, P, 1, hidPart, 0, G);
  const gates: Record<string, number[]> = {};
  cell.gates.forEach((g, k) => (gates[g.symbol] = slice(dir.gates, r * G + k * H, H)));
  const rec: StepRecord = {
    x: slice(xin, r * I, I),
    hPrev: slice(dir.hprev, r * P, P),
    h: slice(ws.out[l]!, r * D * P + d * P, P),
    gates,
    inputPart: Array.from(inPart),
    hiddenPart: Array.from(hidPart),
  };
  if (dir.c) {
    rec.cPrev = slice(dir.cprev!, r * H, H);
    rec.c = slice(dir.c, r * H, H);
  }
  return rec;
}
