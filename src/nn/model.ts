/**
 * SequenceModel: a recurrent stack and a Linear head, as a PyTorch module with attributes `rnn` and
 * `head`, so its state_dict names are `rnn.weight_ih_l0`, ..., `head.weight`, `head.bias`.
 *
 * The head reads either every step of the top layer's output (many-to-many: [T, B, C] logits, the
 * seed's 10 x 3) or the top layer's h_n, both directions concatenated (many-to-one: [B, C]).
 */
import { alloc, type Buf, type Tensor } from '../tensor/buf.js';
import { Rng } from '../tensor/rng.js';
import { ConfigError, ShapeError } from '../errors.js';
import { resolveOptions, type RecurrentOptions, type ResolvedOptions } from './options.js';
import { ParamTable } from './params.js';
import { Linear, linearSpecs } from './linear.js';
import { Stream } from './stream.js';
import { embeddingSpecs, resolveTokens, TokenInput, type ResolvedTokens } from './embedding.js';
import {
  NO_OPTIONS,
  Recurrent,
  recurrentSpecs,
  type ForwardOptions,
  type ModuleInit,
  type RecurrentGrads,
  type RecurrentResult,
} from './recurrent.js';

export type HeadOn = 'steps' | 'last';

export interface SequenceModelOptions extends RecurrentOptions {
  /**
   * Token input: x holds integer ids [T, B] ([B, T] batch-first, [T] unbatched; a trailing
   * dimension of 1 is accepted too) read through an `nn.Embedding` named `embedding`, or one-hot.
   * `inputSize` is then what the recurrent stack reads, as in PyTorch: embeddingDim, or vocabSize
   * for one-hot.
   */
  vocabSize?: number;
  /** With vocabSize: features per token of a learned embedding; 0 or absent for one-hot. */
  embeddingDim?: number;
  /** With an embedding: the padding id, whose row stays zero and untrained (nn.Embedding's padding_idx). */
  paddingIdx?: number | null;
  /** Classes (or regression outputs) C of the head. */
  numClasses: number;
  /** The head learns a bias. Default true. */
  headBias?: boolean;
  /** "steps": the head on every step (many-to-many, default); "last": on h_n (many-to-one). */
  headOn?: HeadOn;
}

export interface ResolvedModelOptions extends ResolvedOptions {
  /** Token input only (absent for feature vectors, so a feature model's config is as before): see SequenceModelOptions. */
  vocabSize?: number;
  embeddingDim?: number;
  paddingIdx?: number | null;
  numClasses: number;
  headBias: boolean;
  headOn: HeadOn;
}

export interface ModelResult extends RecurrentResult {
  /** [T, B, C] laid out like the output (steps), or [B, C] (last); unbatched drops B. */
  logits: Tensor;
}

interface HeadSpace {
  /**
   * (B, D*P) the head's input for "last"; its gradient ((rows, D*P), made by the first backward pass:
   * a model that only infers never needs it); dL/dh_n for the whole stack.
   */
  feat: Buf;
  dFeat: Buf | null;
  dhN: Buf;
  /** (rows, C) logits. */
  logits: Buf;
  /** forward()'s result objects per layout (0 unbatched, 1 batched), made once. */
  results: (ModelResult | undefined)[];
}

export function resolveModelOptions(o: SequenceModelOptions): ResolvedModelOptions {
  const tokens = o.vocabSize === undefined ? null : resolveTokens({ ...o, vocabSize: o.vocabSize });
  if (!tokens && (o.embeddingDim !== undefined || (o.paddingIdx ?? null) !== null)) {
    throw new ConfigError('embeddingDim and paddingIdx need vocabSize: they describe token input');
  }
  const width = tokens ? tokens.embeddingDim || tokens.vocabSize : undefined;
  if (width !== undefined && o.inputSize !== width) {
    throw new ConfigError(
      `inputSize must be ${tokens!.embeddingDim ? `embeddingDim (${width})` : `vocabSize (${width}) for one-hot input`}, ` +
        `the features per step the recurrent stack reads; got ${String(o.inputSize)}`,
    );
  }
  const r = resolveOptions(o);
  if (!Number.isInteger(o.numClasses) || o.numClasses < 1) {
    throw new ConfigError(`numClasses must be a positive integer, got ${String(o.numClasses)}`);
  }
  const headOn = o.headOn ?? 'steps';
  if (headOn !== 'steps' && headOn !== 'last') throw new ConfigError(`headOn must be "steps" or "last", got ${String(headOn)}`);
  const t = tokens ? { vocabSize: tokens.vocabSize, embeddingDim: tokens.embeddingDim, paddingIdx: tokens.paddingIdx } : {};
  return { ...r, ...t, numClasses: o.numClasses, headBias: o.headBias ?? true, headOn };
}

/** Values per step and item in x: 1 (a token id) for token input, inputSize features otherwise. */
export function stepWidth(o: Pick<SequenceModelOptions, 'vocabSize' | 'inputSize'>): number {
  return o.vocabSize === undefined ? o.inputSize : 1;
}

export class SequenceModel {
  readonly options: ResolvedModelOptions;
  readonly table: ParamTable;
  readonly rnn: Recurrent;
  readonly head: Linear;
  /** Token input (embedding or one-hot), or null when x holds features. */
  readonly embedding: TokenInput | null;
  private readonly spaces = new Map<number, HeadSpace>();
  /** The last forward pass: its recurrent result, head space and head rows, for backward(). */
  private lastRes: RecurrentResult | null = null;
  private lastHs: HeadSpace | null = null;
  private lastRows = 0;

  constructor(options: SequenceModelOptions, init: ModuleInit = {}) {
    this.options = resolveModelOptions(options);
    const o = this.options;
    const D = o.bidirectional ? 2 : 1;
    const headIn = D * (o.projSize || o.hiddenSize);
    const headOpts = { inFeatures: headIn, outFeatures: o.numClasses, bias: o.headBias };
    const tokens: ResolvedTokens | null = o.vocabSize === undefined ? null : resolveTokens({ ...o, vocabSize: o.vocabSize });
    const embed = tokens ? embeddingSpecs(tokens, 'embedding.') : [];
    this.table = new ParamTable([...embed, ...recurrentSpecs(o, 'rnn.'), ...linearSpecs(headOpts, 'head.')], init.dtype ?? 'float32');
    this.table.init(new Rng(init.seed ?? 0));
    this.embedding = tokens ? new TokenInput(tokens, this.table, 'embedding.') : null;
    this.rnn = new Recurrent(o, init, this.table, 'rnn.');
    this.head = new Linear(headOpts, this.table, 'head.');
  }

  /** A streaming reader over this model: one step at a time, the state kept between calls. */
  stream(): Stream {
    return new Stream(this);
  }

  /** Parameters in all: the arena's size. */
  get parameterCount(): number {
    return this.table.size;
  }

  /**
   * The logits [T, B, C] (or [B, C] for `headOn: "last"`) and the stack's results. The result and its
   * tensors are views of the workspace kept for this (B, T): the next forward() of the same shape
   * overwrites them, and returns the same object. Copy (`.data.slice()`) what must outlive the call.
   */
  forward(x: Tensor, f: ForwardOptions = NO_OPTIONS): ModelResult {
    if (this.embedding) x = this.embed(x);
    const res = this.rnn.forward(x, f);
    const o = this.options;
    const C = o.numClasses;
    const F = this.head.inFeatures;
    const batched = x.shape.length === 3;
    const L = o.numLayers,
      D = this.rnn.directions;
    const B = res.hN.shape.length === 3 ? res.hN.shape[1]! : 1;
    const T = res.output.data.length / (B * F);
    const hs = this.space(B, T);
    this.lastRes = f.noGrad ? null : res;
    this.lastHs = hs;
    const k = batched ? 1 : 0;
    if (o.headOn === 'steps') {
      this.head.forward(hs.logits, 0, res.output.data, 0, F, T * B);
      this.lastRows = T * B;
      let r = hs.results[k];
      if (!r || r.output !== res.output) {
        const os = res.output.shape;
        const shape = os.length === 3 ? [os[0]!, os[1]!, C] : [os[0]!, C];
        r = { output: res.output, hN: res.hN, cN: res.cN, logits: { data: hs.logits, shape } };
        hs.results[k] = r;
      }
      return r;
    }
    // many-to-one: the top layer's final state of each direction, concatenated per item
    const P = this.rnn.stateSize;
    const hN = res.hN.data;
    for (let b = 0; b < B; b++) {
      for (let d = 0; d < D; d++) {
        const from = (((L - 1) * D + d) * B + b) * P;
        for (let j = 0; j < P; j++) hs.feat[b * F + d * P + j] = hN[from + j]!;
      }
    }
    this.head.forward(hs.logits, 0, hs.feat, 0, F, B);
    this.lastRows = B;
    let r = hs.results[k];
    if (!r || r.output !== res.output) {
      r = { output: res.output, hN: res.hN, cN: res.cN, logits: { data: hs.logits, shape: batched ? [B, C] : [C] } };
      hs.results[k] = r;
    }
    return r;
  }

  /**
   * Adds dL/dθ for every parameter to `table.grad`, given dL/dlogits laid out like the logits, and
   * returns dL/dx, dL/dh0, dL/dc0 (pass needInputGrad: false when dL/dx is not wanted).
   */
  backward(dLogits: Buf, o: { needInputGrad?: boolean; keepStateGrads?: boolean } = {}): RecurrentGrads {
    const res = this.lastRes,
      hs = this.lastHs,
      rows = this.lastRows;
    if (!res || !hs) throw new ConfigError('backward() needs a forward() pass first (one without noGrad)');
    const F = this.head.inFeatures;
    if (dLogits.length !== rows * this.options.numClasses) {
      throw new ShapeError(`dLogits has ${dLogits.length} values, expected ${rows * this.options.numClasses}`);
    }
    // a learned embedding trains on dL/dx
    const needInputGrad = this.embedding?.learned ? true : o.needInputGrad;
    const dFeat = (hs.dFeat ??= alloc(this.table.dtype, rows * F));
    if (this.options.headOn === 'steps') {
      this.head.backward(dLogits, 0, res.output.data, 0, F, rows, dFeat, 0, F, 0);
      return this.embedBackward(this.rnn.backward({ dOutput: dFeat, needInputGrad, keepStateGrads: o.keepStateGrads }));
    }
    const B = rows;
    const { numLayers: L } = this.options;
    const D = this.rnn.directions;
    const P = this.rnn.stateSize;
    this.head.backward(dLogits, 0, hs.feat, 0, F, B, dFeat, 0, F, 0);
    hs.dhN.fill(0);
    for (let b = 0; b < B; b++) {
      for (let d = 0; d < D; d++) {
        const to = (((L - 1) * D + d) * B + b) * P;
        for (let j = 0; j < P; j++) hs.dhN[to + j] = dFeat[b * F + d * P + j]!;
      }
    }
    return this.embedBackward(this.rnn.backward({ dhN: hs.dhN, needInputGrad, keepStateGrads: o.keepStateGrads }));
  }

  /** The ids of the last forward pass, for the embedding's backward. */
  private lastIds: { data: ArrayLike<number>; n: number } | null = null;
  /** Token features per id count, made once: [..., width] views for the recurrent stack. */
  private readonly embedded = new Map<string, Tensor>();

  /** Token ids [T, B] / [B, T] / [T] (or with a trailing 1) into features [..., width], checked. */
  private embed(x: Tensor): Tensor {
    const e = this.embedding!;
    const s = x.shape;
    const dims = s.length === 3 && s[2] === 1 ? s.slice(0, 2) : s.length <= 2 ? s : null;
    if (!dims || dims.length === 0) {
      const bf = this.options.batchFirst;
      throw new ShapeError(
        `token input must be 2-D ${bf ? '[batch, seq]' : '[seq, batch]'} or 1-D [seq] of integer ids, got shape [${s.join(', ')}]`,
      );
    }
    const n = dims.reduce((a, b) => a * b, 1);
    if (x.data.length !== n) throw new ShapeError(`token input of shape [${s.join(', ')}] needs ${n} ids, got ${x.data.length}`);
    const key = dims.join('x');
    let t = this.embedded.get(key);
    if (!t) {
      t = { data: alloc(this.table.dtype, n * e.width), shape: [...dims, e.width] };
      this.embedded.set(key, t);
    }
    e.forward(x.data, n, t.data);
    this.lastIds = { data: x.data, n };
    return t;
  }

  private embedBackward(g: RecurrentGrads): RecurrentGrads {
    if (this.embedding?.learned && this.lastIds) this.embedding.backward(this.lastIds.data, this.lastIds.n, g.dx.data);
    return g;
  }

  private space(B: number, T: number): HeadSpace {
    const key = B * 0x100000 + T;
    let hs = this.spaces.get(key);
    if (!hs) {
      const o = this.options;
      const dt = this.table.dtype;
      const F = this.head.inFeatures;
      const rows = o.headOn === 'steps' ? T * B : B;
      const LD = o.numLayers * this.rnn.directions;
      hs = {
        feat: alloc(dt, B * F),
        dFeat: null,
        dhN: alloc(dt, LD * B * this.rnn.stateSize),
        logits: alloc(dt, rows * o.numClasses),
        results: [],
      };
      this.spaces.set(key, hs);
    }
    return hs;
  }
}
