/**
 * One sequence through the model, unbatched ([T, I]), and a reader of every step of it (the stack's
 * stepRecord): what the data flow and the prediction trace read their numbers from.
 */
import { stepWidth, type ModelResult, type SequenceModel } from '../nn/model.js';
import type { StepRecord } from '../nn/step-record.js';
import type { Sequence } from '../data/dataset.js';

export interface OneSequence {
  res: ModelResult;
  /** Step t of layer l, direction d (0 forward, 1 reverse), of this pass. */
  step: (l: number, d: number, t: number) => StepRecord;
}

export function forwardOne(model: SequenceModel, seq: Sequence): OneSequence {
  const T = seq.length;
  // a token model reads [T] ids (unbatched), a feature model [T, I]
  const res = model.forward({ data: seq.x, shape: model.embedding ? [T] : [T, stepWidth(model.options)] });
  return { res, step: (l, d, t) => model.rnn.stepRecord(l, d, t) };
}
