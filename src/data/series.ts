/**
 * Forecasting from a series itself: a table with one row per time step (CSV with a header, or a JSON
 * array of records), read into columns of numbers, ordered by its time column when it has one (dates
 * parsed, gaps found), cut into windows of W steps of every input column followed by the next H values
 * of the target, and split chronologically.
 *
 * The chronological split (`chronologicalSplit`): the steps 0..N-1 are cut into three consecutive
 * parts, train (the earliest 70%), validation (the next 15%) and test (the latest 15%). A window covers
 * W + H consecutive steps (its inputs and its targets) and belongs to the part that holds all of them;
 * a window that would cross a boundary belongs to none and is dropped. So no step of a validation or
 * test window, input or target, is ever a step of a training window.
 *
 * Works in the browser too: it takes the file's text, never a path.
 */
import Papa from 'papaparse';
import { DataError } from '../errors.js';
import type { Sequence } from './dataset.js';
import { parseJson } from './json-syntax.js';
import { baseName, DECIMAL, excerpt, list, quote } from './values.js';
import { csvDelimiter } from './csv.js';

/** How time moves between rows: a calendar step (months, years) or a fixed number of milliseconds. */
export type TimeStep = { unit: 'month'; n: number } | { unit: 'ms'; n: number } | { unit: 'index'; n: 1 };

export interface Series {
  name: string;
  /** Input columns, in input order; the target is one of them. */
  columns: string[];
  target: string;
  /** Per input column, its N values in time order. */
  values: Float64Array[];
  /** The time column's name, or null (rows are steps in file order). */
  timeCol: string | null;
  /** Each row's time label as written (null without a time column). */
  labels: string[] | null;
  /** Each row's time in ms since 1970 (null without a time column). */
  times: number[] | null;
  /** The usual step between rows. */
  step: TimeStep;
  /** Steps missing between consecutive rows: after row `after` (0-based), `missing` steps. */
  gaps: { after: number; missing: number }[];
}

export interface SeriesOptions {
  /** Input columns (default: every numeric column but the time column). */
  columns?: readonly string[];
  /** The column to forecast (default: the first input column). */
  target?: string;
  /** The time column (default: a column named date, time, timestamp, datetime, year or month, if any). */
  timeCol?: string;
  delimiter?: string;
}

const TIME_NAMES = ['date', 'time', 'timestamp', 'datetime', 'year', 'month', 'day'];

/** A time cell in ms since 1970 (UTC), or null when it does not read as one. */
export function parseTime(cell: string): number | null {
  const s = cell.trim();
  if (/^\d{4}$/.test(s)) return Date.UTC(Number(s), 0, 1);
  const m = /^(\d{4})-(\d{2})$/.exec(s);
  if (m) return Date.UTC(Number(m[1]), Number(m[2]) - 1, 1);
  if (/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(s)) {
    // a date or a local date-time without a zone is read as UTC, so that steps are exact days and hours
    const iso = s.replace(' ', 'T');
    const t = Date.parse(/T/.test(iso) && !/(Z|[+-]\d{2}:?\d{2})$/.test(iso) ? iso + 'Z' : iso.length === 10 ? iso + 'T00:00:00Z' : iso);
    return Number.isFinite(t) ? t : null;
  }
  if (DECIMAL.test(s)) return Number(s);
  return null;
}

/** The rows of a CSV or JSON table: header and string cells, with the line (CSV) or index (JSON) of each row. */
function table(text: string, source: string, delimiter: string): { header: string[]; rows: string[][]; where: (r: number) => string } {
  const body = text.replace(/^\ufeff/, '');
  if (body.trim() === '') throw new DataError(`${source} is empty; a series file needs a header and one row per time step`);
  if (/\.json$/i.test(source)) {
    const doc = parseJson(body, source);
    if (!Array.isArray(doc) || doc.length === 0 || doc.some((r) => typeof r !== 'object' || r === null || Array.isArray(r)))
      throw new DataError(`${source} is not a JSON array of records; a series in JSON is [{"date": "2020-01", "value": 1.5}, ...]`);
    const header = Object.keys(doc[0] as object);
    const rows = (doc as Record<string, unknown>[]).map((r) =>
      header.map((h) => (r[h] === null || r[h] === undefined ? '' : String(r[h]))),
    );
    return { header, rows, where: (r) => `${source} [${r}]` };
  }
  const parsed = Papa.parse<string[]>(body, { delimiter, skipEmptyLines: 'greedy' });
  const all = parsed.data;
  if (all.length < 2) throw new DataError(`${source} has a header but no rows; a series file needs one row per time step`);
  const header = all[0]!.map((h) => h.trim());
  const rows = all.slice(1);
  rows.forEach((r, i) => {
    if (r.length !== header.length)
      throw new DataError(`${source} row ${i + 2} has ${r.length} fields but the header has ${header.length} (${list(header)})`);
  });
  return { header, rows, where: (r) => `${source} line ${r + 2}` };
}

/** Reads a series table: its input columns as numbers, ordered and checked by its time column. */
export function readSeries(text: string, source: string, o: SeriesOptions = {}): Series {
  const { header, rows, where } = table(text, source, csvDelimiter(o.delimiter, '--delimiter'));
  const col = (name: string, what: string): number => {
    const c = header.indexOf(name);
    if (c < 0) throw new DataError(`${source} has no column ${quote(name)} (${what}); its columns are ${list(header)}`);
    return c;
  };
  const lower = header.map((h) => h.toLowerCase());
  const timeC =
    o.timeCol !== undefined ? col(o.timeCol, '--time-col') : (TIME_NAMES.map((n) => lower.indexOf(n)).find((c) => c >= 0) ?? -1);
  let inputs: number[];
  if (o.columns !== undefined) inputs = o.columns.map((c) => col(c, '--columns'));
  else inputs = header.map((_, c) => c).filter((c) => c !== timeC && rows.every((r) => DECIMAL.test(r[c]!.trim())));
  const targetC = o.target !== undefined ? col(o.target, '--target') : inputs[0];
  if (targetC === undefined)
    throw new DataError(`${source} has no numeric column to forecast (its columns are ${list(header)}); give the target with --target`);
  if (targetC === timeC) throw new DataError(`${source}: column ${quote(header[targetC]!)} is the time column, so it cannot be the target`);
  if (!inputs.includes(targetC)) inputs = [targetC, ...inputs];
  if (inputs.includes(timeC)) throw new DataError(`${source}: the time column ${quote(header[timeC]!)} cannot also be an input column`);

  const values = inputs.map((c) =>
    Float64Array.from(rows, (r, i) => {
      const s = r[c]!.trim();
      const v = Number(s);
      if (s === '' || !DECIMAL.test(s) || !Number.isFinite(v)) {
        const role = c === targetC ? 'the target' : 'an input column';
        throw new DataError(
          `${where(i)}, column ${quote(header[c]!)} (${role}): ${s === '' ? 'the value is empty' : `${quote(s)} is not a finite number`}; every row needs a number there (fill or drop missing values first)`,
        );
      }
      return v;
    }),
  );
  let labels: string[] | null = null;
  let times: number[] | null = null;
  if (timeC >= 0) {
    labels = rows.map((r) => r[timeC]!.trim());
    times = labels.map((l, i) => {
      const t = parseTime(l);
      if (t === null)
        throw new DataError(
          `${where(i)}, column ${quote(header[timeC]!)}: ${quote(l)} is not a date or time; write dates as 2024-03-01, 2024-03 or 2024, or times as 2024-03-01T12:00`,
        );
      return t;
    });
    for (let i = 1; i < times.length; i++) {
      if (!(times[i]! > times[i - 1]!))
        throw new DataError(
          `${where(i)}, column ${quote(header[timeC]!)}: ${excerpt(labels[i]!)} does not come after ${excerpt(labels[i - 1]!)} (the row before); the time column must increase from row to row`,
        );
    }
  }
  const { step, gaps } = times ? timeStep(times, labels!) : { step: { unit: 'index' as const, n: 1 as const }, gaps: [] };
  return {
    name: baseName(source).replace(/\.[^.]*$/, ''),
    columns: inputs.map((c) => header[c]!),
    target: header[targetC]!,
    values,
    timeCol: timeC >= 0 ? header[timeC]! : null,
    labels,
    times,
    step,
    gaps,
  };
}

/** The usual step between rows (calendar months when every row is at midnight on the same day of a month) and the gaps. */
function timeStep(times: number[], labels: string[]): { step: TimeStep; gaps: Series['gaps'] } {
  if (times.length < 2) return { step: { unit: 'index', n: 1 }, gaps: [] };
  const dates = times.map((t) => new Date(t));
  const calendar =
    labels.every((l) => /^\d{4}(-\d{2}(-\d{2})?)?$/.test(l)) && dates.every((d) => d.getUTCDate() === dates[0]!.getUTCDate());
  const diffs: number[] = [];
  for (let i = 1; i < times.length; i++)
    diffs.push(
      calendar
        ? (dates[i]!.getUTCFullYear() - dates[i - 1]!.getUTCFullYear()) * 12 + dates[i]!.getUTCMonth() - dates[i - 1]!.getUTCMonth()
        : times[i]! - times[i - 1]!,
    );
  const sorted = [...diffs].sort((a, b) => a - b);
  const n = sorted[Math.floor(sorted.length / 2)]!;
  const step: TimeStep = calendar ? { unit: 'month', n } : { unit: 'ms', n };
  const gaps: Series['gaps'] = [];
  diffs.forEach((d, i) => {
    const missing = Math.round(d / n) - 1;
    if (missing >= 1 && d > 1.5 * n) gaps.push({ after: i, missing });
  });
  return { step, gaps };
}

/** The time label `k` steps after `t` (ms), in the style of the series' labels. */
export function timeAfter(series: Pick<Series, 'step' | 'times' | 'labels'>, k: number): string {
  const { step, times, labels } = series;
  if (!times || !labels || step.unit === 'index') return `t+${k}`;
  const last = labels[labels.length - 1]!;
  const t = times[times.length - 1]!;
  if (step.unit === 'month') {
    const d = new Date(t);
    d.setUTCMonth(d.getUTCMonth() + k * step.n);
    const iso = d.toISOString();
    return /^\d{4}$/.test(last) ? iso.slice(0, 4) : /^\d{4}-\d{2}$/.test(last) ? iso.slice(0, 7) : iso.slice(0, 10);
  }
  const iso = new Date(t + k * step.n).toISOString();
  return /^\d{4}-\d{2}-\d{2}$/.test(last) ? iso.slice(0, 10) : iso.slice(0, 19);
}

/** A window: W steps of every input column, then the next H target values (in `v`, the target's units). */
export interface Window extends Sequence {
  /** Row of the series where the window's inputs start. */
  start: number;
  /** Persistence: the target's last value in the window, H times. */
  persistence: Float32Array;
  /** Seasonal naive: for each of the H steps, the target one season (S steps) earlier, or the latest season before the window ends; null without --season. */
  seasonal: Float32Array | null;
}

export interface WindowOptions {
  window: number;
  horizon: number;
  /** The season's length in steps, for the seasonal naive baseline. */
  season?: number | null;
  /**
   * Each window relative to its last step (default true): every input column minus its value at the
   * window's last step, and the targets as changes from the target's last value (kept in `offset`, added
   * back to every prediction). A model then learns the series' moves, not its levels, and a trending
   * series whose test part lies above anything seen in training stays in the range it was trained on.
   */
  relative?: boolean;
}

/** Checks window, horizon and season against a series of N steps; one sentence if they do not fit. */
export function checkWindowing(N: number, o: WindowOptions): void {
  if (!Number.isInteger(o.horizon) || o.horizon < 1)
    throw new DataError(`the horizon must be at least 1 step (the next value), got ${o.horizon}`);
  if (!Number.isInteger(o.window) || o.window < 1) throw new DataError(`the window must be at least 1 step, got ${o.window}`);
  if (o.window + o.horizon > N)
    throw new DataError(
      `the window (${o.window} steps) plus the horizon (${o.horizon}) is longer than the series (${N} steps); give a smaller --window or --horizon`,
    );
  if (o.season != null && (!Number.isInteger(o.season) || o.season < 1))
    throw new DataError(`the season must be a whole number of steps of at least 1, got ${o.season}`);
}

/** Every window of the series, in time order: inputs rows [s, s+W), targets rows [s+W, s+W+H). */
export function cutWindows(series: Series, o: WindowOptions): Window[] {
  const N = series.values[0]!.length;
  checkWindowing(N, o);
  const { window: W, horizon: H } = o;
  const I = series.columns.length;
  const y = series.values[series.columns.indexOf(series.target)]!;
  const out: Window[] = [];
  for (let s = 0; s + W + H <= N; s++) {
    const last = s + W - 1;
    const rel = o.relative ?? true;
    const x = new Float32Array(W * I);
    for (let t = 0; t < W; t++) for (let i = 0; i < I; i++) x[t * I + i] = series.values[i]![s + t]! - (rel ? series.values[i]![last]! : 0);
    const offset = rel ? y[last]! : 0;
    const v = Float32Array.from({ length: H }, (_, h) => y[s + W + h]! - offset);
    let seasonal: Float32Array | null = null;
    if (o.season) {
      const S = o.season;
      seasonal = Float32Array.from({ length: H }, (_, h) => {
        const at = s + W + h - S * Math.ceil((h + 1) / S);
        return at >= 0 ? y[at]! : NaN;
      });
    }
    const id = series.labels ? series.labels[s + W]! : `t=${s + W}`;
    out.push({ id, length: W, x, y: Int32Array.of(0), v, offset, start: s, persistence: new Float32Array(H).fill(y[last]!), seasonal });
  }
  return out;
}

/** Where the chronological split cuts N steps: train [0, a), validation [a, b), test [b, N). */
export function chronologicalBounds(N: number, valFrac = 0.15, testFrac = 0.15): { a: number; b: number } {
  const b = Math.round(N * (1 - testFrac));
  const a = Math.round(N * (1 - testFrac - valFrac));
  return { a, b };
}

/**
 * The chronological split (see the top of this file): train on the earliest steps, validate on the
 * next, test on the latest, each window wholly inside one part. Refuses a split that leaves a part
 * without a window.
 */
export function chronologicalSplit(
  windows: readonly Window[],
  N: number,
  o: WindowOptions,
  valFrac = 0.15,
  testFrac = 0.15,
): { train: Window[]; val: Window[]; test: Window[]; bounds: { a: number; b: number } } {
  const span = o.window + o.horizon;
  const { a, b } = chronologicalBounds(N, valFrac, testFrac);
  const inside = (lo: number, hi: number) => windows.filter((w) => w.start >= lo && w.start + span <= hi);
  const parts = { train: inside(0, a), val: inside(a, b), test: inside(b, N) };
  for (const [name, lo, hi] of [
    ['training', 0, a],
    ['validation', a, b],
    ['test', b, N],
  ] as const) {
    if (parts[name === 'training' ? 'train' : name === 'validation' ? 'val' : 'test'].length === 0)
      throw new DataError(
        `the series is too short for a chronological split: its ${name} part has ${hi - lo} steps, fewer than the window plus the horizon (${span}); give a longer series or a smaller --window`,
      );
  }
  return { ...parts, bounds: { a, b } };
}

/** The windows a model without memory sees: the last step of each window alone. */
export function lastStepAlone(windows: readonly Window[]): Window[] {
  return windows.map((w) => {
    const I = w.x.length / w.length;
    return { ...w, length: 1, x: w.x.slice((w.length - 1) * I) };
  });
}
