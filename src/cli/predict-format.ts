/**
 * A batch of sequences to the text `rnnscope predict` writes for it: predictions, records, and CSV rows
 * or JSON objects. One function, so that the main thread and predict's worker thread (predict-pool.ts)
 * write the same bytes for the same batch. Nothing here may depend on which thread runs it.
 */
import { stringify } from 'csv-stringify/sync';
import type { SequenceModel } from '../nn/model.js';
import type { Sequence } from '../data/dataset.js';
import { predictRows, predictSequences, type Prediction } from '../train/infer.js';

/** Sequences per forward pass: predictSequences' batch. */
export const BATCH = 256;

/** A prediction as the output's record. */
export type RecordOf = (p: Prediction, steps: readonly string[] | undefined, labelled: boolean) => Record<string, unknown>;

/** What the records look like: plain data, so that it crosses to a worker thread. */
export interface RecordPlan {
  /** The model's class names, in class order. */
  classes: string[];
  /** One record per step (a head on every step), else one per sequence. */
  steps: boolean;
  format: 'csv' | 'json';
}

/** The output's record of a prediction: id, step, predicted class, each class's probability, label. */
export function recordMaker(plan: RecordPlan): RecordOf {
  const cls = plan.classes;
  return (p, stepTexts, labelled) => ({
    id: p.id,
    // the file's own step values, so predictions join back to its rows; without a step column, 1, 2, ...
    ...(plan.steps ? { step: stepValue(stepTexts?.[p.t]) ?? p.t + 1 } : {}),
    predicted: cls[p.predicted],
    ...Object.fromEntries(cls.map((c, k) => [`p_${c}`, Number(p.probs[k]!.toFixed(6))])),
    ...(labelled ? { label: p.target >= 0 ? cls[p.target] : '' } : {}),
  });
}

/** A step as the file wrote it: integers as numbers, dates as text. */
function stepValue(text: string | undefined): number | string | undefined {
  return text !== undefined && /^[+-]?\d+$/.test(text) ? Number(text) : text;
}

/** One batch's text, as UTF-8, and counts. */
export interface BatchText {
  bytes: Uint8Array;
  /** Records written, labelled ones, and labelled ones predicted right. */
  rows: number;
  labelled: number;
  correct: number;
  /** The records' keys (the CSV header), from the first record. */
  columns: string[];
}

/**
 * Predicts `seqs` and writes their records: with the CSV header, or JSON's opening, when `first`;
 * `columns` from the first batch (null for the first).
 */
export function batchText(
  model: SequenceModel,
  seqs: readonly Sequence[],
  plan: RecordPlan,
  hasLabels: boolean,
  first: boolean,
  columns: string[] | null,
  recordOf: RecordOf = recordMaker(plan),
): BatchText {
  if (plan.format === 'csv' && seqs.length > 0) {
    const cols = columns ?? columnsOf(plan, hasLabels);
    return { ...csvLines(model, seqs, plan, hasLabels, first, cols, recordOf), columns: cols };
  }
  const preds = predictSequences(model, seqs, BATCH);
  const steps = new Map(seqs.map((q) => [q.id, q.steps]));
  let labelled = 0;
  let correct = 0;
  for (const q of preds) {
    if (q.target < 0) continue;
    labelled++;
    if (q.predicted === q.target) correct++;
  }
  const records = preds.map((q) => recordOf(q, steps.get(q.id), hasLabels));
  const cols = columns ?? Object.keys(records[0] ?? {});
  const out = new TextBytes();
  if (plan.format === 'csv') csvRows(out, records, first, cols);
  else {
    out.push(first ? `{\n "classes": ${JSON.stringify(plan.classes, null, 1).replace(/\n/g, '\n ')},\n "predictions": [\n` : `,\n`);
    records.forEach((r, k) => out.push(`${k ? ',\n' : ''}  ${JSON.stringify(r, null, 1).replace(/\n/g, '\n  ')}`));
  }
  return { bytes: out.done(), rows: preds.length, labelled, correct, columns: cols };
}

/** The keys of recordMaker's records, in its order: the CSV header. */
function columnsOf(plan: RecordPlan, labelled: boolean): string[] {
  return ['id', ...(plan.steps ? ['step'] : []), 'predicted', ...plan.classes.map((c) => `p_${c}`), ...(labelled ? ['label'] : [])];
}

/** Text csv-stringify writes as it is: no separator, quote or line break. */
const plain = (t: string): boolean => !/[",\r\n]/.test(t);

/**
 * Predictions as CSV lines, byte for byte as csvRows(records) writes them, without making the records
 * (an object per row, spread from three more, was half of predict's time): each field is formatted as
 * the record holds it and joined; a row with a field to quote goes through its record and csv-stringify.
 */
function csvLines(
  model: SequenceModel,
  seqs: readonly Sequence[],
  plan: RecordPlan,
  labelled: boolean,
  header: boolean,
  columns: string[],
  recordOf: RecordOf,
): Omit<BatchText, 'columns'> {
  const cls = plan.classes;
  const C = model.options.numClasses;
  const clsPlain = cls.every(plain);
  const out = new TextBytes();
  if (header) out.push(stringify([], { header: true, columns }));
  const n = { rows: 0, labelled: 0, correct: 0 };
  // each prediction as it comes (predictRows), not an object and an array each
  predictRows(
    model,
    seqs,
    (s, t, probs, at, predicted, target) => {
      n.rows++;
      if (target >= 0) {
        n.labelled++;
        if (predicted === target) n.correct++;
      }
      let line: string | null = plain(s.id) && clsPlain ? s.id : null;
      if (line !== null && plan.steps) {
        const v = stepValue(s.steps?.[t]) ?? t + 1;
        const text = String(v);
        line = typeof v === 'number' || plain(text) ? `${line},${text}` : null;
      }
      if (line === null) {
        const p: Prediction = { id: s.id, t, probs: Array.from(probs.subarray(at, at + C)), predicted, target };
        out.push(stringify([recordOf(p, s.steps, labelled)], { columns }));
        return;
      }
      line += `,${cls[predicted]}`;
      for (let k = 0; k < C; k++) line += `,${Number(probs[at + k]!.toFixed(6))}`;
      if (labelled) line += `,${target >= 0 ? cls[target] : ''}`;
      out.push(`${line}\n`);
    },
    BATCH,
  );
  return { bytes: out.done(), ...n };
}

/**
 * Records as CSV, byte for byte as csv-stringify writes them: a record with nothing to quote (the
 * common case: ids without a separator, quote or line break, numbers) is joined by hand; any other
 * goes through csv-stringify itself.
 */
function csvRows(out: TextBytes, records: Record<string, unknown>[], header: boolean, columns: string[]): void {
  if (header) out.push(stringify([], { header: true, columns }));
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
    out.push(line !== '' || columns.length === 0 ? `${line}\n` : stringify([r], { columns }));
  }
}

const utf8 = new TextEncoder();

/**
 * Text gathered as UTF-8 bytes a few kilobytes of string at a time, so a batch's text (over 100 KB) is
 * never one string: V8 puts a string that large in its old generation, kept until a full collection,
 * which made predict's heap grow and shrink by tens of megabytes; bytes are written (or sent from the
 * worker) as they are.
 */
class TextBytes {
  private bytes = new Uint8Array(1 << 16);
  private n = 0;
  private s = '';

  push(t: string): void {
    this.s += t;
    if (this.s.length >= 8192) this.flush();
  }

  /** The bytes of everything pushed. */
  done(): Uint8Array {
    this.flush();
    return this.bytes.subarray(0, this.n);
  }

  private flush(): void {
    const room = this.n + 3 * this.s.length; // a UTF-16 unit is at most 3 bytes of UTF-8
    if (room > this.bytes.length) {
      const b = new Uint8Array(Math.max(room, 2 * this.bytes.length));
      b.set(this.bytes.subarray(0, this.n));
      this.bytes = b;
    }
    this.n += utf8.encodeInto(this.s, this.bytes.subarray(this.n)).written;
    this.s = '';
  }
}
