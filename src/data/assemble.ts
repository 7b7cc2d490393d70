/**
 * What both data readers share once a file is parsed: its sequences, with label text per step,
 * become a Dataset (the target kind, the classes, a class id per label), with messages that name
 * places the way the reader's format does (lines and columns, or JSON paths).
 */
import { DataError } from '../errors.js';
import type { Dataset, Sequence, Target } from './dataset.js';
import type { ReadOptions } from './read-options.js';
import { baseName, DECIMAL, list, quote } from './values.js';

/** One sequence as a reader found it, before classes are known. */
export interface RawSequence {
  id: string;
  length: number;
  /** [length, I] features, row-major. */
  x: Float32Array;
  /** Label text per step (from labelText), null where a step has none. */
  labels: (string | null)[];
}

/** How a reader names places in its file, for messages. */
export interface Locator {
  /** Where step t's label of sequence k is, as a message prefix: 'line 12, column "label"'. */
  label(k: number, t: number): string;
  /** The same, short, for mid-sentence: 'line 12'. */
  short(k: number, t: number): string;
  /** Where sequence k is: 'lines 10 to 14 (sequence "s3")'. */
  sequence(k: number): string;
}

/**
 * Makes the Dataset: picks the target, fixes the classes (the caller's, else the file's, else the
 * labels found) and turns label text into class ids.
 */
export function assemble(
  raw: RawSequence[],
  features: string[],
  source: string,
  o: ReadOptions,
  loc: Locator,
  fileClasses?: readonly string[],
  description?: string,
): Dataset {
  const labelled = (s: RawSequence) => s.labels.reduce((n, l) => n + (l === null ? 0 : 1), 0);
  const target: Target =
    o.target === 'steps' || o.target === 'last'
      ? o.target
      : raw.every((s) => labelled(s) === 1) && raw.some((s) => s.length > 1)
        ? 'last'
        : 'steps';
  if (o.requireLabels ?? true) {
    raw.forEach((s, k) => {
      if (labelled(s) === 0) {
        throw new DataError(
          `${source} ${loc.sequence(k)}: the sequence has no label; ${target === 'last' ? 'give it its class (on its last step, or on every step)' : 'label its steps (a step left empty is skipped by the loss)'}`,
        );
      }
    });
  }
  const given = o.classes !== undefined ? 'expected' : fileClasses !== undefined ? "file's" : null;
  const seen = [...new Set(raw.flatMap((s) => s.labels.filter((l): l is string => l !== null)))];
  const classes = [...(o.classes ?? fileClasses ?? inferClasses(seen))];
  const index = new Map(classes.map((c, i) => [c, i]));
  const classOf = (k: number, t: number): number => {
    const l = raw[k]!.labels[t]!;
    const c = index.get(l);
    if (c === undefined)
      throw new DataError(`${source} ${loc.label(k, t)}: ${quote(l)} is not one of the ${given} classes (${list(classes)})`);
    return c;
  };
  const sequences: Sequence[] = raw.map((s, k) => {
    let y: Int32Array;
    if (target === 'steps') {
      y = new Int32Array(s.length).fill(-100);
      for (let t = 0; t < s.length; t++) if (s.labels[t] !== null) y[t] = classOf(k, t);
    } else {
      const t0 = s.labels.findIndex((l) => l !== null);
      y = Int32Array.of(t0 < 0 ? -100 : classOf(k, t0));
      for (let t = t0 + 1; t0 >= 0 && t < s.length; t++) {
        const l = s.labels[t];
        if (l !== null && l !== s.labels[t0]) {
          throw new DataError(
            `${source} ${loc.label(k, t)}: sequence ${quote(s.id)} is labelled ${quote(l!)} here but ${quote(s.labels[t0]!)} at ${loc.short(k, t0)}; with one label per sequence (target "last") its labelled steps must agree`,
          );
        }
      }
    }
    return { id: s.id, length: s.length, x: s.x, y };
  });
  const name = o.name ?? baseName(source).replace(/\.[^.]*$/, '');
  let lo = Infinity,
    hi = 0;
  for (const s of raw) [lo, hi] = [Math.min(lo, s.length), Math.max(hi, s.length)];
  const steps = lo === hi ? `${lo}` : `${lo} to ${hi}`;
  return {
    name,
    description:
      description ??
      `${raw.length} sequence${raw.length === 1 ? '' : 's'} of ${steps} step${hi === 1 ? '' : 's'} from ${baseName(source)}.`,
    features,
    classes,
    target,
    sequences,
  };
}

/** Class list for labels found in a file (see ReadOptions.classes). */
function inferClasses(seen: string[]): string[] {
  if (seen.length > 0 && seen.every((l) => /^(0|[1-9]\d*)$/.test(l))) {
    const max = seen.reduce((m, l) => Math.max(m, Number(l)), 0);
    if (max < 65536) return Array.from({ length: max + 1 }, (_, i) => String(i));
  }
  const numeric = seen.every((l) => DECIMAL.test(l));
  return [...seen].sort(numeric ? (a, b) => Number(a) - Number(b) : (a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Checks a file's feature count against ReadOptions.featureCount. */
export function checkFeatureCount(
  I: number,
  names: readonly string[],
  source: string,
  o: ReadOptions,
  unit: 'feature column' | 'feature' = 'feature',
): void {
  if (o.featureCount !== undefined && I !== o.featureCount) {
    const what = `${I} ${unit}${I === 1 ? '' : 's'}${unit === 'feature' ? ' per step' : ''}`;
    throw new DataError(
      `${source} has ${what} (${list(names)}) but the model's input size is ${o.featureCount}; give each step exactly ${o.featureCount} feature${o.featureCount === 1 ? '' : 's'}`,
    );
  }
}
