/** The diverging colour of a value (red positive, blue negative, white zero), and a legible text colour on it. */
import { scaleDiverging } from 'd3-scale';
import { interpolateRdBu } from 'd3-scale-chromatic';

export function diverging(maxAbs: number): (v: number) => string {
  const m = maxAbs > 0 && Number.isFinite(maxAbs) ? maxAbs : 1;
  const s = scaleDiverging(interpolateRdBu).domain([m, 0, -m]).clamp(true);
  return (v: number) => s(v);
}

/** WCAG relative luminance of an "rgb(r, g, b)" or "#rrggbb" colour. */
function luminance(c: string): number {
  const m = c.startsWith('#') ? [1, 3, 5].map((i) => parseInt(c.slice(i, i + 2), 16)) : (c.match(/\d+/g) ?? ['0', '0', '0']).map(Number);
  const [r, g, b] = m.map((v) => {
    const s = v / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

/** Dark or white text, whichever contrasts more with the value's cell colour (WCAG AA on the RdBu scale). */
export function textOn(v: number, maxAbs: number): string {
  const L = luminance(diverging(maxAbs)(v));
  const dark = (L + 0.05) / (luminance('#111111') + 0.05);
  const light = 1.05 / (L + 0.05);
  return dark >= light ? '#111' : '#fff';
}

export function maxAbs(rows: readonly (readonly number[])[]): number {
  let m = 0;
  for (const r of rows) for (const v of r) if (Number.isFinite(v)) m = Math.max(m, Math.abs(v));
  return m;
}

/** Series colours with at least 4.5:1 contrast on white. */
export const SERIES = ['#1f5fa8', '#b4361c', '#2c7a3a', '#7a3fa0', '#8a5a00'];
