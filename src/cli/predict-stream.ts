/**
 * `rnnscope predict` on a CSV file as a stream: the file is read in chunks by the fast scanner
 * (src/data/csv-fast.ts), its sequences predicted 256 at a time as they complete (the batches the
 * whole-file path makes, so the numbers are the same), and the rows written as they come; so memory
 * stays flat whatever the file's size. On two cores a worker thread predicts and writes every other
 * batch or so (predict-pool.ts) once the file has shown itself large, with the same bytes as one thread.
 * The output goes to a temporary file first and takes its place
 * (or is copied to standard output) only once the whole input has been read: a fault late in the
 * file still leaves nothing written.
 *
 * Where the fast scanner gives up (quotes, rows of a sequence apart, dates as steps, a bad cell, a
 * label column with no label at all, a file that looks wide, ...), this returns false and predict.ts
 * reads the whole file as before, which says what is wrong in its own sentence.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, createReadStream, fstatSync, linkSync, openSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { SequenceModel } from '../nn/model.js';
import type { RunMeta } from '../io/run-meta.js';
import { columnOptions } from '../data/read.js';
import { classIds, feedAll, GiveUp, LongCsvScanner, recallIds, StepTexts, targetColumn } from '../data/csv-fast.js';
import { chunkReader } from '../data/csv-file.js';
import { WIDE_MIN_COLUMNS } from '../data/layout.js';
import { ConfigError, DataError } from '../errors.js';
import type { CommonOpts } from './options.js';
import { refuse } from './data.js';
import { BATCH, batchText, recordMaker, type BatchText, type RecordPlan } from './predict-format.js';
import { PredictPool } from './predict-pool.js';
import { batchColumns, PendingColumns, type BatchColumns } from './predict-columns.js';
import { resolveThreads } from '../node/parallel.js';

/** Batches the main thread writes alone before it starts the worker: a small file never pays for one. */
const ALONE = 4;

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
  /** Threads that wrote batches: 2 when the worker wrote any. */
  threads: number;
}

/**
 * Predicts `o.data` (a .csv) with `model` and writes the records to `o.out` or standard output.
 * Returns null when the file needs the whole-file path.
 */
export async function predictStreamed(model: SequenceModel, meta: RunMeta, o: StreamOpts, plan: RecordPlan): Promise<StreamSummary | null> {
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
    // a pipe is looked at, not opened: opening and closing it here would end its writer's stream
    // before the whole-file path reads it
    if (!statSync(path).isFile()) return null;
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
    const summary = scan(fd, out, path, model, meta, o, { classes, byName, target, plan });
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
  plan: RecordPlan;
}

function scan(fd: number, out: number, path: string, model: SequenceModel, meta: RunMeta, o: StreamOpts, p: Plan): StreamSummary | null {
  const mo = model.options;
  const csv = {
    ...columnOptions(o),
    ...(p.byName ? { features: meta.features, featuresFrom: 'model' as const } : {}),
    target: p.target,
    classes: p.classes,
    featureCount: mo.inputSize,
    requireLabels: false,
  };
  // ids out of order: the ids so far are read again from the file (nothing is kept while they are in order)
  const recall = (n: number) => {
    const again = openSync(path, 'r');
    try {
      return recallIds(chunkReader(again), path, csv, n);
    } finally {
      closeSync(again);
    }
  };
  const sc = new LongCsvScanner(path, csv, recall);
  const read = chunkReader(fd);
  const stepTexts = new StepTexts();
  let queue = null as PendingColumns | null; // (made once the header is read; `as`: the callback below assigns it)
  const sum: StreamSummary = { sequences: 0, rows: 0, labelled: 0, correct: 0, unused: [], threads: 1 };
  let hasLabels = false;
  let allOneRow = true;
  let first = true;
  let columns: string[] = [];
  const write = (b: Uint8Array) => {
    for (let at = 0; at < b.length;) at += writeSync(out, b, at, b.length - at);
  };
  const recordOf = recordMaker(p.plan);
  const local = (b: BatchColumns) =>
    batchText(model, batchColumns(b, stepTexts).list(), p.plan, hasLabels, first, first ? null : columns, recordOf);
  const emit = (r: BatchText) => {
    write(r.bytes);
    sum.rows += r.rows;
    sum.labelled += r.labelled;
    sum.correct += r.correct;
  };
  // Batches in the input's order, each written here (result) or at the worker (job), written out in turn.
  const order: { seqs: BatchColumns; job: number; result: BatchText | null }[] = [];
  const twoThreads = resolveThreads(o.threads ?? 'auto') === 2;
  let pool = null as PredictPool | null; // (assigned in flush)
  let flushed = 0;
  const drain = (wait: boolean) => {
    while (order.length > 0) {
      const e = order[0]!;
      let r = e.result ?? pool!.take(e.job, wait);
      if (r === null && !pool!.failed) return; // not back yet
      r ??= local(e.seqs); // the worker failed: this thread writes its batches
      emit(r);
      order.shift();
    }
  };
  const flush = (n: number) => {
    const seqs = queue!.cut(n);
    if (first) {
      const r = local(seqs);
      columns = r.columns;
      first = false;
      emit(r);
    } else {
      if (twoThreads && pool === null && ++flushed === ALONE) pool = PredictPool.start(model, p.plan);
      if (pool?.ready()) order.push({ seqs, job: pool.submit(seqs, hasLabels, columns), result: null });
      else order.push({ seqs, job: -1, result: local(seqs) });
      drain(order.length > 8); // bounded: a slow worker holds back at most 8 batches
    }
  };
  try {
    // a megabyte at a time: what lives at once stays small
    feedAll(sc, read, 1 << 20, (last) => {
      if (last) sc.finish();
      if (queue === null && sc.header !== null) {
        queue = new PendingColumns(sc.columns.features.length, p.target, meta.normalization ?? null, sc.columns.step >= 0);
        hasLabels = sc.columns.label >= 0;
        const used = new Set([sc.columns.id, sc.columns.step, sc.columns.label, ...sc.columns.features]);
        sum.unused = sc.header.filter((_, c) => !used.has(c));
      }
      const batch = sc.take();
      const classOf = classIds(sc.labels, p.classes);
      for (const T of batch.lengths) if (T > 1) allOneRow = false;
      sum.sequences += batch.ids.length;
      // the features in the scanner's pools are copied (normalised) before its next feed
      if (batch.ids.length > 0) queue!.add(batch, targetColumn(batch, p.target, classOf, false));
      while (queue !== null && queue.count >= BATCH) flush(BATCH);
    });
    if (queue !== null && queue.count > 0) flush(queue.count);
    drain(true);
    if (pool && pool.done > 0) sum.threads = 2;
  } catch (e) {
    if (e instanceof GiveUp || e instanceof DataError || e instanceof ConfigError || e instanceof RangeError) return null;
    throw e;
  } finally {
    pool?.close();
  }
  // what the whole-file path decides on the whole file: a label column with no label in it drops the
  // output's label column; one-row sequences with many number columns look wide
  if (hasLabels && sum.labelled === 0) return null;
  if (o.layout !== 'long' && allOneRow && sum.sequences >= 2 && mo.inputSize >= WIDE_MIN_COLUMNS) return null;
  if (p.plan.format === 'json') write(new TextEncoder().encode('\n ]\n}\n'));
  return sum;
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
