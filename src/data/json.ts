/**
 * JSON data files:
 *
 *     { "features": ["temp", "pressure"],          optional: names, one per feature
 *       "classes": ["down", "up"],                 optional: fixes the class list; integer labels index it
 *       "sequences": [
 *         { "id": "s1", "x": [[0.5, 1.2], [0.6, 1.1]], "y": ["up", "up"] },    a label per step
 *         { "id": "s2", "x": [[0.2, 0.9]], "y": "down" } ] }                    one label per sequence
 *
 * or a bare array of such sequences. `id` is optional (default: the index); `x` holds one array of
 * numbers per step, or one number per step when there is a single feature; `y` is a label (string or
 * integer), an array of one label per step (null: no label), or absent. "name" and "description"
 * may sit beside "sequences". Works in the browser too: it takes the file's text, never a path.
 */
import { DataError } from '../errors.js';
import type { Dataset } from './dataset.js';
import { assemble, checkFeatureCount, type RawSequence } from './assemble.js';
import { parseJson } from './json-syntax.js';
import { checkOptions, MAX_STEPS, type ReadOptions } from './read-options.js';
import { inFloat32, labelText, quote } from './values.js';

const TOP_KEYS = ['sequences', 'features', 'classes', 'name', 'description'];
const SEQ_KEYS = ['id', 'x', 'y'];

/** A DataError at a place in the file, named by its JSON path. */
type Fail = (where: string, what: string) => DataError;

/** Reads JSON `text` (from `source`, a file name used in messages) as a Dataset. */
export function readJson(text: string, source: string, o: ReadOptions = {}): Dataset {
  checkOptions(o);
  const body = text.replace(/^\ufeff/, '');
  if (body.trim() === '')
    throw new DataError(`${source} is empty; a JSON data file holds {"sequences": [{"x": [[...], ...], "y": [...]}, ...]}`);
  const fail: Fail = (where, what) => new DataError(`${source} ${where}: ${what}`);
  const top = topLevel(parseJson(body, source), source, fail);
  const reader = new SequenceReader(source, top, o.maxSteps ?? MAX_STEPS, fail);
  const raw = top.items.map((item, k) => reader.read(item, k));

  const features = top.names ?? Array.from({ length: reader.I }, (_, i) => `f${i}`);
  checkFeatureCount(reader.I, features, source, o);
  const at = (k: number, t: number) => `${top.prefix}[${k}].y${raw[k]!.scalarY ? '' : `[${t}]`}`;
  return assemble(
    raw,
    features,
    source,
    { ...o, name: o.name ?? top.name },
    {
      label: at,
      short: at,
      sequence: (k) => `${top.prefix}[${k}]${raw[k]!.id === String(k) ? '' : ` (id ${quote(raw[k]!.id)})`}`,
    },
    top.classes,
    top.description,
  );
}

/** The document's sequences, where they sit ("sequences" or the top-level array), and the keys beside them. */
interface TopLevel {
  items: unknown[];
  prefix: string;
  names?: string[];
  classes?: string[];
  name?: string;
  description?: string;
}

function topLevel(doc: unknown, source: string, fail: Fail): TopLevel {
  let top: TopLevel;
  if (Array.isArray(doc)) {
    top = { items: doc, prefix: '' };
  } else if (isObject(doc)) {
    const extra = Object.keys(doc).find((key) => !TOP_KEYS.includes(key));
    if (extra !== undefined)
      throw new DataError(
        `${source} has an unknown top-level key ${quote(extra)}; the keys are sequences (required), features, classes, name and description`,
      );
    if (!('sequences' in doc))
      throw new DataError(`${source} has no "sequences" key; expected {"sequences": [...]} or an array of sequences`);
    const items = doc['sequences'];
    const names = doc['features'] === undefined ? undefined : stringList(doc['features'], 'features', fail);
    const classes = doc['classes'] === undefined ? undefined : stringList(doc['classes'], 'classes', fail);
    for (const key of ['name', 'description'] as const) {
      if (doc[key] !== undefined && typeof doc[key] !== 'string') throw fail(key, `expected a string, got ${typeName(doc[key])}`);
    }
    if (!Array.isArray(items)) throw fail('sequences', `expected an array of sequences, got ${typeName(items)}`);
    top = {
      items,
      prefix: 'sequences',
      names,
      classes,
      name: doc['name'] as string | undefined,
      description: doc['description'] as string | undefined,
    };
  } else {
    throw new DataError(
      `${source}: the top level is ${typeName(doc)}; expected an object with a "sequences" array, or an array of sequences`,
    );
  }
  if (top.items.length === 0) throw fail(top.prefix || 'the top-level array', 'there are no sequences; give at least one');
  return top;
}

/** Reads the sequences in turn, holding what they must agree on: the feature count, the label form, unique ids. */
class SequenceReader {
  /** Features per step: from "features", else from the first step read. */
  I: number;
  private firstWidth: string;
  private form: { scalar: boolean; where: string } | null = null;
  private readonly ids = new Map<string, string>();

  constructor(
    private readonly source: string,
    private readonly top: TopLevel,
    private readonly maxSteps: number,
    private readonly fail: Fail,
  ) {
    this.I = top.names?.length ?? -1;
    this.firstWidth = top.names ? '"features"' : '';
  }

  read(item: unknown, k: number): RawSequence & { scalarY: boolean } {
    const { fail } = this;
    const p = `${this.top.prefix}[${k}]`;
    if (!isObject(item)) throw fail(p, `expected a sequence object {"x": [...], "y": ...}, got ${typeName(item)}`);
    const extra = Object.keys(item).find((key) => !SEQ_KEYS.includes(key));
    if (extra !== undefined) throw fail(p, `unknown key ${quote(extra)}; a sequence's keys are id, x (required) and y`);
    const id = this.id(item['id'], k, p);
    const x = item['x'];
    if (x === undefined) throw fail(p, 'the sequence has no "x"; give its features as one array of numbers per step');
    if (!Array.isArray(x)) throw fail(`${p}.x`, `expected an array with one entry per step, got ${typeName(x)}`);
    if (x.length === 0) throw fail(`${p}.x`, 'the sequence has no steps; give it at least one');
    if (x.length > this.maxSteps)
      throw fail(
        `${p}.x`,
        `the sequence has ${x.length} steps, more than the ${this.maxSteps} one sequence may have; split it into shorter sequences`,
      );
    const values = this.features(x, p);
    const y = item['y'];
    return { id, length: x.length, x: values, labels: this.labels(y, x.length, p), scalarY: !Array.isArray(y) };
  }

  private id(v: unknown, k: number, p: string): string {
    let id = String(k);
    if (v !== undefined) {
      if (typeof v !== 'string' && !(typeof v === 'number' && Number.isSafeInteger(v)))
        throw this.fail(`${p}.id`, `expected a string or an integer, got ${typeName(v)}`);
      id = String(v);
      if (id.trim() === '') throw this.fail(`${p}.id`, 'the id is empty; leave it out, or name the sequence');
      const before = this.ids.get(id);
      if (before !== undefined) throw this.fail(`${p}.id`, `${quote(id)} is also the id of ${before}; ids must be unique`);
    }
    this.ids.set(id, p);
    return id;
  }

  /** [steps, I] features: one array of numbers per step, or one number per step when there is one feature. */
  private features(x: unknown[], p: string): Float32Array {
    const { fail } = this;
    const flat = !Array.isArray(x[0]);
    if (this.I < 0) [this.I, this.firstWidth] = [flat ? 1 : (x[0] as unknown[]).length, `${p}.x[0]`];
    const I = this.I;
    const values = new Float32Array(x.length * I);
    x.forEach((step, t) => {
      const sp = `${p}.x[${t}]`;
      if (Array.isArray(step) === flat) {
        throw fail(
          sp,
          flat
            ? `expected a number like the steps before (${p}.x[0] is one), got an array`
            : `expected an array of numbers like ${p}.x[0], got ${typeName(step)}`,
        );
      }
      const row = flat ? [step] : (step as unknown[]);
      if (row.length !== I) {
        throw fail(
          sp,
          `the step has ${row.length} feature${row.length === 1 ? '' : 's'} but ${this.firstWidth} gives ${I}; every step needs the same number of features`,
        );
      }
      row.forEach((v, i) => {
        const where = flat ? sp : `${sp}[${i}]`;
        if (typeof v !== 'number') {
          throw fail(
            where,
            v === null
              ? 'the value is null; features must be numbers (fill or drop missing values first: JSON has no NaN, so they often appear as null)'
              : `expected a number, got ${typeName(v)}`,
          );
        }
        const f = inFloat32(v, String(v));
        if (typeof f === 'string') throw fail(where, f);
        values[t * I + i] = f;
      });
    });
    return values;
  }

  /** Label text per step: `y` is one label per step, one for the sequence (on its last step), or absent. */
  private labels(y: unknown, steps: number, p: string): (string | null)[] {
    const labels: (string | null)[] = new Array<string | null>(steps).fill(null);
    if (y === undefined) return labels;
    const scalar = !Array.isArray(y);
    if (this.form === null) this.form = { scalar, where: `${p}.y` };
    else if (this.form.scalar !== scalar) {
      const { form } = this;
      throw this.fail(
        `${p}.y`,
        `${scalar ? 'one label for the sequence' : 'one label per step'}, but ${form.where} is ${form.scalar ? 'one label for its sequence' : 'one label per step'}; use the same form in every sequence`,
      );
    }
    if (Array.isArray(y)) {
      if (y.length !== steps)
        throw this.fail(
          `${p}.y`,
          `${y.length} labels for ${steps} steps; give one label per step (null where a step has none), or one label for the whole sequence`,
        );
      y.forEach((v, t) => (labels[t] = this.label(v, `${p}.y[${t}]`)));
    } else {
      labels[steps - 1] = this.label(y, `${p}.y`);
    }
    return labels;
  }

  private label(v: unknown, where: string): string | null {
    const classes = this.top.classes;
    if (v === null) return null;
    if (typeof v === 'string') {
      if (v.trim() === '') throw this.fail(where, 'the label is an empty string; use null for a step without a label');
      return labelText(v, `${this.source} ${where}`);
    }
    if (typeof v === 'number') {
      const l = labelText(v, `${this.source} ${where}`)!;
      if (classes === undefined || !Number.isInteger(v)) return l; // a real number: assemble() says what it is
      if (v < 0 || v >= classes.length)
        throw this.fail(where, `class id ${v} is outside the file's ${classes.length} classes (0 to ${classes.length - 1})`);
      return classes[v]!;
    }
    throw this.fail(where, `expected a label (a string or an integer), got ${typeName(v)}`);
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `the string ${quote(v)}`;
  if (typeof v === 'object') return 'an object';
  return `${typeof v === 'number' ? 'the number' : typeof v === 'boolean' ? 'the boolean' : typeof v} ${String(v)}`;
}

function stringList(v: unknown, key: string, fail: (where: string, what: string) => DataError): string[] {
  if (!Array.isArray(v)) throw fail(key, `expected an array of names, got ${typeName(v)}`);
  // One map of name to index, built once: a search per name made 100,000 class names quadratic.
  const first = new Map<string, number>();
  v.forEach((s, i) => {
    if (typeof s !== 'string' || s === '') throw fail(`${key}[${i}]`, `expected a non-empty string, got ${typeName(s)}`);
    const d = first.get(s);
    if (d !== undefined) throw fail(`${key}[${i}]`, `${quote(s)} is also ${key}[${d}]; names must be unique`);
    first.set(s, i);
  });
  if (v.length === 0) throw fail(key, 'the list is empty; leave the key out, or name at least one');
  return v as string[];
}
