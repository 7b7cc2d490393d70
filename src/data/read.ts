/**
 * Data files by name: the format follows the extension (.csv or .json). `readDataText` works
 * anywhere (the web page passes a dropped file's name and text); `readDataFile` reads a path on
 * Node, and imports node:fs only when called, so a browser bundle can include this module.
 */
import { DataError } from '../errors.js';
import type { Dataset } from './dataset.js';
import { readCsv } from './csv.js';
import type { CsvOptions } from './csv-columns.js';
import { readJson } from './json.js';
import { applyLayout } from './layout.js';
import { checkFeatureCount } from './assemble.js';

export type DataFormat = 'csv' | 'json';

/**
 * The format of a data file by its name's extension (any case): .csv or .json. A name with no
 * extension (a pipe: `--data <(zcat x.csv.gz)` reads /dev/fd/63) takes its format from its text, when
 * given: JSON when the first character that is not a space is { or [, else CSV. Anything else is a
 * DataError.
 */
export function dataFormat(source: string, text?: string): DataFormat {
  const ext = /\.[^./\\]*$/.exec(source)?.[0].toLowerCase() ?? '';
  if (ext === '.csv' || ext === '.json') return ext === '.csv' ? 'csv' : 'json';
  if (ext === '' && text !== undefined) return /^\uFEFF?\s*[[{]/.test(text.slice(0, 4096)) ? 'json' : 'csv';
  throw new DataError(
    `${source} has ${ext === '' ? 'no extension' : `the extension ${ext}`}, so its format is unknown; data files are .csv or .json`,
  );
}

/** The column flags of the command line, as one data file's reader options. */
export interface ColumnFlags {
  idCol?: string;
  stepCol?: string;
  labelCol?: string;
  /** Comma-separated feature column names. */
  features?: string;
  delimiter?: string;
  /** CSV layout: auto, long or wide. */
  layout?: 'auto' | 'long' | 'wide';
}

/**
 * Reader options from the CLI's column flags, with messages that name those flags: the web page
 * uses it too, so an upload gets the very sentence the command line prints.
 */
export function columnOptions(o: ColumnFlags): CsvOptions {
  return {
    id: o.idCol,
    step: o.stepCol?.trim().toLowerCase() === 'none' ? null : o.stepCol,
    layout: o.layout,
    label: o.labelCol,
    features: o.features?.split(',').map((s) => s.trim()),
    delimiter: o.delimiter,
    optionNames: {
      id: '--id-col',
      step: '--step-col',
      label: '--label-col',
      features: '--features',
      delimiter: '--delimiter',
      layout: '--layout',
    },
  };
}

/** Reads `text` as CSV or JSON by the extension of `source` (or, with none, by `text`). The CSV-only options do not apply to JSON. */
export function readDataText(text: string, source: string, o: CsvOptions = {}): Dataset {
  if (dataFormat(source, text) === 'json') return readJson(text, source, o);
  // A wide file's columns are its steps: the feature count is checked once it is one feature per step.
  if (o.layout !== 'wide') return applyLayout(readCsv(text, source, o), source, o.layout, o.optionNames?.layout);
  const ds = applyLayout(readCsv(text, source, { ...o, featureCount: undefined }), source, 'wide', o.optionNames?.layout);
  checkFeatureCount(1, ds.features, source, o);
  return ds;
}

/** The largest data file read, in bytes: beyond it, parsing would exhaust memory before it finished. */
export const MAX_DATA_BYTES = 256 * 1024 * 1024;

/** Reads the data file at `path` (Node only): CSV or JSON by its extension, read by readTextFile. */
/** `onRead` hears the bytes read so far, where the file is read in chunks (a plain CSV file). */
export async function readDataFile(path: string, o: CsvOptions = {}, onRead?: (bytes: number) => void): Promise<Dataset> {
  // most CSV files (regular files only): straight from disk in chunks into typed arrays (csv-fast.ts), their
  // memory proportional to their numbers; the rest, and every error, through the bounded reader below
  const fast = /\.csv$/i.test(path) ? await (await import('./csv-file.js')).readCsvFile(path, o, onRead) : null;
  if (fast) return fast;
  return readDataText(await readTextFile(path), path, o);
}

/**
 * The text of the data file at `path` (Node only). A regular file or a pipe (`--data <(zcat x.csv.gz)`),
 * read up to MAX_DATA_BYTES and never further; a directory, a device (/dev/urandom), a socket, a file
 * holding a zero byte (not text) or any system error (a loop of symbolic links, a path too long) is a
 * DataError of one sentence.
 */
export async function readTextFile(path: string): Promise<string> {
  const { open } = await import('node:fs/promises');
  let bytes: Uint8Array;
  try {
    const fh = await open(path, 'r');
    try {
      const st = await fh.stat();
      if (st.isDirectory()) throw fsError('EISDIR');
      if (!st.isFile() && !st.isFIFO())
        throw new DataError(`${path} is a ${st.isSocket() ? 'socket' : 'device'}, not a data file; give the path of a .csv or .json file`);
      if (st.size > MAX_DATA_BYTES) throw tooLarge(path);
      bytes = await readBounded(fh, st.isFile() ? st.size : 1 << 20);
    } finally {
      await fh.close();
    }
  } catch (e) {
    throw readError(e, path);
  }
  if (bytes.length > MAX_DATA_BYTES) throw tooLarge(path);
  const nul = bytes.indexOf(0);
  if (nul >= 0) throw new DataError(`${path} holds binary data (a zero byte at byte ${nul + 1}), not text; give a .csv or .json text file`);
  return new TextDecoder().decode(bytes);
}

/** Up to MAX_DATA_BYTES + 1 bytes (one more says "too large"), in chunks that grow as needed. */
async function readBounded(fh: import('node:fs/promises').FileHandle, sizeHint: number): Promise<Uint8Array> {
  let buf = new Uint8Array(Math.min(Math.max(sizeHint + 1, 1 << 16), MAX_DATA_BYTES + 1));
  let n = 0;
  for (;;) {
    if (n === buf.length) {
      if (n > MAX_DATA_BYTES) break;
      const grown = new Uint8Array(Math.min(buf.length * 2, MAX_DATA_BYTES + 1));
      grown.set(buf);
      buf = grown;
    }
    const { bytesRead } = await fh.read(buf, n, buf.length - n, null);
    if (bytesRead === 0) break;
    n += bytesRead;
  }
  return buf.subarray(0, n);
}

function tooLarge(path: string): DataError {
  return new DataError(
    `${path} is larger than ${MAX_DATA_BYTES / 1024 / 1024} MB, the most a data file may hold; split it, or use fewer rows`,
  );
}

function fsError(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(code), { code });
}

/** A system error reading a data file, as one sentence. */
function readError(e: unknown, path: string): Error {
  if (e instanceof DataError) return e;
  const code = (e as NodeJS.ErrnoException).code;
  const why: Record<string, string> = {
    ENOENT: 'does not exist',
    EISDIR: 'is a directory',
    ENOTDIR: 'has a part that is not a directory',
    EACCES: 'cannot be read (permission denied)',
    EPERM: 'cannot be read (permission denied)',
    ELOOP: 'is a loop of symbolic links',
    ENAMETOOLONG: 'is too long a path',
    EIO: 'cannot be read (an input/output error)',
  };
  if (typeof code !== 'string') return e as Error; // not a system error: a bug, keep its stack
  const reason = why[code] ?? `cannot be read (${code})`;
  const hint = code === 'EACCES' || code === 'EPERM' ? 'give a data file you may read' : 'give the path of a .csv or .json data file';
  return new DataError(`${path} ${reason}; ${hint}`);
}
