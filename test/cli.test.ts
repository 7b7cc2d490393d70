/**
 * The command line, end to end, as a user types it: the built CLI runs in a fresh directory, piped,
 * without colours. The main job runs once at its real size (the accuracy bar of issue 3); everything
 * else uses small runs (--count 500 --epochs 2). Transcripts are compared with test/golden/ (timings
 * masked; UPDATE_GOLDEN=1 rewrites them).
 *
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeSafetensors } from '../src/io/safetensors.js';
import { assertGolden, copyIn, describeRun, jsonLines, ok, run, tempDir, transcript, withoutTimings, type Run } from './cli-helpers.js';

const SMALL = ['--count', '500', '--epochs', '2'];

/** Runs once, on first use: several tests look at the same run. */
function once<T>(f: () => T): () => T {
  let v: { value: T } | null = null;
  return () => (v ??= { value: f() }).value;
}

const mainText = once(() => run([]));
const mainJson = once(() => run(['--json']));

/** Table rows of the training trace: epoch, loss, train accuracy, held-out accuracy. */
function epochRows(stdout: string): { epoch: number; loss: number; train: number; heldOut: number }[] {
  const rows = [...stdout.matchAll(/^│ (\d+)\s+│ ([\d.]+)\s+│ ([\d.]+)\s+│ ([\d.]+)\s+│/gm)];
  return rows.map((m) => ({ epoch: Number(m[1]), loss: Number(m[2]), train: Number(m[3]), heldOut: Number(m[4]) }));
}

function number(stdout: string, re: RegExp, what: string): number {
  const m = re.exec(stdout);
  assert.ok(m, `no ${what} in the output (${re})`);
  return Number(m[1]);
}

function tensors(file: string): Map<string, { shape: number[]; bytes: Buffer }> {
  const { tensors: ts } = decodeSafetensors(new Uint8Array(readFileSync(file)), file);
  return new Map(
    [...ts].map(([name, t]) => [name, { shape: t.shape, bytes: Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength) }]),
  );
}

function assertNoTerminalCodes(r: Run): void {
  assert.doesNotMatch(r.stdout, /\r/, `a carriage return (a progress bar?) in the stdout of rnnscope ${r.args.join(' ')}`);
  assert.doesNotMatch(r.stdout, /\x1b/, `an escape code in the stdout of rnnscope ${r.args.join(' ')}`);
}

// ---- the main job, at its real size

test('rnnscope (no arguments) shows the data flow, training trace, prediction trace, key insight and quiz, in that order', () => {
  const r = ok(mainText());
  assert.equal(r.stderr, '');
  const titles = ['Data flow', 'Training trace', 'Prediction trace', 'Key insight', 'Quiz'];
  let last = -1;
  titles.forEach((title, i) => {
    const at = r.stdout.search(new RegExp(`^${i + 1}  ${title}`, 'm'));
    assert.ok(at > last, `section "${i + 1}  ${title}" missing or out of order`);
    last = at;
  });
  assert.match(r.stdout, /10 time steps x 5 features/);
  assert.match(r.stdout, /RNN tanh, 8 hidden -> Linear 8 -> 3 on every step/);
  assert.match(r.stdout, /rnnscope quiz/);
});

test('rnnscope (no arguments) reaches 0.85 held-out and test accuracy in 5 epochs; without memory it stays near chance', () => {
  const out = ok(mainText()).stdout;
  const rows = epochRows(out);
  assert.deepEqual(
    rows.map((e) => e.epoch),
    [1, 2, 3, 4, 5],
  );
  const heldOut = rows.at(-1)!.heldOut;
  const testAcc = number(out, /^Test split: accuracy ([\d.]+)/m, 'test accuracy');
  const memoryless = number(out, /trained on single steps[^│]*│\s*([\d.]+)\s*│/, 'memoryless accuracy');
  const reset = number(out, /hidden state reset before every step\s*│\s*([\d.]+)\s*│/, 'reset-state accuracy');
  const chance = number(out, /chance\)\s*│\s*([\d.]+)\s*│/, 'chance');
  assert.ok(heldOut >= 0.85, `held-out accuracy of epoch 5 is ${heldOut}, below 0.85`);
  assert.ok(testAcc >= 0.85, `test accuracy is ${testAcc}, below 0.85`);
  assert.ok(memoryless < 0.45, `the memoryless model reaches ${memoryless}; chance is ${chance}`);
  assert.ok(reset < 0.45, `the RNN with its state reset reaches ${reset}; chance is ${chance}`);
  assert.ok(testAcc - memoryless >= 0.3, `memory is worth only ${testAcc - memoryless}`);
});

test('rnnscope (no arguments): the transcript matches test/golden/main.txt', () => {
  assertGolden('main', transcript(ok(mainText())));
});

test('rnnscope --json prints only JSON lines: data, model, flow, train_start, 5 epochs, train_end, trace, test, insight', () => {
  const events = jsonLines(ok(mainJson()).stdout);
  const order = ['data', 'model', 'flow', 'train_start', 'epoch', 'train_end', 'trace', 'test', 'insight'];
  const firsts = order.map((t) => events.findIndex((e) => e.type === t));
  order.forEach((t, i) => assert.ok(firsts[i]! >= 0, `no "${t}" event`));
  assert.deepEqual(
    [...firsts].sort((a, b) => a - b),
    firsts,
    `events out of order: ${order.join(', ')}`,
  );
  const epochs = events.filter((e) => e.type === 'epoch') as unknown as { valAccuracy: number }[];
  assert.equal(epochs.length, 5);
  // The text renders these same events.
  assert.equal(epochs.at(-1)!.valAccuracy.toFixed(3), epochRows(ok(mainText()).stdout).at(-1)!.heldOut.toFixed(3));
  const insight = events.find((e) => e.type === 'insight') as unknown as { comparison: { withMemory: number; memoryless: number } };
  assert.ok(insight.comparison.withMemory >= 0.85 && insight.comparison.memoryless < 0.45, JSON.stringify(insight.comparison));
});

test('a piped run prints no progress bar: no carriage returns or escape codes on stdout', () => {
  assertNoTerminalCodes(ok(mainText()));
  const dir = tempDir();
  assertNoTerminalCodes(ok(run(['train', ...SMALL], { cwd: dir })));
  assertNoTerminalCodes(ok(run(['quiz', ...SMALL], { cwd: dir })));
});

// ---- seeds

describe('seeds', () => {
  const json = (seed: string) => jsonLines(ok(run([...SMALL, '--json', '--seed', seed])).stdout);
  const seed0 = once(() => json('0'));

  test("--seed changes the numbers: the first epoch's loss differs between --seed 0 and --seed 1", () => {
    const loss = (events: Record<string, unknown>[]) => (events.find((e) => e.type === 'epoch') as { loss: number }).loss;
    const a = seed0();
    const b = json('1');
    assert.notEqual(loss(a), loss(b));
    const trace = (events: Record<string, unknown>[]) => JSON.stringify(events.find((e) => e.type === 'trace'));
    assert.notEqual(trace(a), trace(b), 'the prediction trace is the same');
  });

  test('the same seed twice gives the same JSON lines, timings aside', () => {
    assert.deepEqual(withoutTimings(json('0')), withoutTimings(seed0()));
  });
});

// ---- threads

test('train --threads 2 trains a model large enough to share on two threads to the losses of --threads 1', () => {
  // GRU H64 at batch 32 x 10 steps is above ParallelTrainStep's minWork; the reference pipeline's model is not.
  const args = ['train', '--cell', 'gru', '--hidden', '64', '--epochs', '2', '--count', '300', '--json', '--out', 'm.safetensors'];
  const events = (threads: string) => jsonLines(ok(run([...args, '--threads', threads])).stdout);
  const losses = (ev: Record<string, unknown>[]) => ev.filter((e) => e.type === 'epoch').map((e) => (e as { loss: number }).loss);
  const threads = (ev: Record<string, unknown>[]) => (ev.find((e) => e.type === 'train_start') as { threads: number }).threads;
  const a = events('1');
  const b = events('2');
  assert.equal(threads(a), 1);
  assert.equal(threads(b), 2);
  const one = losses(a);
  const two = losses(b);
  assert.equal(two.length, 2);
  for (let i = 0; i < 2; i++) assert.ok(Math.abs(one[i]! - two[i]!) < 1e-4, `epoch ${i + 1}: ${one[i]} vs ${two[i]}`);
});

// ---- train, and what the model file is good for

describe('train writes a model that inspect, trace, flow and predict use', () => {
  const dir = once(() => tempDir());
  const model = () => join(dir(), 'model.safetensors');
  const trained = once(() => ok(run(['train', ...SMALL], { cwd: dir() })));

  test('rnnscope train --count 500 --epochs 2 writes model.safetensors; the transcript matches test/golden/train.txt', () => {
    const r = trained();
    assert.ok(existsSync(model()), 'no model.safetensors');
    assert.equal(r.stderr, '');
    assert.match(r.stdout, /Saved model\.safetensors: 147 parameters, 2 epochs/);
    assertGolden('train', transcript(r));
  });

  test('a second train without --force exits 2 and leaves the file byte for byte', () => {
    trained();
    const before = readFileSync(model());
    const r = run(['train', ...SMALL, '--seed', '1'], { cwd: dir() });
    assert.equal(r.code, 2, describeRun(r));
    assert.match(r.stderr, /^rnnscope: model\.safetensors already exists; .*--force/);
    assert.deepEqual(readFileSync(model()), before);
  });

  test('train --force overwrites the file', () => {
    const d = tempDir();
    ok(run(['train', ...SMALL], { cwd: d }));
    const before = tensors(join(d, 'model.safetensors'));
    ok(run(['train', ...SMALL, '--seed', '1', '--force'], { cwd: d }));
    const after = tensors(join(d, 'model.safetensors'));
    assert.notDeepEqual(after.get('rnn.weight_hh_l0')!.bytes, before.get('rnn.weight_hh_l0')!.bytes, 'the weights did not change');
    assert.deepEqual(readdirSync(d), ['model.safetensors'], 'a temporary file stayed behind');
  });

  test('train 2 epochs, then --resume to 4, gives the same weights as 4 epochs at once', () => {
    const d = tempDir();
    ok(run(['train', '--count', '500', '--epochs', '2', '--out', 'resumed.safetensors'], { cwd: d }));
    const r = ok(run(['train', '--resume', 'resumed.safetensors', '--epochs', '4', '--out', 'resumed.safetensors'], { cwd: d }));
    assert.match(r.stdout, /4 epochs/);
    ok(run(['train', '--count', '500', '--epochs', '4', '--out', 'direct.safetensors'], { cwd: d }));
    const a = tensors(join(d, 'resumed.safetensors'));
    const b = tensors(join(d, 'direct.safetensors'));
    assert.deepEqual([...a.keys()], [...b.keys()]);
    for (const [name, t] of a) {
      assert.deepEqual(t.shape, b.get(name)!.shape, name);
      assert.ok(t.bytes.equals(b.get(name)!.bytes), `${name} differs between resumed and direct training`);
    }
    const history = (jsonLines(ok(run(['inspect', 'resumed.safetensors', '--json'], { cwd: d })).stdout)[0] as { history: unknown[] })
      .history;
    assert.equal(history.length, 4);
  });

  test('on two threads with dropout too, 2 epochs and --resume to 3 (which keeps the 2 threads) give the weights of 3 epochs at once', () => {
    // 2-layer LSTM H48 with dropout: above minWork, so every full batch is shared with the worker,
    // whose dropout stream must restart with the epoch as the main thread's does.
    const d = tempDir();
    const model = ['--cell', 'lstm', '--hidden', '48', '--layers', '2', '--dropout', '0.3', '--count', '200', '--threads', '2'];
    const first = jsonLines(ok(run(['train', ...model, '--epochs', '2', '--json', '--out', 'resumed.safetensors'], { cwd: d })).stdout);
    assert.equal((first.find((e) => e.type === 'train_start') as { threads: number }).threads, 2);
    // (no --threads: the model file says 2)
    const more = jsonLines(
      ok(run(['train', '--resume', 'resumed.safetensors', '--epochs', '3', '--json', '--out', 'resumed.safetensors'], { cwd: d })).stdout,
    );
    assert.equal((more.find((e) => e.type === 'train_start') as { threads: number }).threads, 2);
    ok(run(['train', ...model, '--epochs', '3', '--out', 'direct.safetensors'], { cwd: d }));
    const a = tensors(join(d, 'resumed.safetensors'));
    const b = tensors(join(d, 'direct.safetensors'));
    for (const [name, t] of a) assert.ok(t.bytes.equals(b.get(name)!.bytes), `${name} differs between resumed and direct training`);
    // and a run on one thread resumes on one thread, though "auto" would take two here
    const single = ['--cell', 'lstm', '--hidden', '48', '--count', '200', '--threads', '1'];
    ok(run(['train', ...single, '--epochs', '1', '--out', 'one.safetensors'], { cwd: d }));
    const again = jsonLines(
      ok(run(['train', '--resume', 'one.safetensors', '--epochs', '2', '--json', '--out', 'one.safetensors'], { cwd: d })).stdout,
    );
    assert.equal((again.find((e) => e.type === 'train_start') as { threads: number }).threads, 1);
  });

  test('rnnscope inspect shows the tensor names and shapes; the transcript matches test/golden/inspect.txt', () => {
    trained();
    const r = ok(run(['inspect', 'model.safetensors'], { cwd: dir() }));
    for (const [name, shape] of [
      ['rnn.weight_ih_l0', '[8, 5]'],
      ['rnn.weight_hh_l0', '[8, 8]'],
      ['rnn.bias_ih_l0', '[8]'],
      ['rnn.bias_hh_l0', '[8]'],
      ['head.weight', '[3, 8]'],
      ['head.bias', '[3]'],
    ] as const) {
      assert.match(
        r.stdout,
        new RegExp(`│ ${name.replace(/\./g, '\\.')}\\s+│ ${shape.replace(/[[\]]/g, '\\$&')}\\s+│`),
        `${name} ${shape}`,
      );
    }
    assert.match(r.stdout, /Classes: down, flat, up/);
    assertGolden('inspect', transcript(r));
  });

  test('rnnscope trace --model --index 0 traces a test sequence step by step; the transcript matches test/golden/trace.txt', () => {
    trained();
    const r = ok(run(['trace', '--model', 'model.safetensors', '--index', '0'], { cwd: dir() }));
    for (let t = 1; t <= 10; t++) assert.match(r.stdout, new RegExp(`^  Step ${t}  input x_${t} = \\[`, 'm'));
    assert.match(r.stdout, /of 10 labelled steps right/);
    assertGolden('trace', transcript(r));
  });

  test('rnnscope trace --model --step 2 also shows step 2 unit by unit', () => {
    trained();
    const r = ok(run(['trace', '--model', 'model.safetensors', '--index', '0', '--step', '2'], { cwd: dir() }));
    assert.match(r.stdout, /Step 2 of test sequence \S+ in detail/);
    // Units are columns (they fit 100 columns here), the terms of the update rows.
    assert.match(r.stdout, /^│ unit +│ +1 │ +2 │/m);
    const h = r.stdout.split('\n').find((l) => /^│ h +│/.test(l));
    assert.equal(h?.split('│').filter((x) => /^ *-?\d/.test(x)).length, 8, 'one column per hidden unit');
  });

  test("rnnscope flow --model shows the trained weights' data flow", () => {
    trained();
    const r = ok(run(['flow', '--model', 'model.safetensors'], { cwd: dir() }));
    assert.match(r.stdout, /Data flow — 3 stages \(test sequence \S+, trained weights\)/);
    assert.match(r.stdout, /RNN \(tanh\) layer  \[10, 5\] -> \[10, 8\]/);
  });

  test('rnnscope predict writes a CSV to stdout: a header, then one row per step', () => {
    trained();
    const r = ok(run(['predict', '--model', 'model.safetensors'], { cwd: dir() }));
    const lines = r.stdout.trimEnd().split('\n');
    assert.equal(lines[0], 'id,step,predicted,p_down,p_flat,p_up,label');
    assert.equal(lines.length, 1 + 75 * 10, '75 test sequences of 10 steps');
    for (const line of lines.slice(1, 11)) assert.match(line, /^seq-\d+,\d+,(down|flat|up),[\d.]+,[\d.]+,[\d.]+,(down|flat|up)$/);
    assert.match(
      r.stderr,
      /^750 predictions for 75 sequences of the test split of trend \(seed 0\); accuracy [\d.]+ on 750 labelled steps\.\n$/,
    );
  });

  test('rnnscope predict --out writes the same CSV to a file, and never over one without --force', () => {
    trained();
    const stdout = ok(run(['predict', '--model', 'model.safetensors'], { cwd: dir() })).stdout;
    const out = join(dir(), 'predictions.csv');
    const r = ok(run(['predict', '--model', 'model.safetensors', '--out', 'predictions.csv'], { cwd: dir() }));
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /written to predictions\.csv/);
    assert.equal(readFileSync(out, 'utf8'), stdout);
    writeFileSync(out, 'mine\n');
    const again = run(['predict', '--model', 'model.safetensors', '--out', 'predictions.csv'], { cwd: dir() });
    assert.equal(again.code, 2, describeRun(again));
    assert.match(again.stderr, /^rnnscope: predictions\.csv already exists; pass --force/);
    assert.equal(readFileSync(out, 'utf8'), 'mine\n');
    ok(run(['predict', '--model', 'model.safetensors', '--out', 'predictions.csv', '--force'], { cwd: dir() }));
    assert.equal(readFileSync(out, 'utf8'), stdout);
  });

  test('--json on train, predict, trace, flow and inspect prints only JSON lines', () => {
    trained();
    const cases: [string[], string][] = [
      [['train', ...SMALL, '--json', '--out', 'json.safetensors'], 'saved'],
      [['predict', '--model', 'model.safetensors', '--json'], 'predictions'],
      [['trace', '--model', 'model.safetensors', '--json', '--step', '2'], 'trace'],
      [['flow', '--model', 'model.safetensors', '--json'], 'flow'],
      [['flow', '--json'], 'flow'],
      [['inspect', 'model.safetensors', '--json'], 'inspect'],
    ];
    for (const [args, type] of cases) {
      const events = jsonLines(ok(run(args, { cwd: dir() })).stdout);
      assert.ok(
        events.some((e) => e.type === type),
        `rnnscope ${args.join(' ')}: no "${type}" event`,
      );
    }
  });
});

test('rnnscope flow (no model) shows the reference pipeline with its initial weights; the transcript matches test/golden/flow.txt', () => {
  const r = ok(run(['flow']));
  assert.match(r.stdout, /initial weights, before training/);
  assert.match(r.stdout, /1 Input sequence  \[10, 5\] -> \[10, 5\]/);
  assert.match(r.stdout, /2 RNN \(tanh\) layer  \[10, 5\] -> \[10, 8\] .*, 120 parameters/);
  assert.match(r.stdout, /3 Output layer  \[10, 8\] -> \[10, 3\] .*, 27 parameters/);
  assertGolden('flow', transcript(r));
});

test("a model trained on a CSV file predicts that file: one row per step, with its ids and the file's own step values", () => {
  const d = tempDir();
  copyIn(d, 'steps.csv');
  ok(run(['train', '--data', 'steps.csv', '--epochs', '2', '--out', 'steps.safetensors'], { cwd: d }));
  const r = ok(run(['predict', '--model', 'steps.safetensors', '--data', 'steps.csv'], { cwd: d }));
  const lines = r.stdout.trimEnd().split('\n');
  assert.equal(lines[0], 'id,step,predicted,p_down,p_flat,p_up,label');
  assert.deepEqual(
    lines.slice(1).map((l) => l.split(',').slice(0, 2).join(',')),
    ['walk-a,0', 'walk-a,1', 'walk-a,2', 'walk-a,3', 'walk-b,0', 'walk-b,1', 'walk-c,0', 'walk-c,1', 'walk-c,2'],
  );
  assert.match(r.stderr, /^9 predictions for 3 sequences of steps\.csv; accuracy [\d.]+ on 8 labelled steps\.\n$/);
});

test('a data file of 3 sequences gets a validation and a test sequence, or a clear refusal, never NaN', () => {
  const d = tempDir();
  copyIn(d, 'steps.csv');
  const r = run(['train', '--data', 'steps.csv', '--epochs', '2'], { cwd: d });
  if (r.code === 0) assert.doesNotMatch(r.stdout, /NaN/);
  else assert.equal(r.code, 2, describeRun(r));
});

test('rnnscope compare trains RNN, LSTM, GRU and a memoryless model and prints a table of 4 rows', () => {
  const r = ok(run(['compare', ...SMALL]));
  // A header that wraps at this width takes a second line with an empty first cell.
  const rows = r.stdout.split('\n').filter((l) => l.startsWith('│ ') && !l.startsWith('│ Model') && l.split('│')[1]!.trim());
  assert.deepEqual(
    rows.map((l) => l.split('│')[1]!.trim()),
    ['RNN (tanh)', 'LSTM', 'GRU', 'No memory (RNN trained on single steps)'],
  );
  assert.match(r.stdout, /Chance \(always the commonest class\): [\d.]+/);
  const events = jsonLines(ok(run(['compare', ...SMALL, '--json'])).stdout);
  assert.deepEqual(
    events.map((e) => e.type),
    ['compare_result', 'compare_result', 'compare_result', 'compare_result'],
  );
});

test('rnnscope quiz --json prints only JSON lines: the quiz, then its questions', () => {
  const events = jsonLines(ok(run(['quiz', ...SMALL, '--json'])).stdout);
  assert.equal(events[0]!.type, 'quiz');
  assert.ok(events.filter((e) => e.type === 'question').length >= 1, 'no questions');
});

test('training that meets a non-finite loss stops with exit 1, says at which epoch and step, and keeps the last good checkpoint', () => {
  const d = tempDir();
  // This learning rate diverges in epoch 2 with seed 2 (found by trying; the run is deterministic).
  const r = run(['train', ...SMALL, '--cell', 'relu', '--optimizer', 'sgd', '--lr', '9', '--seed', '2'], { cwd: d });
  assert.equal(r.code, 1, describeRun(r));
  assert.match(r.stdout + r.stderr, /stopped at epoch 2, step \d+ of 11: the loss is (NaN|Infinity)/);
  assert.doesNotMatch(r.stderr, /^\s+at /m);
  const inspect = jsonLines(ok(run(['inspect', 'model.safetensors', '--json'], { cwd: d })).stdout)[0] as { history: { loss: number }[] };
  assert.equal(inspect.history.length, 1, 'the checkpoint of epoch 1');
  assert.deepEqual(readdirSync(d), ['model.safetensors']);
});

test('after training diverges, the test accuracy shown is that of the checkpoint kept, not of the broken weights', () => {
  const d = tempDir();
  const r = run(['train', ...SMALL, '--cell', 'relu', '--optimizer', 'sgd', '--lr', '9', '--seed', '2'], { cwd: d });
  assert.equal(r.code, 1, describeRun(r));
  assert.doesNotMatch(r.stdout, /^Test split: .*loss NaN/m);
});

test('training that diverges in its first epoch says that no checkpoint was written', () => {
  const d = tempDir();
  const r = run(['train', ...SMALL, '--cell', 'relu', '--optimizer', 'sgd', '--lr', '8'], { cwd: d });
  assert.equal(r.code, 1, describeRun(r));
  assert.match(r.stdout + r.stderr, /stopped at epoch 1, step \d+/);
  assert.deepEqual(readdirSync(d), []);
  assert.doesNotMatch(r.stdout + r.stderr, /checkpoint \(epoch 0\) is in model\.safetensors/);
  assert.match(r.stderr, /^rnnscope: .*epoch 1, step \d+/);
});

// ---- help

test('rnnscope --help lists the commands with examples; --version prints the version', () => {
  const r = ok(run(['--help']));
  for (const c of ['tour', 'train', 'predict', 'trace', 'flow', 'compare', 'inspect', 'quiz'])
    assert.match(r.stdout, new RegExp(`^  ${c} `, 'm'), c);
  assert.match(r.stdout, /Examples:\n\s+rnnscope /);
  const v = ok(run(['--version']));
  const [version, runtime, wasm] = v.stdout.trimEnd().split('\n');
  assert.equal(version, JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'package.json'), 'utf8')).version);
  assert.equal(runtime?.split(' (')[0], `Node.js ${process.version}`);
  assert.match(wasm ?? '', /^WebAssembly: SIMD yes \(the kernels use it\), relaxed SIMD (yes|no)/);
});

for (const c of ['train', 'predict', 'trace', 'flow', 'compare', 'inspect', 'quiz', 'tour']) {
  test(`rnnscope ${c} --help exits 0 and shows an example`, () => {
    const r = ok(run([c, '--help']));
    assert.match(r.stdout, new RegExp(`^Usage: rnnscope ${c} `, 'm'));
    assert.match(r.stdout, new RegExp(`Examples:\\n\\s+rnnscope${c === 'tour' ? '' : ` ${c}`}\\b`));
  });
}

test('trace without --model trains on the task options it is given, then traces', () => {
  const r = ok(run(['trace', '--count', '300', '--length', '4', '--index', '0']));
  assert.match(r.stdout, /Prediction trace — test sequence \S+, 4 steps/);
  assert.doesNotMatch(r.stdout, /Step 5/);
});
