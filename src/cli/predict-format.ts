/**
 * A batch of sequences to the text `rnnscope predict` writes for it: predictions, records, and CSV rows
 * or JSON objects. One function, so that the main thread and predict's worker thread (predict-pool.ts)
 * write the same bytes for the same batch. Nothing here may depend on which thread runs it.
 */
import { stringify } from 'csv-stringify/sync';
import type { SequenceModel } from '../nn/model.js';
import type { Sequence } from '../data/dataset.js';
import { predictSequences, type Prediction } from '../train/infer.js';

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

/** One batch's text and counts. */
export interface BatchText {
  text: string;
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
  const preds = predictSequences(model, seqs, BATCH);
  const steps = new Map(seqs.map((q) => [q.id, q.steps]));
  let labelled = 0;
  let correct = 0;
  for (const q of preds) {
    if (q.target < 0) continue;
    labelled++;
    if (q.predicted === q.target) correct++;
  }
  if (plan.format === 'csv' && preds.length > 0) {
    const cols = columns ?? columnsOf(plan, hasLabels);
    return { text: csvLines(preds, steps, plan, hasLabels, first, cols, recordOf), rows: preds.length, labelled, correct, columns: cols };
  }
  const records = preds.map((q) => recordOf(q, steps.get(q.id), hasLabels));
  const cols = columns ?? Object.keys(records[0] ?? {});
  let text: string;
  if (plan.format === 'csv') text = csvRows(records, first, cols);
  else {
    const body = records.map((r) => `  ${JSON.stringify(r, null, 1).replace(/\n/g, '\n  ')}`).join(',\n');
    text = first
      ? `{\n "classes": ${JSON.stringify(plan.classes, null, 1).replace(/\n/g, '\n ')},\n "predictions": [\n${body}`
      : `,\n${body}`;
  }
  return { text, rows: preds.length, labelled, correct, columns: cols };
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
  preds: readonly Prediction[],
  steps: ReadonlyMap<string, readonly string[] | undefined>,
  plan: RecordPlan,
  labelled: boolean,
  header: boolean,
  columns: string[],
  recordOf: RecordOf,
): string {
  const cls = plan.classes;
  const clsPlain = cls.every(plain);
  let s = header ? stringify([], { header: true, columns }) : '';
  for (const p of preds) {
    let line: string | null = plain(p.id) && clsPlain ? p.id : null;
    if (line !== null && plan.steps) {
      const v = stepValue(steps.get(p.id)?.[p.t]) ?? p.t + 1;
      const t = String(v);
      line = typeof v === 'number' || plain(t) ? `${line},${t}` : null;
    }
    if (line === null) {
      s += stringify([recordOf(p, steps.get(p.id), labelled)], { columns });
      continue;
    }
    line += `,${cls[p.predicted]}`;
    for (let k = 0; k < p.probs.length; k++) line += `,${Number(p.probs[k]!.toFixed(6))}`;
    if (labelled) line += `,${p.target >= 0 ? cls[p.target] : ''}`;
    s += `${line}\n`;
  }
  return s;
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
