/**
 * The CSV and JSON readers: good files give the right sequences, and every bad input gives a
 * DataError whose one sentence says what is wrong, where (line, column, sequence) and what is valid.
 * Files are in test/fixtures/data/; each is read as text and passed with its bare name as source.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readCsv } from '../src/data/csv.js';
import type { CsvOptions } from '../src/data/csv-columns.js';
import { readJson } from '../src/data/json.js';
import { errorOffset } from '../src/data/json-syntax.js';
import { readDataFile, readDataText } from '../src/data/read.js';
import type { Dataset } from '../src/data/dataset.js';
import { ConfigError, DataError } from '../src/errors.js';

const root = join(import.meta.dirname, '..', '..');
const dir = join(root, 'test', 'fixtures', 'data');
const text = (file: string) => readFileSync(join(dir, file), 'utf8');
const csv = (file: string, o?: CsvOptions) => readCsv(text(file), file, o);
const json = (file: string, o?: CsvOptions) => readJson(text(file), file, o);

/** Asserts that `read` throws a DataError with exactly `message`. */
function fails(read: () => unknown, message: string): void {
  assert.throws(read, (e: unknown) => {
    assert.ok(e instanceof DataError, `expected a DataError, got ${String(e)}`);
    assert.equal(e.message, message);
    return true;
  });
}

function shape(d: Dataset) {
  return d.sequences.map((s) => ({ id: s.id, length: s.length, x: Array.from(s.x, (v) => Math.round(v * 1e4) / 1e4), y: Array.from(s.y) }));
}

// ---- CSV: good files

test('readCsv(text) reads per-step labels: ids, lengths, features, classes sorted by name', () => {
  const d = csv('steps.csv');
  assert.equal(d.name, 'steps');
  assert.equal(d.description, '3 sequences of 2 to 4 steps from steps.csv.');
  assert.deepEqual(d.features, ['temp', 'pressure']);
  assert.deepEqual(d.classes, ['down', 'flat', 'up']);
  assert.equal(d.target, 'steps');
  assert.deepEqual(shape(d), [
    { id: 'walk-a', length: 4, x: [0.1, 1, 0.35, 1.02, 0.3, 0.98, 0.12, 0.97], y: [2, 2, 0, 0] },
    { id: 'walk-b', length: 2, x: [-0.5, 1.1, -0.2, 1.12], y: [0, 2] },
    { id: 'walk-c', length: 3, x: [2.5, 0.5, 2.5, 0.5, 2.6, 0.49], y: [1, 1, -100] },
  ]);
  assert.ok(d.sequences[0]!.x instanceof Float32Array && d.sequences[0]!.y instanceof Int32Array);
});

test('readCsv(text) reads a label on the last row only as one label per sequence, integer labels as class ids', () => {
  const d = csv('last.csv');
  assert.equal(d.target, 'last');
  assert.deepEqual(d.classes, ['0', '1', '2']);
  assert.deepEqual(d.features, ['x1', 'x2', 'x3']);
  assert.deepEqual(
    shape(d).map((s) => [s.id, s.length, s.y]),
    [
      ['1', 3, [2]],
      ['2', 2, [0]],
      ['3', 4, [2]],
    ],
  );
});

test('readCsv(text) keeps gaps in integer classes so that class id = the integer, as in PyTorch', () => {
  const d = readCsv('id,a,label\ns1,1,1\ns1,2,3\n', 'gaps.csv');
  assert.deepEqual(d.classes, ['0', '1', '2', '3']);
  assert.deepEqual(Array.from(d.sequences[0]!.y), [1, 3]);
});

test('readCsv(text) reads 1.0 as class 1 (pandas writes integer labels with blanks as floats)', () => {
  const d = readCsv('id,a,label\ns1,1,0.0\ns1,2,\ns1,3,1.0\n', 'floats.csv');
  assert.deepEqual(d.classes, ['0', '1']);
  assert.deepEqual(Array.from(d.sequences[0]!.y), [0, -100, 1]);
});

test('readCsv(text) sorts negative integer labels numerically', () => {
  assert.deepEqual(readCsv('id,a,label\ns1,1,10\ns1,2,-1\ns2,1,2\n', 'neg.csv').classes, ['-1', '2', '10']);
});

test('readCsv(text) handles a BOM, CRLF, quoted fields with commas, and blank lines', () => {
  const d = csv('bom-quotes-crlf.csv');
  assert.deepEqual(d.features, ['value, raw']);
  assert.deepEqual(d.classes, ['no', 'yes']);
  assert.deepEqual(shape(d), [
    { id: 's1', length: 2, x: [1.5, 2.5], y: [1, 0] },
    { id: 's 2', length: 1, x: [-0.03], y: [1] },
  ]);
});

test('readCsv(text) prefers the column named label to a feature named y, and step to time', () => {
  const d = readCsv('time,x,y,label,step,id\n9,1,2,a,0,s\n8,3,4,b,1,s\n', 'xy.csv');
  assert.deepEqual(d.features, ['time', 'x', 'y']);
  assert.deepEqual(shape(d), [{ id: 's', length: 2, x: [9, 1, 2, 8, 3, 4], y: [0, 1] }]);
});

test('readCsv(text) reads steps in file order when there is no step column', () => {
  const d = readCsv('ID,b,a,Class\nq,1,2,x\nq,3,4,y\nr,5,6,x\n', 'nostep.csv');
  assert.deepEqual(d.features, ['b', 'a']);
  assert.deepEqual(shape(d), [
    { id: 'q', length: 2, x: [1, 2, 3, 4], y: [0, 1] },
    { id: 'r', length: 1, x: [5, 6], y: [0] },
  ]);
});

test('readCsv(text) allows interleaved sequences when a step column orders them', () => {
  assert.deepEqual(shape(csv('interleaved.csv')), [
    { id: 's1', length: 3, x: [1, 2, 3], y: [1, 1, 1] },
    { id: 's2', length: 2, x: [5, 4], y: [0, 0] },
  ]);
});

test('readCsv(text, source, {id, step, label, features}) picks the columns named, in the order given', () => {
  const d = readCsv('run,k,a,b,c,out\nr1,5,1,2,3,p\nr1,6,4,5,6,q\n', 'named.csv', {
    id: 'run',
    step: 'k',
    label: 'out',
    features: ['c', 'a'],
  });
  assert.deepEqual(d.features, ['c', 'a']);
  assert.deepEqual(shape(d), [{ id: 'r1', length: 2, x: [3, 1, 6, 4], y: [0, 1] }]);
});

test('readCsv(text, source, {step: null}) keeps a column named t as a feature', () => {
  const d = readCsv('id,t,label\ns,0.5,a\ns,0.25,a\n', 't.csv', { step: null });
  assert.deepEqual(d.features, ['t']);
  assert.equal(d.sequences[0]!.length, 2);
});

test('readCsv(text, source, {target: "last"}) takes a label that is constant over each sequence', () => {
  const d = readCsv('id,a,label\ns,1,up\ns,2,up\nr,3,down\nr,4,\n', 'c.csv', { target: 'last' });
  assert.equal(d.target, 'last');
  assert.deepEqual(
    shape(d).map((s) => s.y),
    [[1], [0]],
  );
});

test('readCsv(text, source, {target: "steps"}) keeps a last-row label per step, -100 elsewhere', () => {
  const d = csv('last.csv', { target: 'steps' });
  assert.deepEqual(Array.from(d.sequences[1]!.y), [-100, 0]);
});

test('readCsv(text, source, {classes}) uses the given class list, unseen classes included', () => {
  const d = csv('steps.csv', { classes: ['up', 'down', 'flat', 'other'] });
  assert.deepEqual(d.classes, ['up', 'down', 'flat', 'other']);
  assert.deepEqual(Array.from(d.sequences[0]!.y), [0, 0, 1, 1]);
});

test('readCsv(text, source, {requireLabels: false}) reads a file without labels for prediction', () => {
  const d = readCsv('id,step,a\ns,0,1\ns,1,2\n', 'unlabelled.csv', { requireLabels: false, classes: ['x', 'y'] });
  assert.deepEqual(d.classes, ['x', 'y']);
  assert.deepEqual(Array.from(d.sequences[0]!.y), [-100, -100]);
});

test('readCsv(text, source, {featureCount}) accepts a file with that many features', () => {
  assert.equal(csv('steps.csv', { featureCount: 2 }).features.length, 2);
});

// ---- CSV: bad input, one test each

test('readCsv(text) rejects an empty file', () => {
  fails(
    () => csv('empty.csv'),
    'empty.csv is empty; a CSV data file needs a header naming its columns (id, step, features, label) and one row per step',
  );
  fails(
    () => readCsv('\ufeff \n\n', 'bom.csv'),
    'bom.csv is empty; a CSV data file needs a header naming its columns (id, step, features, label) and one row per step',
  );
});

test('readCsv(text) rejects a file with a header but no rows', () => {
  fails(() => csv('header-only.csv'), 'header-only.csv has a header (line 1) but no rows; add one row per step under it');
});

test('readCsv(text) rejects a ragged row, naming its line and both field counts', () => {
  fails(
    () => csv('ragged.csv'),
    'ragged.csv line 3 has 4 fields but the header (line 1) has 5 (id, step, a, b, label); every row needs one value per column',
  );
});

test('readCsv(text) rejects a non-numeric feature, naming line, column and value', () => {
  fails(
    () => csv('not-a-number.csv'),
    'not-a-number.csv line 3, column "b": "two" is not a number; features are decimal numbers such as 0.25, -3 or 1e-4',
  );
});

test('readCsv(text) rejects NaN and Infinity features', () => {
  fails(
    () => csv('nan.csv'),
    'nan.csv line 3, column "a": "NaN" is not a finite number; features must be finite (fill or drop missing values first)',
  );
  fails(
    () => csv('infinity.csv'),
    'infinity.csv line 2, column "b": "-Infinity" is not a finite number; features must be finite (fill or drop missing values first)',
  );
});

test('readCsv(text) rejects a feature beyond float32 range', () => {
  fails(
    () => readCsv('id,a,label\ns,1e39,x\n', 'big.csv'),
    'big.csv line 2, column "a": 1e39 is beyond float32\'s range; features must lie within ±3.4e38 (rescale the column)',
  );
});

test('readCsv(text) rejects an empty feature', () => {
  fails(
    () => csv('empty-feature.csv'),
    'empty-feature.csv line 4, column "a": the value is empty; every step needs a number for every feature (fill or drop missing values first)',
  );
});

test('readCsv(text) rejects a file without a label column, naming the columns it has', () => {
  fails(
    () => csv('no-label-column.csv'),
    'no-label-column.csv has no label column: its columns are id, step, a, b, and none is named label, class, y or target; name the column "label", or give its name with the label option',
  );
  fails(
    () => csv('steps.csv', { label: 'Label' }),
    'steps.csv has no column "Label" (the label option); its columns are id, step, temp, pressure, label',
  );
});

test('readCsv(text) rejects a file without an id column, naming the columns it has', () => {
  fails(
    () => csv('no-id-column.csv'),
    'no-id-column.csv has no id column: its columns are name, step, a, label, and none is named id, sequence, seq, sequence_id or seq_id; name the column "id", or give its name with the id option',
  );
});

test('readCsv(text) rejects a step given twice even when its rows are apart, naming both lines', () => {
  fails(
    () => csv('step-out-of-order.csv'),
    'step-out-of-order.csv line 5, column "step": sequence "s1" has step 1 twice (lines 3 and 5); each step of a sequence needs its own row',
  );
});

test('readCsv(text) rejects a repeated step, naming both lines', () => {
  fails(
    () => csv('step-repeated.csv'),
    'step-repeated.csv line 4, column "step": sequence "s1" has step 1 twice (lines 3 and 4); each step of a sequence needs its own row',
  );
});

test('readCsv(text) rejects a missing step', () => {
  fails(
    () => csv('step-gap.csv'),
    'step-gap.csv line 4, column "step": sequence "s1" goes from step 1 (line 3) to step 3; integer steps must count up by one within a sequence (rows may come in any order), so step 2 is missing',
  );
});

test('readCsv(text) rejects a step that is neither an integer nor a date', () => {
  fails(
    () => csv('step-not-integer.csv'),
    'step-not-integer.csv line 3, column "step": step "0.5" is neither an integer nor a date; steps are whole numbers counting up by one within each sequence, or dates and times such as 2024-01-31 or 2024-01-31T12:00:00',
  );
});

test('readCsv(text) rejects a sequence whose rows are apart when there is no step column', () => {
  fails(
    () => csv('not-contiguous.csv'),
    'not-contiguous.csv line 5: sequence "s1" continues here after rows of other sequences (its earlier rows end on line 3); without a step column a sequence\'s rows must be together and in order, so sort the rows by id or add a step column',
  );
});

test('readCsv(text, source, {maxSteps}) rejects a sequence longer than the limit (100000 by default)', () => {
  fails(
    () => csv('steps.csv', { maxSteps: 3 }),
    'steps.csv line 5: sequence "walk-a" has more than 3 steps, the most one sequence may have; split it into shorter sequences',
  );
});

test('readCsv(text, source, {featureCount}) rejects another feature count, saying both', () => {
  fails(
    () => csv('steps.csv', { featureCount: 5 }),
    "steps.csv has 2 feature columns (temp, pressure) but the model's input size is 5; give each step exactly 5 features",
  );
});

test('readCsv(text, source, {target: "last"}) rejects a sequence whose label changes, naming both lines', () => {
  fails(
    () => csv('last-disagrees.csv', { target: 'last' }),
    'last-disagrees.csv line 5, column "label": sequence "s2" is labelled "up" here but "down" at line 4; with one label per sequence (target "last") its labelled steps must agree',
  );
});

test('readCsv(text, source, {classes}) rejects a label outside the classes, listing them', () => {
  fails(
    () => csv('unknown-class.csv', { classes: ['down', 'up'] }),
    'unknown-class.csv line 3, column "label": "sideways" is not one of the expected classes (down, up)',
  );
});

test('readCsv(text) rejects a real-number label', () => {
  fails(
    () => csv('real-label.csv'),
    'real-label.csv line 2, column "label": label 0.7 is not a class; labels are class names or integer class ids, not real numbers (to predict real values, train with --regression)',
  );
});

test('readCsv(text) rejects a sequence without any label', () => {
  fails(
    () => csv('no-label.csv'),
    'no-label.csv lines 4 to 5 (sequence "s2"): the sequence has no label; label its steps (a step left empty is skipped by the loss)',
  );
});

test('readCsv(text) rejects an unclosed quote at the line where it opens', () => {
  fails(
    () => csv('unclosed-quote.csv'),
    'unclosed-quote.csv line 3: a quoted field is never closed; quote a whole field ("like, this") and write a quote inside one as two ("")',
  );
});

test('readCsv(text) rejects text after a closing quote', () => {
  fails(
    () => readCsv('id,a,label\ns,1,u\ns,"2"x,u\n', 'q.csv'),
    'q.csv line 3: a quoted field has text after its closing quote; quote a whole field ("like, this") and write a quote inside one as two ("")',
  );
});

test('readCsv(text) says when a file seems separated by semicolons', () => {
  fails(
    () => csv('semicolons.csv'),
    'semicolons.csv line 1: the header is one column, "id;step;a;label", so the fields seem separated by ";" rather than by ","; save the file with commas, or give the separator with the delimiter option',
  );
  assert.deepEqual(shape(csv('semicolons.csv', { delimiter: ';' })), [{ id: 's1', length: 1, x: [1.5], y: [0] }]);
});

test('readCsv(text) rejects an empty id, a duplicate column and a column given two roles', () => {
  fails(
    () => readCsv('id,a,label\n,1,x\n', 'noid.csv'),
    'noid.csv line 2, column "id": the sequence id is empty; every row needs the id of the sequence it belongs to',
  );
  fails(
    () => readCsv('id,a,a,label\ns,1,2,x\n', 'dup.csv'),
    'dup.csv line 1: column "a" appears twice in the header (columns 2 and 3); column names must be unique',
  );
  fails(
    () => readCsv('id,a,label\ns,1,x\n', 'two.csv', { label: 'id' }),
    'two.csv: column "id" is given as both the id and the label column; each needs its own column',
  );
  fails(
    () => readCsv('id,a,label\ns,1,x\n', 'nofeat.csv', { features: ['b'] }),
    'nofeat.csv has no feature column "b"; its columns are id, a, label',
  );
  fails(
    () => readCsv('id,label\ns,x\n', 'none.csv'),
    'none.csv has no feature columns: its columns are id, label; add at least one column holding a number per step',
  );
});

test('readCsv(text) counts lines right after quoted fields that span CRLF lines', () => {
  fails(
    () => readCsv('id,a,label\r\ns,"1\r\n",x\r\ns,zz,x\r\n', 'span.csv'),
    'span.csv line 4, column "a": "zz" is not a number; features are decimal numbers such as 0.25, -3 or 1e-4',
  );
});

test('readCsv(text, source, {target}) rejects an unknown target as a ConfigError', () => {
  assert.throws(() => csv('steps.csv', { target: 'first' as 'last' }), ConfigError);
});

// ---- JSON: good files

test("readJson(text) reads per-step labels, with the file's features and classes; integers index the classes", () => {
  const d = json('sequences.json');
  assert.equal(d.name, 'walks');
  assert.deepEqual(d.features, ['temp', 'pressure']);
  assert.deepEqual(d.classes, ['down', 'flat', 'up']);
  assert.equal(d.target, 'steps');
  assert.deepEqual(shape(d), [
    { id: 'walk-a', length: 3, x: [0.1, 1, 0.35, 1.02, 0.3, 0.98], y: [2, 2, 0] },
    { id: 'walk-b', length: 2, x: [-0.5, 1.1, -0.2, 1.12], y: [-100, 2] },
    { id: '2', length: 1, x: [2.5, 0.5], y: [1] },
  ]);
});

test('readJson(text) reads a bare array of one-feature sequences with one label each', () => {
  const d = json('last.json');
  assert.equal(d.target, 'last');
  assert.deepEqual(d.features, ['f0']);
  assert.deepEqual(d.classes, ['falling', 'rising']);
  assert.deepEqual(shape(d), [
    { id: '7', length: 3, x: [0.5, 0.6, 0.7], y: [1] },
    { id: '8', length: 2, x: [0.9, 0.4], y: [0] },
  ]);
});

test("readJson(text, source, {classes}) maps the file's labels onto the given classes", () => {
  const d = json('sequences.json', { classes: ['up', 'flat', 'down'] });
  assert.deepEqual(Array.from(d.sequences[0]!.y), [0, 0, 2]);
});

// ---- JSON: bad input

test('readJson(text) rejects an empty file', () => {
  fails(() => json('blank.json'), 'blank.json is empty; a JSON data file holds {"sequences": [{"x": [[...], ...], "y": [...]}, ...]}');
});

test('readJson(text) reports a syntax error with its line and column', () => {
  fails(
    () => json('syntax.json'),
    "syntax.json is not valid JSON at line 3, column 29: unexpected '\"'; check for a missing or extra comma, quote or bracket just before it",
  );
  fails(
    () => readJson('[{"x": [1]\n', 'short.json'),
    'short.json is not valid JSON at line 2, column 1: the text ends before the JSON does; check for a missing closing bracket, brace or quote',
  );
  fails(
    () => readJson("{'sequences': []}", 'single.json'),
    'single.json is not valid JSON at line 1, column 2: unexpected "\'"; JSON strings and keys use double quotes',
  );
});

test("readJson(text) explains NaN in a file, as Python's json.dumps writes it", () => {
  fails(
    () => json('nan.json'),
    "nan.json is not valid JSON at line 2, column 23: NaN is not a JSON value (Python's json.dumps writes it for a non-finite float); replace missing or infinite values with numbers before saving",
  );
});

test('errorOffset(text) finds where JSON.parse failed, to the character inside a bad string or word', () => {
  const cases = [
    ['{"a": 1,}', 8],
    ['[1 2]', 3],
    ['{"a" 1}', 5],
    ['[01]', 2],
    ['"\\x"', 2],
    ['[1]]', 3],
    ['[-]', 1],
    ['["a\\u12"]', 4],
    ['["a\tb"]', 3],
    ['["ab', 4],
    ['[null, nullx]', 11],
    ['[true false]', 6],
    ['[1.]', 2],
    ['{"a": 0 "b\\q"}', 8],
  ] as const;
  for (const [s, at] of cases) {
    assert.throws(() => JSON.parse(s));
    assert.equal(errorOffset(s), at, s);
  }
  assert.equal(errorOffset('{"a": [1, 2.5e3, true, null, "\\u00e9"]}'), null);
});

test('readJson(text) refuses comments and trailing commas, which jsonc-parser would allow', () => {
  fails(
    () => readJson('[{"x": [1]}] // one', 'c.json'),
    "c.json is not valid JSON at line 1, column 14: unexpected '/'; check for a missing or extra comma, quote or bracket just before it",
  );
  fails(
    () => readJson('/* s */ [{"x": [1]}]', 'c.json'),
    "c.json is not valid JSON at line 1, column 1: unexpected '/'; check for a missing or extra comma, quote or bracket just before it",
  );
  fails(
    () => readJson('[{"x": [1],}]', 't.json'),
    "t.json is not valid JSON at line 1, column 12: unexpected '}'; check for a missing or extra comma, quote or bracket just before it",
  );
  fails(
    () => readJson('[{"x": [1]},\n]', 't.json'),
    "t.json is not valid JSON at line 2, column 1: unexpected ']'; check for a missing or extra comma, quote or bracket just before it",
  );
});

test('readJson(text) rejects wrong types, naming the path', () => {
  fails(() => json('wrong-type.json'), 'wrong-type.json sequences: expected an array of sequences, got an object');
  fails(() => json('string-feature.json'), 'string-feature.json [0].x[0][1]: expected a number, got the string "2.5"');
  fails(
    () => readJson('"hi"', 'top.json'),
    'top.json: the top level is the string "hi"; expected an object with a "sequences" array, or an array of sequences',
  );
  fails(() => readJson('{"sequences": []}', 'none.json'), 'none.json sequences: there are no sequences; give at least one');
  fails(() => readJson('[{"x": []}]', 'nostep.json'), 'nostep.json [0].x: the sequence has no steps; give it at least one');
  fails(
    () => readJson('[{"x": [[1]], "y": true}]', 'bool.json'),
    'bool.json [0].y: expected a label (a string or an integer), got the boolean true',
  );
  fails(
    () => readJson('[{"x": [[1]], "y": 0.5}]', 'real.json'),
    'real.json [0].y: label 0.5 is not a class; labels are class names or integer class ids, not real numbers (to predict real values, train with --regression)',
  );
  fails(
    () => readJson('[{"id": "a", "x": [[1]], "y": 1}, {"id": "a", "x": [[1]], "y": 1}]', 'dup.json'),
    'dup.json [1].id: "a" is also the id of [0]; ids must be unique',
  );
});

test('readJson(text) rejects unknown keys, naming the valid ones', () => {
  fails(() => json('unknown-key.json'), 'unknown-key.json [0]: unknown key "label"; a sequence\'s keys are id, x (required) and y');
  fails(
    () => readJson('{"sequence": []}', 'top.json'),
    'top.json has an unknown top-level key "sequence"; the keys are sequences (required), features, classes, name and description',
  );
});

test('readJson(text) rejects ragged steps, naming sequence and step', () => {
  fails(
    () => json('ragged.json'),
    'ragged.json sequences[1].x[1]: the step has 3 features but sequences[0].x[0] gives 2; every step needs the same number of features',
  );
  fails(
    () => readJson('{"features": ["a", "b"], "sequences": [{"x": [[1]]}]}', 'names.json'),
    'names.json sequences[0].x[0]: the step has 1 feature but "features" gives 2; every step needs the same number of features',
  );
});

test('readJson(text) rejects a null feature (how missing values appear in JSON)', () => {
  fails(
    () => json('null-feature.json'),
    'null-feature.json sequences[0].x[1][1]: the value is null; features must be numbers (fill or drop missing values first: JSON has no NaN, so they often appear as null)',
  );
});

test("readJson(text) rejects a label array whose length is not the sequence's", () => {
  fails(
    () => json('label-length.json'),
    'label-length.json sequences[0].y: 2 labels for 3 steps; give one label per step (null where a step has none), or one label for the whole sequence',
  );
});

test("readJson(text) rejects a class id outside the file's classes", () => {
  fails(() => json('bad-class-id.json'), "bad-class-id.json sequences[0].y[1]: class id 2 is outside the file's 2 classes (0 to 1)");
});

test('readJson(text) rejects sequences that mix one label per step with one per sequence', () => {
  fails(
    () => json('mixed-forms.json'),
    'mixed-forms.json [1].y: one label for the sequence, but [0].y is one label per step; use the same form in every sequence',
  );
});

test('readJson(text) rejects a sequence without a label, and another feature count', () => {
  fails(
    () => readJson('[{"id": "s", "x": [1, 2]}]', 'nolabel.json'),
    'nolabel.json [0] (id "s"): the sequence has no label; label its steps (a step left empty is skipped by the loss)',
  );
  fails(
    () => json('last.json', { featureCount: 3 }),
    "last.json has 1 feature per step (f0) but the model's input size is 3; give each step exactly 3 features",
  );
});

// ---- Files by path

test('readDataFile(path) reads CSV and JSON by extension', async () => {
  assert.equal((await readDataFile(join(dir, 'steps.csv'))).sequences.length, 3);
  assert.equal((await readDataFile(join(dir, 'sequences.json'))).sequences.length, 3);
  assert.equal(readDataText(text('last.json'), 'LAST.JSON').target, 'last');
});

test('readDataFile(path) rejects another extension, a missing file, a directory and an empty file', async () => {
  const bad = async (path: string, message: string) => {
    await assert.rejects(readDataFile(path), (e: unknown) => e instanceof DataError && e.message === message);
  };
  await bad(
    join(dir, 'data.txt'),
    `${join(dir, 'data.txt')} has the extension .txt, so its format is unknown; data files are .csv or .json`,
  );
  await bad(join(dir, 'missing.csv'), `${join(dir, 'missing.csv')} does not exist; give the path of a .csv or .json data file`);
  await bad(dir, `${dir} is a directory; give the path of a .csv or .json data file`);
  await bad(
    join(dir, 'empty.csv'),
    `${join(dir, 'empty.csv')} is empty; a CSV data file needs a header naming its columns (id, step, features, label) and one row per step`,
  );
});

test('examples/sine-direction.csv reads as 200 sequences of 8 to 15 steps, 2 features, up and down per step', async () => {
  const d = await readDataFile(join(root, 'examples', 'sine-direction.csv'));
  assert.equal(d.sequences.length, 200);
  assert.deepEqual(d.features, ['sensor_a', 'sensor_b']);
  assert.deepEqual(d.classes, ['down', 'up']);
  assert.equal(d.target, 'steps');
  assert.ok(d.sequences.every((s) => s.length >= 8 && s.length <= 15 && s.y.every((c) => c === 0 || c === 1)));
});
