/**
 * What memory is worth, said once: the numbers the key insight measures and the one sentence every
 * front end shows about them. Pure (no engine), so the explorer's page imports it without the engine.
 */
import { pct, points } from '../format.js';

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
 * How much the memory is worth, in accuracy (or, with `measure` 'error', in a regression model's RMSE): the model with its memory against the best it does
 * without memory (the better of the same model reset at every step and the model trained on single
 * steps). The one definition: the key insight, the quiz, `compare` and the explorer all show this.
 * The better of the two is the honest baseline: a model without memory that does well is what the
 * memory must beat.
 */
export function memoryWorth(
  m: Pick<MemoryComparison, 'withMemory' | 'reset' | 'memoryless'>,
  measure: 'score' | 'error' = 'score',
): { gain: number; without: number } {
  // A score (accuracy) is better higher, an error (a regression model's RMSE) lower; the gain is positive when memory helps.
  if (measure === 'error') {
    const without = Math.min(m.reset, m.memoryless);
    return { gain: without - m.withMemory, without };
  }
  const without = Math.max(m.reset, m.memoryless);
  return { gain: m.withMemory - without, without };
}

/**
 * What memory is worth, in words, in three parts so that a front end can set the figure apart (bold on a
 * terminal, <strong> on the page): "Here that memory is worth" "+53.4 points" "of accuracy: with it ...".
 */
export function memoryWords(
  m: Pick<MemoryComparison, 'withMemory' | 'reset' | 'memoryless' | 'chance'>,
  whose = 'that memory',
): [string, string, string] {
  const { gain, without } = memoryWorth(m);
  return [
    `Here ${whose} is worth`,
    points(gain),
    `of accuracy: with it ${pct(m.withMemory)}, without it ${pct(without)}, chance ${pct(m.chance)}.`,
  ];
}

/** memoryWords as one sentence, the figure passed through `strong`. */
export function memorySentence(
  m: Pick<MemoryComparison, 'withMemory' | 'reset' | 'memoryless' | 'chance'>,
  strong = (s: string) => s,
  whose?: string,
): string {
  const [lead, figure, tail] = memoryWords(m, whose);
  return `${lead} ${strong(figure)} ${tail}`;
}
