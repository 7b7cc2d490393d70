/**
 * Text as data: a table of strings with a label each (CSV or JSON, one row per sequence) for a
 * classifier over the tokens, and one long text cut into chunks for a character (or word) language
 * model. Both give a Dataset whose sequences carry `text`; `encodeTextSplit` turns them into token
 * ids once the training split's vocabulary exists (prepare does that), so the vocabulary never sees
 * validation or test text. Token ids are never normalised.
 *
 *     name,label          [{"name": "Maria", "label": "F"}, ...]
 *     Maria,F
 *     John,M
 *
 * Works in the browser too: it takes text, never a path (`decodeUtf8` checks a file's bytes).
 */
import Papa from 'papaparse';
import { DataError } from '../errors.js';
import type { Dataset, Sequence, TextSpec } from './dataset.js';
import { parseJson } from './json-syntax.js';
import { tokenize, Vocabulary, type Tokenizer } from './text.js';

/** Label columns taken by name when none is given, as for the numeric readers. */
const LABEL_NAMES = ['label', 'class', 'y', 'target'];

export interface TextTableOptions {
  /** The column (CSV) or field (JSON) holding each row's text. */
  column: string;
  /** The label column; default the first of label, class, y, target present. */
  label?: string;
  /** An id column; default the row number. */
  id?: string;
  tokenizer?: Tokenizer;
  delimiter?: string;
  /** A trained model's classes: a label outside them is an error. */
  classes?: readonly string[];
  /** False: rows may have no label (prediction). Default true. */
  requireLabels?: boolean;
}

/** The bytes of a file as UTF-8 text, or one sentence saying where they are not UTF-8. */
export function decodeUtf8(bytes: Uint8Array, source: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/^\ufeff/, '');
  } catch {
    // find the first byte sequence that is not UTF-8, to say where
    let lo = 0;
    let hi = bytes.length;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      try {
        new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, mid), { stream: true });
        lo = mid;
      } catch {
        hi = mid;
      }
    }
    const line = bytes.subarray(0, lo).reduce((n, b) => n + (b === 10 ? 1 : 0), 1);
    throw new DataError(`${source} is not UTF-8 text (line ${line} holds bytes that are not); save it as UTF-8 and try again`);
  }
}

/** Rows of a CSV or JSON table as records of strings, with a row number for messages. */
function tableRows(text: string, source: string, o: TextTableOptions): { rows: Record<string, string>[]; fields: string[]; what: string } {
  if (/\.json$/i.test(source)) {
    const v = parseJson(text, source);
    const items = Array.isArray(v) ? v : null;
    if (!items || items.some((x) => typeof x !== 'object' || x === null || Array.isArray(x)))
      throw new DataError(`${source} must hold a JSON list of objects, one per text, e.g. [{"${o.column}": "Maria", "label": "F"}]`);
    const fields = [...new Set(items.flatMap((x) => Object.keys(x as object)))];
    const rows = items.map((x) =>
      Object.fromEntries(
        Object.entries(x as Record<string, unknown>).map(([k, val]) => [k, val === null || val === undefined ? '' : String(val)]),
      ),
    );
    return { rows, fields, what: 'item' };
  }
  const body = text.replace(/^\ufeff/, '').replace(/\r\n?/g, '\n');
  if (body.trim() === '') throw new DataError(`${source} is empty; a text table needs a header naming its columns and one row per text`);
  const r = Papa.parse<string[]>(body, { delimiter: o.delimiter ?? ',', newline: '\n', skipEmptyLines: 'greedy' });
  const bad = r.errors.find((e) => e.type === 'Quotes');
  if (bad)
    throw new DataError(`${source} row ${(bad.row ?? 0) + 1}: a quoted field is not closed properly; write a quote inside one as two ("")`);
  const [header, ...data] = r.data;
  const fields = (header ?? []).map((h) => h.trim());
  const rows = data.map((f) => Object.fromEntries(fields.map((h, i) => [h, f[i] ?? ''])));
  return { rows, fields, what: 'row' };
}

/**
 * A table of texts (CSV or JSON by `source`'s extension), one sequence per row: its tokens as the
 * input, its label as the class of the whole sequence (target "last").
 */
export function readTextTable(text: string, source: string, o: TextTableOptions): Dataset {
  const tokenizer = o.tokenizer ?? 'chars';
  const { rows, fields, what } = tableRows(text, source, o);
  if (rows.length === 0) throw new DataError(`${source} has no ${what}s of text; it needs one ${what} per text`);
  if (!fields.includes(o.column))
    throw new DataError(`${source} has no text column "${o.column}" (--text-col); its columns are ${fields.join(', ')}`);
  const label = o.label ?? LABEL_NAMES.find((n) => fields.includes(n) && n !== o.column);
  const requireLabels = o.requireLabels ?? true;
  if (o.label !== undefined && !fields.includes(o.label))
    throw new DataError(`${source} has no label column "${o.label}" (--label-col); its columns are ${fields.join(', ')}`);
  if (label === undefined && requireLabels)
    throw new DataError(`${source} has no label column (label, class, y or target); name the column of labels with --label-col`);
  if (o.id !== undefined && !fields.includes(o.id))
    throw new DataError(`${source} has no id column "${o.id}" (--id-col); its columns are ${fields.join(', ')}`);
  const first = (i: number) => (what === 'row' ? `row ${i + 2}` : `item ${i}`); // a CSV's row 1 is its header
  const labels = label === undefined ? [] : rows.map((r) => (r[label] ?? '').trim());
  let classes: string[];
  if (o.classes) classes = [...o.classes];
  else {
    const found = [...new Set(labels.filter((l) => l !== ''))];
    classes = found.every((l) => /^-?\d+(\.\d+)?$/.test(l)) ? found.sort((a, b) => Number(a) - Number(b)) : found.sort();
  }
  const index = new Map(classes.map((c, i) => [c, i]));
  const seqs: Sequence[] = rows.map((r, i) => {
    const t = r[o.column] ?? '';
    if (tokenize(t, tokenizer).length === 0)
      throw new DataError(`${source} ${first(i)} has an empty text in column "${o.column}"; every ${what} needs some text`);
    let y = -100;
    const l = labels[i];
    if (l !== undefined && l !== '') {
      const c = index.get(l);
      if (c === undefined)
        throw new DataError(
          `${source} ${first(i)} has the label "${l}", which the model does not know; its classes are ${classes.join(', ')}`,
        );
      y = c;
    } else if (requireLabels)
      throw new DataError(`${source} ${first(i)} has no label in column "${label}"; every ${what} needs one to train on`);
    const id = o.id !== undefined ? (r[o.id] ?? String(i)) : String(i + 1);
    return { id, length: tokenize(t, tokenizer).length, x: new Float32Array(0), y: Int32Array.of(y), text: t };
  });
  if (requireLabels && classes.length < 2)
    throw new DataError(`${source} has only one class (${classes[0]}) in column "${label}"; a classifier needs two or more`);
  const name = source.replace(/^.*[\\/]/, '').replace(/\.[^.]*$/, '');
  const unused = fields.filter((f) => f !== o.column && f !== label && f !== o.id);
  return {
    name,
    description: `${classes.length} classes of ${tokenizer === 'chars' ? 'strings, read a character at a time' : 'texts, read a word at a time'}: the class follows from the whole ${tokenizer === 'chars' ? 'string' : 'text'}, not from one ${tokenizer === 'chars' ? 'character' : 'word'}`,
    features: ['token'],
    classes,
    target: 'last',
    sequences: seqs,
    unused,
    text: { tokenizer, kind: 'classify', column: o.column },
  };
}

/** A language model's data: train, validation and test cut from one text by position (the last 10% tests, the 10% before validates). */
export interface TextFileData {
  data: Dataset;
  valData: Dataset;
  testData: Dataset;
}

/**
 * One long text for a next-token model: chunks of `length` tokens, each with the next token as the
 * target at every step. The first 80% of the text trains, the next 10% validates, the last 10% tests:
 * by position, not at random, so no test chunk has neighbours in training.
 */
export function readTextFile(text: string, source: string, o: { length: number; tokenizer?: Tokenizer }): TextFileData {
  const tokenizer = o.tokenizer ?? 'chars';
  const toks = tokenize(text, tokenizer);
  if (toks.length === 0) throw new DataError(`${source} is empty; a language model needs some text to learn from`);
  const n = toks.length;
  const valStart = Math.round(n * 0.8);
  const testStart = Math.round(n * 0.9);
  const join = tokenizer === 'chars' ? '' : ' ';
  const cut = (from: number, to: number, part: string): Sequence[] => {
    const out: Sequence[] = [];
    // a chunk needs `length` inputs and the token after its last one, all inside [from, to)
    for (let s = from; s + o.length + 1 <= to; s += o.length)
      out.push({
        id: `${part}-${out.length + 1}`,
        length: o.length,
        x: new Float32Array(0),
        y: new Int32Array(0),
        text: toks.slice(s, s + o.length + 1).join(join),
      });
    return out;
  };
  const train = cut(0, valStart, 'train');
  if (train.length === 0)
    throw new DataError(
      `${source} is too short for chunks of ${o.length} ${tokenizer === 'chars' ? 'characters' : 'words'} (--length): its training part (the first 80%) has ${valStart}, and a chunk needs ${o.length + 1}`,
    );
  const name = source.replace(/^.*[\\/]/, '').replace(/\.[^.]*$/, '');
  const spec: TextSpec = { tokenizer, kind: 'next' };
  const ds = (seqs: Sequence[]): Dataset => ({
    name,
    description: `the next ${tokenizer === 'chars' ? 'character' : 'word'} of ${name} at every step, from the ${tokenizer === 'chars' ? 'characters' : 'words'} before it`,
    features: ['token'],
    classes: [],
    target: 'steps',
    sequences: seqs,
    text: spec,
  });
  return { data: ds(train), valData: ds(cut(valStart, testStart, 'val')), testData: ds(cut(testStart, n, 'test')) };
}

/**
 * The sequences of a text dataset as token ids: x the ids (one per step), y the class (classify) or
 * the next token's id at every step (next; the text holds one token more than the steps). Counts the
 * tokens the vocabulary did not have (read as `<unk>`).
 */
export function encodeTexts(
  seqs: readonly Sequence[],
  vocab: Vocabulary,
  kind: TextSpec['kind'],
): { seqs: Sequence[]; unknown: number; tokens: number } {
  let unknown = 0;
  let tokens = 0;
  const out = seqs.map((s) => {
    const { ids, unknown: u } = vocab.encode(s.text ?? '');
    unknown += u;
    tokens += ids.length;
    if (kind === 'classify') return { ...s, length: ids.length, x: Float32Array.from(ids) };
    return { ...s, length: ids.length - 1, x: Float32Array.from(ids.subarray(0, ids.length - 1)), y: ids.slice(1) };
  });
  return { seqs: out, unknown, tokens };
}

/** The vocabulary of a text dataset: its own (a model file's), or built from the training split's texts. */
export function textVocabulary(spec: TextSpec, train: readonly Sequence[]): Vocabulary {
  if (spec.vocabulary) return Vocabulary.fromJSON({ tokenizer: spec.tokenizer, tokens: spec.vocabulary });
  return Vocabulary.build(
    train.map((s) => s.text ?? ''),
    spec.tokenizer,
  );
}
