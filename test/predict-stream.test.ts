/**
 * `rnnscope predict` on a CSV file streams it (src/cli/predict-stream.ts): its output is byte for byte
 * the whole-file path's (which a quoted id sends the same data through), in CSV and JSON, per step and
 * per sequence, for sequences of any length; a fault late in a file still leaves nothing written; and
 * its memory stays flat when the file grows four times (peak RSS of the child process, not a timing).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Rng } from '../src/tensor/rng.js';
import { cliPath, ok, run, tempDir } from './cli-helpers.js';

/** A long-form CSV: n sequences of 1 to 30 steps, some labels missing; `quoted` quotes every id. */
function csv(n: number, seed: number, quoted = false, last = false): string {
  const rng = new Rng(seed);
  const lines = ['id,step,a,b,c,label'];
  for (let k = 0; k < n; k++) {
    const T = 1 + rng.int(30);
    const id = quoted ? `"q${k}"` : `q${k}`;
    const label = ['down', 'flat', 'up'][rng.int(3)]!;
    for (let t = 0; t < T; t++) {
      const l = last ? (t === T - 1 ? label : '') : rng.int(5) === 0 ? '' : ['down', 'flat', 'up'][rng.int(3)]!;
      lines.push(`${id},${t},${rng.normal().toFixed(4)},${(rng.normal() * 3).toFixed(3)},${rng.uniform(0, 1).toFixed(5)},${l}`);
    }
  }
  return lines.join('\n') + '\n';
}

for (const [kind, last, cell] of [
  ['per step', false, 'lstm'],
  ['per sequence', true, 'gru'],
] as const) {
  test(`predict streams a CSV file to the very bytes the whole-file path writes (${kind}, CSV and JSON)`, () => {
    const d = tempDir();
    writeFileSync(join(d, 'train.csv'), csv(300, 1, false, last));
    writeFileSync(join(d, 'plain.csv'), csv(700, 2, false, last));
    writeFileSync(join(d, 'quoted.csv'), csv(700, 2, true, last)); // the same data, through readCsv
    ok(run(['train', '--data', 'train.csv', '--cell', cell, '--hidden', '6', '--epochs', '1', '--out', 'm.safetensors'], { cwd: d }));
    for (const ext of ['csv', 'json']) {
      const a = ok(run(['predict', '--model', 'm.safetensors', '--data', 'plain.csv', '--out', `a.${ext}`], { cwd: d }));
      const b = ok(run(['predict', '--model', 'm.safetensors', '--data', 'quoted.csv', '--out', `b.${ext}`], { cwd: d }));
      assert.equal(a.stderr.replace(/plain\.csv|a\.\w+\./g, 'X'), b.stderr.replace(/quoted\.csv|b\.\w+\./g, 'X'));
      const [x, y] = [readFileSync(join(d, `a.${ext}`), 'utf8'), readFileSync(join(d, `b.${ext}`), 'utf8')];
      assert.ok(x.length > 10000);
      assert.equal(x, y, `${ext} differs`);
    }
    const s1 = ok(run(['predict', '--model', 'm.safetensors', '--data', 'plain.csv'], { cwd: d })).stdout;
    assert.equal(s1, readFileSync(join(d, 'a.csv'), 'utf8'), 'stdout differs from --out');
  });
}

test('predict streams the whole-file bytes when the classes need quoting and the steps are dates', () => {
  // the streamed path joins plain fields by hand and sends a row with a field to quote through csv-stringify
  const d = tempDir();
  const rng = new Rng(9);
  const classes = ['up,ish', 'flat', 'down "x"'];
  const quote = (t: string) => `"${t.replace(/"/g, '""')}"`;
  const train = ['id,step,a,b,label'];
  const plain = ['id,step,a,b'];
  const quoted = ['id,step,a,b'];
  for (let k = 0; k < 120; k++)
    for (let t = 0; t < 4; t++) {
      const step = k % 2 ? `2024-01-0${t + 1}` : String(t);
      const [a, b] = [rng.normal().toFixed(3), rng.normal().toFixed(3)];
      train.push(`s${k},${step},${a},${b},${quote(classes[rng.int(3)]!)}`);
      plain.push(`s${k},${step},${a},${b}`);
      quoted.push(`"s${k}",${step},${a},${b}`);
    }
  writeFileSync(join(d, 'train.csv'), train.join('\n') + '\n');
  writeFileSync(join(d, 'plain.csv'), plain.join('\n') + '\n');
  writeFileSync(join(d, 'quoted.csv'), quoted.join('\n') + '\n');
  ok(run(['train', '--data', 'train.csv', '--hidden', '4', '--epochs', '1', '--out', 'm.safetensors'], { cwd: d }));
  const a = ok(run(['predict', '--model', 'm.safetensors', '--data', 'plain.csv'], { cwd: d })).stdout;
  const b = ok(run(['predict', '--model', 'm.safetensors', '--data', 'quoted.csv'], { cwd: d })).stdout;
  assert.match(a, /^id,step,predicted,"p_down ""x""",p_flat,"p_up,ish"\n/);
  assert.match(a, /\ns1,2024-01-01,/);
  assert.equal(a, b);
});

test('predict leaves nothing written when a fault comes late in a streamed file', () => {
  const d = tempDir();
  writeFileSync(join(d, 'train.csv'), csv(100, 1));
  ok(run(['train', '--data', 'train.csv', '--hidden', '4', '--epochs', '1', '--out', 'm.safetensors'], { cwd: d }));
  writeFileSync(join(d, 'late.csv'), csv(2000, 3) + 'q5,0,1,2,3,up\n'); // a sequence's rows apart, at the end
  const r = run(['predict', '--model', 'm.safetensors', '--data', 'late.csv', '--out', 'p.csv'], { cwd: d });
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /^rnnscope: late\.csv line 3\d{4}, column "step": sequence "q5" has step 0 twice/);
  assert.equal(existsSync(join(d, 'p.csv')), false);
  assert.equal(r.stdout, '');
});

test('predict memory stays flat in the file size: with the JavaScript heap capped (48 MB old, 2 MB semi-space), files of 6 and 24 MB predict, under 200 MB of peak RSS', () => {
  const d = tempDir();
  writeFileSync(join(d, 'train.csv'), csv(200, 1));
  ok(run(['train', '--data', 'train.csv', '--hidden', '8', '--epochs', '1', '--out', 'm.safetensors'], { cwd: d }));
  const peak = (n: number) => {
    writeFileSync(join(d, `d${n}.csv`), csv(n, 5));
    const r = spawnSync(
      '/usr/bin/time',
      [
        '-f',
        'maxrss-kb %M',
        process.execPath,
        '--max-old-space-size=48',
        '--max-semi-space-size=2',
        cliPath,
        'predict',
        '--model',
        'm.safetensors',
        '--data',
        `d${n}.csv`,
        '--out',
        `p${n}.csv`,
      ],
      { cwd: d, encoding: 'utf8' },
    );
    assert.equal(r.status, 0, r.stderr);
    return Number(/maxrss-kb (\d+)/.exec(r.stderr)![1]) / 1024;
  };
  const [small, large] = [peak(12000), peak(48000)]; // about 6 and 24 MB of CSV
  // Uncapped, V8 lets both generations grow with the rate of garbage, more on Node 24 than 20 (182 -> 287 MB there,
  // though it runs an 18 MB file in a 32 MB old space), so peak RSS alone does not tell flat from growing; with the
  // heap capped, a path that holds the file (the whole-file path took 1.4 GB for 24 MB) dies of heap exhaustion.
  assert.ok(large < 200, `peak RSS ${small.toFixed(0)} MB -> ${large.toFixed(0)} MB`);
});

test('predict streams a file whose ids are out of order (its ids read again once) to the whole-file bytes, and leaves a repeat id late in it to the whole-file path', () => {
  const d = tempDir();
  writeFileSync(join(d, 'train.csv'), csv(200, 1));
  ok(run(['train', '--data', 'train.csv', '--hidden', '4', '--epochs', '1', '--out', 'm.safetensors'], { cwd: d }));
  const rng = new Rng(12);
  const perm = Array.from({ length: 2000 }, (_, k) => k);
  rng.shuffle(perm);
  const rows = (quoted: boolean, extra: string[]) => {
    const lines = ['id,step,a,b,c,label'];
    for (const k of perm)
      for (let t = 0; t < 3; t++)
        lines.push(`${quoted ? `"u${k}"` : `u${k}`},${t},${k % 7},${t},${(k * t) % 5},${['down', 'flat', 'up'][(k + t) % 3]}`);
    return [...lines, ...extra.map((l) => (quoted ? l.replace(/^([^,]+)/, '"$1"') : l))].join('\n') + '\n';
  };
  const predict = (file: string) => {
    const r = ok(
      run(['predict', '--model', 'm.safetensors', '--data', file, '--out', `${file}.out`, '--threads', '2', '--json'], { cwd: d }),
    );
    const done = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { threads: number };
    return { threads: done.threads, text: readFileSync(join(d, `${file}.out`), 'utf8') };
  };
  for (const [name, extra, streamed] of [
    ['shuffled', [], true],
    ['repeat', [`u${perm[5]},3,1,1,1,up`], false], // a sequence's fourth row, apart from its others: readCsv puts it with them
  ] as const) {
    writeFileSync(join(d, `${name}.csv`), rows(false, [...extra]));
    writeFileSync(join(d, `${name}-q.csv`), rows(true, [...extra])); // the same data, through readCsv
    const [a, b] = [predict(`${name}.csv`), predict(`${name}-q.csv`)];
    assert.equal(a.text, b.text, name);
    assert.equal(b.threads, 1);
    assert.equal(a.threads, streamed ? 2 : 1, `${name}: streamed on two threads, or read whole`);
  }
});

test('predict reads a named pipe called .csv through the whole-file path, to the same bytes (the stream only looks at it: opening it there ended its writer)', () => {
  const d = tempDir();
  writeFileSync(join(d, 'train.csv'), csv(200, 1));
  writeFileSync(join(d, 'plain.csv'), csv(300, 2));
  ok(run(['train', '--data', 'train.csv', '--hidden', '6', '--epochs', '1', '--out', 'm.safetensors'], { cwd: d }));
  ok(run(['predict', '--model', 'm.safetensors', '--data', 'plain.csv', '--out', 'a.csv'], { cwd: d }));
  spawnSync('mkfifo', [join(d, 'pipe.csv')]);
  // the writer and the command in one shell; timeout: a hang (the old code) fails instead of waiting
  const r = spawnSync(
    'sh',
    ['-c', `cat plain.csv > pipe.csv & exec "${process.execPath}" "${cliPath}" predict --model m.safetensors --data pipe.csv --out b.csv`],
    {
      cwd: d,
      encoding: 'utf8',
      timeout: 60_000,
    },
  );
  assert.equal(r.status, 0, `${r.error ?? ''} ${r.stderr}`);
  assert.equal(readFileSync(join(d, 'b.csv'), 'utf8'), readFileSync(join(d, 'a.csv'), 'utf8'));
});
