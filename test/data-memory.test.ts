/**
 * What a loaded data set holds, by its arrays' byteLength (not by RSS, which the garbage collector
 * moves): a CSV read by the fast path (src/data/csv-fast.ts) keeps its features and targets, not
 * the scanner's 4 MB pools.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readDataFile } from '../src/data/read.js';
import { readCsv } from '../src/data/csv.js';
import { Rng } from '../src/tensor/rng.js';
import { tempDir } from './cli-helpers.js';

test('a CSV data set read from a file holds its features and targets in arrays of about their size (1.25x at most), with the values readCsv reads', async () => {
  const rng = new Rng(3);
  const lines = ['id,step,a,b,c,d,e,label'];
  for (let k = 0; k < 2000; k++) {
    for (let t = 0; t < 10; t++) {
      const f = Array.from({ length: 5 }, () => rng.normal().toFixed(4));
      lines.push(`s${k},${t},${f.join(',')},${['down', 'flat', 'up'][rng.int(3)]}`);
    }
  }
  const path = join(tempDir(), 'd.csv');
  writeFileSync(path, lines.join('\n') + '\n');
  const ds = await readDataFile(path);
  const buffers = new Set<ArrayBufferLike>();
  let x = 0;
  let y = 0;
  for (const s of ds.sequences) {
    buffers.add(s.x.buffer).add(s.y.buffer);
    x += s.x.byteLength;
    y += s.y.byteLength;
  }
  const held = [...buffers].reduce((n, b) => n + b.byteLength, 0);
  assert.equal(x, 2000 * 10 * 5 * 4);
  assert.ok(held <= 1.25 * (x + y), `the arrays hold ${held} bytes for ${x} of features and ${y} of targets`);
  const text = readCsv(readFileSync(path, 'utf8'), path);
  assert.deepEqual(
    ds.sequences.map((s) => Array.from(s.x)),
    text.sequences.map((s) => Array.from(s.x)),
  );
});
