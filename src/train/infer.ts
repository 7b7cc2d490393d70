/** Predictions for many sequences: class probabilities per step (or per sequence), in eval mode. */
import { stepWidth, type SequenceModel } from '../nn/model.js';
import { Batcher } from '../data/batcher.js';
import type { Sequence } from '../data/dataset.js';
import { argmaxRow, softmaxRows } from '../loss/cross-entropy.js';

export interface Prediction {
  id: string;
  /** 0-based step, or -1 for a whole-sequence prediction. */
  t: number;
  probs: number[];
  predicted: number;
  /** The label, or -1 when there is none. */
  target: number;
}

/** One prediction as `predictRows` hands it over: sequence `s`, step t (-1: the whole sequence), its class probabilities probs[at .. at + C) (valid during the call), the argmax, and the label or -1. */
export type PredictionVisitor = (s: Sequence, t: number, probs: Float64Array, at: number, predicted: number, target: number) => void;

/** The predictions of predictSequences in its order, handed to `visit` one at a time, not made into objects. */
export function predictRows(model: SequenceModel, seqs: readonly Sequence[], visit: PredictionVisitor, batchSize = 256): void {
  const o = model.options;
  const C = o.numClasses;
  const batcher = new Batcher(seqs, stepWidth(o), o.headOn, batchSize);
  for (let k = 0; k < batcher.count; k++) {
    const b = batcher.batch(k);
    const r = model.forward(b.x, { lengths: b.lengths, noGrad: true });
    const rows = r.logits.data.length / C;
    const probs = new Float64Array(rows * C);
    softmaxRows(probs, 0, r.logits.data, 0, rows, C);
    const B = b.items.length;
    for (let j = 0; j < B; j++) {
      const s = b.items[j]!; // (read once: a part's items are made when read)
      const emit = (row: number, t: number, y: number) => visit(s, t, probs, row * C, argmaxRow(probs, row * C, C), y >= 0 ? y : -1);
      if (o.headOn === 'steps') for (let t = 0; t < s.length; t++) emit(t * B + j, t, s.y[t]!);
      else emit(j, -1, s.y[0]!);
    }
  }
}

export function predictSequences(model: SequenceModel, seqs: readonly Sequence[], batchSize = 256): Prediction[] {
  const C = model.options.numClasses;
  const out: Prediction[] = [];
  predictRows(
    model,
    seqs,
    (s, t, probs, at, predicted, target) => out.push({ id: s.id, t, probs: Array.from(probs.subarray(at, at + C)), predicted, target }),
    batchSize,
  );
  return out;
}
