/**
 * `rnnscope export` as a user types it: the ONNX file runs in onnxruntime-node on raw features and
 * gives predict's probabilities; the PyTorch project trains on under torchrun (two processes, gloo),
 * its first step's loss is rnnscope's, and rnnscope reads the file it writes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { describeRun, root, run, tempDir } from './cli-helpers.js';
import { prepare } from '../src/train/prepare.js';
import { TORCH_SOURCES } from '../src/export/torch-sources.js';

const PY = '/usr/bin/python3';

test("the PyTorch project's Python files are tools/' files, byte for byte (node tools/build-torch-sources.mjs)", () => {
  const from: Record<string, string> = {
    'model.py': 'tools/rnnscope_torch.py',
    'safetensors_min.py': 'tools/safetensors_min.py',
    'train.py': 'tools/torch-project/train.py',
  };
  assert.deepEqual(Object.keys(TORCH_SOURCES).sort(), Object.keys(from).sort());
  for (const [name, src] of Object.entries(from))
    assert.equal(TORCH_SOURCES[name], readFileSync(join(root, src), 'utf8'), `${name} is out of date`);
});

test("export --format onnx: onnxruntime on the raw features gives predict's probabilities", async () => {
  const dir = tempDir();
  const t = run(['train', '--task', 'trend', '--count', '200', '--cell', 'gru', '--layers', '2', '--bidirectional', '--epochs', '1'], {
    cwd: dir,
  });
  assert.equal(t.code, 0, describeRun(t));
  const e = run(['export', '--model', 'model.safetensors', '--out', 'model.onnx', '--json'], { cwd: dir });
  assert.equal(e.code, 0, describeRun(e));
  assert.equal(JSON.parse(e.stdout.trim()).opset, 17);
  const p = run(['predict', '--model', 'model.safetensors', '--format', 'json'], { cwd: dir });
  assert.equal(p.code, 0, describeRun(p));
  const preds = (JSON.parse(p.stdout) as { predictions: Record<string, string | number>[] }).predictions;

  // the same test split, before normalisation: the ONNX graph normalises with the model file's statistics
  const prep = prepare({ task: 'trend', taskOptions: { count: 200 }, seed: 0 });
  const raw = new Map(prep.dataset.sequences.map((s) => [s.id, s]));
  const test = prep.split.test.map((s) => raw.get(s.id)!);
  const T = test[0]!.length;
  const B = test.length;
  const I = 5;
  const x = new Float32Array(T * B * I);
  test.forEach((s, b) => {
    for (let t = 0; t < T; t++) for (let i = 0; i < I; i++) x[(t * B + b) * I + i] = s.x[t * I + i]!;
  });
  const session = await ort.InferenceSession.create(join(dir, 'model.onnx'));
  const out = await session.run({
    input: new ort.Tensor('float32', x, [T, B, I]),
    lengths: new ort.Tensor('int32', new Int32Array(B).fill(T), [B]),
  });
  const logits = out['logits']!.data as Float32Array;
  let worst = 0;
  for (const row of preds) {
    const b = test.findIndex((s) => s.id === row['id']);
    const t = Number(row['step']) - 1;
    const z = Array.from(logits.subarray((t * B + b) * 3, (t * B + b + 1) * 3));
    const m = Math.max(...z);
    const ez = z.map((v) => Math.exp(v - m));
    const sum = ez.reduce((a, v) => a + v, 0);
    ['down', 'flat', 'up'].forEach((c, k) => (worst = Math.max(worst, Math.abs(ez[k]! / sum - Number(row[`p_${c}`])))));
  }
  assert.equal(preds.length, B * T);
  assert.ok(worst <= 1e-5, `onnxruntime's probabilities differ from predict's by ${worst}`);
});

test('export refuses what it cannot do in one sentence, exit 2, and writes nothing', () => {
  const dir = tempDir();
  const t = run(['train', '--task', 'trend', '--count', '60', '--cell', 'lstm', '--hidden', '4', '--proj', '2', '--epochs', '1'], {
    cwd: dir,
  });
  assert.equal(t.code, 0, describeRun(t));
  const cases: [string[], RegExp][] = [
    [['--format', 'onnx', '--out', 'm.onnx'], /no projection.*--format torch/],
    [['--out', 'model-dir'], /give --format onnx or --format torch/],
    [['--format', 'torch', '--out', 'model.safetensors'], /is a file; give a directory/],
    [['--format', 'torch', '--out', 'no/such/dir'], /does not exist/],
  ];
  for (const [args, message] of cases) {
    const r = run(['export', '--model', 'model.safetensors', ...args], { cwd: dir });
    assert.equal(r.code, 2, describeRun(r));
    assert.match(r.stderr, message);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  }
  assert.deepEqual(readdirSync(dir).sort(), ['model.safetensors']);
  writeFileSync(join(dir, 'x.onnx'), 'mine');
  const m = run(['train', '--task', 'trend', '--count', '60', '--epochs', '1', '--out', 'rnn.safetensors'], { cwd: dir });
  assert.equal(m.code, 0, describeRun(m));
  const r = run(['export', '--model', 'rnn.safetensors', '--out', 'x.onnx'], { cwd: dir });
  assert.equal(r.code, 2, describeRun(r));
  assert.match(r.stderr, /already exists; pass --force/);
  assert.equal(readFileSync(join(dir, 'x.onnx'), 'utf8'), 'mine');
});

const torch = existsSync(PY) && spawnSync(PY, ['-c', 'import torch'], { encoding: 'utf8' }).status === 0;

test(
  "export --format torch: torchrun on two CPU processes takes rnnscope's first step to 1e-5, and rnnscope reads its file",
  { skip: torch ? false : `${PY} has no torch (CI installs Debian's python3-torch)`, timeout: 600_000 },
  () => {
    const dir = tempDir();
    const t = run(['train', '--task', 'trend', '--count', '300', '--cell', 'lstm', '--layers', '2', '--bidirectional', '--epochs', '2'], {
      cwd: dir,
    });
    assert.equal(t.code, 0, describeRun(t));
    const e = run(['export', '--model', 'model.safetensors', '--format', 'torch', '--out', 'project'], { cwd: dir });
    assert.equal(e.code, 0, describeRun(e));
    const project = join(dir, 'project');
    assert.deepEqual(readdirSync(project).sort(), [
      'README.md',
      'data.json',
      'model.py',
      'model.safetensors',
      'safetensors_min.py',
      'train.py',
    ]);

    // rnnscope's own next step, from the same file
    const r = run(['train', '--resume', 'model.safetensors', '--epochs', '3', '--out', 'resumed.safetensors', '--json'], { cwd: dir });
    assert.equal(r.code, 0, describeRun(r));
    const first = (s: string) =>
      s
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as { type: string; batch?: number; loss: number; testAccuracy?: number })
        .filter((ev) => ev.type === 'batch' || ev.type === 'saved');
    const oursAll = first(r.stdout).filter((ev) => ev.type === 'batch');
    const ours = oursAll[0]!;

    // torch 1.13's launcher on Python 3.11 needs --redirects/--tee set to a value other than 0 (fixed in torch 2.0)
    const args = ['-m', 'torch.distributed.run', '--redirects', '2', '--tee', '2', '--nproc_per_node', '2'];
    const tr = spawnSync(PY, [...args, 'train.py', '--data', 'data.json', '--epochs', '3', '--json'], {
      cwd: project,
      encoding: 'utf8',
      timeout: 540_000,
      env: { ...process.env, OMP_NUM_THREADS: '1' },
    });
    assert.equal(tr.status, 0, `torchrun failed:\n${tr.stdout}\n${tr.stderr}`);
    const evs = first(tr.stdout);
    const theirs = evs.find((ev) => ev.type === 'batch')!;
    const d = Math.abs(theirs.loss - ours.loss);
    console.log(`# first step's loss: rnnscope ${ours.loss}, torchrun x2 ${theirs.loss}, difference ${d.toExponential(2)}`);
    assert.ok(d <= 1e-5, `the first step's loss differs by ${d}`);
    // With the optimizer's moments restored from the checkpoint, every later step is rnnscope's too.
    const theirsAll = evs.filter((ev) => ev.type === 'batch');
    assert.equal(theirsAll.length, oursAll.length);
    const worst = Math.max(...theirsAll.map((ev, k) => Math.abs(ev.loss - oursAll[k]!.loss)));
    console.log(`# every step of the epoch: largest difference ${worst.toExponential(2)}`);
    // The file's checkpoint keeps Adam's moments (as tensors, format 2): train.py must go on from them.
    assert.match(tr.stdout, /optimizer state restored/, 'train.py did not restore the optimizer state the model file keeps');
    assert.ok(worst <= 1e-5, `a later step's loss differs by ${worst}`);

    const saved = evs.find((ev) => ev.type === 'saved')!;
    const p = run(['predict', '--model', join(project, 'trained.safetensors'), '--json'], { cwd: dir });
    assert.equal(p.code, 0, describeRun(p));
    const summary = JSON.parse(p.stdout.trim().split('\n').pop()!) as { accuracy: number };
    assert.equal(summary.accuracy, saved.testAccuracy, 'rnnscope reads the trained file with the accuracy train.py measured');
    for (const cmd of [
      ['inspect', join(project, 'trained.safetensors')],
      ['trace', '--model', join(project, 'trained.safetensors')],
    ]) {
      const c = run(cmd, { cwd: dir });
      assert.equal(c.code, 0, describeRun(c));
    }
  },
);
