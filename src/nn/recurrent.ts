/**
 * The recurrent stack: numLayers layers of one cell, one or two directions each, with PyTorch's
 * parameter names, shapes, init, options and results (nn.RNN, nn.LSTM, nn.GRU).
 *
 * forward() fills a workspace kept for its (B, T); backward() runs backpropagation through time from
 * it, accumulating (+=) into the parameter arena's gradient and returning dL/dx, dL/dh0, dL/dc0.
 * Per layer and direction: the input projection of all steps is one GEMM, the recurrence one small
 * GEMM per step, and the weight gradients one GEMM each over all steps.
 */
import { alloc, copyInto, fmtShape, numel, type Buf, type DType, type Tensor } from '../tensor/buf.js';
import { gemm } from '../tensor/gemm.js';
import { Rng } from '../tensor/rng.js';
import { ConfigError, ShapeError } from '../errors.js';
import { resolveOptions, type RecurrentOptions, type ResolvedOptions } from './options.js';
import { ParamTable, type ParamSpec } from './params.js';
import { makeWorkspace, type Dir, type Workspace } from './workspace.js';
import { cellOf, inferFits, runBackward, runForward, runInfer, type Cell } from './cells/index.js';
import { readStep, type StepRecord } from './step-record.js';
import { projectOneHot, weightGradOneHot } from './one-hot.js';

export type { StepRecord } from './step-record.js';

export interface ForwardOptions {
  /** Initial hidden state [L*D, B, P] ([L*D, P] for unbatched input); zeros when absent. */
  h0?: Tensor;
  /** LSTM initial cell state [L*D, B, H]; zeros when absent. */
  c0?: Tensor;
  /** Steps per batch item, each in [1, T], as a packed sequence: later steps are skipped, outputs 0. */
  lengths?: ArrayLike<number> | null;
  /** Training mode: dropout between layers is applied. Default false. */
  training?: boolean;
  /**
   * No backward() follows this pass (PyTorch's torch.no_grad()): nothing is kept for it, and where the
   * cell has such a pass (LSTM, float32, every item taking every step, no projSize) each layer runs
   * whole in WebAssembly, the weights packed once per pass; the results are the same, bit for bit.
   * backward() and stepRecord() then need another pass without it. Default false.
   */
  noGrad?: boolean;
}

/** forward()'s default options, one object for every call (a fresh `{}` per call is garbage). */
export const NO_OPTIONS: ForwardOptions = Object.freeze({});

export interface RecurrentResult {
  /** [T, B, D*P] ([B, T, D*P] batch-first, [T, D*P] unbatched): the top layer's h_t, zero where padded. */
  output: Tensor;
  /** [L*D, B, P]: each layer and direction's last state (for each item, at its own last step). */
  hN: Tensor;
  /** LSTM: [L*D, B, H]. */
  cN: Tensor | null;
}

export interface RecurrentGrads {
  dx: Tensor;
  dh0: Tensor;
  dc0: Tensor | null;
}

export interface BackwardInput {
  /** dL/d output, laid out like `output`. */
  dOutput?: Buf | null;
  /** dL/d h_n, laid out like `hN`. */
  dhN?: Buf | null;
  /** dL/d c_n (LSTM). */
  dcN?: Buf | null;
  /** Compute dL/dx (default true); training alone does not need it, and skips one GEMM per direction. */
  needInputGrad?: boolean;
  /**
   * Keep dL/dh_t of every step, layer and direction for `stateGrads()` (default false): the gradient
   * through time, as PyTorch's `h_t.retain_grad()` on an unrolled loop gives it. The cells' reference
   * passes run (the fast paths keep nothing), so the pass is slower; use it to look, not to train.
   */
  keepStateGrads?: boolean;
}

/** The parameters of a recurrent stack in PyTorch's order and names, prefixed (e.g. "rnn."). */
export function recurrentSpecs(o: ResolvedOptions, prefix = ''): ParamSpec[] {
  const D = o.bidirectional ? 2 : 1;
  const H = o.hiddenSize;
  const P = o.projSize || H;
  const G = cellOf(o.mode).rows * H;
  const bound = 1 / Math.sqrt(H); // every weight and bias, even with projSize (PyTorch reset_parameters)
  const specs: ParamSpec[] = [];
  for (let l = 0; l < o.numLayers; l++) {
    const I = l === 0 ? o.inputSize : D * P;
    for (let d = 0; d < D; d++) {
      const sfx = `_l${l}${d === 1 ? '_reverse' : ''}`;
      specs.push({ name: `${prefix}weight_ih${sfx}`, shape: [G, I], bound });
      specs.push({ name: `${prefix}weight_hh${sfx}`, shape: [G, P], bound });
      if (o.bias) {
        specs.push({ name: `${prefix}bias_ih${sfx}`, shape: [G], bound });
        specs.push({ name: `${prefix}bias_hh${sfx}`, shape: [G], bound });
      }
      if (o.projSize > 0) specs.push({ name: `${prefix}weight_hr${sfx}`, shape: [o.projSize, H], bound });
    }
  }
  return specs;
}

export interface ModuleInit {
  /** Seed for PyTorch-style initialisation and dropout masks. Default 0. */
  seed?: number;
  /** "float32" (default) or "float64" (for gradient checks). */
  dtype?: DType;
}

export class Recurrent {
  readonly options: ResolvedOptions;
  /** The cell's descriptor: its names, gates and kernels (src/nn/cells). */
  readonly cell: Cell;
  readonly table: ParamTable;
  /** D: 2 when bidirectional. */
  readonly directions: number;
  /** P: the size of h (projSize, or hiddenSize). */
  readonly stateSize: number;
  private readonly prefix: string;
  private rng: Rng;
  private readonly cache = new Map<number, Workspace>();
  /** Lean workspaces for noGrad passes whole in the module (workspace.ts), by the same key. */
  private readonly leanCache = new Map<number, Workspace>();
  /** Keys whose lean pass the module refused (its memory): their noGrad passes take the full workspace. */
  private readonly leanRefused = new Set<number>();
  /** The last forward pass's workspace and layout, for backward(). */
  private lastWs: Workspace | null = null;
  private lastBatched = false;
  /** The workspace whose last backward pass kept dL/dh_t (`keepStateGrads`), or null. */
  private keptWs: Workspace | null = null;

  /**
   * Without `table`, the stack owns its parameters and initialises them from `init.seed`; a model that
   * holds it passes its own arena, already laid out with `recurrentSpecs(options, prefix)`.
   */
  constructor(options: RecurrentOptions, init: ModuleInit = {}, table?: ParamTable, prefix = '') {
    this.options = resolveOptions(options);
    this.cell = cellOf(this.options.mode);
    this.directions = this.options.bidirectional ? 2 : 1;
    this.stateSize = this.options.projSize || this.options.hiddenSize;
    this.prefix = prefix;
    this.rng = new Rng((init.seed ?? 0) ^ 0x5eed);
    if (table) {
      this.table = table;
    } else {
      this.table = new ParamTable(recurrentSpecs(this.options, prefix), init.dtype ?? 'float32');
      this.table.init(new Rng(init.seed ?? 0));
    }
  }

  /** Restarts the dropout masks' random stream, so a run can be replayed mask for mask. */
  reseedDropout(seed: number): void {
    this.rng = new Rng(seed ^ 0x5eed);
  }

  /** The workspace for (B, T), made on first use and kept; `lean`: the one for noGrad passes in the module. */
  workspace(B: number, T: number, lean = false): Workspace {
    const key = B * 0x100000 + T;
    const cache = lean ? this.leanCache : this.cache;
    let ws = cache.get(key);
    if (!ws) {
      ws = makeWorkspace(this.options, this.table, this.prefix, T, B, lean);
      cache.set(key, ws);
    }
    return ws;
  }

  /**
   * Whether a noGrad pass of (B, T) runs every layer and direction whole in the module (the cell's
   * infer), so that it needs only a lean workspace: float32, every item taking every step, sizes the
   * module's pass takes, and not refused before.
   */
  private leanFits(B: number, T: number, lengths: ArrayLike<number> | null | undefined): boolean {
    const o = this.options;
    if (this.table.dtype !== 'float32' || this.leanRefused.has(B * 0x100000 + T)) return false;
    if (lengths) for (let b = 0; b < lengths.length; b++) if (lengths[b] !== T) return false;
    const P = this.stateSize,
      H = o.hiddenSize,
      G = this.cell.rows * H;
    for (let l = 0; l < o.numLayers; l++) {
      if (!inferFits(this.cell, T, B, l === 0 ? o.inputSize : this.directions * P, H, P, G)) return false;
    }
    return true;
  }

  /**
   * Step t of layer `layer`, direction `direction` (0 forward, 1 reverse), batch item `item` of the last
   * forward pass: its input, h_(t-1), h_t, gates, c, and the two halves of the pre-activation (src/explain reads these).
   */
  stepRecord(layer: number, direction: number, t: number, item = 0): StepRecord {
    const ws = this.lastWs;
    if (!ws) throw new ConfigError('stepRecord() needs a forward() pass first');
    if (ws.noGrad) throw new ConfigError('stepRecord() needs a forward() pass without noGrad: a noGrad pass keeps no steps');
    const D = this.directions;
    if (!(
      layer >= 0 &&
      layer < this.options.numLayers &&
      direction >= 0 &&
      direction < D &&
      t >= 0 &&
      t < ws.T &&
      item >= 0 &&
      item < ws.B
    )) {
      throw new ShapeError(
        `no step ${t} of item ${item} in layer ${layer}, direction ${direction}: the last pass had ${this.options.numLayers} layers, ${D} directions, ${ws.T} steps, ${ws.B} items`,
      );
    }
    return readStep(ws, this.cell, this.table.data, layer, direction, t, item);
  }

  /**
   * dL/dh_t of every step of layer `layer`, direction `direction` ([T, B, P], time-major, 0 where an item
   * was padded), from the last backward pass, which must have been asked to keep them (`keepStateGrads`).
   * The total gradient: through the output at step t and through every later step. A copy.
   */
  stateGrads(layer: number, direction = 0): Tensor {
    const ws = this.keptWs;
    if (!ws) throw new ConfigError('stateGrads() needs a backward() pass with keepStateGrads: true first');
    if (!(layer >= 0 && layer < this.options.numLayers && direction >= 0 && direction < this.directions))
      throw new ShapeError(
        `no layer ${layer}, direction ${direction}: the stack has ${this.options.numLayers} layers, ${this.directions} directions`,
      );
    const dir = ws.dirs[layer]![direction]!;
    return { data: dir.dhKeep!.slice(), shape: [ws.T, ws.B, this.stateSize] };
  }

  /**
   * Runs the stack over x ([T, B, I], [B, T, I] batch-first, or [T, I]). The result's tensors are views
   * of the workspace kept for this (B, T): the next forward() of the same shape overwrites them and
   * returns the same object (no garbage per call). Copy what must outlive the call.
   */
  forward(x: Tensor, f: ForwardOptions = NO_OPTIONS): RecurrentResult {
    const o = this.options;
    const L = o.numLayers,
      D = this.directions,
      P = this.stateSize,
      H = o.hiddenSize;
    if (x.shape.length !== 2 && x.shape.length !== 3) {
      throw new ShapeError(
        `input must be 3-D ${o.batchFirst ? '[batch, seq, features]' : '[seq, batch, features]'} or 2-D [seq, features], got shape ${fmtShape(x.shape)}`,
      );
    }
    const batched = x.shape.length === 3;
    const T = batched && o.batchFirst ? x.shape[1]! : x.shape[0]!;
    const B = batched ? (o.batchFirst ? x.shape[0]! : x.shape[1]!) : 1;
    const I = x.shape[x.shape.length - 1]!;
    if (I !== o.inputSize) throw new ShapeError(`input has ${I} features per step, expected inputSize ${o.inputSize}`);
    if (T < 1 || B < 1) throw new ShapeError(`input needs at least one step and one item, got shape ${fmtShape(x.shape)}`);
    if (x.data.length !== numel(x.shape)) throw new ShapeError(`input data has ${x.data.length} values for shape ${fmtShape(x.shape)}`);
    const ws = this.workspace(B, T, f.noGrad === true && this.leanFits(B, T, f.lengths));

    // The input, time-major, checked as it is copied: v - v is 0 for a finite v and NaN otherwise, so
    // one sum says whether all were finite (no branch per value); only then is the culprit looked for.
    const src = x.data;
    const bf = batched && o.batchFirst;
    let bad = 0;
    for (let t = 0; t < T; t++) {
      for (let b = 0; b < B; b++) {
        const from = (bf ? b * T + t : t * B + b) * I;
        const to = (t * B + b) * I;
        for (let i = 0; i < I; i++) {
          const v = src[from + i]!;
          bad += v - v;
          ws.x[to + i] = v;
        }
      }
    }
    if (bad !== 0) {
      for (let t = 0; t < T; t++) {
        for (let b = 0; b < B; b++) {
          for (let i = 0; i < I; i++) {
            const v = src[(bf ? b * T + t : t * B + b) * I + i]!;
            if (!Number.isFinite(v))
              throw new ShapeError(`input has ${v} at step ${t}, item ${b}, feature ${i}; every value must be finite`);
          }
        }
      }
    }
    this.loadState('h0', f.h0, ws.h0, L * D, B, P, batched);
    if (f.c0 && !ws.c0) throw new ShapeError(`c0 is only for lstm; this is ${o.mode}`);
    if (ws.c0) this.loadState('c0', f.c0, ws.c0, L * D, B, H, batched);
    this.loadLengths(ws, f.lengths, batched);

    ws.dropped = (f.training ?? false) && o.dropout > 0 && L > 1;
    ws.noGrad = f.noGrad === true;
    for (let l = 0; l < L; l++) {
      const xin = l === 0 ? ws.x : ws.out[l - 1]!;
      for (let d = 0; d < D; d++) {
        const dir = ws.dirs[l]![d]!;
        const k = l * D + d;
        for (let j = 0; j < B * P; j++) dir.hcur[j] = ws.h0[k * B * P + j]!;
        if (dir.ccur) for (let j = 0; j < B * H; j++) dir.ccur[j] = ws.c0![k * B * H + j]!;
        if (!(ws.noGrad && runInfer(this.cell, dir, ws, this.table.data, xin, ws.out[l]!, D * P))) {
          if (ws.lean) {
            // the module refused the pass (its memory): once more with the full workspace
            this.leanRefused.add(B * 0x100000 + T);
            return this.forward(x, f);
          }
          this.project(dir, ws, xin);
          this.cellForward(dir, ws, ws.out[l]!, D * P);
        }
        copyInto(ws.hN, k * B * P, dir.hcur);
        if (dir.ccur) copyInto(ws.cN!, k * B * H, dir.ccur);
      }
      if (ws.dropped && l < L - 1) this.dropout(ws.out[l]!, ws.mask[l]!);
    }

    const top = ws.out[L - 1]!;
    let output: Buf = top;
    if (bf) {
      transpose(ws.edgeOut, top, T, B, D * P);
      output = ws.edgeOut;
    }
    this.lastWs = ws;
    this.lastBatched = batched;
    const k = batched ? 1 : 0;
    let res = ws.results[k];
    if (!res) {
      const hShape = batched ? [L * D, B, P] : [L * D, P];
      res = {
        output: { data: output, shape: batched ? (bf ? [B, T, D * P] : [T, B, D * P]) : [T, D * P] },
        hN: { data: ws.hN, shape: hShape },
        cN: ws.cN ? { data: ws.cN, shape: batched ? [L * D, B, H] : [L * D, H] } : null,
      };
      ws.results[k] = res;
    }
    return res;
  }

  /**
   * Backpropagation through time for the last forward pass. Gradients of the parameters are added to
   * `table.grad` (zero it first, as with PyTorch's zero_grad); dL/dx, dL/dh0, dL/dc0 are returned
   * (dL/dx holds stale values when `needInputGrad` is false).
   */
  backward(g: BackwardInput): RecurrentGrads {
    const ws = this.lastWs;
    if (!ws) throw new ConfigError('backward() needs a forward() pass first');
    if (ws.noGrad) throw new ConfigError('backward() needs a forward() pass without noGrad: a noGrad pass keeps nothing for it');
    const batched = this.lastBatched;
    const o = this.options;
    const { L, D, P, H } = this.dims();
    const { T, B } = ws;
    const bf = batched && o.batchFirst;
    let dTop: Buf = ws.edgeDOut;
    if (!g.dOutput) ws.edgeDOut.fill(0);
    else if (bf) transpose(ws.edgeDOut, g.dOutput, B, T, D * P);
    else dTop = g.dOutput;

    const p = this.table.data;
    const grad = this.table.grad;
    ws.keepDh = g.keepStateGrads === true;
    this.keptWs = ws.keepDh ? ws : null;
    if (ws.keepDh) for (const row of ws.dirs) for (const dir of row) dir.dhKeep ??= alloc(this.table.dtype, T * B * P);
    for (let l = L - 1; l >= 0; l--) {
      const dOut = l === L - 1 ? dTop : ws.dIn[l + 1]!;
      if (l < L - 1 && ws.dropped) mulInPlace(dOut, ws.mask[l]!);
      const xin = l === 0 ? ws.x : ws.out[l - 1]!;
      const dX = ws.dIn[l]!;
      for (let d = 0; d < D; d++) {
        const dir = ws.dirs[l]![d]!;
        const k = l * D + d;
        for (let j = 0; j < B * P; j++) dir.dh[j] = g.dhN ? g.dhN[k * B * P + j]! : 0;
        if (dir.dc) for (let j = 0; j < B * H; j++) dir.dc[j] = g.dcN ? g.dcN[k * B * H + j]! : 0;
        this.cellBackward(dir, ws, dOut, D * P);
        this.weightGrads(dir, ws, xin, p, grad, l > 0 || g.needInputGrad !== false ? dX : null, d === 0 ? 0 : 1);
        copyInto(ws.dh0, k * B * P, dir.dh);
        if (dir.dc) copyInto(ws.dc0!, k * B * H, dir.dc);
      }
    }
    ws.keepDh = false;
    let dx: Buf = ws.dIn[0]!;
    if (bf) {
      transpose(ws.edgeDx, dx, T, B, o.inputSize);
      dx = ws.edgeDx;
    }
    const hShape = batched ? [L * D, B, P] : [L * D, P];
    return {
      dx: { data: dx, shape: batched ? (bf ? [B, T, o.inputSize] : [T, B, o.inputSize]) : [T, o.inputSize] },
      dh0: { data: ws.dh0, shape: hShape },
      dc0: ws.dc0 ? { data: ws.dc0, shape: batched ? [L * D, B, H] : [L * D, H] } : null,
    };
  }

  private dims(): { L: number; D: number; P: number; H: number } {
    return { L: this.options.numLayers, D: this.directions, P: this.stateSize, H: this.options.hiddenSize };
  }

  private loadState(name: string, t: Tensor | undefined, into: Buf, LD: number, B: number, S: number, batched: boolean): void {
    if (!t) {
      into.fill(0);
      return;
    }
    const want = batched ? [LD, B, S] : [LD, S];
    if (t.shape.length !== want.length || t.shape.some((v, i) => v !== want[i]) || t.data.length !== into.length) {
      throw new ShapeError(
        `${name} must have shape ${fmtShape(want)} (num_layers * num_directions, ${batched ? 'batch, ' : ''}${name === 'c0' ? 'hidden_size' : 'state size'}), got ${fmtShape(t.shape)}`,
      );
    }
    for (let i = 0; i < into.length; i++) {
      const v = t.data[i]!;
      if (!Number.isFinite(v)) throw new ShapeError(`${name} has ${v} at index ${i}; every value must be finite`);
      into[i] = v;
    }
  }

  private loadLengths(ws: Workspace, lengths: ArrayLike<number> | null | undefined, batched: boolean): void {
    const { T, B } = ws;
    ws.ragged = false;
    if (!lengths) {
      ws.len.fill(T);
      return;
    }
    if (!batched) throw new ShapeError('lengths are for batched input; unbatched input is one sequence of its own length');
    if (lengths.length !== B) throw new ShapeError(`lengths has ${lengths.length} entries, expected one per batch item (${B})`);
    for (let b = 0; b < B; b++) {
      const n = lengths[b]!;
      if (!Number.isInteger(n) || n < 1 || n > T) {
        throw new ShapeError(`lengths[${b}] is ${n}; each length must be an integer from 1 to the sequence length ${T}`);
      }
      ws.len[b] = n;
      if (n < T) ws.ragged = true;
    }
  }

  /** gates = x W_ih^T + b_ih (+ b_hh, unless the cell keeps the W_hh side apart: GRU, whose b_hn sits inside r ⊙ (...)), all steps at once. */
  private project(dir: Dir, ws: Workspace, xin: Buf): void {
    const p = this.table.data;
    const { G, I, gates } = dir;
    const TB = ws.T * ws.B;
    const addHH = !this.cell.hiddenApart && dir.bhh >= 0;
    if (dir.bih >= 0) for (let k = 0; k < G; k++) gates[k] = p[dir.bih + k]! + (addHH ? p[dir.bhh + k]! : 0);
    // one-hot rows (token input): the bias row (row 0) plus a gather of W_ih's columns, the same bits (one-hot.ts)
    if (projectOneHot(xin, TB, I, p, dir.wih, G, dir.bih >= 0 ? 1 : 0, gates)) return;
    if (dir.bih >= 0) {
      // The same bias row for every step and item: copyWithin (memcpy) for long rows, a loop for short
      // ones, where the call into the runtime would cost more than the copy.
      if (G > 64) for (let r = 1; r < TB; r++) gates.copyWithin(r * G, 0, G);
      else for (let i = G; i < TB * G; i++) gates[i] = gates[i - G]!;
    }
    gemm(false, true, TB, G, I, 1, xin, 0, I, p, dir.wih, I, dir.bih >= 0 ? 1 : 0, gates, 0, G);
  }

  private cellForward(dir: Dir, ws: Workspace, out: Buf, ldo: number): void {
    runForward(this.cell, dir, ws, this.table.data, out, ldo);
  }

  private cellBackward(dir: Dir, ws: Workspace, dOut: Buf, ldo: number): void {
    runBackward(this.cell, dir, ws, this.table.data, dOut, ldo);
  }

  /** Weight and bias gradients over all steps, one GEMM each, and dL/dx of this layer's input. */
  private weightGrads(dir: Dir, ws: Workspace, xin: Buf, p: Buf, grad: Buf, dX: Buf | null, beta: 0 | 1): void {
    const TB = ws.T * ws.B;
    const { G, I, P, H } = dir;
    const dhh = dir.dgh ?? dir.dgates; // the W_hh side differs from the input side only for GRU
    if (!weightGradOneHot(xin, TB, I, dir.dgates, G, grad, dir.wih))
      gemm(true, false, G, I, TB, 1, dir.dgates, 0, G, xin, 0, I, 1, grad, dir.wih, I);
    gemm(true, false, G, P, TB, 1, dhh, 0, G, dir.hprev, 0, P, 1, grad, dir.whh, P);
    if (dir.bih >= 0) {
      // Summed over all T·B rows in doubles, then added to the float32 gradient once: a float32 running
      // sum loses a relative 1e-5 by 256,000 rows (PyTorch's reduction keeps 1e-7).
      const s = dir.colsum;
      colSum(s, dir.dgates, TB, G);
      for (let k = 0; k < G; k++) grad[dir.bih + k]! += s[k]!;
      // b_ih and b_hh enter every step as one sum, so their gradients are the same column sums (not GRU's b_hn).
      if (dhh !== dir.dgates) colSum(s, dhh, TB, G);
      for (let k = 0; k < G; k++) grad[dir.bhh + k]! += s[k]!;
    }
    if (dir.whr >= 0) gemm(true, false, P, H, TB, 1, dir.dhs!, 0, P, dir.m!, 0, H, 1, grad, dir.whr, H);
    if (dX) gemm(false, false, TB, I, G, 1, dir.dgates, 0, G, p, dir.wih, I, beta, dX, 0, I);
  }

  private dropout(out: Buf, mask: Buf): void {
    const q = this.options.dropout;
    const keep = q < 1 ? 1 / (1 - q) : 0;
    for (let i = 0; i < out.length; i++) {
      const m = this.rng.random() < q ? 0 : keep;
      mask[i] = m;
      out[i] = out[i]! * m;
    }
  }
}

/** s[c] = the sum over rows of src[r, c], in doubles. */
function colSum(s: Float64Array, src: Buf, rows: number, cols: number): void {
  s.fill(0);
  // Four rows per pass: a quarter of the read-modify-writes of `s`.
  let r = 0;
  for (; r + 3 < rows; r += 4) {
    const a = r * cols,
      b = a + cols,
      c2 = b + cols,
      d = c2 + cols;
    for (let c = 0; c < cols; c++) s[c]! += src[a + c]! + src[b + c]! + src[c2 + c]! + src[d + c]!;
  }
  for (; r < rows; r++) for (let c = 0; c < cols; c++) s[c]! += src[r * cols + c]!;
}

function mulInPlace(a: Buf, m: Buf): void {
  for (let i = 0; i < a.length; i++) a[i] = a[i]! * m[i]!;
}

/** out[j, i, :] = src[i, j, :] for src laid out [n0, n1, f]. */
export function transpose(out: Buf, src: Buf, n0: number, n1: number, f: number): void {
  for (let i = 0; i < n0; i++) {
    for (let j = 0; j < n1; j++) {
      const from = (i * n1 + j) * f;
      const to = (j * n0 + i) * f;
      for (let k = 0; k < f; k++) out[to + k] = src[from + k]!;
    }
  }
}

type CellOptions = Omit<RecurrentOptions, 'mode'>;

/** nn.RNN: nonlinearity "tanh" (default) or "relu". */
export class RNN extends Recurrent {
  constructor(o: CellOptions & { nonlinearity?: 'tanh' | 'relu' }, init?: ModuleInit) {
    const nl = o.nonlinearity ?? 'tanh';
    if (nl !== 'tanh' && nl !== 'relu') throw new ConfigError(`nonlinearity must be "tanh" or "relu", got ${String(nl)}`);
    super({ ...o, mode: nl === 'relu' ? 'rnn_relu' : 'rnn_tanh' }, init);
  }
}

/** nn.LSTM, with projSize. */
export class LSTM extends Recurrent {
  constructor(o: CellOptions, init?: ModuleInit) {
    super({ ...o, mode: 'lstm' }, init);
  }
}

/** nn.GRU. */
export class GRU extends Recurrent {
  constructor(o: CellOptions, init?: ModuleInit) {
    super({ ...o, mode: 'gru' }, init);
  }
}
