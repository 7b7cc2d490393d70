/** Loss and accuracy of a model over sequences, in eval mode (no dropout, no gradients). */
import { stepWidth, type SequenceModel } from '../nn/model.js';
import { crossEntropy } from '../loss/cross-entropy.js';
import { Batcher } from '../data/batcher.js';
import type { Sequence } from '../data/dataset.js';
import { countCorrect } from './step.js';

export interface Evaluation {
  /** Mean cross-entropy over every counted target. */
  loss: number;
  /** Fraction of counted targets predicted right. */
  accuracy: number;
  correct: number;
  counted: number;
}

export function evaluate(model: SequenceModel, seqs: readonly Sequence[], batchSize = 256, T?: number): Evaluation {
  const o = model.options;
  const batcher = new Batcher(seqs, stepWidth(o), o.headOn, batchSize, T);
  let lossSum = 0;
  let correct = 0;
  let counted = 0;
  for (let k = 0; k < batcher.count; k++) {
    const b = batcher.batch(k);
    const r = model.forward(b.x, { lengths: b.lengths, noGrad: true });
    const rows = b.targets.length;
    const c = countCorrect(r.logits.data, rows, o.numClasses, b.targets);
    if (c.counted === 0) continue;
    lossSum += crossEntropy(r.logits.data, 0, rows, o.numClasses, b.targets, null) * c.counted;
    correct += c.correct;
    counted += c.counted;
  }
  return { loss: counted ? lossSum / counted : NaN, accuracy: counted ? correct / counted : NaN, correct, counted };
}
