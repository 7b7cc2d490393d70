/**
 * `rnnscope predict` on a CSV file as a stream: the file is read in chunks by the fast scanner
 * (src/data/csv-fast.ts), its sequences predicted 256 at a time as they complete (the batches the
 * whole-file path makes, so the numbers are the same), and the rows written as they come; so memory
 * stays flat whatever the file's size. The output goes to a temporary file first and takes its place
 * (or is copied to standard output) only once the whole input has been read: a fault late in the
 * file still leaves nothing written.
 *
 * Where the fast scanner gives up (quotes, rows of a sequence apart, dates as steps, a bad cell, a
 * label column with no label at all, a file that looks wide, ...), this returns false and predict.ts
 * reads the whole file as before, which says what is wrong in its own sentence.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, createReadStream, fstatSync, linkSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify/sync';
import type { SequenceModel } from '../nn/model.js';
import type { RunMeta } from '../io/run-meta.js';
import type { Sequence } from '../data/dataset.js';
import { applyNormalization } from '../data/dataset.js';
import { columnOptions } from '../data/read.js';
import { classIds, GiveUp, LongCsvScanner, StepTexts, targetsOf } from '../data/csv-fast.js';
import { chunkReader } from '../data/csv-file.js';
import { WIDE_MIN_COLUMNS } from '../data/layout.js';
import { predictSequences, type Prediction } from '../train/infer.js';
import { ConfigError, DataError } from '../errors.js';
import type { CommonOpts } from './options.js';
import { refuse } from './data.js';

/** Sequences per forward pass: predictSequences' batch. */
const BATCH = 256;

export interface StreamOpts extends CommonOpts {
  model?: string;
  out?: string;
  force?: boolean;
}

/** What the command says when it is done. */
export interface StreamSummary {
  sequences: number;
  rows: number;
  labelled: number;
  correct: number;
  unused: string[];
}

/** A prediction as the output's record (the same keys and numbers as the whole-file path). */
export type RecordOf = (p: Prediction, steps: readonly string[] | undefined, labelled: boolean) => Record<string, unknown>;

/**
 * Predicts `o.data` (a .csv) with `model` and writes the records to `o.out` or standard output.
 * Returns null when the file needs the whole-file path.
 */
export async function predictStreamed(
  model: SequenceModel,
  meta: RunMeta,
  o: StreamOpts,
  format: 'csv' | 'json',
  recordOf: RecordOf,
): Promise<StreamSummary | null> {
  const path = o.data;
  if (path === undefined || !/\.csv$/i.test(path) || o.layout === 'wide') return null;
  refuse(
    o,
    ['count', 'length', 'delay', 'target'],
    `does not apply to a trained model: ${o.model} says what it was trained on (give other sequences with --data)`,
  );
  const classes = meta.classes ?? Array.from({ length: model.options.numClasses }, (_, i) => String(i));
  const byName = !o.features && meta.features?.length === model.options.inputSize;
  const target = meta.target ?? model.options.headOn;
  let fd: number;
  try {
    fd = openSync(path, 'r');
    if (!fstatSync(fd).isFile()) {
      closeSync(fd);
      return null;
    }
  } catch {
    return null; // the whole-file path says why
  }
  // the output's temporary file: beside --out (to take its place), else in the temp folder
  const dir = o.out ? dirname(o.out) : tmpdir();
  const tmp = join(dir, `.${o.out ? basename(o.out) : 'rnnscope-predict'}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  let out: number;
  try {
    out = openSync(tmp, 'wx');
  } catch {
    closeSync(fd);
    return null; // a folder that cannot be written: the whole-file path says so
  }
  let placed = false;
  try {
    const summary = scan(fd, out, path, model, meta, o, { classes, byName, target, format, recordOf });
    closeSync(out);
    out = -1;
    if (summary === null) return null;
    if (o.out) {
      place(tmp, o.out, !!o.force);
      placed = true;
    } else {
      await pipeline(createReadStream(tmp), process.stdout, { end: false });
    }
    return summary;
  } finally {
    closeSync(fd);
    if (out >= 0) closeSync(out);
    if (!placed) {
      try {
        unlinkSync(tmp);
      } catch {
        // already gone
      }
    }
  }
}

interface Plan {
  classes: string[];
  byName: boolean;
  target: 'steps' | 'last';
  format: 'csv' | 'json';
  recordOf: RecordOf;
}

function scan(fd: number, out: number, path: string, model: SequenceModel, meta: RunMeta, o: StreamOpts, p: Plan): StreamSummary | null {
  const mo = model.options;
  const sc = new LongCsvScanner(
    path,
    {
      ...columnOptions(o),
      ...(p.byName ? { features: meta.features, featuresFrom: 'model' as const } : {}),
      target: p.target,
      classes: p.classes,
      featureCount: mo.inputSize,
      requireLabels: false,
    },
    'hashes',
  );
  const read = chunkReader(fd);
  const stepTexts = new StepTexts();
  const queue: Sequence[] = [];
  const sum: StreamSummary = { sequences: 0, rows: 0, labelled: 0, correct: 0, unused: [] };
  let hasLabels = false;
  let allOneRow = true;
  let first = true;
  let columns: string[] = [];
  const write = (s: string) => {
    const b = Buffer.from(s, 'utf8');
    for (let at = 0; at < b.length;) at += writeSync(out, b, at, b.length - at);
  };
  const flush = (n: number) => {
    const seqs = queue.splice(0, n);
    const preds = predictSequences(model, seqs, BATCH);
    const steps = new Map(seqs.map((q) => [q.id, q.steps]));
    const records = preds.map((q) => p.recordOf(q, steps.get(q.id), hasLabels));
    for (const q of preds) {
      if (q.target < 0) continue;
      sum.labelled++;
      if (q.predicted === q.target) sum.correct++;
    }
    sum.rows += preds.length;
    if (first) columns = Object.keys(records[0]!);
    if (p.format === 'csv') write(csvRows(records, first, columns));
    else {
      const body = records.map((r) => `  ${JSON.stringify(r, null, 1).replace(/\n/g, '\n  ')}`).join(',\n');
      write(
        first ? `{\n "classes": ${JSON.stringify(p.classes, null, 1).replace(/\n/g, '\n ')},\n "predictions": [\n${body}` : `,\n${body}`,
      );
    }
    first = false;
  };
  try {
    let buf = new Uint8Array(1 << 20); // a megabyte at a time: what lives at once stays small
    let have = 0;
    for (;;) {
      const got = read(buf, have);
      const end = have + got;
      const rest = sc.feed(buf, 0, end, got === 0);
      if (got === 0) sc.finish();
      if (sum.sequences === 0 && sc.header !== null) {
        hasLabels = sc.columns.label >= 0;
        const used = new Set([sc.columns.id, sc.columns.step, sc.columns.label, ...sc.columns.features]);
        sum.unused = sc.header.filter((_, c) => !used.has(c));
      }
      const batch = sc.take();
      const classOf = classIds(sc.labels, p.classes);
      const ys = targetsOf(batch, p.target, classOf, false);
      const raw: Sequence[] = batch.ids.map((id, k) => ({
        id,
        length: batch.lengths[k]!,
        x: batch.xs[k]!,
        y: ys[k]!.slice(),
        ...(sc.columns.step >= 0 ? { steps: stepTexts.of(batch.firstStep[k]!, batch.lengths[k]!) } : {}),
      }));
      for (const s of raw) if (s.length > 1) allOneRow = false;
      sum.sequences += raw.length;
      // the views into the scanner's pool are copied (normalised) before its next feed
      queue.push(...(meta.normalization ? applyNormalization(raw, meta.normalization) : raw.map((s) => ({ ...s, x: s.x.slice() }))));
      while (queue.length >= BATCH) flush(BATCH);
      if (got === 0) break;
      buf.copyWithin(0, rest, end);
      have = end - rest;
      if (have === buf.length) {
        const bigger = new Uint8Array(buf.length * 2);
        bigger.set(buf);
        buf = bigger;
      }
    }
    if (queue.length > 0) flush(queue.length);
  } catch (e) {
    if (e instanceof GiveUp || e instanceof DataError || e instanceof ConfigError || e instanceof RangeError) return null;
    throw e;
  }
  // what the whole-file path decides on the whole file: a label column with no label in it drops the
  // output's label column; one-row sequences with many number columns look wide
  if (hasLabels && sum.labelled === 0) return null;
  if (o.layout !== 'long' && allOneRow && sum.sequences >= 2 && mo.inputSize >= WIDE_MIN_COLUMNS) return null;
  if (p.format === 'json') write('\n ]\n}\n');
  return sum;
}

/**
 * Records as CSV, byte for byte as csv-stringify writes them: a record with nothing to quote (the
 * common case: ids without a separator, quote or line break, numbers) is joined by hand; any other
 * goes through csv-stringify itself.
 */
function csvRows(records: Record<string, unknown>[], header: boolean, columns: string[]): string {
  let s = header ? stringify([], { header: true, columns }) : '';
  for (const r of records) {
    let line = '';
    for (let c = 0; c < columns.length; c++) {
      const v = r[columns[c]!];
      const t = typeof v === 'number' ? String(v) : typeof v === 'string' && !/[",\r\n]/.test(v) ? v : null;
      if (t === null) {
        line = '';
        break;
      }
      line += c === 0 ? t : `,${t}`;
    }
    s += line !== '' || columns.length === 0 ? `${line}\n` : stringify([r], { columns });
  }
  return s;
}

/** `tmp` takes the place of `path`: replacing it with `force`, else only if it does not exist (a hard link cannot clobber). */
function place(tmp: string, path: string, force: boolean): void {
  if (force) return renameSync(tmp, path);
  try {
    linkSync(tmp, path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new ConfigError(`${path} already exists; pass --force to overwrite it`);
    if (!['EPERM', 'ENOTSUP', 'ENOSYS', 'EOPNOTSUPP'].includes(code ?? '')) throw e;
    return renameSync(tmp, path);
  }
  unlinkSync(tmp);
}
