/**
 * Where a command's output goes, and how: text for people (colours only on a terminal and without
 * NO_COLOR) or, with --json, one JSON object per line per event, the same events the text renders.
 */
import pc from 'picocolors';
import { wrapText } from './layout.js';

export type Colors = ReturnType<typeof pc.createColors>;

export interface Output {
  json: boolean;
  /** stdout is a terminal: progress bars and prompts are allowed. */
  tty: boolean;
  color: Colors;
  /** Columns to lay text out in: the terminal's, else $COLUMNS, else 80; kept within 60..140. */
  width: number;
  /** Writes text (nothing in --json mode), each line longer than `width` wrapped at its spaces. */
  print(text?: string): void;
  /** Writes an event as one JSON line (nothing in text mode). */
  event(e: object): void;
}

export function makeOutput(json: boolean, stream: NodeJS.WriteStream = process.stdout): Output {
  const tty = !!stream.isTTY;
  const env = process.env;
  const colorOn = !json && !('NO_COLOR' in env) && (tty || ('FORCE_COLOR' in env && env.FORCE_COLOR !== '0'));
  const width = outputWidth(stream, env);
  return {
    json,
    tty,
    color: pc.createColors(colorOn),
    width,
    print(text = '') {
      if (!json) stream.write(wrapText(text, width) + '\n');
    },
    event(e) {
      if (json) stream.write(JSON.stringify(e, jsonReplacer) + '\n');
    },
  };
}

/**
 * The width text is laid out in: a terminal's own, else $COLUMNS (what a shell exports and what a
 * user sets for a pipe or a file), else 80. Below 60 nothing useful fits; past 140 lines are too long to read.
 */
export function outputWidth(stream: { columns?: number }, env: NodeJS.ProcessEnv = process.env): number {
  const fromEnv = Number.parseInt(env.COLUMNS ?? '', 10);
  const cols = stream.columns || (Number.isFinite(fromEnv) && fromEnv > 0 ? fromEnv : 80);
  return Math.max(60, Math.min(cols, 140));
}

/**
 * Typed arrays as plain arrays; a non-finite number (no validation split's NaN loss, a diverged
 * run's Infinity) as null, which every JSON reader takes as "no number", never a "NaN" string.
 */
export function jsonReplacer(_key: string, v: unknown): unknown {
  if (ArrayBuffer.isView(v) && !(v instanceof DataView))
    return Array.from(v as unknown as ArrayLike<number>, (x) => (Number.isFinite(x) ? x : null));
  if (typeof v === 'number' && !Number.isFinite(v)) return null;
  return v;
}
