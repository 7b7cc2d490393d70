/**
 * The workspace of one (model, batch size B, length T): every buffer a forward and backward pass
 * needs, allocated once. All activations are time-major, (T, B, ·), so one step is contiguous.
 *
 * A lean workspace (`lean`) is for `noGrad` passes that run whole in the module (infer-pass.ts): the
 * input, each layer's output, the running state (B items each) and the edges' states; every buffer
 * of one row per step that only the ordinary pass or the backward pass uses is empty.
 */
import { alloc, type Buf, type DType } from '../tensor/buf.js';
import type { ResolvedOptions } from './options.js';
import { cellOf } from './cells/index.js';
import type { ParamTable } from './params.js';
import type { RecurrentResult } from './recurrent.js';

/** One layer and direction: where its weights sit in the arena, and its activations. */
export interface Dir {
  rev: boolean;
  /** Input features of this layer, hidden units, state size, gate rows. */
  I: number;
  H: number;
  P: number;
  G: number;
  /** Offsets into the parameter arena (and its gradient); -1 when absent. */
  wih: number;
  whh: number;
  bih: number;
  bhh: number;
  whr: number;
  /** This direction's columns in the layer output (T, B, D*P). */
  col: number;
  /** (T, B, G) pre-activations of the gates; activated in place by the forward step. */
  gates: Buf;
  /** GRU: (T, B, G) W_hh h (+ b_hh in the n part, kept because r multiplies it; r and z parts are scratch). */
  gh: Buf | null;
  /** (T, B, P) the state each step started from. */
  hprev: Buf;
  /** LSTM: (T, B, H) cell state before and after each step. */
  cprev: Buf | null;
  c: Buf | null;
  /** LSTM: (T, B, H) tanh(c_t), computed once by the forward pass for h_t and kept for the backward. */
  tc: Buf | null;
  /** LSTM with projection: (T, B, H) o * tanh(c) before weight_hr. */
  m: Buf | null;
  /** (B, P), (B, H) the running state. */
  hcur: Buf;
  ccur: Buf | null;
  /** Gradients: (T, B, G) of the gate pre-activations; GRU's W_hh side separately. */
  dgates: Buf;
  dgh: Buf | null;
  /** (B, P), (B, H) running gradients of the state; (B, max(P, H)) scratch. */
  dh: Buf;
  dc: Buf | null;
  tmp: Buf;
  /** (G) the column sums of dgates over all steps, in doubles: the bias gradient before it is added. */
  colsum: Float64Array;
  /** LSTM with projection: (T, B, P) gradient of h_t, for dW_hr as one GEMM. */
  dhs: Buf | null;
  /** (T, B, P) dL/dh_t of every step, kept by the reference backward when asked (`BackwardInput.keepStateGrads`); made on first use. */
  dhKeep: Buf | null;
}

export interface Workspace {
  T: number;
  B: number;
  /** Steps computed per batch item (T when no lengths are given). */
  len: Int32Array;
  /** Whether any length is below T (masking needed). */
  ragged: boolean;
  /** (T, B, I) the input, time-major. */
  x: Buf;
  /** Per layer: output (T, B, D*P) and the gradient of its input (T, B, I_layer). */
  out: Buf[];
  dIn: Buf[];
  /** Per layer below the top: the dropout mask (T, B, D*P), 0 or 1/(1-p). */
  mask: (Buf | null)[];
  /** Whether the last forward pass applied dropout. */
  dropped: boolean;
  /** Whether the last forward pass was `noGrad` (what backward() and stepRecord() read may not be there). */
  noGrad: boolean;
  /** A lean workspace: only what a noGrad pass in the module needs (the per-step and gradient buffers are empty). */
  lean: boolean;
  /** Whether the backward pass keeps dL/dh_t of every step in each direction's `dhKeep` (the reference passes then run). */
  keepDh: boolean;
  /** [L][D] */
  dirs: Dir[][];
  /** (L*D, B, P), (L*D, B, H): initial and final states; their gradients. */
  h0: Buf;
  c0: Buf | null;
  hN: Buf;
  cN: Buf | null;
  dh0: Buf;
  dc0: Buf | null;
  /**
   * Layout conversions at the edge: the batch-first output and dL/dx (empty unless batchFirst), and
   * dL/doutput (time-major: a batch-first one transposed, or zeros when none is given).
   */
  edgeOut: Buf;
  edgeDOut: Buf;
  edgeDx: Buf;
  /**
   * forward()'s result objects, made once per layout (0 unbatched, 1 batched): their data are this
   * workspace's buffers anyway, so a new object per call would only be garbage.
   */
  results: (RecurrentResult | undefined)[];
}

export function makeWorkspace(o: ResolvedOptions, table: ParamTable, prefix: string, T: number, B: number, lean = false): Workspace {
  const dt: DType = table.dtype;
  /** n floats, or none in a lean workspace (a buffer only the ordinary or the backward pass uses). */
  const full = (n: number): Buf => alloc(dt, lean ? 0 : n);
  const D = o.bidirectional ? 2 : 1;
  const H = o.hiddenSize;
  const P = o.projSize || H;
  const cell = cellOf(o.mode);
  const G = cell.rows * H;
  const withC = cell.cellState; // c_t beside h_t (LSTM)
  const apart = cell.hiddenApart; // the W_hh side kept apart (GRU)
  const TB = T * B;
  const dirs: Dir[][] = [];
  const out: Buf[] = [];
  const dIn: Buf[] = [];
  const mask: (Buf | null)[] = [];
  for (let l = 0; l < o.numLayers; l++) {
    const I = l === 0 ? o.inputSize : D * P;
    const row: Dir[] = [];
    for (let d = 0; d < D; d++) {
      const sfx = `_l${l}${d === 1 ? '_reverse' : ''}`;
      row.push({
        rev: d === 1,
        I,
        H,
        P,
        G,
        wih: table.offsetOf(`${prefix}weight_ih${sfx}`),
        whh: table.offsetOf(`${prefix}weight_hh${sfx}`),
        bih: table.offsetOf(`${prefix}bias_ih${sfx}`),
        bhh: table.offsetOf(`${prefix}bias_hh${sfx}`),
        whr: table.offsetOf(`${prefix}weight_hr${sfx}`),
        col: d * P,
        gates: full(TB * G),
        gh: apart ? full(TB * G) : null,
        hprev: full(TB * P),
        cprev: withC ? full(TB * H) : null,
        c: withC ? full(TB * H) : null,
        tc: withC ? full(TB * H) : null,
        m: withC && o.projSize > 0 ? full(TB * H) : null,
        hcur: alloc(dt, B * P),
        ccur: withC ? alloc(dt, B * H) : null,
        dgates: full(TB * G),
        dgh: apart ? full(TB * G) : null,
        dh: full(B * P),
        dc: withC ? full(B * H) : null,
        tmp: full(B * Math.max(P, H)),
        colsum: new Float64Array(lean ? 0 : G),
        dhs: withC && o.projSize > 0 ? full(TB * P) : null,
        dhKeep: null,
      });
    }
    dirs.push(row);
    out.push(alloc(dt, TB * D * P));
    dIn.push(full(TB * I));
    mask.push(l < o.numLayers - 1 && o.dropout > 0 ? alloc(dt, TB * D * P) : null);
  }
  const LD = o.numLayers * D;
  const len = new Int32Array(B);
  return {
    T,
    B,
    len,
    ragged: false,
    x: alloc(dt, TB * o.inputSize),
    out,
    dIn,
    mask,
    dropped: false,
    keepDh: false,
    noGrad: false,
    lean,
    dirs,
    h0: alloc(dt, LD * B * P),
    c0: withC ? alloc(dt, LD * B * H) : null,
    hN: alloc(dt, LD * B * P),
    cN: withC ? alloc(dt, LD * B * H) : null,
    dh0: full(LD * B * P),
    dc0: withC ? full(LD * B * H) : null,
    edgeOut: alloc(dt, o.batchFirst ? TB * D * P : 0),
    edgeDOut: full(TB * D * P),
    edgeDx: full(o.batchFirst ? TB * o.inputSize : 0),
    results: [],
  };
}
