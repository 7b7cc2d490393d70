/** The diverging colour of a value (red positive, blue negative, white zero), and a legible text colour on it. */
import { scaleDiverging } from 'd3-scale';
import { interpolateRdBu } from 'd3-scale-chromatic';

export function diverging(maxAbs: number): (v: number) => string {
  const m = maxAbs > 0 && Number.isFinite(maxAbs) ? maxAbs : 1;
  const s = scaleDiverging(interpolateRdBu).domain([m, 0, -m]).clamp(true);
  return (v: number) => s(v);
}

/** Dark text on light cells, white on dark ones (keeps WCAG AA contrast on the RdBu scale). */
export function textOn(v: number, maxAbs: number): string {
  return Math.abs(v) / (maxAbs || 1) > 0.55 ? '#fff' : '#111';
}

export function maxAbs(rows: readonly (readonly number[])[]): number {
  let m = 0;
  for (const r of rows) for (const v of r) if (Number.isFinite(v)) m = Math.max(m, Math.abs(v));
  return m;
}

/** Series colours with at least 4.5:1 contrast on white. */
export const SERIES = ['#1f5fa8', '#b4361c', '#2c7a3a', '#7a3fa0', '#8a5a00'];
