/**
 * Text models as a person reads them: each step's input as its token ("␣" for a space, "⏎" for a
 * newline), and a language model's classes (its tokens) the same way, for the trace and the cells.
 */
import type { Dataset, Sequence } from '../data/dataset.js';
import { tokenize, UNK_ID, Vocabulary } from '../data/text.js';
import { ConfigError } from '../errors.js';

/** The trace's class names and each step's input token, as shown; a dataset without text keeps its classes. */
export function traceWords(ds: Pick<Dataset, 'classes' | 'text'>, seq: Sequence): { classes: string[]; inputs?: string[] } {
  const tokens = ds.text?.vocabulary;
  if (!ds.text || !tokens) return { classes: ds.classes };
  const v = Vocabulary.fromJSON({ tokenizer: ds.text.tokenizer, tokens });
  const classes = ds.text.kind === 'next' ? tokens.map((_, id) => v.show(id)) : ds.classes;
  return { classes, inputs: Array.from(seq.x.subarray(0, seq.length), (id) => v.show(id)) };
}

/**
 * A prime's ids for sampling, or one sentence why not: empty, or holding tokens the vocabulary lacks
 * (they would read as <unk>). `name` is how the prime is called where it was given (`--prime`).
 */
export function primeIds(vocab: Vocabulary, prime: string, name = '--prime'): number[] {
  const unit = vocab.tokenizer === 'chars' ? 'character' : 'word';
  const toks = tokenize(prime, vocab.tokenizer);
  if (toks.length === 0) throw new ConfigError(`${name} is empty; give at least one ${unit} to start from, or leave it out`);
  const unseen = [...new Set(toks.filter((t) => vocab.id(t) === UNK_ID))];
  if (unseen.length)
    throw new ConfigError(
      `${name} has ${unseen.length === 1 ? `a ${unit}` : `${unseen.length} ${unit}s`} the model never saw in training (${unseen
        .slice(0, 5)
        .map((t) => JSON.stringify(t))
        .join(', ')}); it would read ${unseen.length === 1 ? 'it' : 'them'} as <unk>, so use ${unit}s of its vocabulary`,
    );
  return toks.map((t) => vocab.id(t));
}
