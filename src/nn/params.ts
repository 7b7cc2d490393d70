/**
 * The parameter arena: a table of {name, shape} laid out in one buffer, with gradients in a second
 * buffer of the same layout (docs/ARCHITECTURE.md, after llm.c). Optimizers run one flat loop over it, zeroing
 * gradients is one fill, and a state_dict is a list of views.
 */
import { alloc, numel, type Buf, type DType } from '../tensor/buf.js';
import type { Rng } from '../tensor/rng.js';
import { ConfigError } from '../errors.js';

export interface ParamSpec {
  /** PyTorch's state_dict name, e.g. "rnn.weight_ih_l0" or "head.bias". */
  name: string;
  shape: number[];
  /** Initialisation: U(-bound, bound), as PyTorch's reset_parameters does for this parameter. */
  bound: number;
  /** "normal": N(0, 1) instead (nn.Embedding's init); `bound` is then unused. */
  init?: 'uniform' | 'normal';
  /** A row (first index) set to zero after the draw: nn.Embedding's padding_idx. */
  zeroRow?: number;
}

export interface ParamEntry extends ParamSpec {
  offset: number;
  size: number;
}

export class ParamTable {
  readonly entries: ParamEntry[] = [];
  readonly byName = new Map<string, ParamEntry>();
  readonly size: number;
  /** All parameters, one after another, in the order of `entries`. */
  readonly data: Buf;
  /** Gradients, same layout as `data`. Backward passes accumulate (+=) into it. */
  readonly grad: Buf;

  constructor(
    specs: ParamSpec[],
    readonly dtype: DType = 'float32',
  ) {
    let offset = 0;
    for (const s of specs) {
      if (this.byName.has(s.name)) throw new ConfigError(`parameter ${s.name} is declared twice`);
      const e: ParamEntry = { ...s, shape: [...s.shape], offset, size: numel(s.shape) };
      this.entries.push(e);
      this.byName.set(s.name, e);
      offset += e.size;
    }
    this.size = offset;
    this.data = alloc(dtype, offset);
    this.grad = alloc(dtype, offset);
  }

  /** The entry for `name`; throws if the model has no such parameter. */
  get(name: string): ParamEntry {
    const e = this.byName.get(name);
    if (!e) throw new ConfigError(`no parameter named ${name}; the model has ${[...this.byName.keys()].join(', ')}`);
    return e;
  }

  /** Offset of a parameter in `data`/`grad`, or -1 when the model has none by that name (bias=false). */
  offsetOf(name: string): number {
    return this.byName.get(name)?.offset ?? -1;
  }

  /** A view of one parameter's values (shares memory with `data`). */
  view(name: string): Buf {
    const e = this.get(name);
    return this.data.subarray(e.offset, e.offset + e.size);
  }

  /** A view of one parameter's gradient. */
  gradView(name: string): Buf {
    const e = this.get(name);
    return this.grad.subarray(e.offset, e.offset + e.size);
  }

  /** PyTorch's initialisation: every parameter U(-bound, bound) (or N(0, 1) where its spec says), drawn in table order. */
  init(rng: Rng): void {
    for (const e of this.entries) {
      if (e.init === 'normal') for (let i = 0; i < e.size; i++) this.data[e.offset + i] = rng.normal();
      else rng.fillUniform(this.data, -e.bound, e.bound, e.offset, e.size);
      if (e.zeroRow !== undefined) {
        const width = e.size / e.shape[0]!;
        this.data.fill(0, e.offset + e.zeroRow * width, e.offset + (e.zeroRow + 1) * width);
      }
    }
  }

  zeroGrad(): void {
    this.grad.fill(0);
  }

  /** name -> {shape, data view}, in table order: what a safetensors file or PyTorch's state_dict holds. */
  stateDict(): { name: string; shape: number[]; data: Buf }[] {
    return this.entries.map((e) => ({ name: e.name, shape: [...e.shape], data: this.view(e.name) }));
  }

  /** Copies values in by name; every name and shape must match (checked by the caller's loader). */
  set(name: string, values: ArrayLike<number>): void {
    const e = this.get(name);
    if (values.length !== e.size) {
      throw new ConfigError(`parameter ${name} has ${e.size} values (shape [${e.shape.join(', ')}]), got ${values.length}`);
    }
    for (let i = 0; i < e.size; i++) this.data[e.offset + i] = values[i]!;
  }
}
