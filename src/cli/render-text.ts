/** The words of the text views on a terminal: the data line of a text run, a token model's input. */
import type { DataEvent } from '../pipeline.js';

const plural = (n: number, one: string) => `${n} ${n === 1 ? one : `${one}s`}`;

/** "14 tokens one-hot" or "2000 tokens, embedding 32". */
export function tokenInput(vocabSize: number, embeddingDim: number): string {
  return embeddingDim ? `${plural(vocabSize, 'token')}, embedding ${embeddingDim}` : `${plural(vocabSize, 'token')} one-hot`;
}

/** The data line of a text run: how many texts of how many tokens, what is predicted, the vocabulary and its rule. */
export function textDataLine(e: DataEvent): string {
  const t = e.text!;
  const unit = t.tokenizer === 'chars' ? 'character' : 'word';
  const n = e.sizes.train + e.sizes.val + e.sizes.test;
  const what = t.kind === 'next' ? `the next ${unit} at every step` : `one label per text (${e.classes.join(', ')})`;
  const unknown =
    t.unknown && t.unknown.val + t.unknown.test > 0
      ? `; ${plural(t.unknown.val + t.unknown.test, `held-out ${unit}`)} of ${t.unknown.tokens} not in it read as <unk>`
      : '';
  const shown = t.vocabulary.slice(2, 40).map((s) => (s === ' ' ? '␣' : s === '\n' ? '⏎' : s === '\t' ? '⇥' : s));
  return (
    `Data: ${plural(n, t.kind === 'next' ? 'chunk' : 'text')} of up to ${plural(e.steps, unit)}, ${what}; ` +
    `split ${e.sizes.train} train / ${e.sizes.val} validation / ${e.sizes.test} test.\n` +
    `Vocabulary: ${t.vocabulary.length} tokens from the training split (<pad>, <unk> for anything it lacks, then by count): ${shown.join(t.tokenizer === 'chars' ? '' : ' ')}${t.vocabulary.length > 42 ? ' ...' : ''}${unknown}.`
  );
}
