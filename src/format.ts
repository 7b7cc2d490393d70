/**
 * How numbers are written for people, in the terminal, on the page and in the explanations: one
 * module so that a value reads the same everywhere. Pure, no dependencies.
 */

/** A number with `d` decimals; a small negative keeps its sign ("-0.00"), as the CLI's traces show it. */
export function num(v: number, d = 2): string {
  return Number.isFinite(v) ? v.toFixed(d) : String(v);
}

/** A number with `d` decimals, "-0.00" written "0.00": the page's way, where a sign on nothing distracts. */
export function tidy(v: number, d: number): string {
  const s = num(v, d);
  return /^-0\.0*$/.test(s) ? s.slice(1) : s;
}

export const f2 = (v: number): string => tidy(v, 2);
export const f3 = (v: number): string => tidy(v, 3);
export const f4 = (v: number): string => num(v, 4);

/** A fraction as a percentage with one decimal: 0.8912 -> "89.1%". */
export function pct(v: number): string {
  return `${(v * 100).toFixed(1)}%`;
}

/** A fraction as a whole percentage: 0.126 -> "13%". */
export function wholePct(v: number): string {
  return `${Math.round(v * 100)}%`;
}

/** A difference of two fractions in percentage points, signed: 0.534 -> "+53.4 points". */
export function points(v: number): string {
  return `${v >= 0 ? '+' : ''}${(v * 100).toFixed(1)} points`;
}

/** [0.12, -0.30, 0.05], eliding the middle past `max` entries: [0.12, -0.30, ..., 0.05]. */
export function vec(v: ArrayLike<number>, d = 2, max = 8, write: (v: number, d: number) => string = num): string {
  const a = Array.from(v, (x) => write(x, d));
  if (a.length > max) return `[${[...a.slice(0, max - 2), '...', ...a.slice(-1)].join(', ')}]`;
  return `[${a.join(', ')}]`;
}

/** The lesson's sample of a matrix: first row, ..., last row. */
export function rowsSample(rows: number[][], d = 2, maxCols = 8): string {
  if (rows.length === 0) return '[]';
  if (rows.length <= 2) return `[${rows.map((r) => vec(r, d, maxCols)).join(', ')}]`;
  return `[${vec(rows[0]!, d, maxCols)}, ..., ${vec(rows[rows.length - 1]!, d, maxCols)}]`;
}

export function shape(s: readonly number[]): string {
  return `[${s.join(', ')}]`;
}

/** "10 time steps x 5 features". */
export function dims(s: readonly number[], names: readonly string[]): string {
  return s.map((n, i) => `${n} ${names[i] ?? ''}`.trim()).join(' x ');
}

/** A duration: "340 ms" under a second, "2.15 s" from one. */
export function seconds(s: number): string {
  return s < 1 ? `${Math.round(s * 1000)} ms` : `${s.toFixed(2)} s`;
}

/** A value in the target's units (regression) as every front end writes it: 4 significant digits, fixed for large ones. */
export function units(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  return Math.abs(v) >= 1000 ? v.toFixed(1) : Number(v.toPrecision(4)).toString();
}
