/**
 * CSV data files in long form: a header naming the columns, then one row per step.
 *
 *     id,step,temp,pressure,label
 *     s1,0,0.51,1.2,up
 *     s1,1,0.64,1.1,up
 *     s2,0,0.20,0.9,down
 *
 * Works in the browser too: it takes the file's text, never a path.
 */
import Papa from 'papaparse';
import { ConfigError, DataError } from '../errors.js';
import type { Dataset } from './dataset.js';
import { assemble } from './assemble.js';
import { resolveColumns, type CsvOptions } from './csv-columns.js';
import { checkOptions, MAX_STEPS, optionName } from './read-options.js';
import { labelText, list, parseFeature, quote } from './values.js';
import { orderSteps, parseStepValue, type StepValue } from './steps.js';

/** Reads long-form CSV `text` (from `source`, a file name used in messages) as a Dataset. */
export function readCsv(text: string, source: string, o: CsvOptions = {}): Dataset {
  checkOptions(o);
  if (text.replace(/^\ufeff/, '').trim() === '') {
    throw new DataError(
      `${source} is empty; a CSV data file needs a header naming its columns (id, step, features, label) and one row per step`,
    );
  }
  const rows = parseRows(text, source, delimiter(o));
  const first = rows.findIndex((r) => !blank(r.fields));
  if (first < 0) {
    throw new DataError(
      `${source} has only separators and blank lines, no header; a CSV data file needs a header naming its columns (id, step, features, label) and one row per step`,
    );
  }
  const header = rows[first]!.fields.map((h) => h.trim());
  const headerLine = rows[first]!.line;
  const cols = resolveColumns(header, headerLine, source, o);
  const maxSteps = o.maxSteps ?? MAX_STEPS;
  const M = header.length;

  // A column taken as the step by its name may be a feature (a "t" or "time" reading): say how to keep it one.
  const stepHint =
    cols.step >= 0 && o.step === undefined && header[cols.step]!.toLowerCase() !== 'step'
      ? `; column ${quote(header[cols.step]!)} was taken as the step column by its name, so if it is a feature, pass ${optionName(o, 'step')} none`
      : '';
  type CsvRow = { x: number[]; label: string | null; line: number; step: StepValue | null };
  const seqs: { id: string; rows: CsvRow[]; group?: string }[] = [];
  const byId = new Map<string, number>();
  let current = -1;
  const I = cols.features.length;
  for (let r = first + 1; r < rows.length; r++) {
    const { fields, line } = rows[r]!;
    if (blank(fields)) continue;
    if (fields.length !== M) {
      throw new DataError(
        `${source} line ${line} has ${fields.length} fields but the header (line ${headerLine}) has ${M} (${list(header)}); every row needs one value per column`,
      );
    }
    const at = (c: number) => `${source} line ${line}, column ${quote(header[c]!)}`;
    const id = fields[cols.id]!.trim();
    if (id === '') throw new DataError(`${at(cols.id)}: the sequence id is empty; every row needs the id of the sequence it belongs to`);
    const step = cols.step < 0 ? null : parseStepValue(fields[cols.step]!, at(cols.step), stepHint);
    let k = byId.get(id);
    if (k === undefined) {
      k = seqs.length;
      byId.set(id, k);
      seqs.push({ id, rows: [], group: cols.group < 0 ? undefined : fields[cols.group]!.trim() });
    } else {
      const s = seqs[k]!;
      if (step === null && k !== current) {
        throw new DataError(
          `${source} line ${line}: sequence ${quote(id)} continues here after rows of other sequences (its earlier rows end on line ${s.rows[s.rows.length - 1]!.line}); without a step column a sequence's rows must be together and in order, so sort the rows by id or add a step column`,
        );
      }
      if (s.rows.length >= maxSteps) {
        throw new DataError(
          `${source} line ${line}: sequence ${quote(id)} has more than ${maxSteps} steps, the most one sequence may have; split it into shorter sequences`,
        );
      }
    }
    current = k;
    const group = seqs[k]!.group;
    if (group !== undefined && fields[cols.group]!.trim() !== group)
      throw new DataError(
        `${at(cols.group)}: sequence ${quote(id)} is in group ${quote(fields[cols.group]!.trim())} here but in ${quote(group)} on line ${seqs[k]!.rows[0]!.line}; a sequence belongs to one group`,
      );
    const x: number[] = [];
    for (let i = 0; i < I; i++) {
      const c = cols.features[i]!;
      const v = parseFeature(fields[c]!);
      if (typeof v === 'string') throw new DataError(`${at(c)}: ${v}`);
      x.push(v);
    }
    const label = cols.label < 0 ? null : labelText(fields[cols.label]!, at(cols.label));
    seqs[k]!.rows.push({ x, label, line, step });
  }
  if (seqs.length === 0) {
    throw new DataError(`${source} has a header (line ${headerLine}) but no rows; add one row per step under it`);
  }
  // Rows in any order: each sequence is put in step order (checked for repeats and gaps).
  const stepAt = (line: number) => `${source} line ${line}, column ${quote(header[cols.step]!)}`;
  if (cols.step >= 0) for (const s of seqs) s.rows = orderSteps(s.rows as (CsvRow & { step: StepValue })[], s.id, stepAt, stepHint);
  const raw = seqs.map((s) => ({
    id: s.id,
    length: s.rows.length,
    x: Float32Array.from(s.rows.flatMap((r) => r.x)),
    labels: s.rows.map((r) => r.label),
    ...(cols.step >= 0 ? { steps: s.rows.map((r) => r.step!.text) } : {}),
    ...(s.group !== undefined ? { group: s.group } : {}),
  }));
  const lines = seqs.map((s) => s.rows.map((r) => r.line));
  const labelCol = quote(header[cols.label] ?? '');
  const ds = assemble(
    raw,
    cols.features.map((c) => header[c]!),
    source,
    o,
    {
      label: (k, t) => `line ${lines[k]![t]}, column ${labelCol}`,
      short: (k, t) => `line ${lines[k]![t]}`,
      sequence: (k) => {
        const ls = [...lines[k]!].sort((a, b) => a - b);
        const span = ls.length === 1 ? `line ${ls[0]}` : `lines ${ls[0]} to ${ls[ls.length - 1]}`;
        return `${span} (sequence ${quote(seqs[k]!.id)})`;
      },
    },
  );
  const used = new Set([cols.id, cols.step, cols.label, ...cols.features]);
  ds.unused = header.filter((_, c) => !used.has(c));
  if (cols.step >= 0) ds.stepColumn = { name: header[cols.step]!, byName: o.step === undefined };
  return ds;
}

/** The field separator of `o` (default ","), checked by csvDelimiter. */
function delimiter(o: CsvOptions): string {
  return csvDelimiter(o.delimiter, optionName(o, 'delimiter'));
}

/**
 * A CSV field separator: one character that is not a quote or a line break. papaparse would replace
 * any of those by its own guess, silently; "\t" and "\\t" both mean a tab (a shell passes the latter).
 * `option` names the option in the message. Throws ConfigError.
 */
export function csvDelimiter(given: string | undefined, option: string): string {
  const d = given === '\\t' ? '\t' : (given ?? ',');
  if ([...d].length !== 1 || /["\r\n\ufeff]/.test(d)) {
    throw new ConfigError(
      `${option} must be one character other than a quote or a line break, got ${quote(d)}; a CSV's fields are usually separated by "," ";" "|" or a tab`,
    );
  }
  return d;
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
