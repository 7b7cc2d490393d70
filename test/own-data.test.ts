/**
 * Issue 12, "your own data, done right": the silent wrong answers a newcomer hit on their own files,
 * end to end as a user types the commands (predict by column name, the file's steps echoed, wide files,
 * step columns, closed pipes, Ctrl-C, what --resume may change).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cliPath, describeRun, jsonLines, ok, run, tempDir } from './cli-helpers.js';
import { readCsv } from '../src/data/csv.js';
import { decodeSafetensors } from '../src/io/safetensors.js';

/** A seeded random number in [0, 1). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

/** 40 sequences of 6 steps: a drifting value a (up or down) and noise b, long form. */
function longRows(): { id: string; step: number; a: string; b: string; label: string }[] {
  const r = rng(7);
  const rows = [];
  for (let k = 0; k < 40; k++) {
    const up = r() < 0.5;
    let v = 0;
    for (let t = 0; t < 6; t++) {
      v += (up ? 0.3 : -0.3) + (r() - 0.5) * 0.4;
      rows.push({ id: `s${k}`, step: t, a: v.toFixed(3), b: r().toFixed(3), label: up ? 'up' : 'down' });
    }
  }
  return rows;
}

function writeCsv(dir: string, name: string, header: string[], rows: Record<string, unknown>[]): string {
  writeFileSync(join(dir, name), [header.join(','), ...rows.map((r) => header.map((h) => r[h]).join(','))].join('\n') + '\n');
  return name;
}

/** The trained model of ab.csv (columns id, step, a, b, label), once. */
let trained: string | null = null;
function abModel(): string {
  if (trained) return trained;
  const dir = tempDir();
  writeCsv(dir, 'ab.csv', ['id', 'step', 'a', 'b', 'label'], longRows());
  ok(run(['train', '--data', 'ab.csv', '--epochs', '3', '--out', 'ab.safetensors'], { cwd: dir }));
  return (trained = dir);
}

/** Rows of a CSV without quotes, as objects by header name. */
function parse(text: string, _o?: object): Record<string, string>[] {
  const [head, ...lines] = text.trim().split('\n');
  const names = head!.split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [names[i], v])));
}

const probs = (csv: string) =>
  (parse(csv, { columns: true }) as Record<string, string>[]).map((r) => `${r['id']} ${r['p_down']} ${r['p_up']}`);

test('predict matches feature columns by name: swapped columns and an extra one give the same predictions', () => {
  const dir = abModel();
  const rows = longRows();
  writeCsv(
    dir,
    'ba.csv',
    ['id', 'step', 'b', 'note', 'a', 'label'],
    rows.map((r) => ({ ...r, note: 'x' })),
  );
  const same = ok(run(['predict', '--model', 'ab.safetensors', '--data', 'ab.csv'], { cwd: dir }));
  const swapped = ok(run(['predict', '--model', 'ab.safetensors', '--data', 'ba.csv'], { cwd: dir }));
  assert.deepEqual(probs(swapped.stdout), probs(same.stdout));
  assert.equal(swapped.stderr.match(/Ignored column note/g)?.length, 1, swapped.stderr);
  assert.doesNotMatch(same.stderr, /Ignored/);
});

test('predict names a feature column the model needs and the file lacks', () => {
  const dir = abModel();
  writeCsv(
    dir,
    'bz.csv',
    ['id', 'step', 'b', 'z', 'label'],
    longRows().map((r) => ({ ...r, z: r.a })),
  );
  const r = run(['predict', '--model', 'ab.safetensors', '--data', 'bz.csv'], { cwd: dir });
  assert.equal(r.code, 2, describeRun(r));
  assert.match(r.stderr, /bz\.csv has no column "a", a feature the model was trained on \(a, b\)/);
});

test("predict echoes the file's id and step values, in step order whatever the row order", () => {
  const dir = abModel();
  const rows = longRows()
    .filter((r) => r.id === 's0' || r.id === 's1')
    .map((r) => ({ ...r, step: r.step + 100 }))
    .reverse();
  writeCsv(dir, 'late.csv', ['id', 'step', 'a', 'b', 'label'], rows);
  const out = ok(run(['predict', '--model', 'ab.safetensors', '--data', 'late.csv'], { cwd: dir }));
  const got = (parse(out.stdout, { columns: true }) as Record<string, string>[]).map((p) => `${p['id']}@${p['step']}`);
  assert.deepEqual(got, [
    's1@100',
    's1@101',
    's1@102',
    's1@103',
    's1@104',
    's1@105',
    's0@100',
    's0@101',
    's0@102',
    's0@103',
    's0@104',
    's0@105',
  ]);
});

/** The same 40 sequences, wide: one row per sequence, a column per step. */
function wideRows(): { header: string[]; rows: Record<string, string>[] } {
  const header = ['id', 'label', ...Array.from({ length: 6 }, (_, t) => `t${t}`)];
  const by = new Map<string, Record<string, string>>();
  for (const r of longRows()) {
    const w = by.get(r.id) ?? { id: r.id, label: r.label };
    w[`t${r.step}`] = r.a;
    by.set(r.id, w);
  }
  return { header, rows: [...by.values()] };
}

test('a wide CSV is refused with how to reshape it, and --layout wide reads each row as a sequence', () => {
  const dir = tempDir();
  const w = wideRows();
  writeCsv(dir, 'wide.csv', w.header, w.rows);
  const refused = run(['train', '--data', 'wide.csv'], { cwd: dir });
  assert.equal(refused.code, 2, describeRun(refused));
  assert.match(refused.stderr, /wide\.csv looks wide: every sequence has one row, with 6 number columns/);
  assert.match(refused.stderr, /--layout wide/);
  assert.match(refused.stderr, /melt/);
  assert.ok(!existsSync(join(dir, 'model.safetensors')));
  const r = ok(run(['train', '--data', 'wide.csv', '--layout', 'wide', '--epochs', '2', '--json'], { cwd: dir }));
  const data = jsonLines(r.stdout).find((e) => e['type'] === 'data')!;
  assert.equal(data['steps'], 6);
  assert.deepEqual(data['features'], ['value']);
  assert.equal(data['target'], 'last');
  const p = ok(run(['predict', '--model', 'model.safetensors', '--data', 'wide.csv', '--layout', 'wide'], { cwd: dir }));
  assert.equal(parse(p.stdout).length, 40);
});

test('--step-col none keeps a column named t as a feature; a step column taken by its name is said', () => {
  const dir = tempDir();
  const rows = longRows().map((r) => ({ ...r, t: r.b }));
  writeCsv(dir, 'tfeat.csv', ['id', 't', 'a', 'label'], rows);
  const taken = run(['train', '--data', 'tfeat.csv', '--epochs', '1'], { cwd: dir });
  assert.equal(taken.code, 2, describeRun(taken));
  assert.match(taken.stderr, /column "t" was taken as the step column by its name, so if it is a feature, pass --step-col none/);
  const none = ok(
    run(['train', '--data', 'tfeat.csv', '--step-col', 'none', '--epochs', '1', '--json', '--out', 'b.safetensors'], { cwd: dir }),
  );
  const data = jsonLines(none.stdout).find((e) => e['type'] === 'data')!;
  assert.deepEqual(data['features'], ['t', 'a']);
  assert.equal(data['stepColumn'], undefined);
  writeCsv(
    dir,
    'tstep.csv',
    ['id', 't', 'a', 'label'],
    longRows().map((r) => ({ ...r, t: r.step })),
  );
  const byName = ok(run(['train', '--data', 'tstep.csv', '--epochs', '1', '--out', 'a.safetensors'], { cwd: dir }));
  assert.match(byName.stdout, /Steps: column "t" orders the rows, taken by its name; if it is a feature, pass --step-col none/);
  const given = ok(run(['train', '--data', 'tstep.csv', '--step-col', 't', '--epochs', '1', '--out', 'c.safetensors'], { cwd: dir }));
  assert.doesNotMatch(given.stdout, /Steps: column/);
});

test('readCsv puts rows in any order into step order, and takes dates and timestamps as steps', () => {
  const sorted = readCsv('id,step,a,label\ns1,0,1,x\ns1,1,2,x\ns1,2,3,y\ns2,5,9,x\ns2,6,8,y\n', 'sorted.csv');
  const shuffled = readCsv('id,step,a,label\ns1,2,3,y\ns2,6,8,y\ns1,0,1,x\ns2,5,9,x\ns1,1,2,x\n', 'shuffled.csv');
  assert.deepEqual(
    shuffled.sequences.map((s) => [s.id, [...s.x], [...s.y], s.steps]),
    sorted.sequences.map((s) => [s.id, [...s.x], [...s.y], s.steps]),
  );
  const dates = readCsv(
    'id,time,a,label\ns1,2024-03-02,2,x\ns1,2024-03-01,1,x\ns1,2024-03-10T08:30:00Z,3,y\ns2,2024-01-01 10:00,5,x\ns2,2024-01-01 09:00,4,y\n',
    'dates.csv',
  );
  assert.deepEqual([...dates.sequences[0]!.x], [1, 2, 3]);
  assert.deepEqual(dates.sequences[0]!.steps, ['2024-03-01', '2024-03-02', '2024-03-10T08:30:00Z']);
  assert.deepEqual([...dates.sequences[1]!.x], [4, 5]);
  assert.deepEqual(dates.stepColumn, { name: 'time', byName: true });
  assert.throws(() => readCsv('id,step,a,label\ns1,0,1,x\ns1,2024-01-01,1,x\n', 'mixed.csv'), /mixes integer steps and dates/);
  assert.throws(
    () => readCsv('id,step,a,label\ns1,2024-01-01,1,x\ns1,2024-01-01,1,x\n', 'twice.csv'),
    /has step 2024-01-01 twice \(lines 2 and 3\)/,
  );
});

/** Runs the CLI asynchronously; resolves with its exit code and output once it ends. */
function spawnCli(
  args: string[],
  cwd: string,
  onStdout: (chunk: string, child: ReturnType<typeof spawn>) => void,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
    delete env.NODE_TEST_CONTEXT;
    const child = spawn(process.execPath, [cliPath, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => {
      stdout += b.toString();
      onStdout(b.toString(), child);
    });
    child.stdout.on('error', () => undefined);
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const tempFiles = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.tmp'));

test('train | head -1: a closed pipe stops the printing, not the run; the model is saved and no temp file stays', async () => {
  const dir = tempDir();
  const r = await spawnCli(['train', '--count', '300', '--epochs', '3'], dir, (_, child) => child.stdout!.destroy());
  assert.equal(r.code, 0, r.stderr);
  assert.ok(existsSync(join(dir, 'model.safetensors')), 'the model was saved');
  const meta = JSON.parse(decodeSafetensors(new Uint8Array(readFileSync(join(dir, 'model.safetensors'))), 'model').metadata['rnnscope']!);
  assert.equal(meta.history.length, 3);
  assert.deepEqual(tempFiles(dir), []);
});

test('Ctrl-C during training keeps the finished epochs, says how to resume, and leaves no temp file', async () => {
  const dir = tempDir();
  let sent = false;
  const r = await spawnCli(['train', '--count', '3000', '--epochs', '1000', '--json'], dir, (chunk, child) => {
    if (!sent && chunk.includes('"type":"epoch"')) {
      sent = true;
      child.kill('SIGINT');
    }
  });
  assert.equal(r.code, 130, r.stderr);
  const events = jsonLines(r.stdout);
  const done = events.filter((e) => e['type'] === 'epoch').length;
  assert.ok(done >= 1);
  assert.deepEqual(events.find((e) => e['type'] === 'train_end')?.['reason'], 'interrupted');
  assert.match(r.stderr, new RegExp(`stopped by SIGINT; ${done} finished epochs? (is|are) saved in model\\.safetensors`));
  assert.match(r.stderr, /rnnscope train --resume model\.safetensors --epochs 1000/);
  assert.deepEqual(tempFiles(dir), []);
  const resumed = ok(run(['train', '--resume', 'model.safetensors', '--epochs', String(done + 1), '--json'], { cwd: dir }));
  assert.equal(jsonLines(resumed.stdout).filter((e) => e['type'] === 'epoch').length, 1);
});

test('--resume applies a new learning rate, clip and patience and says so; it refuses the optimizer by name', () => {
  const dir = tempDir();
  ok(run(['train', '--count', '300', '--epochs', '2'], { cwd: dir }));
  const r = ok(
    run(['train', '--resume', 'model.safetensors', '--epochs', '3', '--lr', '0.0125', '--clip', '0.5', '--patience', '4', '--json'], {
      cwd: dir,
    }),
  );
  const ev = jsonLines(r.stdout);
  const epoch = ev.find((e) => e['type'] === 'epoch')!;
  assert.equal(epoch['epoch'], 3);
  assert.equal(epoch['lr'], 0.0125);
  const changes = (ev.find((e) => e['type'] === 'resume')!['changes'] as { option: string; to: string }[]).map(
    (c) => `${c.option} ${c.to}`,
  );
  assert.deepEqual(changes, ['--lr 0.0125', '--epochs 3', '--clip 0.5', '--patience 4']);
  const text = ok(run(['train', '--resume', 'model.safetensors', '--epochs', '4', '--lr', '0.001'], { cwd: dir }));
  assert.match(text.stdout, /Resuming model\.safetensors after epoch 3; changed: --lr 0\.0125 -> 0\.001, --epochs 3 -> 4\./);
  for (const [flag, value] of [
    ['--optimizer', 'sgd'],
    ['--batch-size', '8'],
    ['--seed', '5'],
  ] as const) {
    const bad = run(['train', '--resume', 'model.safetensors', '--epochs', '9', flag, value], { cwd: dir });
    assert.equal(bad.code, 2, describeRun(bad));
    assert.match(bad.stderr, new RegExp(`${flag} cannot change when resuming`));
  }
});

test('--json writes a non-finite number as null, never a "NaN" string (compare --json, a run without validation)', async () => {
  const { jsonReplacer } = await import('../src/cli/output.js');
  assert.equal(JSON.stringify({ a: NaN, b: Float32Array.of(Infinity, 1), c: -Infinity }, jsonReplacer), '{"a":null,"b":[null,1],"c":null}');
});

test("the main job's quiz pointer repeats the run's options; counts of one are singular", () => {
  const r = ok(run(['--count', '300', '--epochs', '1', '--cell', 'gru', '--trace-index', '2', '--features', 'x'].slice(0, 6)));
  assert.match(r.stdout, /npx rnnscope quiz --count 300 --epochs 1 --cell gru\n/);
  assert.match(r.stdout, /Training trace — 1 epoch of \d+ batches/);
  assert.doesNotMatch(r.stdout, /\b1 (epochs|features|parameters)\b/);
});

test('quiz --model FILE asks about that model file, not a freshly trained one', () => {
  const dir = abModel();
  const r = ok(run(['quiz', '--model', 'ab.safetensors', '--data', 'ab.csv', '--json'], { cwd: dir }));
  const ev = jsonLines(r.stdout);
  assert.ok(ev.filter((e) => e['type'] === 'question').length >= 4, r.stdout.slice(0, 400));
  assert.match(r.stdout, /ab\.safetensors, on ab\.csv/);
  const bad = run(['quiz', '--model', 'ab.safetensors', '--data', 'ab.csv', '--cell', 'gru'], { cwd: dir });
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--cell does not apply with --model/);
});
