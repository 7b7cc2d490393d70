/**
 * The key insight, measured: how much the memory matters. The trained model is set beside
 *  - the same model with its hidden state reset at every step (its memory taken away after training),
 *  - a model of the same architecture trained and tested on each step alone (it never had memory:
 *    every step is a sequence of length one, so W_hh only ever sees h0 = 0; the head, the input weights
 *    and the parameter count are the same),
 *  - and chance: always answering the commonest class.
 */
import { SequenceModel } from '../nn/model.js';
import type { Sequence, Target } from '../data/dataset.js';
import { evaluate } from '../train/evaluate.js';
import { Trainer, type TrainConfig } from '../train/trainer.js';
import type { TrainEvent } from '../train/events.js';
import { chanceAccuracy } from '../train/chance.js';
import type { MemoryComparison } from './memory.js';

export { chanceAccuracy };
export { memoryWorth, memoryWords, memorySentence, type MemoryComparison } from './memory.js';

/**
 * Every step as a sequence of its own, with its label ("steps"), or, for one label per sequence
 * ("last"), the last step alone with the sequence's label: what a model without memory gets to see.
 */
export function stepsAlone(seqs: readonly Sequence[], target: Target): Sequence[] {
  const out: Sequence[] = [];
  for (const s of seqs) {
    const I = s.x.length / s.length;
    if (target === 'last') {
      out.push({ id: s.id, length: 1, x: s.x.slice((s.length - 1) * I), y: s.y.slice(0, 1) });
      continue;
    }
    for (let t = 0; t < s.length; t++) {
      if (s.y[t]! < 0) continue;
      out.push({ id: `${s.id}@${t}`, length: 1, x: s.x.slice(t * I, (t + 1) * I), y: s.y.slice(t, t + 1) });
    }
  }
  return out;
}

/** Trains the memoryless model (yielding its training events) and measures all four. */
export function* compareMemory(
  model: SequenceModel,
  train: readonly Sequence[],
  val: readonly Sequence[],
  test: readonly Sequence[],
  config: TrainConfig,
  seed = 0,
): Generator<TrainEvent, MemoryComparison> {
  const target = model.options.headOn;
  const trained = evaluate(model, test);
  const reset = evaluate(model, stepsAlone(test, target));
  const stepModel = new SequenceModel({ ...model.options, headOn: target === 'last' ? 'steps' : target }, { seed });
  // One step alone is a length-1 sequence either way, so the step model's head reads every step.
  const trainer = new Trainer(stepModel, stepsAlone(train, target), stepsAlone(val, target), { ...config, earlyStopping: null });
  yield* trainer.run();
  const memoryless = evaluate(stepModel, stepsAlone(test, target));
  return {
    withMemory: trained.accuracy,
    reset: reset.accuracy,
    memoryless: memoryless.accuracy,
    chance: chanceAccuracy(train, test),
    parameters: stepModel.parameterCount,
    tested: trained.counted,
  };
}
