/**
 * Issue 12, the controls a practitioner expects: splits (random, ordered, by group, from files, written
 * out), class weights, per-class scores and the confusion matrix, the majority baseline on the split it
 * is compared with, --keep best, --no-normalize and --init-from.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeRun, jsonLines, ok, run, tempDir } from './cli-helpers.js';
import { splitByGroup, splitOrdered, type Sequence } from '../src/data/dataset.js';
import { Rng } from '../src/tensor/rng.js';
import { Trainer } from '../src/train/trainer.js';
import { SequenceModel } from '../src/nn/model.js';
import { decodeSafetensors, encodeSafetensors } from '../src/io/safetensors.js';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

/** 90 sequences of 6 steps in 9 sites, 30% "up": a drifting value a and noise b. */
function groupedCsv(dir: string, name = 'g.csv', n = 90, seed = 3): string {
  const r = rng(seed);
  const lines = ['id,step,a,b,label,site'];
  for (let k = 0; k < n; k++) {
    const up = r() < 0.3;
    let v = 0;
    for (let t = 0; t < 6; t++) {
      v += (up ? 0.3 : -0.3) + (r() - 0.5) * 0.6;
      lines.push(`s${k},${t},${v.toFixed(3)},${r().toFixed(3)},${up ? 'up' : 'down'},site${k % 9}`);
    }
  }
  writeFileSync(join(dir, name), lines.join('\n') + '\n');
  return name;
}

const splitRows = (dir: string, file: string) =>
  readFileSync(join(dir, file), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split(',') as [string, string]);

test('--split group:COLUMN keeps every group on one side, and --split-out says where each id went', () => {
  const dir = tempDir();
  groupedCsv(dir);
  ok(run(['train', '--data', 'g.csv', '--split', 'group:site', '--split-out', 'split.csv', '--epochs', '1'], { cwd: dir }));
  const rows = splitRows(dir, 'split.csv');
  assert.equal(rows.length, 90);
  const sideOf = new Map<string, Set<string>>();
  for (const [id, side] of rows) {
    const site = `site${Number(id.slice(1)) % 9}`;
    sideOf.set(site, (sideOf.get(site) ?? new Set()).add(side));
  }
  for (const [site, sides] of sideOf) assert.equal(sides.size, 1, `${site} is on ${[...sides].join(' and ')}`);
  assert.deepEqual(new Set(rows.map((r) => r[1])), new Set(['train', 'val', 'test']));
  const again = run(['train', '--data', 'g.csv', '--split-out', 'split.csv', '--epochs', '1', '--out', 'b.safetensors'], { cwd: dir });
  assert.equal(again.code, 2, describeRun(again));
  assert.match(again.stderr, /split\.csv already exists/);
  const bad = run(['train', '--data', 'g.csv', '--split', 'group:region', '--epochs', '1', '--out', 'c.safetensors'], { cwd: dir });
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /no column "region"/);
});

test('--split ordered keeps the file order: the earliest sequences train, the latest test', () => {
  const dir = tempDir();
  groupedCsv(dir);
  ok(
    run(['train', '--data', 'g.csv', '--features', 'a,b', '--split', 'ordered', '--split-out', 'split.csv', '--epochs', '1'], { cwd: dir }),
  );
  const sides = splitRows(dir, 'split.csv').map((r) => `${r[0]}:${r[1]}`);
  const want = Array.from({ length: 90 }, (_, k) => `s${k}:${k < 62 ? 'train' : k < 76 ? 'val' : 'test'}`);
  assert.deepEqual(sides, want);
});

const seq = (id: string, extra: Partial<Sequence> = {}): Sequence => ({
  id,
  length: 1,
  x: Float32Array.of(0),
  y: Int32Array.of(0),
  ...extra,
});

test('splitOrdered puts sequences dated by their steps in time order; splitByGroup never splits a group', () => {
  const days = ['2024-01-05', '2024-01-01', '2024-01-03', '2024-01-02', '2024-01-04'];
  const s = splitOrdered(
    days.map((d, i) => seq(`d${i}`, { steps: [d] })),
    0.2,
    0.2,
  );
  assert.deepEqual(
    [s.train, s.val, s.test].map((p) => p.map((q) => q.id)),
    [['d1', 'd3', 'd2'], ['d4'], ['d0']],
  );
  const seqs = Array.from({ length: 40 }, (_, i) => seq(`q${i}`, { group: `g${i % 5}` }));
  const g = splitByGroup(seqs, new Rng(1));
  const where = new Map<string, string>();
  for (const part of ['train', 'val', 'test'] as const)
    for (const q of g[part]) {
      assert.ok((where.get(q.group!) ?? part) === part, `group ${q.group} on two sides`);
      where.set(q.group!, part);
    }
  assert.ok(g.train.length && g.val.length && g.test.length);
});

test('--val-data and --test-data come from their own files; the main file is all training then', () => {
  const dir = tempDir();
  groupedCsv(dir, 'train.csv', 60, 1);
  groupedCsv(dir, 'val.csv', 12, 2);
  groupedCsv(dir, 'test.csv', 15, 3);
  const r = ok(
    run(
      ['train', '--data', 'train.csv', '--features', 'a,b', '--val-data', 'val.csv', '--test-data', 'test.csv', '--epochs', '1', '--json'],
      { cwd: dir },
    ),
  );
  const data = jsonLines(r.stdout).find((e) => e['type'] === 'data')!;
  assert.deepEqual(data['sizes'], { train: 60, val: 12, test: 15 });
  const report = jsonLines(r.stdout).find((e) => e['type'] === 'class_report')!;
  const confusion = report['confusion'] as number[][];
  assert.equal(
    confusion.flat().reduce((a, b) => a + b, 0),
    15 * 6,
  );
});

test('--class-weights balanced and by name reach the loss; an unknown class is named', () => {
  const dir = tempDir();
  groupedCsv(dir);
  const losses = ['none', 'balanced', 'up=5'].map((w) => {
    const args = ['train', '--data', 'g.csv', '--features', 'a,b', '--epochs', '1', '--json', '--force'];
    const r = ok(run(w === 'none' ? args : [...args, '--class-weights', w], { cwd: dir }));
    return jsonLines(r.stdout).find((e) => e['type'] === 'epoch')!['loss'];
  });
  assert.equal(new Set(losses).size, 3, `losses ${losses.join(', ')}`);
  const bad = run(['train', '--data', 'g.csv', '--features', 'a,b', '--class-weights', 'sideways=2', '--force'], { cwd: dir });
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--class-weights names class "sideways", which is not one of the classes \(down, up\)/);
});

test('the test split gets per-class precision, recall and F1 and a confusion matrix, in text and JSON', () => {
  const dir = tempDir();
  groupedCsv(dir);
  const r = ok(run(['train', '--data', 'g.csv', '--features', 'a,b', '--epochs', '3', '--json'], { cwd: dir }));
  const ev = jsonLines(r.stdout);
  const report = ev.find((e) => e['type'] === 'class_report')!;
  const test = ev.find((e) => e['type'] === 'test')!['evaluation'] as { correct: number; counted: number };
  const m = report['confusion'] as number[][];
  assert.equal(m[0]![0]! + m[1]![1]!, test.correct);
  const per = report['perClass'] as { precision: number; recall: number; support: number }[];
  assert.equal(per[1]!.recall, m[1]![1]! / (m[1]![0]! + m[1]![1]!));
  assert.equal(per[1]!.precision, m[1]![1]! / (m[0]![1]! + m[1]![1]!));
  const text = ok(run(['train', '--data', 'g.csv', '--features', 'a,b', '--epochs', '3', '--force'], { cwd: dir }));
  assert.match(text.stdout, /class\s+precision\s+recall\s+F1\s+support\n\s+down\s+[\d.]+\s+[\d.]+\s+[\d.]+\s+\d+\n\s+up /);
  assert.match(text.stdout, /Confusion matrix \(rows: true class, columns: predicted\):/);
});

test("the majority baseline of the observations is scored on the validation split, not the training split's own", () => {
  // Training: 3 of 4 are class 0; validation: all class 1. The commonest training class scores 0 there.
  const y = [0, 0, 0, 1];
  const train = y.map((c, i) => seq(`t${i}`, { y: Int32Array.of(c) }));
  const val = [seq('v0', { y: Int32Array.of(1) }), seq('v1', { y: Int32Array.of(1) })];
  const model = new SequenceModel({ mode: 'rnn_tanh', inputSize: 1, hiddenSize: 2, numClasses: 2, headOn: 'last' });
  assert.equal(new Trainer(model, train, val, { epochs: 1 }).chance(), 0);
});

test('--keep best saves the epoch with the best validation loss, without stopping early', () => {
  const dir = tempDir();
  groupedCsv(dir);
  // A learning rate high enough that the validation loss does not fall every epoch.
  const r = ok(
    run(['train', '--data', 'g.csv', '--features', 'a,b', '--epochs', '12', '--lr', '0.3', '--keep', 'best', '--json'], { cwd: dir }),
  );
  const ev = jsonLines(r.stdout);
  const epochs = ev.filter((e) => e['type'] === 'epoch') as { epoch: number; valLoss: number }[];
  assert.equal(epochs.length, 12, 'no early stop');
  const best = epochs.reduce((a, b) => (b.valLoss < a.valLoss ? b : a));
  const kept = ev.find((e) => e['type'] === 'kept');
  if (best.epoch === 12) assert.equal(kept, undefined);
  else assert.equal(kept?.['epoch'], best.epoch);
});

test('--no-normalize uses the features as they are (the model file keeps mean 0 and std 1)', () => {
  const dir = tempDir();
  groupedCsv(dir);
  ok(run(['train', '--data', 'g.csv', '--features', 'a,b', '--epochs', '1', '--no-normalize'], { cwd: dir }));
  const meta = JSON.parse(decodeSafetensors(new Uint8Array(readFileSync(join(dir, 'model.safetensors'))), 'm').metadata['rnnscope']!);
  assert.deepEqual(meta.normalization, { mean: [0, 0], std: [1, 1] });
});

test('--init-from starts from a state_dict without metadata and fine-tunes it; a wrong shape is named', () => {
  const dir = tempDir();
  groupedCsv(dir);
  ok(run(['train', '--data', 'g.csv', '--features', 'a,b', '--epochs', '4', '--out', 'first.safetensors'], { cwd: dir }));
  // As a converted PyTorch state_dict would be: the tensors under rnnscope's names, no metadata.
  const { tensors } = decodeSafetensors(new Uint8Array(readFileSync(join(dir, 'first.safetensors'))), 'first');
  const bare = encodeSafetensors([...tensors].map(([name, t]) => ({ name, shape: t.shape, data: t.data })));
  writeFileSync(join(dir, 'torch.safetensors'), bare);
  const epoch1 = (args: string[]) =>
    jsonLines(
      ok(run(['train', '--data', 'g.csv', '--features', 'a,b', '--epochs', '1', '--json', '--force', ...args], { cwd: dir })).stdout,
    ).find((e) => e['type'] === 'epoch')!['loss'] as number;
  assert.ok(epoch1(['--init-from', 'torch.safetensors']) < epoch1([]), 'fine-tuning starts from the trained weights');
  const bad = run(['train', '--data', 'g.csv', '--features', 'a,b', '--hidden', '4', '--init-from', 'torch.safetensors', '--force'], {
    cwd: dir,
  });
  assert.equal(bad.code, 2, describeRun(bad));
  assert.match(bad.stderr, /rnn\.weight_ih_l0/);
  assert.match(bad.stderr, /--init-from needs the tensors of this run's model/);
});
