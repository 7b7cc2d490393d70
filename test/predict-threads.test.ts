/**
 * `rnnscope predict` on both cores (src/cli/predict-pool.ts): a worker thread writes some of the
 * batches of a large CSV, and the output is the one-thread output byte for byte, in CSV and JSON, per
 * step and per sequence, to a file and to standard output.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Rng } from '../src/tensor/rng.js';
import { ok, run, tempDir } from './cli-helpers.js';

/** A long-form CSV: n sequences of 1 to 20 steps, some labels missing, some ids needing quotes. */
function csv(n: number, seed: number, last: boolean): string {
  const rng = new Rng(seed);
  const lines = ['id,step,a,b,label'];
  for (let k = 0; k < n; k++) {
    const T = 1 + rng.int(20);
    const label = ['down', 'flat', 'up'][rng.int(3)]!;
    for (let t = 0; t < T; t++) {
      const l = last ? (t === T - 1 ? label : '') : t > 0 && rng.int(5) === 0 ? '' : ['down', 'flat', 'up'][rng.int(3)]!;
      lines.push(`s${k},${t},${rng.normal().toFixed(4)},${(rng.normal() * 3).toFixed(3)},${l}`);
    }
  }
  return lines.join('\n') + '\n';
}

for (const [kind, last, cell] of [
  ['per step', false, 'lstm'],
  ['per sequence', true, 'gru'],
] as const) {
  test(`predict on two threads writes the one-thread output byte for byte (${kind}, CSV and JSON, file and stdout)`, () => {
    const d = tempDir();
    writeFileSync(join(d, 'train.csv'), csv(200, 1, last));
    writeFileSync(join(d, 'big.csv'), csv(4000, 2, last)); // 16 batches of 256: the worker starts after the 4th
    ok(run(['train', '--data', 'train.csv', '--cell', cell, '--hidden', '6', '--epochs', '1', '--out', 'm.safetensors'], { cwd: d }));
    for (const ext of ['csv', 'json']) {
      const outs = ['1', '2'].map((t) => {
        const r = ok(
          run(['predict', '--model', 'm.safetensors', '--data', 'big.csv', '--out', `p${t}.${ext}`, '--threads', t, '--json'], { cwd: d }),
        );
        const done = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { type: string; threads: number; sequences: number };
        assert.equal(done.type, 'predictions');
        assert.equal(done.sequences, 4000);
        assert.equal(done.threads, Number(t), `--threads ${t} ran on ${done.threads}`);
        return readFileSync(join(d, `p${t}.${ext}`), 'utf8');
      });
      assert.ok(outs[0]!.length > 100_000);
      assert.ok(outs[0] === outs[1], `${ext}: the two-thread output differs from the one-thread output`);
    }
    const stdout = ok(run(['predict', '--model', 'm.safetensors', '--data', 'big.csv', '--threads', '2'], { cwd: d })).stdout;
    assert.ok(stdout === readFileSync(join(d, 'p1.csv'), 'utf8'), 'two threads to stdout differ from one thread to a file');
  });
}

test('predict --threads takes 1, 2 or auto, and refuses anything else in one sentence', () => {
  const d = tempDir();
  const r = run(['predict', '--model', 'm.safetensors', '--threads', '3'], { cwd: d });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--threads.*It must be 1, 2 or auto/);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
});
