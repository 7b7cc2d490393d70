/**
 * Model files that scale and that a hostile file cannot turn against the reader (issue 16): optimizer
 * state as tensors with a small header, the config and the metadata checked before anything is
 * allocated, bounded reads of regular files only, checkpoints whose cost does not grow with the
 * epochs, the same bytes from the same command, and runs refused before they start when they
 * cannot fit.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeModel, encodeModel, FORMAT_VERSION } from '../src/io/model.js';
import { readSafetensorsHeader } from '../src/io/safetensors.js';
import { readModelBytes } from '../src/io/model-file.js';
import { encodeRun } from '../src/io/run-file.js';
import { historyForFile, HISTORY_SPREAD, HISTORY_TAIL } from '../src/io/history.js';
import { prepare } from '../src/train/prepare.js';
import { Trainer } from '../src/train/trainer.js';
import type { EpochRecord } from '../src/train/events.js';
import { SequenceModel } from '../src/nn/model.js';
import { Rng } from '../src/tensor/rng.js';
import { ModelFileError } from '../src/errors.js';
import type { RunMeta } from '../src/io/run-meta.js';
import { describeRun, modelFixtures, ok, run, tempDir } from './cli-helpers.js';

const headerBytes = (bytes: Uint8Array): number => readSafetensorsHeader(bytes).headerBytes;

/** A prepared run and its trainer, without training: the optimizer's state filled with numbers to find again. */
function runOf(model: { mode: 'lstm' | 'gru' | 'rnn_tanh'; hiddenSize: number; numLayers?: number }, history: EpochRecord[] = []) {
  const prepared = prepare({ task: 'trend', taskOptions: { count: 30 }, model, seed: 1 });
  const trainer = new Trainer(prepared.model, prepared.split.train, prepared.split.val, { history, epochs: history.length + 1 });
  const rng = new Rng(3);
  for (const b of Object.values(trainer.optimizer.stateViews().buffers)) rng.fillUniform(b as Float32Array, -1, 1, 0, b.length);
  return { prepared, trainer, task: { name: 'trend', options: { count: 30 } } };
}

function records(n: number): EpochRecord[] {
  return Array.from({ length: n }, (_, i) => ({
    epoch: i + 1,
    loss: 1 / (i + 1),
    trainAccuracy: 0.5,
    valLoss: 0.9,
    valAccuracy: 0.5,
    lr: 0.005,
    gradNormMean: 0.25,
    gradNormMax: 0.5,
    clippedFraction: 0,
    seconds: 0.001 * (i + 1),
  }));
}

/** `bytes` with the "rnnscope" metadata entry changed by `edit`; the tensors stay as they were. */
function withPayload(bytes: Uint8Array, edit: (p: Record<string, unknown>) => void): Uint8Array {
  const h = readSafetensorsHeader(bytes);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, h.dataStart))) as { __metadata__: Record<string, string> };
  const payload = JSON.parse(header.__metadata__['rnnscope']!) as Record<string, unknown>;
  edit(payload);
  header.__metadata__['rnnscope'] = JSON.stringify(payload);
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (json.length % 8)) % 8);
  const out = new Uint8Array(8 + json.length + bytes.length - h.dataStart);
  new DataView(out.buffer).setUint32(0, json.length, true);
  out.set(new TextEncoder().encode(json), 8);
  out.set(bytes.subarray(h.dataStart), 8 + json.length);
  return out;
}

describe('optimizer state is stored as tensors, so the header stays small', () => {
  test('an LSTM of 512 hidden units and 2 layers (3.2 million parameters) keeps a header under 64 KB and its Adam state exactly', () => {
    const r = runOf({ mode: 'lstm', hiddenSize: 512, numLayers: 2 });
    const bytes = encodeRun(r);
    // Format 1 wrote the state into the JSON: a 141 MB header that no reader accepted.
    assert.ok(headerBytes(bytes) < 64 * 1024, `header of ${headerBytes(bytes)} bytes`);
    const { model, meta } = decodeModel(bytes, 'big.safetensors');
    const cp = (meta as RunMeta).checkpoint!;
    const saved = r.trainer.optimizer.stateViews();
    assert.deepEqual(Object.keys(cp.optimizer.buffers), Object.keys(saved.buffers));
    for (const [name, b] of Object.entries(saved.buffers)) {
      assert.ok(Buffer.from((cp.optimizer.buffers[name] as Float32Array).buffer).equals(Buffer.from((b as Float32Array).buffer)), name);
    }
    assert.equal(model.parameterCount, 3_165_699);
    const names = [...readSafetensorsHeader(bytes).tensors.keys()];
    assert.ok(names.includes('optimizer.exp_avg.rnn.weight_hh_l1') && names.includes('optimizer.exp_avg_sq.head.bias'), names.join());
  });

  test('a GRU of 2,600 hidden units (40 million parameters, the size whose JSON state passed 512 MB) saves and loads', () => {
    const r = runOf({ mode: 'gru', hiddenSize: 2600 });
    const bytes = encodeRun(r);
    assert.ok(headerBytes(bytes) < 64 * 1024, `header of ${headerBytes(bytes)} bytes`);
    const { model, meta } = decodeModel(bytes);
    assert.equal(model.parameterCount, r.trainer.model.parameterCount);
    assert.ok(Buffer.from(model.table.data.buffer).equals(Buffer.from(r.trainer.model.table.data.buffer)), 'weights differ');
    const exp = (meta as RunMeta).checkpoint!.optimizer.buffers['exp_avg_sq'] as Float32Array;
    assert.equal(exp[12345], (r.trainer.optimizer.stateViews().buffers['exp_avg_sq'] as Float32Array)[12345]);
  });

  test('a format 1 checkpoint (state in the JSON) still loads, and --resume goes on from it', () => {
    const path = join(modelFixtures, 'rnnscope_v1_checkpoint.safetensors');
    const { model, meta } = decodeModel(readFileSync(path), path);
    const cp = (meta as RunMeta).checkpoint!;
    assert.equal(cp.epoch, 2);
    assert.equal(cp.optimizer.buffers['exp_avg']!.length, model.parameterCount);
    const d = tempDir();
    writeFileSync(join(d, 'v1.safetensors'), readFileSync(path));
    const r = ok(run(['train', '--resume', 'v1.safetensors', '--epochs', '3', '--out', 'v2.safetensors'], { cwd: d }));
    assert.match(r.stdout, /Saved v2\.safetensors: 132 parameters, 3 epochs/);
    const written = JSON.parse(readSafetensorsHeader(readFileSync(join(d, 'v2.safetensors'))).metadata['rnnscope']!) as { version: number };
    assert.equal(written.version, FORMAT_VERSION);
  });

  test('inspect, predict and --resume work on the LSTM of 512 x 2 that format 1 could not read back', () => {
    const d = tempDir();
    // Written in-process, untrained (the CLI's train writes the same encodeRun), so only --resume trains.
    writeFileSync(join(d, 'big.safetensors'), encodeRun(runOf({ mode: 'lstm', hiddenSize: 512, numLayers: 2 })));
    assert.match(ok(run(['inspect', 'big.safetensors'], { cwd: d })).stdout, /Checkpoint for --resume: epoch 0, Adam step 0/);
    ok(run(['predict', '--model', 'big.safetensors', '--out', 'p.csv'], { cwd: d }));
    const r = ok(run(['train', '--resume', 'big.safetensors', '--epochs', '1', '--out', 'big.safetensors'], { cwd: d }));
    assert.match(r.stdout, /3165699 parameters, 1 epoch\b/);
    assert.ok(headerBytes(readFileSync(join(d, 'big.safetensors'))) < 64 * 1024);
  });
});

describe('a hostile config or metadata is refused before anything is allocated, in one sentence', () => {
  const base = encodeRun(runOf({ mode: 'rnn_tanh', hiddenSize: 8 }));
  const cases: [string, (p: Record<string, unknown>) => void, RegExp][] = [
    [
      'hiddenSize 30000',
      (p) => ((p['config'] as Record<string, unknown>)['hiddenSize'] = 30000),
      /weight_ih_l0 .* has shape \[8, 5\], expected \[30000, 5\]/,
    ],
    ['numClasses 3e8', (p) => ((p['config'] as Record<string, unknown>)['numClasses'] = 3e8), /head\.weight .* expected \[300000000, 8\]/],
    [
      'numLayers 1e6',
      (p) => ((p['config'] as Record<string, unknown>)['numLayers'] = 1e6),
      /holds 6 weight tensors, but its config \(1000000 layers\) needs 4000002/,
    ],
    ['hiddenSize 1e9', (p) => ((p['config'] as Record<string, unknown>)['hiddenSize'] = 1e9), /expected \[1000000000, 5\]/],
    [
      'hiddenSize 1e300',
      (p) => ((p['config'] as Record<string, unknown>)['hiddenSize'] = 1e300),
      /config\.hiddenSize is 1e\+300, but must be at most 2147483647/,
    ],
    ['classes 5', (p) => (p['classes'] = 5), /field classes is 5, but must be a list/],
    ['normalization "x"', (p) => (p['normalization'] = 'x'), /field normalization is "x", but must be an object/],
    [
      'a 1-entry normalisation on 5 features',
      (p) => (p['normalization'] = { mean: [0], std: [1] }),
      /1 normalisation means but the model has 5 input features/,
    ],
    [
      'a zero standard deviation',
      (p) => (p['normalization'] = { mean: [0, 0, 0, 0, 0], std: [1, 0, 1, 1, 1] }),
      /normalization\.std\[1\] is 0, but must be above 0/,
    ],
    [
      'a taskSpec count of 1e9',
      (p) => ((p['taskSpec'] as { options: Record<string, unknown> }).options['count'] = 1e9),
      /taskSpec\.options\.count is 1000000000, but must be at most 1000000/,
    ],
    ['an unknown task', (p) => ((p['taskSpec'] as Record<string, unknown>)['name'] = 'nope'), /taskSpec\.name is "nope"/],
    ['4 class names for 3 classes', (p) => (p['classes'] = ['a', 'b', 'c', 'd']), /4 class names but the model has 3 classes/],
    [
      'a history going back',
      (p) =>
        (p['history'] = [
          { epoch: 2, loss: 1, trainAccuracy: 1, valLoss: 1, valAccuracy: 1, lr: 1 },
          { epoch: 1, loss: 1, trainAccuracy: 1, valLoss: 1, valAccuracy: 1, lr: 1 },
        ]),
      /epoch 1 after epoch 2/,
    ],
    [
      'a checkpoint naming a state with no tensors',
      (p) => ((p['checkpoint'] as { optimizer: { buffers: string[] } }).optimizer.buffers = ['momentum_buffer']),
      /missing tensor optimizer\.momentum_buffer\.rnn\.weight_ih_l0/,
    ],
    ['format version 7', (p) => (p['version'] = 7), /model format version 7; this rnnscope reads versions 1 and 2/],
  ];
  for (const [what, edit, message] of cases) {
    test(`${what}: ModelFileError within a second`, () => {
      const bad = withPayload(base, edit);
      const t0 = performance.now();
      assert.throws(
        () => decodeModel(bad, 'bad.safetensors'),
        (e: Error) => e instanceof ModelFileError && message.test(e.message) && !e.message.includes('\n'),
      );
      assert.ok(performance.now() - t0 < 1000, `took ${performance.now() - t0} ms`);
    });
  }

  test('a tensor declared larger than the file is refused from the header alone', () => {
    const m = new SequenceModel({ mode: 'rnn_tanh', inputSize: 2, hiddenSize: 3, numClasses: 2 });
    const bytes = encodeModel(m);
    const h = readSafetensorsHeader(bytes);
    const text = new TextDecoder().decode(bytes.subarray(8, h.dataStart)).replace('"shape":[2,3]', '"shape":[2,3e9]');
    const out = new Uint8Array(8 + text.length);
    new DataView(out.buffer).setUint32(0, text.length, true);
    out.set(new TextEncoder().encode(text), 8);
    assert.throws(
      () => decodeModel(out),
      (e: Error) => e instanceof ModelFileError && /truncated|take/.test(e.message),
    );
  });
});

describe('model files are read within bounds, and only from regular files', () => {
  test('a FIFO, /dev/zero and a directory are refused with a sentence, without reading', async () => {
    const d = tempDir();
    execFileSync('mkfifo', [join(d, 'pipe.safetensors')]);
    await assert.rejects(readModelBytes(join(d, 'pipe.safetensors')), /is not a regular file \(a FIFO\)/);
    await assert.rejects(readModelBytes('/dev/zero'), /is not a regular file \(a character device\)/);
    await assert.rejects(readModelBytes(d), /is a directory/);
    const r = run(['inspect', '/dev/zero'], { timeoutMs: 30_000 });
    assert.equal(r.code, 2, describeRun(r));
    assert.equal(r.stderr.trim().split('\n').length, 1);
  });

  test('a header longer than the file is refused after reading its 8 bytes', async () => {
    const d = tempDir();
    const bytes = new Uint8Array(64);
    new DataView(bytes.buffer).setUint32(0, 1000, true);
    writeFileSync(join(d, 'short.safetensors'), bytes);
    await assert.rejects(readModelBytes(join(d, 'short.safetensors')), /declares a 1000-byte header at byte 0 but only 56 bytes follow/);
  });
});

describe('a checkpoint costs the same at any epoch', () => {
  test('the model file at epoch 100,000 is no larger than at epoch 1,000, and at most 12 times the one at epoch 10', () => {
    const size = (n: number) => encodeRun(runOf({ mode: 'rnn_tanh', hiddenSize: 8 }, records(n))).length;
    const [s10, s1000, s100k] = [size(10), size(1000), size(100_000)];
    // Format 1 wrote every epoch: 100 times the bytes at 100 times the epochs.
    assert.ok(s100k / s1000 < 1.02, `${s1000} bytes at epoch 1,000, ${s100k} at epoch 100,000`);
    assert.ok(s100k / s10 < 12, `${s10} bytes at epoch 10, ${s100k} at epoch 100,000`);
  });

  test('the history kept is the latest epochs in full and evenly spaced ones before, the same whether the run stopped and resumed or not', () => {
    const full = records(5000);
    const kept = historyForFile(full);
    assert.ok(kept.length <= HISTORY_TAIL + HISTORY_SPREAD, `${kept.length} records`);
    assert.deepEqual(
      kept.slice(-HISTORY_TAIL).map((r) => r.epoch),
      full.slice(-HISTORY_TAIL).map((r) => r.epoch),
    );
    assert.ok(kept.every((r) => !('seconds' in r)));
    for (const stop of [1, 64, 65, 130, 1000, 4999]) {
      const resumed = [...(historyForFile(full.slice(0, stop)) as EpochRecord[]), ...full.slice(stop)];
      assert.deepEqual(historyForFile(resumed), kept, `stopped at epoch ${stop}`);
    }
  });
});

test('a trainer resumed from a thinned history goes on from its last epoch, not from its record count', () => {
  const kept = historyForFile(records(300)) as EpochRecord[];
  assert.ok(kept.length < 300);
  const p = prepare({ task: 'trend', taskOptions: { count: 30 }, seed: 1 });
  const trainer = new Trainer(p.model, p.split.train, p.split.val, { history: kept, epochs: 301 });
  const epochs = [...trainer.run()].filter((e) => e.type === 'epoch').map((e) => (e as { epoch: number }).epoch);
  assert.deepEqual(epochs, [301]);
  assert.equal(trainer.epochsDone, 301);
});

describe('the same command writes the same bytes', () => {
  test('training twice with the same seed gives byte-identical model files', () => {
    const d = tempDir();
    const args = ['train', '--count', '60', '--epochs', '3', '--cell', 'gru', '--hidden', '6'];
    ok(run([...args, '--out', 'a.safetensors'], { cwd: d }));
    ok(run([...args, '--out', 'b.safetensors'], { cwd: d }));
    assert.ok(readFileSync(join(d, 'a.safetensors')).equals(readFileSync(join(d, 'b.safetensors'))), 'the two files differ');
  });
});

describe('a run that cannot fit is refused before it starts, with the estimate', () => {
  const cases: [string[], RegExp][] = [
    [
      ['train', '--count', '1000000', '--length', '10000'],
      /needs about [\d.]+ GB of memory \(the data [\d.]+ GB.*more than the .* this machine has; use fewer sequences/,
    ],
    [
      ['train', '--cell', 'lstm', '--hidden', '4096', '--layers', '16'],
      /needs about [\d.]+ GB of memory .*use fewer --hidden units or --layers/,
    ],
    [
      ['train', '--cell', 'lstm', '--hidden', '4096', '--layers', '2'],
      /201,486,339 parameters, and its checkpoint .* would take 2\.4 GB, above the 2 GiB a model file can hold|needs about [\d.]+ GB of memory/,
    ],
    [['compare', '--count', '1000000', '--length', '10000'], /needs about [\d.]+ GB of memory/],
  ];
  for (const [args, message] of cases) {
    test(`rnnscope ${args.join(' ')}: exit 2, one sentence, nothing written`, () => {
      const d = tempDir();
      const r = run([...args, ...(args[0] === 'train' ? ['--out', 'm.safetensors'] : [])], { cwd: d, timeoutMs: 60_000 });
      assert.equal(r.code, 2, describeRun(r));
      assert.match(r.stderr, message);
      assert.equal(r.stderr.trim().split('\n').length, 1);
      assert.throws(() => readFileSync(join(d, 'm.safetensors')));
    });
  }
});
