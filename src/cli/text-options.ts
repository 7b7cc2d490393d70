/** The options of text data (a text column, a plain text file, the tokens, the embedding), and their reading. */
import { readFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import { ConfigError, DataError } from '../errors.js';
import { decodeUtf8, readTextFile, readTextTable } from '../data/text-data.js';
import type { Tokenizer } from '../data/text.js';
import { int, type CommonOpts } from './options.js';
import type { Dataset, SplitKind } from '../data/dataset.js';

/** What loadData returns (src/cli/data.ts, which calls this): the data and its held-out parts. */
interface TextChoice {
  data: Dataset;
  valData?: Dataset;
  testData?: Dataset;
  split?: SplitKind;
  taskOptions: Record<string, never>;
}

/** Refuses options that make no difference to text data, rather than ignoring them. */
function refuse(o: CommonOpts, keys: (keyof CommonOpts)[], why: string): void {
  for (const k of keys) {
    if (o[k] !== undefined) throw new ConfigError(`--${String(k).replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} ${why}`);
  }
}

export function addTextOptions(cmd: Command): Command {
  return cmd
    .option(
      '--text-col <name>',
      "text: the --data file's column of strings, one per row (its label in --label-col): a classifier over their tokens",
    )
    .option(
      '--text <file>',
      'text: a plain UTF-8 text file for a language model (the next character at every step, chunks of --length, default 100)',
    )
    .addOption(new Option('--tokens <kind>', 'text: tokens are characters (default) or words').choices(['chars', 'words']))
    .option(
      '--embedding <n>',
      'text: features per token of a learned embedding; 0 reads one-hot vectors (default: one-hot for characters, 32 for words)',
      int(0, 4096),
    );
}

/** The bytes of a file as UTF-8, or one sentence saying why they cannot be read. */
export async function readUtf8(path: string, what: string): Promise<string> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new DataError(`${path} does not exist; give the path of ${what}`);
    if (code === 'EISDIR') throw new DataError(`${path} is a directory; give the path of ${what}`);
    if (code === 'EACCES' || code === 'EPERM') throw new DataError(`${path} cannot be read (permission denied); give ${what} you may read`);
    throw e;
  }
  return decodeUtf8(bytes, path);
}

/** --text FILE or --data FILE --text-col NAME: the text dataset (and, for a language model, its held-out parts by position). */
export async function loadTextData(o: CommonOpts): Promise<TextChoice> {
  const tokenizer: Tokenizer = o.tokens ?? 'chars';
  if (o.task) throw new ConfigError('give either --task or text data (--text, --text-col), not both');
  if (o.text !== undefined) {
    if (o.data !== undefined || o.textCol !== undefined)
      throw new ConfigError(
        '--text FILE trains a language model on a plain text file; --data with --text-col a classifier of a table: give one',
      );
    refuse(
      o,
      ['count', 'delay', 'target', 'idCol', 'stepCol', 'labelCol', 'features', 'delimiter', 'layout', 'split', 'valData', 'testData'],
      'is not for --text files (they are cut into chunks of --length, split by position)',
    );
    const text = await readUtf8(o.text, 'a plain UTF-8 text file');
    const d = readTextFile(text, o.text, { length: o.length ?? 100, tokenizer });
    return { data: d.data, valData: d.valData, testData: d.testData, taskOptions: {} };
  }
  if (o.data === undefined) throw new ConfigError('--text-col names the column of strings in a --data file; give the file with --data');
  refuse(o, ['count', 'length', 'delay', 'target', 'stepCol', 'features', 'layout'], 'is not for a table of texts (one row per text)');
  if (o.split !== undefined && o.split !== 'random' && o.split !== 'ordered')
    throw new ConfigError(`--split must be random or ordered for a table of texts, got ${JSON.stringify(o.split)}`);
  const kind: SplitKind = o.split ?? 'random';
  const read = async (path: string, classes?: string[]) =>
    readTextTable(await readUtf8(path, 'a .csv or .json file of texts'), path, {
      column: o.textCol!,
      label: o.labelCol,
      id: o.idCol,
      tokenizer,
      delimiter: o.delimiter,
      classes,
    });
  const data = await read(o.data);
  const more = (p: string | undefined) => (p === undefined ? undefined : read(p, data.classes));
  return { data, taskOptions: {}, split: kind, valData: await more(o.valData), testData: await more(o.testData) };
}
