/**
 * Text that fits the terminal: the visible width of a string (colour codes take no room), prose
 * wrapped at word boundaries, vectors cut to the room they have, and tables that narrow their
 * columns, wrap their cells, and turn vertical (one "name: value" line per cell) when nothing else fits.
 */
import Table from 'cli-table3';
import { num } from '../format.js';

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;

/** The columns `s` takes on a terminal: colour codes take none; one column per code point. */
export function visibleWidth(s: string): number {
  let n = 0;
  for (const _ of s.replace(ANSI, '')) n++;
  return n;
}

/** Where a command a reader may copy starts (`rnnscope quiz ...`, `cd DIR && ...`): it runs to the end of the line. */
const COMMAND = /(?:npx )?rnnscope (?:[a-z]+\b|--)|\bcd \S+ && /;

/**
 * `line` wrapped at spaces to `width` columns; continuation lines are indented by the line's own
 * indent plus `hang`. A command at the end of a line is never split (it is copied as one): it goes
 * whole onto a line of its own when it does not fit. A word longer than the room stays whole.
 */
export function wrapLine(line: string, width: number, hang = 2): string[] {
  if (visibleWidth(line) <= width) return [line];
  const indent = /^ */.exec(line)![0].length;
  const pad = ' '.repeat(Math.min(indent + hang, Math.floor(width / 2)));
  const at = line.slice(indent).search(COMMAND);
  if (at === 0) return [line];
  if (at > 0) {
    const prose = wrapLine(line.slice(0, indent + at).trimEnd(), width, hang);
    const cmd = line.slice(indent + at);
    const last = prose[prose.length - 1]!;
    if (visibleWidth(last) + 1 + visibleWidth(cmd) <= width) prose[prose.length - 1] = `${last} ${cmd}`;
    else prose.push(pad + cmd);
    return prose;
  }
  const words = line.slice(indent).split(' ');
  const out: string[] = [];
  let cur = ' '.repeat(indent);
  let empty = true;
  for (const w of words) {
    if (!empty && visibleWidth(cur) + 1 + visibleWidth(w) > width) {
      out.push(cur);
      cur = pad + w;
    } else {
      cur += (empty ? '' : ' ') + w;
    }
    empty = false;
  }
  out.push(cur);
  return out;
}

/** Every line of `text` wrapped to `width` (see wrapLine). */
export function wrapText(text: string, width: number, hang = 2): string {
  return text
    .split('\n')
    .flatMap((l) => wrapLine(l, width, hang))
    .join('\n');
}

/**
 * A vector as `[a, b, ..., z]` in at most `room` columns: as many leading values as fit, then "...",
 * then the last one (at least the first two and the last, whatever the room).
 */
export function vecFit(v: ArrayLike<number>, room: number, d = 2): string {
  const a = Array.from(v, (x) => num(x, d));
  const all = `[${a.join(', ')}]`;
  if (all.length <= room || a.length <= 3) return all;
  for (let k = a.length - 2; k > 2; k--) {
    const s = `[${[...a.slice(0, k), '...', a.at(-1)!].join(', ')}]`;
    if (s.length <= room) return s;
  }
  return `[${[...a.slice(0, 2), '...', a.at(-1)!].join(', ')}]`;
}

export interface FitOptions {
  /** Colour the header (on a colour terminal). */
  color?: boolean;
  /** The column that gives up room first (a free-text column), down to `flexMin` columns. */
  flex?: number;
  flexMin?: number;
}

type Cell = string | number;

/** The longest word of a cell's text, plus the cell's padding: the narrowest it wraps to. */
function narrowest(cells: Cell[]): number {
  let m = 1;
  for (const c of cells) for (const w of String(c).split(/[\s\n]+/)) m = Math.max(m, visibleWidth(w));
  return m + 2;
}

function widest(cells: Cell[]): number {
  let m = 0;
  for (const c of cells) for (const l of String(c).split('\n')) m = Math.max(m, visibleWidth(l));
  return m + 2;
}

/**
 * A table in at most `width` columns: its natural widths when they fit; else the flex column narrows
 * to `flexMin`, then the widest columns to their longest words (cells wrap); and when even that is too
 * wide, the rows as blocks of "header: value" lines.
 */
export function fitTable(head: string[], rows: Cell[][], width: number, o: FitOptions = {}): string {
  const n = head.length;
  const body = head.map((_, j) => rows.map((r) => r[j] ?? ''));
  const w = head.map((h, j) => widest([h, ...body[j]!]));
  const min = head.map((h, j) => narrowest([h, ...body[j]!]));
  const total = () => w.reduce((a, b) => a + b, 0) + n + 1;
  const style = { head: o.color ? ['cyan'] : [], border: [] };
  const narrow = (floor: (j: number) => number, only?: number) => {
    while (total() > width) {
      let j = -1;
      for (let k = 0; k < n; k++) if ((only === undefined || k === only) && w[k]! > floor(k) && (j < 0 || w[k]! > w[j]!)) j = k;
      if (j < 0) return;
      w[j]!--;
    }
  };
  if (total() > width) {
    // First the headers wrap (a column as wide as its values), then the free-text column gives room
    // down to flexMin, then every column down to its longest word.
    narrow((j) => Math.max(min[j]!, widest(body[j]!), narrowest([head[j]!])));
    if (o.flex !== undefined) narrow(() => Math.max(min[o.flex!]!, o.flexMin ?? 24), o.flex);
    narrow((j) => min[j]!);
  }
  if (total() > width) return verticalTable(head, rows, width);
  const t = new Table({
    head,
    style,
    ...(w.every((x, j) => x === widest([head[j]!, ...body[j]!])) ? {} : { colWidths: w, wordWrap: true }),
  });
  for (const r of rows) t.push(r);
  return t.toString();
}

/** Each row as a block: its first cell as a title, then one "header: value" line per other cell, wrapped. */
export function verticalTable(head: string[], rows: Cell[][], width: number): string {
  const keyW = Math.max(...head.slice(1).map((h) => visibleWidth(h)));
  const lines: string[] = [];
  for (const r of rows) {
    lines.push(`  ${head[0] ? `${head[0]}: ` : ''}${r[0] ?? ''}`);
    for (let j = 1; j < head.length; j++) {
      const v = String(r[j] ?? '');
      if (v === '') continue;
      lines.push(...wrapLine(`    ${head[j]!.padEnd(keyW)}  ${v}`, width, keyW + 2));
    }
  }
  return lines.join('\n');
}

/**
 * A table whose rows are named quantities and whose columns are units (1..U), split into as many
 * column groups as the width needs, each group a table of its own with the names repeated.
 */
export function unitColumns(names: string[], values: string[][], width: number, color = false): string {
  const U = values[0]?.length ?? 0;
  const nameW = Math.max(4, ...names.map((s) => visibleWidth(s))) + 2;
  // Numbers right-aligned with one space after them: a column is the widest value plus one.
  const cellW = Math.max(...values.flat().map((s) => visibleWidth(s) + 1), String(U).length + 1);
  const per = Math.max(1, Math.floor((width - nameW - 2) / (cellW + 1)));
  const right = (content: string) => ({ content, hAlign: 'right' as const });
  const parts: string[] = [];
  for (let a = 0; a < U; a += per) {
    const b = Math.min(U, a + per);
    const head = [' unit', ...Array.from({ length: b - a }, (_, k) => right(String(a + k + 1)))];
    const t = new Table({
      head: head as string[],
      colWidths: [nameW, ...Array<number>(b - a).fill(cellW)],
      chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
      style: { head: color ? ['cyan'] : [], border: [], 'padding-left': 0, 'padding-right': 1 },
    });
    names.forEach((name, i) => t.push([` ${name}`, ...values[i]!.slice(a, b).map(right)]));
    parts.push(t.toString());
  }
  return parts.join('\n');
}
