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
import { DECIMAL, labelText, list, parseFeature, quote } from './values.js';

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

  const seqs: { id: string; x: number[]; labels: (string | null)[]; lines: number[]; step: number }[] = [];
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
        throw new DataError(
          `${source} line ${line}: sequence ${quote(id)} continues here after rows of other sequences (its earlier rows end on line ${last}); without a step column a sequence's rows must be together and in order, so sort the rows by id or add a step column`,
        );
      }
      if (step !== null && step !== s.step + 1) {
        const what =
          step === s.step
            ? `has step ${step} twice (lines ${last} and ${line})`
            : step < s.step
              ? `has step ${step} after step ${s.step} (line ${last})`
              : `goes from step ${s.step} (line ${last}) to step ${step}`;
        throw new DataError(
          `${at(cols.step)}: sequence ${quote(id)} ${what}; steps must count up by one within a sequence, so step ${s.step + 1} was expected here`,
        );
      }
      if (s.lines.length >= maxSteps) {
        throw new DataError(
          `${source} line ${line}: sequence ${quote(id)} has more than ${maxSteps} steps, the most one sequence may have; split it into shorter sequences`,
        );
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
  const labelCol = quote(header[cols.label] ?? '');
  return assemble(
    raw,
    cols.features.map((c) => header[c]!),
    source,
    o,
    {
      label: (k, t) => `line ${seqs[k]!.lines[t]}, column ${labelCol}`,
      short: (k, t) => `line ${seqs[k]!.lines[t]}`,
      sequence: (k) => {
        const ls = seqs[k]!.lines;
        const span = ls.length === 1 ? `line ${ls[0]}` : `lines ${ls[0]} to ${ls[ls.length - 1]}`;
        return `${span} (sequence ${quote(seqs[k]!.id)})`;
      },
    },
  );
}

/**
 * The field separator: one character that is not a quote or a line break. papaparse would replace
 * any of those by its own guess, silently; "\t" and "\\t" both mean a tab (a shell passes the latter).
 */
function delimiter(o: CsvOptions): string {
  const d = o.delimiter === '\\t' ? '\t' : (o.delimiter ?? ',');
  if ([...d].length !== 1 || /["\r\n\ufeff]/.test(d)) {
    throw new ConfigError(
      `${optionName(o, 'delimiter')} must be one character other than a quote or a line break, got ${quote(d)}; a CSV's fields are usually separated by "," ";" "|" or a tab`,
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

function parseStep(cell: string, where: string): number {
  const s = cell.trim();
  const v = Number(s);
  if (s === '' || !DECIMAL.test(s) || !Number.isSafeInteger(v)) {
    throw new DataError(`${where}: step ${quote(s)} is not an integer; steps are whole numbers counting up by one within each sequence`);
  }
  return v;
}
