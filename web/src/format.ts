/** How numbers are written on the page: the engine's values, rounded for reading only. */
export function f2(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const s = v.toFixed(2);
  return s === '-0.00' ? '0.00' : s;
}

export function f3(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const s = v.toFixed(3);
  return s === '-0.000' ? '0.000' : s;
}

export function f4(v: number): string {
  return Number.isFinite(v) ? v.toFixed(4) : String(v);
}

export function pct(v: number): string {
  return `${(v * 100).toFixed(1)}%`;
}

export function shape(s: readonly number[]): string {
  return `[${s.join(', ')}]`;
}

export function ms(seconds: number): string {
  return seconds < 1 ? `${Math.round(seconds * 1000)} ms` : `${seconds.toFixed(2)} s`;
}

/** "[0.12, -0.40, ..., 0.33]": the seed's way of showing a few values of a long row. */
export function vec(v: readonly number[], max = 6): string {
  const a = v.map(f2);
  return `[${a.length > max ? [...a.slice(0, max - 2), '...', a[a.length - 1]!].join(', ') : a.join(', ')}]`;
}

export const sub = (t: number): string => `${t + 1}`;
