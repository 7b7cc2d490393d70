/**
 * Text models as a person reads them: each step's input as its token ("␣" for a space, "⏎" for a
 * newline), and a language model's classes (its tokens) the same way, for the trace and the cells.
 */
import type { Dataset, Sequence } from '../data/dataset.js';
import { Vocabulary } from '../data/text.js';

/** The trace's class names and each step's input token, as shown; a dataset without text keeps its classes. */
export function traceWords(ds: Pick<Dataset, 'classes' | 'text'>, seq: Sequence): { classes: string[]; inputs?: string[] } {
  const tokens = ds.text?.vocabulary;
  if (!ds.text || !tokens) return { classes: ds.classes };
  const v = Vocabulary.fromJSON({ tokenizer: ds.text.tokenizer, tokens });
  const classes = ds.text.kind === 'next' ? tokens.map((_, id) => v.show(id)) : ds.classes;
  return { classes, inputs: Array.from(seq.x.subarray(0, seq.length), (id) => v.show(id)) };
}
