/**
 * Token input: integer ids in, a feature vector per step out, for the recurrent stack to read.
 *
 * - With `embeddingDim` E: PyTorch's `nn.Embedding(vocabSize, E, padding_idx)`, the parameter
 *   `embedding.weight` [V, E], initialised N(0, 1) with the padding row zero; that row gets no
 *   gradient, and the others get the sum of dL/dx over every step that read them. (`max_norm` is
 *   not supported: it renormalises rows in place during forward, which no model here asks for.)
 * - Without: the one-hot vector of each id, V features and no parameter (`F.one_hot(x, V).float()`,
 *   as PyTorch's name-classification tutorial feeds its RNN).
 *
 * Ids are checked (integers in [0, V)), as PyTorch's IndexError would.
 */
import type { Buf } from '../tensor/buf.js';
import { ConfigError, ShapeError } from '../errors.js';
import type { ParamSpec, ParamTable } from './params.js';

export interface TokenOptions {
  /** Distinct tokens V: ids are 0 .. V-1. */
  vocabSize: number;
  /** Features per token E of a learned embedding; 0 (or absent) feeds one-hot vectors of V features. */
  embeddingDim?: number;
  /** An id whose embedding row stays zero and untrained (padding); negative counts from the end, as PyTorch's. */
  paddingIdx?: number | null;
}

export interface ResolvedTokens {
  vocabSize: number;
  /** 0: one-hot. */
  embeddingDim: number;
  /** In [0, V), or null. */
  paddingIdx: number | null;
}

export function resolveTokens(o: TokenOptions): ResolvedTokens {
  const V = o.vocabSize;
  if (!Number.isInteger(V) || V < 1) throw new ConfigError(`vocabSize must be a positive integer, got ${String(V)}`);
  const E = o.embeddingDim ?? 0;
  if (!Number.isInteger(E) || E < 0) throw new ConfigError(`embeddingDim must be a non-negative integer (0 = one-hot), got ${String(E)}`);
  let pad = o.paddingIdx ?? null;
  if (pad !== null) {
    if (E === 0)
      throw new ConfigError('paddingIdx needs a learned embedding (embeddingDim > 0): a one-hot input has no row to keep at zero');
    if (!Number.isInteger(pad) || pad < -V || pad >= V) {
      throw new ConfigError(`paddingIdx must be an integer in [-${V}, ${V - 1}] for a vocabulary of ${V}, got ${String(pad)}`);
    }
    if (pad < 0) pad += V;
  }
  return { vocabSize: V, embeddingDim: E, paddingIdx: pad };
}

/** The embedding's parameter, named as `nn.Embedding` under the attribute `embedding`; none for one-hot. */
export function embeddingSpecs(t: ResolvedTokens, prefix = 'embedding.'): ParamSpec[] {
  if (t.embeddingDim === 0) return [];
  const spec: ParamSpec = { name: `${prefix}weight`, shape: [t.vocabSize, t.embeddingDim], bound: 0, init: 'normal' };
  if (t.paddingIdx !== null) spec.zeroRow = t.paddingIdx;
  return [spec];
}

export class TokenInput {
  /** Features per step fed to the recurrent stack: E, or V for one-hot. */
  readonly width: number;
  private readonly offset: number;
  /** backward()'s float64 row sums and which rows were read, made once. */
  private sums: Float64Array | null = null;
  private seen: Uint8Array | null = null;

  constructor(
    readonly tokens: ResolvedTokens,
    private readonly table: ParamTable,
    prefix = 'embedding.',
  ) {
    this.width = tokens.embeddingDim || tokens.vocabSize;
    this.offset = tokens.embeddingDim ? table.offsetOf(`${prefix}weight`) : -1;
  }

  /** True when there is a parameter to train (a learned embedding). */
  get learned(): boolean {
    return this.offset >= 0;
  }

  /** Throws ShapeError unless every one of the first `n` ids is an integer in [0, V). */
  check(ids: ArrayLike<number>, n: number): void {
    const V = this.tokens.vocabSize;
    for (let i = 0; i < n; i++) {
      const id = ids[i]!;
      if (!(Number.isInteger(id) && id >= 0 && id < V)) {
        throw new ShapeError(`token ids must be integers in [0, ${V - 1}] for a vocabulary of ${V}; position ${i} holds ${String(id)}`);
      }
    }
  }

  /** out[i, :] = the features of ids[i], for i < n (out holds n * width values). */
  forward(ids: ArrayLike<number>, n: number, out: Buf): void {
    this.check(ids, n);
    const W = this.width;
    if (!this.learned) {
      out.fill(0, 0, n * W);
      for (let i = 0; i < n; i++) out[i * W + ids[i]!] = 1;
      return;
    }
    const w = this.table.data;
    for (let i = 0; i < n; i++) {
      const from = this.offset + ids[i]! * W;
      for (let e = 0; e < W; e++) out[i * W + e] = w[from + e]!;
    }
  }

  /**
   * Adds dL/d weight to the table's gradient: row id gets the sum of dX[i, :] over the positions i
   * that read it, in float64 and added once per row, the padding row none. One-hot has nothing to add.
   */
  backward(ids: ArrayLike<number>, n: number, dX: ArrayLike<number>): void {
    if (!this.learned) return;
    const W = this.width;
    const V = this.tokens.vocabSize;
    const pad = this.tokens.paddingIdx;
    const sums = (this.sums ??= new Float64Array(V * W));
    const seen = (this.seen ??= new Uint8Array(V));
    sums.fill(0);
    seen.fill(0);
    for (let i = 0; i < n; i++) {
      const id = ids[i]!;
      if (id === pad) continue;
      seen[id] = 1;
      for (let e = 0; e < W; e++) sums[id * W + e]! += dX[i * W + e]!;
    }
    const g = this.table.grad;
    for (let v = 0; v < V; v++) {
      if (!seen[v]) continue;
      const to = this.offset + v * W;
      for (let e = 0; e < W; e++) g[to + e]! += sums[v * W + e]!;
    }
  }
}
