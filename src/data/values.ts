/**
 * One value of a data file, as both readers take it: a feature (a number within float32's range) or
 * a label (class text), and how messages quote values and list names.
 */

/**
 * A decimal number as a CSV cell or a label may write it. One way to match each string: `\d+\.?\d*`
 * could split a run of digits anywhere, so a 10 MB cell of digits and a letter took quadratic time to fail.
 */
export const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const FLOAT32_MAX = 3.4028234663852886e38;

/** A feature cell as a number, or what is wrong with it (the rest of a sentence). */
export function parseFeature(cell: string): number | string {
  const s = cell.trim();
  if (s === '') return 'the value is empty; every step needs a number for every feature (fill or drop missing values first)';
  if (/^[+-]?(nan|inf|infinity)$/i.test(s))
    return `${quote(s)} is not a finite number; features must be finite (fill or drop missing values first)`;
  if (!DECIMAL.test(s)) return `${quote(s)} is not a number; features are decimal numbers such as 0.25, -3 or 1e-4`;
  return inFloat32(Number(s), excerpt(s));
}

/** `v` (written `text` in the file) when float32 holds it, else what is wrong with it. */
export function inFloat32(v: number, text: string): number | string {
  return Math.abs(v) > FLOAT32_MAX ? `${text} is beyond float32's range; features must lie within ±3.4e38 (rescale the column)` : v;
}

/**
 * A label as canonical text, or null when empty. A label that reads as an integer is one: "1", "01"
 * and "1.0" (as pandas writes an integer column that has blanks) are all class "1". A real number
 * stays as written: it is a regression target, or (for classes) refused by assemble() at its place.
 */
export function labelText(label: string | number, _where?: string): string | null {
  const s = typeof label === 'number' ? String(label) : label.trim();
  if (s === '') return null;
  if (!DECIMAL.test(s)) return s;
  const v = Number(s);
  return Number.isSafeInteger(v) ? String(v) : s;
}

/** "a, b, c" with at most `max` items shown; a long item, or one with a line break or comma, quoted and cut. */
export function list(items: readonly string[], max = 12): string {
  const shown = items.slice(0, max).map(excerpt).join(', ');
  return items.length > max ? `${shown}, ... (${items.length} in all)` : shown;
}

/** `s` as it is when it is short and on one line, else quoted and cut (quote). */
export function excerpt(s: string): string {
  return s.length > 40 || UNSAFE.test(s) ? quote(s) : s;
}

/** Control characters, line separators and commas: what would break a one-line list of names. */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029,]/;

/**
 * A value quoted for a message, cut to 40 characters, on one line: a data file's cell may be 10 MB or
 * hold line breaks, and a message quotes only an excerpt (JSON escapes the control characters).
 */
export function quote(s: string): string {
  const cut = s.length > 40 ? `${s.slice(0, 37)}...` : s;
  return JSON.stringify(cut).replace(/[\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A path's file name. */
export function baseName(source: string): string {
  return source.split(/[\\/]/).pop() ?? source;
}
