/**
 * A batch split by items into two parts (the first takes the odd item), each weighted by the class
 * weight of its counted targets: scaled by its share of the batch's, the parts' mean losses and
 * gradients sum to the whole batch's, however ragged, ignored or weighted its targets are.
 */
import { dtypeOf, type Buf, type DType, type Tensor } from '../tensor/buf.js';
import { targetWeight, type LossSpec } from '../train/step.js';

/** How a batch is laid out: T steps, B items, I features; x batch-first or time-first; a target per step and item or per item. */
export interface Layout {
  T: number;
  B: number;
  I: number;
  batchFirst: boolean;
  perStep: boolean;
}

export interface Batch {
  x: Tensor;
  targets: Int32Array;
  lengths: ArrayLike<number> | null;
}

export interface Part {
  x: Tensor;
  targets: Int32Array;
  lengths: Int32Array | null;
  /** The class weight of its counted targets (their number, without class weights). */
  weight: number;
}

/** Makes a part's arrays: the worker's go in shared memory. */
export interface Alloc {
  floats(dtype: DType, n: number): Buf;
  ints(n: number): Int32Array;
}

const plain: Alloc = {
  floats: (dtype, n) => (dtype === 'float64' ? new Float64Array(n) : new Float32Array(n)),
  ints: (n) => new Int32Array(n),
};

/** Items in each part of a batch of B. */
export function partItems(B: number): [number, number] {
  const B1 = Math.ceil(B / 2);
  return [B1, B - B1];
}

/** The arrays of a part of `items` items of batches of this layout, with lengths or without. */
export function makePart(l: Layout, items: number, dtype: DType, ragged: boolean, alloc: Alloc = plain): Part {
  const x = alloc.floats(dtype, l.T * items * l.I);
  const targets = alloc.ints((l.perStep ? l.T : 1) * items);
  return {
    x: { data: x, shape: l.batchFirst ? [items, l.T, l.I] : [l.T, items, l.I] },
    targets,
    lengths: ragged ? alloc.ints(items) : null,
    weight: 0,
  };
}

/**
 * Copies the batch's items into `parts` (made by makePart for its layout; new ones by default), sets
 * their weights, and returns them with the batch's weight. The second part's weight is the batch's
 * less the first's, so the two shares sum to exactly 1.
 */
export function splitBatch(b: Batch, l: Layout, loss: LossSpec, parts?: [Part, Part]): { parts: [Part, Part]; weight: number } {
  const [B1, B2] = partItems(l.B);
  const dtype = dtypeOf(b.x.data);
  const ps = parts ?? [makePart(l, B1, dtype, b.lengths !== null), makePart(l, B2, dtype, b.lengths !== null)];
  fill(ps[0], b, l, 0, B1);
  fill(ps[1], b, l, B1, B2);
  const weight = targetWeight(b.targets, loss);
  ps[0].weight = targetWeight(ps[0].targets, loss);
  ps[1].weight = weight - ps[0].weight;
  return { parts: ps, weight };
}

/** Copies items [b0, b0 + items) of the batch into `part`. */
function fill(part: Part, b: Batch, l: Layout, b0: number, items: number): void {
  const { T, B, I, batchFirst: bf } = l;
  const src = b.x.data;
  const xd = part.x.data;
  for (let t = 0; t < T; t++) {
    for (let k = 0; k < items; k++) {
      const from = (bf ? (b0 + k) * T + t : t * B + b0 + k) * I;
      const to = (bf ? k * T + t : t * items + k) * I;
      for (let i = 0; i < I; i++) xd[to + i] = src[from + i]!;
    }
  }
  if (l.perStep) {
    for (let t = 0; t < T; t++) {
      for (let k = 0; k < items; k++) part.targets[bf ? k * T + t : t * items + k] = b.targets[bf ? (b0 + k) * T + t : t * B + b0 + k]!;
    }
  } else {
    for (let k = 0; k < items; k++) part.targets[k] = b.targets[b0 + k]!;
  }
  if (part.lengths && b.lengths) for (let k = 0; k < items; k++) part.lengths[k] = b.lengths[b0 + k]!;
}
