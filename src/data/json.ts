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

/** Reads JSON `text` (from `source`, a file name used in messages) as a Dataset. */
export function readJson(text: string, source: string, o: ReadOptions = {}): Dataset {
  checkOptions(o);
  const body = text.replace(/^\ufeff/, '');
  if (body.trim() === '') throw new DataError(`${source} is empty; a JSON data file holds {"sequences": [{"x": [[...], ...], "y": [...]}, ...]}`);
  const doc = parseJson(body, source);
  const fail = (where: string, what: string) => new DataError(`${source} ${where}: ${what}`);

  let items: unknown;
  let prefix: string;
  let names: string[] | undefined;
  let fileClasses: string[] | undefined;
  let description: string | undefined;
  let name: string | undefined;
  if (Array.isArray(doc)) {
    [items, prefix] = [doc, ''];
  } else if (isObject(doc)) {
    const extra = Object.keys(doc).find((key) => !TOP_KEYS.includes(key));
    if (extra !== undefined) throw new DataError(`${source} has an unknown top-level key ${quote(extra)}; the keys are sequences (required), features, classes, name and description`);
    if (!('sequences' in doc)) throw new DataError(`${source} has no "sequences" key; expected {"sequences": [...]} or an array of sequences`);
    [items, prefix] = [doc['sequences'], 'sequences'];
    names = doc['features'] === undefined ? undefined : stringList(doc['features'], 'features', fail);
    fileClasses = doc['classes'] === undefined ? undefined : stringList(doc['classes'], 'classes', fail);
    for (const key of ['name', 'description'] as const) {
      if (doc[key] !== undefined && typeof doc[key] !== 'string') throw fail(key, `expected a string, got ${typeName(doc[key])}`);
    }
    [name, description] = [doc['name'] as string | undefined, doc['description'] as string | undefined];
  } else {
    throw new DataError(`${source}: the top level is ${typeName(doc)}; expected an object with a "sequences" array, or an array of sequences`);
  }
  if (!Array.isArray(items)) throw fail(prefix, `expected an array of sequences, got ${typeName(items)}`);
  if (items.length === 0) throw fail(prefix || 'the top-level array', 'there are no sequences; give at least one');

  let I = names?.length ?? -1;
  let firstWidth = names ? '"features"' : '';
  let form: { scalar: boolean; where: string } | null = null;
  const ids = new Map<string, string>();
  const raw: RawSequence[] = [];
  const yPaths: string[] = [];
  const scalarY: boolean[] = [];
  const maxSteps = o.maxSteps ?? MAX_STEPS;
  items.forEach((item, k) => {
    const p = `${prefix}[${k}]`;
    if (!isObject(item)) throw fail(p, `expected a sequence object {"x": [...], "y": ...}, got ${typeName(item)}`);
    const extra = Object.keys(item).find((key) => !SEQ_KEYS.includes(key));
    if (extra !== undefined) throw fail(p, `unknown key ${quote(extra)}; a sequence's keys are id, x (required) and y`);
    let id = String(k);
    if (item['id'] !== undefined) {
      const v = item['id'];
      if (typeof v !== 'string' && !(typeof v === 'number' && Number.isSafeInteger(v))) throw fail(`${p}.id`, `expected a string or an integer, got ${typeName(v)}`);
      id = String(v);
      if (id.trim() === '') throw fail(`${p}.id`, 'the id is empty; leave it out, or name the sequence');
      const before = ids.get(id);
      if (before !== undefined) throw fail(`${p}.id`, `${quote(id)} is also the id of ${before}; ids must be unique`);
    }
    ids.set(id, p);

    const x = item['x'];
    if (x === undefined) throw fail(p, 'the sequence has no "x"; give its features as one array of numbers per step');
    if (!Array.isArray(x)) throw fail(`${p}.x`, `expected an array with one entry per step, got ${typeName(x)}`);
    if (x.length === 0) throw fail(`${p}.x`, 'the sequence has no steps; give it at least one');
    if (x.length > maxSteps) throw fail(`${p}.x`, `the sequence has ${x.length} steps, more than the ${maxSteps} one sequence may have; split it into shorter sequences`);
    const flat = !Array.isArray(x[0]);
    const width = flat ? 1 : (x[0] as unknown[]).length;
    if (I < 0) [I, firstWidth] = [width, `${p}.x[0]`];
    const values = new Float32Array(x.length * I);
    x.forEach((step, t) => {
      const sp = `${p}.x[${t}]`;
      if (Array.isArray(step) === flat) {
        throw fail(sp, flat ? `expected a number like the steps before (${p}.x[0] is one), got an array` : `expected an array of numbers like ${p}.x[0], got ${typeName(step)}`);
      }
      const row = flat ? [step] : (step as unknown[]);
      if (row.length !== I) {
        throw fail(sp, `the step has ${row.length} feature${row.length === 1 ? '' : 's'} but ${firstWidth} gives ${I}; every step needs the same number of features`);
      }
      row.forEach((v, i) => {
        const where = flat ? sp : `${sp}[${i}]`;
        if (typeof v !== 'number') {
          throw fail(where, v === null
            ? 'the value is null; features must be numbers (fill or drop missing values first: JSON has no NaN, so they often appear as null)'
            : `expected a number, got ${typeName(v)}`);
        }
        const f = inFloat32(v, String(v));
        if (typeof f === 'string') throw fail(where, f);
        values[t * I + i] = f;
      });
    });

    const y = item['y'];
    const labels: (string | null)[] = new Array<string | null>(x.length).fill(null);
    const label = (v: unknown, where: string): string | null => {
      if (v === null) return null;
      if (typeof v === 'string') {
        if (v.trim() === '') throw fail(where, 'the label is an empty string; use null for a step without a label');
        return labelText(v, `${source} ${where}`);
      }
      if (typeof v === 'number') {
        const l = labelText(v, `${source} ${where}`)!;
        if (fileClasses === undefined) return l;
        if (v < 0 || v >= fileClasses.length) throw fail(where, `class id ${v} is outside the file's ${fileClasses.length} classes (0 to ${fileClasses.length - 1})`);
        return fileClasses[v]!;
      }
      throw fail(where, `expected a label (a string or an integer), got ${typeName(v)}`);
    };
    const scalar = !Array.isArray(y);
    if (y !== undefined) {
      if (form === null) form = { scalar, where: `${p}.y` };
      else if (form.scalar !== scalar) {
        throw fail(`${p}.y`, `${scalar ? 'one label for the sequence' : 'one label per step'}, but ${form.where} is ${form.scalar ? 'one label for its sequence' : 'one label per step'}; use the same form in every sequence`);
      }
      if (Array.isArray(y)) {
        if (y.length !== x.length) throw fail(`${p}.y`, `${y.length} labels for ${x.length} steps; give one label per step (null where a step has none), or one label for the whole sequence`);
        y.forEach((v, t) => (labels[t] = label(v, `${p}.y[${t}]`)));
      } else {
        labels[x.length - 1] = label(y, `${p}.y`);
      }
    }
    raw.push({ id, length: x.length, x: values, labels });
    yPaths.push(`${p}.y`);
    scalarY.push(scalar);
  });

  const features = names ?? Array.from({ length: I }, (_, i) => `f${i}`);
  checkFeatureCount(I, features, source, o);
  const at = (k: number, t: number) => (scalarY[k] ? yPaths[k]! : `${yPaths[k]}[${t}]`);
  return assemble(raw, features, source, { ...o, name: o.name ?? name }, {
    label: at,
    short: at,
    sequence: (k) => `${prefix}[${k}]${raw[k]!.id === String(k) ? '' : ` (id ${JSON.stringify(raw[k]!.id)})`}`,
  }, fileClasses, description);
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
  v.forEach((s, i) => {
    if (typeof s !== 'string' || s === '') throw fail(`${key}[${i}]`, `expected a non-empty string, got ${typeName(s)}`);
    const d = v.indexOf(s);
    if (d !== i) throw fail(`${key}[${i}]`, `${quote(s)} is also ${key}[${d}]; names must be unique`);
  });
  if (v.length === 0) throw fail(key, 'the list is empty; leave the key out, or name at least one');
  return v as string[];
}
