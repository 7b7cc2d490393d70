/**
 * A CSV data file read by the fast path (csv-fast.ts) straight from disk in chunks, so the file is
 * never one string: null when the file needs readCsv (or cannot be read: readDataFile then says why).
 * Node only; read.ts imports it when called.
 */
import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import type { Dataset } from './dataset.js';
import type { CsvOptions } from './csv-columns.js';
import { readCsvChunks } from './csv-fast.js';
import { applyLayout } from './layout.js';

/** The longest line the fast path takes; a longer one (or a file of no newlines) goes to readCsv. */
const MAX_LINE = 1 << 26;

export function readCsvFile(path: string, o: CsvOptions = {}, onRead?: (bytes: number) => void): Dataset | null {
  if (o.layout === 'wide') return null;
  let fd: number;
  try {
    // A FIFO's open would block until a writer came, and it can be read once only: the bounded reader takes it.
    if (!statSync(path).isFile()) return null;
    fd = openSync(path, 'r');
  } catch {
    return null;
  }
  try {
    if (!fstatSync(fd).isFile()) return null;
    const ds = readCsvChunks(chunkReader(fd, onRead), path, o, lineCount(fd));
    return ds && applyLayout(ds, path, o.layout, o.optionNames?.layout);
  } finally {
    closeSync(fd);
  }
}

/**
 * The lines of the file at `fd` (newlines, and one more), read at positions so that the file's offset
 * stays at its start: the fast path then holds one array of features as large as they are (a pass over
 * the bytes, about a second a gigabyte, against twice the features in memory while they are gathered).
 */
function lineCount(fd: number): number {
  const buf = new Uint8Array(1 << 20);
  let lines = 1;
  for (let at = 0; ;) {
    const n = readSync(fd, buf, 0, buf.length, at);
    if (n === 0) return lines;
    for (let p = buf.indexOf(10); p >= 0 && p < n; p = buf.indexOf(10, p + 1)) lines++;
    at += n;
  }
}

/** Reads the file at `fd` into buf[from..]; the bytes read, 0 at the end. A line longer than MAX_LINE gives up. */
export function chunkReader(fd: number, onRead?: (bytes: number) => void): (buf: Uint8Array, from: number) => number {
  let total = 0;
  return (buf, from) => {
    if (from >= MAX_LINE) throw new RangeError('line too long for the fast path');
    const n = readSync(fd, buf, from, buf.length - from, null);
    total += n;
    onRead?.(total);
    return n;
  };
}
