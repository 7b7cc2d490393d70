/**
 * CSV data files in long form: a header naming the columns, then one row per step.
 *
 *     id,step,temp,pressure,label
 *     s1,0,0.51,1.2,up
 *     s1,1,0.64,1.1,up
 *     s2,0,0.20,0.9,down
 *
 * Also the part both readers (CSV and JSON) share: ReadOptions, and `assemble`, which turns label
 * text into classes and targets. Works in the browser too: it takes the file's text, never a path.
 */
import Papa from 'papaparse';
import { ConfigError, DataError } from '../errors.js';
import type { Dataset, Sequence, Target } from './dataset.js';

/** Options both readers take. */
export interface ReadOptions {
  /**
   * Class names, index = class id (a trained model's classes); a label outside them is an error.
   * Default: the labels found. All integers 0, 1, ...: class id = the integer, as PyTorch expects
   * (classes "0".."max", gaps kept). Otherwise the distinct labels sorted (numerically if all numbers).
   */
  classes?: readonly string[];
  /** Features per step the caller expects (a model's input size). Default: any count. */
  featureCount?: number;
  /**
   * 'steps': a class per step (a step with an empty label gets -100 and is skipped by the loss).
   * 'last': one class per sequence; a sequence's labelled steps must agree.
   * 'auto' (default): 'last' when every sequence has exactly one labelled step and some sequence has
   * more than one step (a label on the last row only), else 'steps'.
   */
  target?: Target | 'auto';
  /** When false, a file without labels reads as unlabelled (every target -100), for prediction. Default true. */
  requireLabels?: boolean;
  /** Most steps one sequence may have. Default 100000. */
  maxSteps?: number;
  /** The dataset's name. Default: the source's file name without its extension. */
  name?: string;
  /** How messages name the column options, e.g. { label: "--label-col" } for a CLI. Default: "the label option". */
  optionNames?: Partial<Record<'id' | 'step' | 'label' | 'features' | 'delimiter', string>>;
}

/** Options of readCsv: which columns are which. Column names given here must match the header exactly. */
export interface CsvOptions extends ReadOptions {
  /** The sequence id column. Default: the first of id, sequence, seq, sequence_id, seq_id (any case). */
  id?: string;
  /**
   * The step column: integers counting up by one within each sequence, from any start. null: no step
   * column (a column named t stays a feature). Default: the first of step, t, time, timestep (any
   * case); without one, steps are the rows in file order.
   */
  step?: string | null;
  /** The label column. Default: the first of label, class, y, target (any case). */
  label?: string;
  /** Feature columns, in input order. Default: every column but id, step and label, in header order. */
  features?: readonly string[];
  /** Field separator. Default ",". */
  delimiter?: string;
}

/** Most steps one sequence may have, unless ReadOptions.maxSteps says otherwise. */
export const MAX_STEPS = 100_000;

const defaults = {
  id: ['id', 'sequence', 'seq', 'sequence_id', 'seq_id'],
  step: ['step', 't', 'time', 'timestep'],
  label: ['label', 'class', 'y', 'target'],
};

/** Reads long-form CSV `text` (from `source`, a file name used in messages) as a Dataset. */
export function readCsv(text: string, source: string, o: CsvOptions = {}): Dataset {
  checkOptions(o);
  if (text.replace(/^\ufeff/, '').trim() === '') {
    throw new DataError(`${source} is empty; a CSV data file needs a header naming its columns (id, step, features, label) and one row per step`);
  }
  const rows = parseRows(text, source, o.delimiter ?? ',');
  const first = rows.findIndex((r) => !blank(r.fields));
  const header = rows[first]!.fields.map((h) => h.trim());
  const headerLine = rows[first]!.line;
  const cols = resolveColumns(header, headerLine, source, o);
  const maxSteps = o.maxSteps ?? MAX_STEPS;
  const M = header.length;

  const seqs: { id: string; x: number[]; labels: (string | null)[]; lines: number[]; step: number }[] = [];
  const byId = new Map<string, number>();
  let current = -1;
  const I = cols.features.length;
  for (let r = first + 1; r < rows.length; r++) {
    const { fields, line } = rows[r]!;
    if (blank(fields)) continue;
    if (fields.length !== M) {
      throw new DataError(`${source} line ${line} has ${fields.length} fields but the header (line ${headerLine}) has ${M} (${list(header)}); every row needs one value per column`);
    }
    const at = (c: number) => `${source} line ${line}, column ${JSON.stringify(header[c])}`;
    const id = fields[cols.id]!.trim();
    if (id === '') throw new DataError(`${at(cols.id)}: the sequence id is empty; every row needs the id of the sequence it belongs to`);
    const step = cols.step < 0 ? null : parseStep(fields[cols.step]!, at(cols.step));
    let k = byId.get(id);
    if (k === undefined) {
      k = seqs.length;
      byId.set(id, k);
      seqs.push({ id, x: [], labels: [], lines: [], step: step ?? 0 });
    } else {
      const s = seqs[k]!;
      const last = s.lines[s.lines.length - 1]!;
      if (step === null && k !== current) {
        throw new DataError(`${source} line ${line}: sequence ${JSON.stringify(id)} continues here after rows of other sequences (its earlier rows end on line ${last}); without a step column a sequence's rows must be together and in order, so sort the rows by id or add a step column`);
      }
      if (step !== null && step !== s.step + 1) {
        const what = step === s.step ? `has step ${step} twice (lines ${last} and ${line})`
          : step < s.step ? `has step ${step} after step ${s.step} (line ${last})`
          : `goes from step ${s.step} (line ${last}) to step ${step}`;
        throw new DataError(`${at(cols.step)}: sequence ${JSON.stringify(id)} ${what}; steps must count up by one within a sequence, so step ${s.step + 1} was expected here`);
      }
      if (s.lines.length >= maxSteps) {
        throw new DataError(`${source} line ${line}: sequence ${JSON.stringify(id)} has more than ${maxSteps} steps, the most one sequence may have; split it into shorter sequences`);
      }
      s.step = step ?? s.step + 1;
    }
    current = k;
    const s = seqs[k]!;
    for (let i = 0; i < I; i++) {
      const c = cols.features[i]!;
      const v = parseFeature(fields[c]!);
      if (typeof v === 'string') throw new DataError(`${at(c)}: ${v}`);
      s.x.push(v);
    }
    s.labels.push(cols.label < 0 ? null : labelText(fields[cols.label]!, at(cols.label)));
    s.lines.push(line);
  }
  if (seqs.length === 0) {
    throw new DataError(`${source} has a header (line ${headerLine}) but no rows; add one row per step under it`);
  }
  const raw = seqs.map((s) => ({ id: s.id, length: s.lines.length, x: Float32Array.from(s.x), labels: s.labels }));
  const labelCol = JSON.stringify(header[cols.label]);
  return assemble(raw, cols.features.map((c) => header[c]!), source, o, {
    label: (k, t) => `line ${seqs[k]!.lines[t]}, column ${labelCol}`,
    short: (k, t) => `line ${seqs[k]!.lines[t]}`,
    sequence: (k) => {
      const ls = seqs[k]!.lines;
      const span = ls.length === 1 ? `line ${ls[0]}` : `lines ${ls[0]} to ${ls[ls.length - 1]}`;
      return `${span} (sequence ${JSON.stringify(seqs[k]!.id)})`;
    },
  });
}

interface Row {
  fields: string[];
  /** Line on which the row starts (a quoted field may span lines). */
  line: number;
}

/** Parses with papaparse (quotes, BOM) and numbers each row by the line it starts on. */
function parseRows(text: string, source: string, delimiter: string): Row[] {
  // One kind of line ending throughout: papaparse expects one per file, and lines are counted by "\n".
  const body = text.replace(/^\ufeff/, '').replace(/\r\n?/g, '\n');
  const { data, errors } = Papa.parse<string[]>(body, { delimiter, newline: '\n', skipEmptyLines: false });
  const bad = errors.filter((e) => e.type === 'Quotes').sort((a, b) => (a.index ?? 0) - (b.index ?? 0))[0];
  if (bad !== undefined) {
    const line = body.slice(0, bad.index ?? 0).split('\n').length;
    const what = bad.code === 'MissingQuotes' ? 'a quoted field is never closed' : 'a quoted field has text after its closing quote';
    throw new DataError(`${source} line ${line}: ${what}; quote a whole field ("like, this") and write a quote inside one as two ("")`);
  }
  const rows: Row[] = [];
  let line = 1;
  for (const fields of data) {
    rows.push({ fields, line });
    line += 1;
    for (const f of fields) for (let i = f.indexOf('\n'); i >= 0; i = f.indexOf('\n', i + 1)) line++;
  }
  return rows;
}

/** A row with nothing in it: an empty line, or only separators (as spreadsheets write). */
function blank(fields: string[]): boolean {
  return fields.every((f) => f.trim() === '');
}

interface Columns {
  id: number;
  /** -1: no step column. */
  step: number;
  /** -1: no label column (only when labels are not required). */
  label: number;
  features: number[];
}

function resolveColumns(header: string[], headerLine: number, source: string, o: CsvOptions): Columns {
  const empty = header.indexOf('');
  if (empty >= 0) throw new DataError(`${source} line ${headerLine}: header column ${empty + 1} has no name; every column needs a name (remove a trailing separator if there is one)`);
  header.forEach((h, c) => {
    const d = header.indexOf(h);
    if (d !== c) throw new DataError(`${source} line ${headerLine}: column ${JSON.stringify(h)} appears twice in the header (columns ${d + 1} and ${c + 1}); column names must be unique`);
  });
  const other = header.length === 1 ? /[;\t|]/.exec(header[0]!)?.[0] : undefined;
  if (other !== undefined) {
    const sep = other === '\t' ? 'tabs' : `"${other}"`;
    throw new DataError(`${source} line ${headerLine}: the header is one column, ${quote(header[0]!)}, so the fields seem separated by ${sep} rather than by "${o.delimiter ?? ','}"; save the file with commas, or give the separator with ${optionName(o, 'delimiter')}`);
  }
  const lower = header.map((h) => h.toLowerCase());
  // The first name of the list that is a column (so "label" wins over a feature named "y").
  const find = (given: string | undefined, names: string[]) =>
    given !== undefined ? header.indexOf(given) : names.map((n) => lower.indexOf(n)).find((c) => c >= 0) ?? -1;
  const missing = (role: string, given: string | undefined, names: string[]) => {
    return given !== undefined
      ? new DataError(`${source} has no column ${JSON.stringify(given)} (${optionName(o, role as 'id')}); its columns are ${list(header)}`)
      : new DataError(`${source} has no ${role} column: its columns are ${list(header)}, and none is named ${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}; name the column "${names[0]}", or give its name with ${optionName(o, role as 'id')}`);
  };
  const id = find(o.id, defaults.id);
  if (id < 0) throw missing('id', o.id, defaults.id);
  const label = find(o.label, defaults.label);
  if (label < 0 && (o.label !== undefined || (o.requireLabels ?? true))) throw missing('label', o.label, defaults.label);
  const step = o.step === null ? -1 : find(o.step, defaults.step);
  if (step < 0 && typeof o.step === 'string') throw missing('step', o.step, defaults.step);
  const roles = new Map<number, string>();
  for (const [role, c] of [['id', id], ['step', step], ['label', label]] as const) {
    if (c < 0) continue;
    const other = roles.get(c);
    if (other !== undefined) throw new DataError(`${source}: column ${JSON.stringify(header[c])} is given as both the ${other} and the ${role} column; each needs its own column`);
    roles.set(c, role);
  }
  let features: number[];
  if (o.features !== undefined) {
    features = o.features.map((f) => {
      const c = header.indexOf(f);
      if (c < 0) throw new DataError(`${source} has no feature column ${JSON.stringify(f)}; its columns are ${list(header)}`);
      const role = roles.get(c);
      if (role !== undefined) throw new DataError(`${source}: column ${JSON.stringify(f)} is the ${role} column, so it cannot also be a feature`);
      return c;
    });
  } else {
    features = header.map((_, c) => c).filter((c) => !roles.has(c));
  }
  if (features.length === 0) {
    throw new DataError(`${source} has no feature columns: its columns are ${list(header)}; add at least one column holding a number per step`);
  }
  checkFeatureCount(features.length, features.map((c) => header[c]!), source, o, 'feature column');
  return { id, step, label, features };
}

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const FLOAT32_MAX = 3.4028234663852886e38;

/** A feature cell as a number, or what is wrong with it (the rest of a sentence). */
export function parseFeature(cell: string): number | string {
  const s = cell.trim();
  if (s === '') return 'the value is empty; every step needs a number for every feature (fill or drop missing values first)';
  if (/^[+-]?(nan|inf|infinity)$/i.test(s)) return `${quote(s)} is not a finite number; features must be finite (fill or drop missing values first)`;
  if (!DECIMAL.test(s)) return `${quote(s)} is not a number; features are decimal numbers such as 0.25, -3 or 1e-4`;
  const v = Number(s);
  return Math.abs(v) > FLOAT32_MAX ? float32Problem(s) : v;
}

export function float32Problem(v: string): string {
  return `${v} is beyond float32's range; features must lie within ±3.4e38 (rescale the column)`;
}

function parseStep(cell: string, where: string): number {
  const s = cell.trim();
  const v = Number(s);
  if (s === '' || !DECIMAL.test(s) || !Number.isSafeInteger(v)) {
    throw new DataError(`${where}: step ${quote(s)} is not an integer; steps are whole numbers counting up by one within each sequence`);
  }
  return v;
}

/**
 * A label cell as canonical text, or null when empty. A label that reads as a number is one:
 * "1", "01" and "1.0" (as pandas writes an integer column that has blanks) are all class "1".
 */
export function labelText(cell: string, where: string): string | null {
  const s = cell.trim();
  if (s === '') return null;
  if (!DECIMAL.test(s)) return s;
  const v = Number(s);
  if (!Number.isSafeInteger(v)) {
    throw new DataError(`${where}: label ${s} is not a class; labels are class names or integer class ids, not real numbers`);
  }
  return String(v);
}

/** One sequence as a reader found it, before classes are known. */
export interface RawSequence {
  id: string;
  length: number;
  /** [length, I] features, row-major. */
  x: Float32Array;
  /** Label text per step (from labelText), null where a step has none. */
  labels: (string | null)[];
}

/** How a reader names places in its file, for messages. */
export interface Locator {
  /** Where step t's label of sequence k is, as a message prefix: 'line 12, column "label"'. */
  label(k: number, t: number): string;
  /** The same, short, for mid-sentence: 'line 12'. */
  short(k: number, t: number): string;
  /** Where sequence k is: 'lines 10 to 14 (sequence "s3")'. */
  sequence(k: number): string;
}

/**
 * Makes the Dataset: picks the target, fixes the classes (the caller's, else the file's, else the
 * labels found) and turns label text into class ids.
 */
export function assemble(raw: RawSequence[], features: string[], source: string, o: ReadOptions, loc: Locator, fileClasses?: readonly string[], description?: string): Dataset {
  const labelled = (s: RawSequence) => s.labels.reduce((n, l) => n + (l === null ? 0 : 1), 0);
  const target: Target = o.target === 'steps' || o.target === 'last' ? o.target
    : raw.every((s) => labelled(s) === 1) && raw.some((s) => s.length > 1) ? 'last' : 'steps';
  if (o.requireLabels ?? true) {
    raw.forEach((s, k) => {
      if (labelled(s) === 0) {
        throw new DataError(`${source} ${loc.sequence(k)}: the sequence has no label; ${target === 'last' ? 'give it its class (on its last step, or on every step)' : 'label its steps (a step left empty is skipped by the loss)'}`);
      }
    });
  }
  const given = o.classes !== undefined ? 'expected' : fileClasses !== undefined ? "file's" : null;
  const seen = [...new Set(raw.flatMap((s) => s.labels.filter((l): l is string => l !== null)))];
  const classes = [...(o.classes ?? fileClasses ?? inferClasses(seen))];
  const index = new Map(classes.map((c, i) => [c, i]));
  const classOf = (k: number, t: number): number => {
    const l = raw[k]!.labels[t]!;
    const c = index.get(l);
    if (c === undefined) throw new DataError(`${source} ${loc.label(k, t)}: ${quote(l)} is not one of the ${given} classes (${list(classes)})`);
    return c;
  };
  const sequences: Sequence[] = raw.map((s, k) => {
    let y: Int32Array;
    if (target === 'steps') {
      y = new Int32Array(s.length).fill(-100);
      for (let t = 0; t < s.length; t++) if (s.labels[t] !== null) y[t] = classOf(k, t);
    } else {
      const t0 = s.labels.findIndex((l) => l !== null);
      y = Int32Array.of(t0 < 0 ? -100 : classOf(k, t0));
      for (let t = t0 + 1; t0 >= 0 && t < s.length; t++) {
        const l = s.labels[t];
        if (l !== null && l !== s.labels[t0]) {
          throw new DataError(`${source} ${loc.label(k, t)}: sequence ${JSON.stringify(s.id)} is labelled ${quote(l!)} here but ${quote(s.labels[t0]!)} at ${loc.short(k, t0)}; with one label per sequence (target "last") its labelled steps must agree`);
        }
      }
    }
    return { id: s.id, length: s.length, x: s.x, y };
  });
  const name = o.name ?? baseName(source).replace(/\.[^.]*$/, '');
  let lo = Infinity, hi = 0;
  for (const s of raw) [lo, hi] = [Math.min(lo, s.length), Math.max(hi, s.length)];
  const steps = lo === hi ? `${lo}` : `${lo} to ${hi}`;
  return {
    name,
    description: description ?? `${raw.length} sequence${raw.length === 1 ? '' : 's'} of ${steps} step${hi === 1 ? '' : 's'} from ${baseName(source)}.`,
    features, classes, target, sequences,
  };
}

/** Class list for labels found in a file (see ReadOptions.classes). */
function inferClasses(seen: string[]): string[] {
  if (seen.length > 0 && seen.every((l) => /^(0|[1-9]\d*)$/.test(l))) {
    const max = seen.reduce((m, l) => Math.max(m, Number(l)), 0);
    if (max < 65536) return Array.from({ length: max + 1 }, (_, i) => String(i));
  }
  const numeric = seen.every((l) => DECIMAL.test(l));
  return [...seen].sort(numeric ? (a, b) => Number(a) - Number(b) : (a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** How a message names one of the column options. */
function optionName(o: ReadOptions, role: keyof NonNullable<ReadOptions['optionNames']>): string {
  return o.optionNames?.[role] ?? `the ${role} option`;
}

/** Checks a file's feature count against ReadOptions.featureCount. */
export function checkFeatureCount(I: number, names: readonly string[], source: string, o: ReadOptions, unit: 'feature column' | 'feature' = 'feature'): void {
  if (o.featureCount !== undefined && I !== o.featureCount) {
    const what = `${I} ${unit}${I === 1 ? '' : 's'}${unit === 'feature' ? ' per step' : ''}`;
    throw new DataError(`${source} has ${what} (${list(names)}) but the model's input size is ${o.featureCount}; give each step exactly ${o.featureCount} feature${o.featureCount === 1 ? '' : 's'}`);
  }
}

/** Rejects options a caller got wrong (these are programming or CLI mistakes, not data mistakes). */
export function checkOptions(o: ReadOptions): void {
  if (o.target !== undefined && !['steps', 'last', 'auto'].includes(o.target)) throw new ConfigError(`target must be "steps", "last" or "auto", got ${JSON.stringify(o.target)}`);
  for (const key of ['featureCount', 'maxSteps'] as const) {
    const v = o[key];
    if (v !== undefined && (!Number.isSafeInteger(v) || v < 1)) throw new ConfigError(`${key} must be a positive integer, got ${v}`);
  }
  if (o.classes !== undefined && (o.classes.length === 0 || new Set(o.classes).size !== o.classes.length)) {
    throw new ConfigError(`classes must be a non-empty list of distinct names, got ${list(o.classes)}`);
  }
}

/** "a, b, c" with at most `max` items shown. */
export function list(items: readonly string[], max = 12): string {
  const shown = items.slice(0, max).join(', ');
  return items.length > max ? `${shown}, ... (${items.length} in all)` : shown;
}

/** A value quoted for a message, cut to 40 characters. */
export function quote(s: string): string {
  return JSON.stringify(s.length > 40 ? `${s.slice(0, 37)}...` : s);
}

export function baseName(source: string): string {
  return source.split(/[\\/]/).pop() ?? source;
}
