/**
 * The values of a CSV step column and the order they give: integers counting up by one (from any
 * start), or dates and timestamps (ISO 8601, as spreadsheets and pandas write them). Rows may come in
 * any order; a sequence's rows are put in step order.
 */
import { DataError } from '../errors.js';
import { DECIMAL, excerpt, quote } from './values.js';

export interface StepValue {
  /** The order: the integer, or milliseconds since 1970 for a date. */
  key: number;
  /** As the file writes it (trimmed), to echo back. */
  text: string;
  kind: 'integer' | 'time';
}

// 2024-01-31, 2024-01-31 12:00, 2024-01-31T12:00:00.5Z, 2024-01-31T12:00:00+02:00
const ISO = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

/** A step cell as a StepValue; `where` prefixes the message of a bad one, `hint` ends it. */
export function parseStepValue(cell: string, where: string, hint = ''): StepValue {
  const s = cell.trim();
  if (s !== '' && DECIMAL.test(s) && Number.isSafeInteger(Number(s))) return { key: Number(s), text: s, kind: 'integer' };
  if (ISO.test(s)) {
    // A date alone or a time without a zone reads as UTC, so the order never depends on the machine's zone.
    const zoned = /(?:Z|[+-]\d{2}:?\d{2})$/.test(s) && s.length > 10;
    const t = Date.parse(zoned ? s.replace(' ', 'T') : `${s.replace(' ', 'T')}${s.length > 10 ? 'Z' : ''}`);
    if (Number.isFinite(t)) return { key: t, text: s, kind: 'time' };
  }
  throw new DataError(
    `${where}: step ${quote(s)} is neither an integer nor a date; steps are whole numbers counting up by one within each sequence, or dates and times such as 2024-01-31 or 2024-01-31T12:00:00${hint}`,
  );
}

/** What orderSteps needs of a row. */
export interface SteppedRow {
  step: StepValue;
  line: number;
}

/**
 * `rows` (one sequence's) sorted by step. A step given twice is an error, and so are integer steps
 * with a gap (a missing row would shift every later step) and a mix of integers and dates.
 * `at(line)` prefixes a message about the step cell on that line.
 */
export function orderSteps<R extends SteppedRow>(rows: R[], id: string, at: (line: number) => string, hint = ''): R[] {
  const kind = rows[0]!.step.kind;
  const other = rows.find((r) => r.step.kind !== kind);
  if (other) {
    throw new DataError(
      `${at(other.line)}: sequence ${quote(id)} mixes integer steps and dates (line ${rows[0]!.line} has ${quote(rows[0]!.step.text)}, this line ${quote(other.step.text)}); give one kind of step throughout${hint}`,
    );
  }
  const sorted = [...rows].sort((a, b) => a.step.key - b.step.key || a.line - b.line);
  for (let k = 1; k < sorted.length; k++) {
    const [p, r] = [sorted[k - 1]!, sorted[k]!];
    if (r.step.key === p.step.key) {
      const [a, b] = p.line < r.line ? [p, r] : [r, p];
      throw new DataError(
        `${at(b.line)}: sequence ${quote(id)} has step ${excerpt(b.step.text)} twice (lines ${a.line} and ${b.line}); each step of a sequence needs its own row${hint}`,
      );
    }
    if (kind === 'integer' && r.step.key !== p.step.key + 1) {
      throw new DataError(
        `${at(r.line)}: sequence ${quote(id)} goes from step ${excerpt(p.step.text)} (line ${p.line}) to step ${excerpt(r.step.text)}; integer steps must count up by one within a sequence (rows may come in any order), so step ${p.step.key + 1} is missing${hint}`,
      );
    }
  }
  return sorted;
}
