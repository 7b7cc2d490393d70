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

/** The format of a data file by its name's extension (any case); anything else is a DataError. */
export function dataFormat(source: string): DataFormat {
  const ext = /\.[^./\\]*$/.exec(source)?.[0].toLowerCase() ?? '';
  if (ext === '.csv' || ext === '.json') return ext === '.csv' ? 'csv' : 'json';
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

/** Reads `text` as CSV or JSON by the extension of `source`. The CSV-only options do not apply to JSON. */
export function readDataText(text: string, source: string, o: CsvOptions = {}): Dataset {
  if (dataFormat(source) === 'json') return readJson(text, source, o);
  // A wide file's columns are its steps: the feature count is checked once it is one feature per step.
  if (o.layout !== 'wide') return applyLayout(readCsv(text, source, o), source, o.layout, o.optionNames?.layout);
  const ds = applyLayout(readCsv(text, source, { ...o, featureCount: undefined }), source, 'wide', o.optionNames?.layout);
  checkFeatureCount(1, ds.features, source, o);
  return ds;
}

/** Reads the data file at `path` (Node only): CSV or JSON by its extension. */
export async function readDataFile(path: string, o: CsvOptions = {}): Promise<Dataset> {
  // most CSV files: straight from disk in chunks into typed arrays (csv-fast.ts); the rest, and every error, below
  const fast = /\.csv$/i.test(path) ? (await import('./csv-file.js')).readCsvFile(path, o) : null;
  if (fast) return fast;
  const { readFile } = await import('node:fs/promises');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new DataError(`${path} does not exist; give the path of a .csv or .json data file`);
    if (code === 'EISDIR') throw new DataError(`${path} is a directory; give the path of a .csv or .json data file`);
    if (code === 'EACCES' || code === 'EPERM')
      throw new DataError(`${path} cannot be read (permission denied); give a data file you may read`);
    throw e;
  }
  return readDataText(text, path, o);
}
