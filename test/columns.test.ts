/**
 * The columnar data path (src/data/columns.ts) against the path over Sequence objects that every
 * other data set takes: a CSV read by the fast path and the same data set as plain objects (a spread
 * copy drops the columns) give the same split, statistics, features and losses, to the bit.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readDataFile } from '../src/data/read.js';
import type { Dataset } from '../src/data/dataset.js';
import { prepare, type PrepareOptions } from '../src/train/prepare.js';
import { Trainer } from '../src/train/trainer.js';
import { Rng } from '../src/tensor/rng.js';
import { tempDir } from './cli-helpers.js';

/** A long-form CSV of `n` sequences of 3 to 8 steps; labels per step, or on the last step only. */
function writeData(n: number, last: boolean, seed: number): string {
  const rng = new Rng(seed);
  const lines = ['id,step,a,b,c,label'];
  for (let k = 0; k < n; k++) {
    const T = 3 + rng.int(6);
    for (let t = 0; t < T; t++) {
      const f = [rng.normal() * 3 + 1, rng.uniform(0, 10), rng.normal()].map((v) => v.toFixed(3));
      if (t === 2) f[2] = '-0';
      const label = !last || t === T - 1 ? ['down', 'flat', 'up'][rng.int(3)]! : '';
      lines.push(`s${k},${t},${f.join(',')},${label}`);
    }
  }
  const path = join(tempDir(), `d${seed}.csv`);
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

/** The same data set as Sequence objects, with no columns: the path of every other reader. */
const plain = (ds: Dataset): Dataset => ({ ...ds });

const outcome = (o: PrepareOptions) => {
  const p = prepare(o);
  const losses: number[] = [];
  const trainer = new Trainer(p.model, p.split.train, p.split.val, { epochs: 2, batchSize: 16, seed: 3 });
  for (const e of trainer.run()) if (e.type === 'batch') losses.push(e.loss);
  const part = (s: typeof p.split.train) => s.map((q) => ({ ...q, x: Array.from(q.x), y: Array.from(q.y) }));
  return { norm: p.normalization, train: part(p.split.train), val: part(p.split.val), test: part(p.split.test), losses };
};

for (const last of [false, true]) {
  test(`prepare and training over columns match the path over objects to the bit (${last ? 'a label per sequence' : 'a label per step'}; shuffled, in order, unnormalised, a validation file)`, async () => {
    const ds = await readDataFile(writeData(300, last, last ? 2 : 1));
    const val = await readDataFile(writeData(40, last, 9));
    assert.ok(ds.columns && val.columns, 'the fast path read the files into columns');
    assert.equal(plain(ds).columns, undefined);
    for (const o of [{}, { split: 'ordered' as const }, { normalize: false }, { valData: val }]) {
      const a = outcome({ ...o, data: ds, seed: 4 });
      const b = outcome({ ...o, data: plain(ds), ...(o.valData ? { valData: plain(o.valData) } : {}), seed: 4 });
      assert.ok(a.losses.length > 10);
      assert.deepEqual(a, b, JSON.stringify(o));
    }
  });
}
