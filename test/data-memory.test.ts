/**
 * What a loaded data set holds: by its arrays' byteLength (a CSV read by the fast path,
 * src/data/csv-fast.ts, keeps its features and targets, not the scanner's 4 MB pools), and by the
 * heap and ArrayBuffer bytes live between full collections (src/data/columns.ts: no object per
 * sequence); and a training step's memory, linear in T, B and H.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readDataFile } from '../src/data/read.js';
import { readCsv } from '../src/data/csv.js';
import { Rng } from '../src/tensor/rng.js';
import { prepare } from '../src/train/prepare.js';
import { SequenceModel } from '../src/nn/model.js';
import { TrainStep } from '../src/train/step.js';
import { Adam } from '../src/optim/adam.js';
import { Batcher } from '../src/data/batcher.js';
import { collect } from '../bench/gc.js';
import { estimateRun } from '../src/train/footprint.js';
import { modelOptions } from '../src/train/prepare.js';
import { Trainer } from '../src/train/trainer.js';
import { getTask } from '../src/data/tasks.js';
import { sequenceCount } from '../src/data/columns.js';
import type { Dataset } from '../src/data/dataset.js';
import { I, T, writeCsv } from '../bench/gen-csv.js';
import { tempDir } from './cli-helpers.js';

const live = () => process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;

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

test('a long-form CSV of 50,000 sequences, loaded, holds under 2x its features as float32 (live heap and ArrayBuffers), and prepare makes no view of the whole file', async (t) => {
  const path = join(tempDir(), 'big.csv');
  const N = writeCsv(path, 25); // the bench's file: 10 steps of 5 features, a label per step
  assert.ok(N >= 50_000, `${N} sequences`);
  await collect();
  const before = live();
  const ds = await readDataFile(path);
  await collect();
  const held = live() - before;
  const float32 = N * T * I * 4;
  t.diagnostic(`${N} sequences: ${(held / N).toFixed(0)} bytes each, ${(held / float32).toFixed(2)}x their features as float32`);
  assert.ok(
    held < 2 * float32,
    `the loaded data set holds ${(held / N).toFixed(0)} bytes a sequence, ${(held / float32).toFixed(2)}x its ${float32 / N} of float32 features`,
  );
  // training reads the columns: prepare's parts are new columns of the split, not views of the file
  const p = prepare({ data: ds, seed: 1 });
  assert.equal(p.split.train.length + p.split.val.length + p.split.test.length, N);
  assert.ok(ds.columns, 'the fast path made columns');
  assert.equal(Object.getOwnPropertyDescriptor(ds, 'sequences')?.get !== undefined, true, "the file's sequences were made");
  // and a batch from them is the batch the same sequences give as plain objects (the path of every other data set)
  const train = p.split.train;
  const plain = train.map((s) => ({ ...s }));
  const [a, b] = [new Batcher(train, I, ds.target, 32), new Batcher(plain, I, ds.target, 32)];
  a.shuffle(new Rng(5));
  b.shuffle(new Rng(5));
  for (const k of [0, 7, a.count - 1]) {
    const [ba, bb] = [a.batch(k), b.batch(k)];
    assert.deepEqual(Array.from(ba.x.data), Array.from(bb.x.data));
    assert.deepEqual(Array.from(ba.targets), Array.from(bb.targets));
    assert.deepEqual(ba.items, bb.items);
  }
});

test("the run's memory estimate for its data (src/train/footprint.ts) is what a prepared, training run holds of it, a CSV in columns and a task as objects, within 0.85x to 1.5x", async (t) => {
  const path = join(tempDir(), 'fp.csv');
  writeCsv(path, 10);
  const cases: [string, () => Promise<Dataset>][] = [
    ['a CSV in columns', () => readDataFile(path)],
    ['the trend task as objects', async () => getTask('trend').generate(1, { count: 40_000 })],
  ];
  for (const [what, load] of cases) {
    await collect();
    const before = live();
    const ds = await load();
    const p = prepare({ data: ds, seed: 1 });
    const trainer = new Trainer(p.model, p.split.train, p.split.val, { epochs: 1 });
    const run = trainer.run();
    run.next(); // the batcher's order and the first batch
    run.next();
    await collect();
    const held = live() - before;
    const cols = ds.columns;
    const N = sequenceCount(ds);
    const totalSteps = cols ? cols.start[cols.size]! : ds.sequences.reduce((n, s) => n + s.length, 0);
    const steps = cols ? cols.maxLength() : Math.max(...ds.sequences.map((s) => s.length));
    const o = {
      sequences: N,
      steps,
      totalSteps,
      model: modelOptions(ds),
      batchSize: 32,
      optimizer: 'adam' as const,
      earlyStopping: false,
      threads: 1,
    };
    const est = estimateRun({ ...o, columns: cols !== undefined });
    // what the model and a batch hold is the estimate's other terms
    const data = held - p.model.table.data.byteLength * 4;
    const r = est.data / data;
    t.diagnostic(
      `${what}: ${N} sequences hold ${(data / N).toFixed(0)} bytes each, estimated ${(est.data / N).toFixed(0)} (x${r.toFixed(2)})`,
    );
    assert.ok(
      r > 0.85 && r < 1.5,
      `${what}: the estimate is ${(est.data / 1e6).toFixed(1)} MB for ${(data / 1e6).toFixed(1)} MB held (x${r.toFixed(2)})`,
    );
    assert.ok(p.split.train.length > 0 && trainer.history.length === 0); // (kept alive until measured)
  }
});

test("a training step's memory (its workspace) is linear in T, B and H: doubling one about doubles it", async () => {
  const measure = async (mode: 'lstm' | 'gru' | 'rnn_tanh', T: number, B: number, H: number) => {
    const m = new SequenceModel({ mode, inputSize: 5, hiddenSize: H, numClasses: 3 });
    const step = new TrainStep(m, new Adam(m.table.data, m.table.grad));
    const x = { data: Float32Array.from({ length: T * B * 5 }, (_, i) => Math.sin(i)), shape: [T, B, 5] };
    const y = Int32Array.from({ length: T * B }, (_, i) => i % 3);
    await collect();
    const before = live();
    step.run(x, y); // the first step makes the workspace of (B, T)
    await collect();
    const grew = live() - before;
    step.run(x, y); // (kept alive until measured)
    return grew;
  };
  for (const mode of ['lstm', 'gru', 'rnn_tanh'] as const) {
    // each size once, unmeasured: the WebAssembly module's memory (which only grows, and which earlier
    // tests in this process may have grown already) reaches the largest size's need before any count
    for (const [T, B, H] of [
      [100, 64, 64],
      [50, 128, 64],
      [50, 64, 128],
    ] as const)
      await measure(mode, T, B, H);
    const base = await measure(mode, 50, 64, 64);
    for (const [what, bytes] of [
      ['T', await measure(mode, 100, 64, 64)],
      ['B', await measure(mode, 50, 128, 64)],
      ['H', await measure(mode, 50, 64, 128)],
    ] as const) {
      const r = bytes / base;
      // linear: doubling one size at most doubles the memory (with the runtime's slack); quadratic would be 4x
      assert.ok(
        r > 1.5 && r < 2.3,
        `${mode}: doubling ${what} took ${(bytes / 1e6).toFixed(1)} MB against ${(base / 1e6).toFixed(1)} MB (x${r.toFixed(2)})`,
      );
    }
  }
});
