/**
 * The duplicate-id check (src/data/seen-ids.ts): natural and byte order are total orders in which two
 * ids are equal only when their bytes are; ids in either order keep nothing; the first id out of both
 * recalls the ids so far, and from then a repeat is found wherever it is.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { byteCompare, naturalCompare, SeenIds, StringIds } from '../src/data/seen-ids.js';
import { Rng } from '../src/tensor/rng.js';

const enc = new TextEncoder();
const nat = (a: string, b: string) => {
  const [x, y] = [enc.encode(a), enc.encode(b)];
  return Math.sign(naturalCompare(x, 0, x.length, y, 0, y.length));
};

test('naturalCompare orders digit runs by value, then by bytes, and is 0 only for the same bytes', () => {
  const sorted = [
    '',
    '0',
    '00',
    '01',
    '1',
    '2',
    '9',
    '010',
    '10',
    '99',
    '100',
    'a',
    'a01',
    'a1',
    'a2',
    'a10',
    'a10a',
    'a11',
    'b',
    's9x',
    's10',
  ];
  for (let i = 0; i < sorted.length; i++)
    for (let j = 0; j < sorted.length; j++)
      assert.equal(nat(sorted[i]!, sorted[j]!) + 0, Math.sign(i - j) + 0, `${sorted[i]} vs ${sorted[j]}`);
  // a total order on random ids: antisymmetric, transitive, 0 only when equal (checked by sorting and comparing neighbours)
  const rng = new Rng(4);
  const alphabet = ['0', '1', '9', '00', '-', 'a', 'Z', '/', ':', 'é'];
  const ids = Array.from({ length: 400 }, () => Array.from({ length: 1 + rng.int(5) }, () => alphabet[rng.int(alphabet.length)]).join(''));
  const uniq = [...new Set(ids)].sort((a, b) => nat(a, b));
  for (let i = 0; i + 1 < uniq.length; i++) assert.equal(nat(uniq[i]!, uniq[i + 1]!), -1, `${uniq[i]} < ${uniq[i + 1]}`);
  for (let k = 0; k < 2000; k++) {
    const [a, b, c] = [uniq[rng.int(uniq.length)]!, uniq[rng.int(uniq.length)]!, uniq[rng.int(uniq.length)]!];
    assert.equal(nat(a, b) + 0, -nat(b, a) + 0);
    if (nat(a, b) < 0 && nat(b, c) < 0) assert.equal(nat(a, c), -1, `${a} < ${b} < ${c}`);
  }
  const [x, y] = [enc.encode('abc'), enc.encode('abd')];
  assert.ok(byteCompare(x, 0, 3, y, 0, 3) < 0 && byteCompare(x, 0, 2, y, 0, 3) < 0 && byteCompare(x, 0, 3, x, 0, 3) === 0);
});

/** Feeds `ids` to a SeenIds over a set of strings; the index of the first id it calls a repeat, and the recalls. */
function check(ids: string[]): { repeat: number; recalled: number[] } {
  const recalled: number[] = [];
  const seen = new SeenIds((n) => {
    recalled.push(n);
    return new StringIds(ids.slice(0, n));
  });
  for (let k = 0; k < ids.length; k++) {
    const b = enc.encode(`,${ids[k]},`); // the id inside a larger buffer
    if (!seen.add(b, 1, b.length - 1)) return { repeat: k, recalled };
  }
  return { repeat: -1, recalled };
}

test('SeenIds keeps nothing while ids rise in natural or byte order, recalls once at the first out of both, and finds every repeat', () => {
  const counting = Array.from({ length: 1200 }, (_, k) => `s${k}`);
  assert.deepEqual(check(counting), { repeat: -1, recalled: [] }, 'natural order');
  assert.deepEqual(check([...counting].sort()), { repeat: -1, recalled: [] }, 'sorted as text');
  assert.deepEqual(check(['2024-01-09', '2024-01-10', '2024-2-1', 'x']), { repeat: -1, recalled: [] });
  // out of order, no repeat: one recall of the ids before
  const shuffled = [...counting];
  new Rng(2).shuffle(shuffled);
  const r = check(shuffled);
  assert.equal(r.repeat, -1);
  assert.equal(r.recalled.length, 1);
  assert.ok(r.recalled[0]! >= 1 && r.recalled[0]! < 20);
  // a repeat: right after it, at the end, after a break, and one that keeps the order of neither
  assert.equal(check(['a', 'a']).repeat, 1);
  assert.equal(check([...counting, 's5']).repeat, 1200);
  assert.equal(check([...shuffled, shuffled[700]!]).repeat, 1200);
  assert.equal(check(['s1', 's10', 's2', 's1']).repeat, 3);
  // "a01" and "a1" are equal in value but not the same id
  assert.equal(check(['a01', 'a1', 'a01']).repeat, 2);
  assert.equal(check(['a1', 'a01']).repeat, -1);
});
