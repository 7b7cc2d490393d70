/**
 * Where a command's output goes, and how: text for people (colours only on a terminal and without
 * NO_COLOR) or, with --json, one JSON object per line per event, the same events the text renders.
 */
import pc from 'picocolors';

export type Colors = ReturnType<typeof pc.createColors>;

export interface Output {
  json: boolean;
  /** stdout is a terminal: progress bars and prompts are allowed. */
  tty: boolean;
  color: Colors;
  /** Terminal width for layout (80 when not a terminal). */
  width: number;
  /** Writes text (nothing in --json mode). */
  print(text?: string): void;
  /** Writes an event as one JSON line (nothing in text mode). */
  event(e: object): void;
}

export function makeOutput(json: boolean, stream: NodeJS.WriteStream = process.stdout): Output {
  const tty = !!stream.isTTY;
  const env = process.env;
  const colorOn = !json && !('NO_COLOR' in env) && (tty || ('FORCE_COLOR' in env && env.FORCE_COLOR !== '0'));
  return {
    json,
    tty,
    color: pc.createColors(colorOn),
    width: Math.max(60, Math.min(stream.columns || 100, 140)),
    print(text = '') {
      if (!json) stream.write(text + '\n');
    },
    event(e) {
      if (json) stream.write(JSON.stringify(e, jsonReplacer) + '\n');
    },
  };
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
