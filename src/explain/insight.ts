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
import { pct, points } from '../format.js';

export { chanceAccuracy };

export interface MemoryComparison {
  /** Held-out (test) accuracy of the trained model, with its memory. */
  withMemory: number;
  /** The same trained model, hidden state reset to zero before every step. */
  reset: number;
  /** A same-sized model trained on steps alone. */
  memoryless: number;
  /** Always answering the commonest class of the training data. */
  chance: number;
  parameters: number;
  /** Sequences (steps) evaluated. */
  tested: number;
}

/**
 * How much the memory is worth, in accuracy: the model with its memory against the best it does
 * without memory (the better of the same model reset at every step and the model trained on single
 * steps). The one definition: the key insight, the quiz, `compare` and the explorer all show this.
 * The better of the two is the honest baseline: a model without memory that does well is what the
 * memory must beat.
 */
export function memoryWorth(m: Pick<MemoryComparison, 'withMemory' | 'reset' | 'memoryless'>): { gain: number; without: number } {
  const without = Math.max(m.reset, m.memoryless);
  return { gain: m.withMemory - without, without };
}

/**
 * What memory is worth, in words, in three parts so that a front end can set the figure apart (bold on a
 * terminal, <strong> on the page): "Here that memory is worth" "+53.4 points" "of accuracy: with it ...".
 */
export function memoryWords(m: Pick<MemoryComparison, 'withMemory' | 'reset' | 'memoryless' | 'chance'>, whose = 'that memory'): [string, string, string] {
  const { gain, without } = memoryWorth(m);
  return [`Here ${whose} is worth`, points(gain), `of accuracy: with it ${pct(m.withMemory)}, without it ${pct(without)}, chance ${pct(m.chance)}.`];
}

/** memoryWords as one sentence, the figure passed through `strong`. */
export function memorySentence(m: Pick<MemoryComparison, 'withMemory' | 'reset' | 'memoryless' | 'chance'>, strong = (s: string) => s, whose?: string): string {
  const [lead, figure, tail] = memoryWords(m, whose);
  return `${lead} ${strong(figure)} ${tail}`;
}

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
  model: SequenceModel, train: readonly Sequence[], val: readonly Sequence[], test: readonly Sequence[], config: TrainConfig, seed = 0,
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
    withMemory: trained.accuracy, reset: reset.accuracy, memoryless: memoryless.accuracy,
    chance: chanceAccuracy(train, test), parameters: stepModel.parameterCount, tested: trained.counted,
  };
}
