/**
 * The fast CSV path (src/data/csv-fast.ts) against readCsv: on every file it takes it gives the very
 * Dataset readCsv gives (same ids, features to the bit, targets, classes, names, step texts), and on
 * every file it does not take (quotes, bad cells, rows apart, ...) it returns null, so readCsv's
 * sentence is the one a user sees. Chunks as small as a few bytes split lines, numbers and ids.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readCsv } from '../src/data/csv.js';
import { readCsvChunks } from '../src/data/csv-fast.js';
import type { CsvOptions } from '../src/data/csv-columns.js';
import type { Dataset } from '../src/data/dataset.js';
import { Rng } from '../src/tensor/rng.js';

const dir = join(import.meta.dirname, '..', '..', 'test', 'fixtures', 'data');

/** readCsvChunks over `bytes`, handed out `chunk` bytes at a time. */
function fast(bytes: Uint8Array, source: string, o: CsvOptions = {}, chunk = 1 << 20): Dataset | null {
  let at = 0;
  return readCsvChunks(
    (buf, from) => {
      const n = Math.min(chunk, buf.length - from, bytes.length - at);
      buf.set(bytes.subarray(at, at + n), from);
      at += n;
      return n;
    },
    source,
    o,
  );
}

/** readCsv's Dataset, or its error's message. */
function slow(text: string, source: string, o: CsvOptions = {}): Dataset | string {
  try {
    return readCsv(text, source, o);
  } catch (e) {
    return (e as Error).message;
  }
}

/** A Dataset as plain data (typed arrays as arrays, so -0 and NaN compare by value, and views compare as their contents). */
function plain(d: Dataset): unknown {
  return JSON.parse(
    JSON.stringify(d, (_, v: unknown) => (ArrayBuffer.isView(v) ? Array.from(v as Float32Array, (x) => (Object.is(x, -0) ? '-0' : x)) : v)),
  );
}

function same(bytes: Uint8Array, source: string, o: CsvOptions = {}, chunk?: number): 'fast' | 'slow' {
  const want = slow(new TextDecoder().decode(bytes), source, o);
  const got = fast(bytes, source, o, chunk);
  if (got === null) return 'slow';
  assert.ok(typeof want !== 'string', `${source}: the fast path read a file readCsv refuses (${want as string})`);
  assert.deepEqual(plain(got), plain(want), source);
  return 'fast';
}

const OPTIONS: CsvOptions[] = [
  {},
  { requireLabels: false },
  { target: 'steps' },
  { target: 'last' },
  { classes: ['down', 'flat', 'up'] },
  { classes: ['0', '1', '2'] },
  { step: null },
  { features: ['x2', 'x1'] },
  { featureCount: 2 },
];

test('the fast path reads every fixture CSV as readCsv does, or leaves it to readCsv', () => {
  const files = readdirSync(dir).filter((f) => f.endsWith('.csv'));
  const taken: string[] = [];
  for (const f of files) {
    const bytes = readFileSync(join(dir, f));
    for (const o of OPTIONS) for (const chunk of [1 << 20, 7, 1]) if (same(bytes, f, o, chunk) === 'fast') taken.push(f);
  }
  // the test means something only if the fast path took the good files
  for (const f of ['steps.csv', 'last.csv', 'no-label-column.csv']) assert.ok(taken.includes(f), `the fast path left ${f} to readCsv`);
});

test('the fast path leaves quotes, rows apart, steps out of order, dates and bad cells to readCsv, with its sentence', () => {
  const cases: [string, string][] = [
    ['quoted', 'id,step,x,label\n"a",0,1,up\n'],
    ['apart', 'id,x,label\na,1,up\nb,2,up\na,3,up\n'],
    ['out-of-order', 'id,step,x,label\na,1,1,up\na,0,2,up\n'],
    ['date', 'id,step,x,label\na,2024-01-01,1,up\na,2024-01-02,2,up\n'],
    ['bad-cell', 'id,x,label\na,abc,up\n'],
    ['nan', 'id,x,label\na,NaN,up\n'],
    ['leading-zero-step', 'id,step,x,label\na,00,1,up\na,01,2,up\n'],
    ['unicode-space-id', 'id,x,label\n\u00a0a,1,up\na,2,up\n'],
    ['real-label', 'id,x,label\na,1,0.5\n'],
  ];
  for (const [name, text] of cases) assert.equal(same(new TextEncoder().encode(text), `${name}.csv`), 'slow', name);
});

test('the fast path reads numbers to the bit as Number() does, exponents, signs and long digits included', () => {
  const rng = new Rng(7);
  const cells: string[] = [
    '0',
    '-0',
    '+1.5',
    '.5',
    '5.',
    '1e-4',
    '-2.5E+3',
    '0.1',
    '123456789012345',
    '1234567890123456789',
    '3.4e38',
    '0.30000000000000004',
  ];
  for (let k = 0; k < 2000; k++) {
    const v = rng.normal() * 10 ** rng.int(12) * (rng.int(2) ? 1 : -1);
    cells.push(v.toFixed(rng.int(9)), String(v), v.toPrecision(1 + rng.int(17)));
  }
  const rows = cells.map((c, i) => `s${i % 97},${c},${i % 3}`);
  const bytes = new TextEncoder().encode(`id,x,label\n${[...rows].sort().join('\n')}\n`);
  assert.equal(same(bytes, 'numbers.csv', { step: null }), 'fast');
  assert.equal(same(bytes, 'numbers.csv', { step: null }, 5), 'fast');
});

test('the fast path reads a generated long file in any chunking as readCsv does: CRLF, a BOM, blank lines, steps from 1, ids of any length', () => {
  const rng = new Rng(3);
  const lines = ['\ufeffid , step,a,b,label,note'];
  for (let k = 0; k < 300; k++) {
    const T = 1 + rng.int(12);
    const id = `seq-${'x'.repeat(rng.int(40))}${k}`;
    for (let t = 0; t < T; t++) {
      const label = t === T - 1 || rng.int(4) === 0 ? ['up', 'down', 'flat', ' up '][rng.int(4)] : '';
      lines.push(`${id},${t + 1}, ${rng.normal().toFixed(5)},${(rng.normal() * 1e3).toFixed(2)},${label},n${rng.int(5)}`);
    }
    if (rng.int(10) === 0) lines.push('');
    if (rng.int(20) === 0) lines.push(',,,,,');
  }
  const bytes = new TextEncoder().encode(lines.join('\r\n'));
  for (const chunk of [1 << 20, 4096, 13, 2])
    assert.equal(same(bytes, 'long.csv', { target: 'steps', features: ['a', 'b'] }, chunk), 'fast');
});

test('the fast path reads ids in any order as readCsv does (counting, sorted as text, shuffled), and leaves a repeat anywhere to readCsv', () => {
  const rng = new Rng(11);
  const ids = Array.from({ length: 500 }, (_, k) => `id${k}`);
  const shuffled = [...ids];
  rng.shuffle(shuffled);
  const file = (order: string[]) => {
    const lines = ['id,step,x,label'];
    for (const id of order) for (let t = 0; t < 3; t++) lines.push(`${id},${t},${rng.normal().toFixed(3)},${['up', 'down'][rng.int(2)]}`);
    return new TextEncoder().encode(lines.join('\n') + '\n');
  };
  for (const [name, order] of [
    ['counting', ids],
    ['text', [...ids].sort()],
    ['shuffled', shuffled],
  ] as const)
    for (const chunk of [1 << 20, 64]) assert.equal(same(file(order), `${name}.csv`, {}, chunk), 'fast', name);
  for (const at of [1, 250, 500]) {
    const order = [...shuffled.slice(0, at), shuffled[at - 1 === 0 ? 0 : at >> 1]!, ...shuffled.slice(at)];
    assert.equal(same(file(order), 'repeat.csv'), 'slow', `a repeat after ${at}`);
  }
});
