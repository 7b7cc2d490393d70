/**
 * What a long command says while it works, on a terminal only: a status line that is cleared before
 * the next one (or the output) is written, the time left of a training run, and reading a large data
 * file ("reading 24 MB of big.csv...") with a bar over its bytes where the file is read in chunks.
 */
import { stat } from 'node:fs/promises';
import type { Dataset } from '../data/dataset.js';
import { readDataFile } from '../data/read.js';
import { sequenceCount } from '../data/columns.js';
import type { CsvOptions } from '../data/csv-columns.js';
import { seconds } from '../format.js';

/** Erases the terminal line the cursor is on and returns to its start. */
const CLEAR = '\r\u001b[2K';

/** One line of status, rewritten in place and cleared when done; nothing when `stream` is not a terminal. */
export class StatusLine {
  private shown = false;
  constructor(private readonly stream: { isTTY?: boolean; write(s: string): unknown } = process.stdout) {}

  show(text: string): void {
    if (!this.stream.isTTY) return;
    this.stream.write(CLEAR + text);
    this.shown = true;
  }

  clear(): void {
    if (!this.shown) return;
    this.stream.write(CLEAR);
    this.shown = false;
  }
}

/**
 * The time left of a run of `total` batches, from the pace so far: null until a few batches (and a
 * second) have passed, since the first batches carry the warm-up and would promise too much.
 */
export function timeLeft(done: number, total: number, elapsedSeconds: number): string | null {
  if (done < 3 || elapsedSeconds < 1 || done >= total) return null;
  const left = (elapsedSeconds / done) * (total - done);
  if (left < 60) return `${Math.max(1, Math.round(left))} s left`;
  const m = Math.floor(left / 60);
  if (m < 60) return `${m} min ${Math.round(left % 60)} s left`;
  return `${Math.floor(m / 60)} h ${m % 60} min left`;
}

/** Files from this size on say that they are being read. */
export const LARGE_FILE = 8 << 20;

function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(bytes < 1e7 ? 1 : 0)} MB`;
}

/**
 * Reads a data file as readDataFile does; a large one says so on stderr ("reading 24 MB of
 * big.csv..."), with a bar over its bytes on a terminal, then how long it took. A file that cannot be
 * stat'ed or streamed goes to readDataFile, whose sentences say why.
 */
export async function readDataWithProgress(
  path: string,
  o: CsvOptions = {},
  err: { isTTY?: boolean; write(s: string): unknown } = process.stderr,
): Promise<Dataset> {
  let size = 0;
  try {
    const s = await stat(path);
    size = s.isFile() ? s.size : 0;
  } catch {
    size = 0;
  }
  if (size < LARGE_FILE) return readDataFile(path, o);
  const t0 = performance.now();
  err.write(`reading ${megabytes(size)} of ${path}...\n`);
  // The reader is synchronous, so the line is redrawn from its callback, at most every 1% of the file.
  const status = err.isTTY ? new StatusLine(err) : null;
  let shown = -1;
  const ds = await readDataFile(path, o, (bytes) => {
    const pct = Math.floor((100 * bytes) / size);
    if (status && pct !== shown && pct <= 100) {
      shown = pct;
      status.show(`  ${bar(pct)} ${pct}% of ${megabytes(size)}`);
    }
  });
  status?.clear();
  err.write(`read ${path}: ${megabytes(size)}, ${sequenceCount(ds)} sequences, in ${seconds((performance.now() - t0) / 1000)}\n`);
  return ds;
}

/** A bar of 30 cells, `pct` of them full. */
function bar(pct: number): string {
  const full = Math.round((30 * pct) / 100);
  return '█'.repeat(full) + '░'.repeat(30 - full);
}
