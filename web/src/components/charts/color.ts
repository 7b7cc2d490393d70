/**
 * The diverging colour of a value (red positive, blue negative, white zero), and a legible text colour
 * on it. The scale is d3's RdBu read once into a table of LEVELS colours, so colouring a large model's
 * state (thousands of cells, redrawn while it trains) costs an index, not an interpolation.
 */
import { interpolateRdBu } from 'd3-scale-chromatic';

/** Colours in the table: odd, so that zero has its own (white) level. */
const LEVELS = 255;
/** Level k is the colour of v = m * (1 - 2k / (LEVELS - 1)): red at +m, white at 0, blue at -m (RdBu's t = k / (LEVELS - 1)). */
const CSS: string[] = [];
/** The same colours as bytes, R G B per level, for pixel-filled canvases. */
export const RGB = new Uint8Array(LEVELS * 3);
for (let k = 0; k < LEVELS; k++) {
  // d3's interpolators give "rgb(r, g, b)".
  const [r = 0, g = 0, b = 0] = (interpolateRdBu(k / (LEVELS - 1)).match(/\d+/g) ?? []).map(Number);
  CSS.push(`rgb(${r}, ${g}, ${b})`);
  RGB.set([r, g, b], k * 3);
}
/** A value that is not a number (a diverged model's NaN) is grey, never a colour of the scale. */
const NOT_A_NUMBER = 'rgb(204, 204, 204)';

/** The level of v on a scale of +-m (clamped), or -1 for a value that is not finite. */
export function levelOf(maxAbs: number): (v: number) => number {
  const m = maxAbs > 0 && Number.isFinite(maxAbs) ? maxAbs : 1;
  const half = (LEVELS - 1) / 2;
  return (v: number) => (Number.isNaN(v) ? -1 : Math.round(half - half * Math.max(-1, Math.min(1, v / m))));
}

export function diverging(maxAbs: number): (v: number) => string {
  const level = levelOf(maxAbs);
  return (v: number) => {
    const k = level(v);
    return k < 0 ? NOT_A_NUMBER : CSS[k]!;
  };
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

/** Dark or white text, whichever contrasts more with a colour (WCAG AA on the RdBu scale). */
function textFor(c: string): string {
  const L = luminance(c);
  const dark = (L + 0.05) / (luminance('#111111') + 0.05);
  const light = 1.05 / (L + 0.05);
  return dark >= light ? '#111' : '#fff';
}
const TEXT = CSS.map(textFor);

/** Dark or white text, whichever contrasts more with the value's cell colour. */
export function textOn(v: number, maxAbs: number): string {
  const k = levelOf(maxAbs)(v);
  return k < 0 ? textFor(NOT_A_NUMBER) : TEXT[k]!;
}

export function maxAbs(rows: readonly (readonly number[])[]): number {
  let m = 0;
  for (const r of rows) for (const v of r) if (Number.isFinite(v)) m = Math.max(m, Math.abs(v));
  return m;
}

/** Series colours with at least 4.5:1 contrast on white. */
export const SERIES = ['#1f5fa8', '#b4361c', '#2c7a3a', '#7a3fa0', '#8a5a00'];

/**
 * Paints a grid of values as cells of cw x ch pixels (the last column and row of each left blank, a
 * gap between cells) at (x, y), with one putImageData: a canvas of a large model's state is thousands
 * of cells, and one fillRect with its own fillStyle per cell is what made redrawing it slow.
 */
export function paintCells(
  ctx: CanvasRenderingContext2D,
  x: number,
  y: number,
  rows: readonly (readonly number[])[],
  cw: number,
  ch: number,
  maxAbs: number,
): void {
  const R = rows.length;
  const C = rows[0]?.length ?? 0;
  if (R === 0 || C === 0) return;
  const level = levelOf(maxAbs);
  const img = ctx.createImageData(C * cw, R * ch);
  const px = img.data;
  const W = C * cw;
  for (let r = 0; r < R; r++) {
    const row = rows[r]!;
    for (let c = 0; c < C; c++) {
      const k = level(row[c]!);
      const [cr, cg, cb] = k < 0 ? [204, 204, 204] : [RGB[k * 3]!, RGB[k * 3 + 1]!, RGB[k * 3 + 2]!];
      for (let dy = 0; dy < ch - 1; dy++) {
        let o = ((r * ch + dy) * W + c * cw) * 4;
        for (let dx = 0; dx < cw - 1; dx++, o += 4) {
          px[o] = cr;
          px[o + 1] = cg;
          px[o + 2] = cb;
          px[o + 3] = 255;
        }
      }
    }
  }
  ctx.putImageData(img, x, y);
}
