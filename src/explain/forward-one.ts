/**
 * One sequence through the model, unbatched ([T, I]), and the workspace that keeps every step of it:
 * what the data flow and the prediction trace read their numbers from.
 */
import type { ModelResult, SequenceModel } from '../nn/model.js';
import type { Workspace } from '../nn/workspace.js';
import type { Sequence } from '../data/dataset.js';

export function forwardOne(model: SequenceModel, seq: Sequence): { res: ModelResult; ws: Workspace } {
  const T = seq.length;
  const res = model.forward({ data: seq.x, shape: [T, model.options.inputSize] });
  return { res, ws: model.rnn.workspace(1, T) };
}
