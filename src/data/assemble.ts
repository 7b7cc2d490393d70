/**
 * What both data readers share once a file is parsed: its sequences, with label text per step,
 * become a Dataset (the target kind, the classes, a class id per label), with messages that name
 * places the way the reader's format does (lines and columns, or JSON paths).
 */
import { DataError } from '../errors.js';
import type { Dataset, Sequence, Target } from './dataset.js';
import type { ReadOptions } from './read-options.js';
import { baseName, DECIMAL, excerpt, list, quote } from './values.js';

/** One sequence as a reader found it, before classes are known. */
export interface RawSequence {
  id: string;
  length: number;
  /** [length, I] features, row-major. */
  x: Float32Array;
  /** Label text per step (from labelText), null where a step has none. */
  labels: (string | null)[];
  /** The step values as the file writes them, when it has a step column. */
  steps?: string[];
  /** The sequence's group, when the file has a group column. */
  group?: string;
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
  if (o.regression) return withValues(raw, features, source, o, loc, target, description);
  refuseRealLabels(raw, source, loc);
  const given = o.classes !== undefined ? 'expected' : fileClasses !== undefined ? "file's" : null;
  const seen = [...new Set(raw.flatMap((s) => s.labels.filter((l): l is string => l !== null)))];
  const classes = [...(o.classes ?? fileClasses ?? inferClasses(seen))];
  if (o.classes === undefined && fileClasses === undefined) refuseManyIntegers(seen, raw, source);
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
    return {
      id: s.id,
      length: s.length,
      x: s.x,
      y,
      ...(s.steps ? { steps: s.steps } : {}),
      ...(s.group !== undefined ? { group: s.group } : {}),
    };
  });
  return { ...named(raw, source, o, description), features, classes, target, sequences };
}

/** The dataset's name and its one-line description. */
export function named(
  raw: readonly { length: number }[],
  source: string,
  o: ReadOptions,
  description?: string,
): { name: string; description: string } {
  let lo = Infinity,
    hi = 0;
  for (const s of raw) [lo, hi] = [Math.min(lo, s.length), Math.max(hi, s.length)];
  return namedBy({ count: raw.length, lo, hi }, source, o, description);
}

/** `named` from the count of sequences and their shortest and longest lengths. */
export function namedBy(
  n: { count: number; lo: number; hi: number },
  source: string,
  o: ReadOptions,
  description?: string,
): { name: string; description: string } {
  const { count, lo, hi } = n;
  const steps = lo === hi ? `${lo}` : `${lo} to ${hi}`;
  return {
    name: o.name ?? baseName(source).replace(/\.[^.]*$/, ''),
    description:
      description ?? `${count} sequence${count === 1 ? '' : 's'} of ${steps} step${hi === 1 ? '' : 's'} from ${baseName(source)}.`,
  };
}

/** A real number where a class is expected: one sentence at its place, which says how to train on values. */
function refuseRealLabels(raw: RawSequence[], source: string, loc: Locator): void {
  raw.forEach((s, k) =>
    s.labels.forEach((l, t) => {
      if (l !== null && DECIMAL.test(l) && !Number.isSafeInteger(Number(l)))
        throw new DataError(
          `${source} ${loc.label(k, t)}: label ${excerpt(l)} is not a class; labels are class names or integer class ids, not real numbers (to predict real values, train with --regression)`,
        );
    }),
  );
}

/**
 * Integer labels with many distinct values are most likely a quantity, not classes (a monthly count
 * read as 417 classes learns nothing): more than 20 distinct integers, with fewer than ten labelled
 * steps per value on average, are refused with a sentence that suggests --regression.
 */
function refuseManyIntegers(seen: string[], raw: RawSequence[], source: string): void {
  if (seen.length <= 20 || !seen.every((l) => /^-?\d+$/.test(l))) return;
  const labelled = raw.reduce((n, s) => n + s.labels.filter((l) => l !== null).length, 0);
  if (seen.length * 10 <= labelled) return;
  throw new DataError(
    `${source} has ${seen.length} distinct integer labels in ${labelled} labelled steps, too many to be classes; if the label is a quantity, train with --regression (real-valued targets)`,
  );
}

/**
 * The regression reading (ReadOptions.regression): each label is a real number, kept in the sequence's
 * `v` (NaN where a step has none); `y` marks the steps that have one (0) and those that do not (-100).
 */
function withValues(
  raw: RawSequence[],
  features: string[],
  source: string,
  o: ReadOptions,
  loc: Locator,
  target: Target,
  description?: string,
): Dataset {
  const valueOf = (k: number, t: number): number => {
    const l = raw[k]!.labels[t]!;
    const v = Number(l);
    if (!DECIMAL.test(l) || !Number.isFinite(v))
      throw new DataError(
        `${source} ${loc.label(k, t)}: target ${quote(l)} is not a finite number; with --regression every label is a real number such as 0.25 or -3`,
      );
    return v;
  };
  const sequences: Sequence[] = raw.map((s, k) => {
    const steps = target === 'steps';
    const v = new Float32Array(steps ? s.length : 1).fill(NaN);
    const y = new Int32Array(steps ? s.length : 1).fill(-100);
    if (steps) {
      for (let t = 0; t < s.length; t++) if (s.labels[t] !== null) [v[t], y[t]] = [valueOf(k, t), 0];
    } else {
      // one value per sequence: the last labelled step's
      for (let t = s.length - 1; t >= 0; t--)
        if (s.labels[t] !== null) {
          [v[0], y[0]] = [valueOf(k, t), 0];
          break;
        }
    }
    return { id: s.id, length: s.length, x: s.x, y, v };
  });
  return { ...named(raw, source, o, description), features, classes: [], target, sequences };
}

/** Class list for labels found in a file (see ReadOptions.classes). */
export function inferClasses(seen: string[]): string[] {
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
