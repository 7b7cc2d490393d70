/**
 * A saved text model and the texts to show it on: a --data table (its text column as the model
 * learnt it), strings on the command line (--text), or the test split of its built-in task. Texts
 * are encoded with the model's own vocabulary: a token it never saw reads as <unk>.
 */
import type { Sequence, TextSpec } from '../data/dataset.js';
import { readTextTable } from '../data/text-data.js';
import { tokenize, Vocabulary } from '../data/text.js';
import { ConfigError } from '../errors.js';
import type { SequenceModel } from '../nn/model.js';
import type { RunMeta } from '../io/run-meta.js';
import { prepare } from '../pipeline.js';
import { loadData, refuse } from './data.js';
import type { CommonOpts } from './options.js';
import { readUtf8 } from './text-options.js';
import type { ModelRun } from './model-run.js';

/** The vocabulary a text model's file keeps. */
export function vocabularyOf(text: TextSpec): Vocabulary {
  return Vocabulary.fromJSON({ tokenizer: text.tokenizer, tokens: text.vocabulary ?? [] });
}

/** Encodes texts with the model's vocabulary: x the ids, y unlabelled (or the next token for a language model). */
function encode(texts: { id: string; text: string; y?: number }[], vocab: Vocabulary, kind: TextSpec['kind']): Sequence[] {
  return texts.map(({ id, text, y }) => {
    const ids = vocab.encode(text).ids;
    if (kind === 'next') {
      return { id, length: ids.length - 1, x: Float32Array.from(ids.subarray(0, ids.length - 1)), y: ids.slice(1), text };
    }
    return { id, length: ids.length, x: Float32Array.from(ids), y: Int32Array.of(y ?? -100), text };
  });
}

export async function loadTextRun(
  path: string,
  model: SequenceModel,
  meta: RunMeta,
  o: CommonOpts & { strings?: string[] },
  requireLabels: boolean,
): Promise<ModelRun> {
  const text = meta.text!;
  const vocab = vocabularyOf(text);
  const classes = text.kind === 'next' ? vocab.tokens.map((_, i) => vocab.show(i)) : (meta.classes ?? []);
  refuse(o, ['count', 'length', 'delay', 'target', 'stepCol', 'features', 'layout'], `does not apply to a text model (${path})`);
  const unit = text.tokenizer === 'chars' ? 'character' : 'word';
  if (o.strings?.length) {
    if (o.data) throw new ConfigError('give texts with --text or a file with --data, not both');
    const min = text.kind === 'next' ? 2 : 1;
    o.strings.forEach((s, i) => {
      if (tokenize(s, text.tokenizer).length < min)
        throw new ConfigError(
          `--text ${JSON.stringify(s)} (text ${i + 1}) has ${text.kind === 'next' ? `fewer than 2 ${unit}s; a language model needs one to read and one to predict` : `no ${unit}s`}`,
        );
    });
    const seqs = encode(
      o.strings.map((s) => ({ id: s, text: s })),
      vocab,
      text.kind,
    );
    return { model, meta, classes, sequences: seqs, source: '--text' };
  }
  if (o.data) {
    if (text.kind === 'next')
      throw new ConfigError(`${path} is a language model; give it text with --text "..." (or use rnnscope generate)`);
    const column = o.textCol ?? text.column;
    if (column === undefined) throw new ConfigError(`${path} does not say its text column; name it with --text-col`);
    const ds = readTextTable(await readUtf8(o.data, 'a .csv or .json file of texts'), o.data, {
      column,
      label: o.labelCol,
      id: o.idCol,
      tokenizer: text.tokenizer,
      delimiter: o.delimiter,
      classes,
      requireLabels,
    });
    const seqs = encode(
      ds.sequences.map((s) => ({ id: s.id, text: s.text!, y: s.y[0]! })),
      vocab,
      'classify',
    );
    return { model, meta, classes, sequences: seqs, source: o.data, unused: ds.unused ?? [] };
  }
  const spec = meta.taskSpec;
  if (!spec)
    throw new ConfigError(
      `${path} was trained on ${meta.dataFile ?? 'a file'}; give ${text.kind === 'next' ? 'texts with --text "..."' : 'the texts with --data (or --text "...")'}`,
    );
  const { task, taskOptions } = await loadData({ task: spec.name, ...(spec.options as object) } as CommonOpts);
  const p = prepare({ task, taskOptions, seed: spec.seed, data: undefined, model: { mode: model.options.mode } });
  const seqs = encode(
    p.split.test.map((s) => ({ id: s.id, text: s.text! })),
    vocab,
    text.kind,
  );
  return { model, meta, classes, sequences: seqs, source: `the test split of ${spec.name} (seed ${spec.seed})` };
}
