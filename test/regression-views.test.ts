/**
 * The views of a model of real-valued targets (issue 10): trace, flow and quiz on a regression model
 * file and on the built-in oscillation task, as a user types them, and the main job's data flow and
 * key insight. Before this, each of these commands refused a regression model with a sentence.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ok, run, tempDir } from './cli-helpers.js';
import { memoryWorth } from '../src/explain/memory.js';

type Ev = { type: string; [k: string]: unknown };
const events = (stdout: string): Ev[] =>
  stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Ev);

let dir = '';
/** A GRU forecaster of the oscillation task, trained once by the CLI. */
function oscillationModel(): string {
  if (!dir) {
    dir = tempDir();
    ok(
      run(
        ['train', '--task', 'oscillation', '--cell', 'gru', '--hidden', '8', '--epochs', '3', '--lr', '0.01', '--out', 'osc.safetensors'],
        { cwd: dir },
      ),
    );
  }
  return dir;
}

test('memoryWorth on errors: the lower of reset and memoryless, minus the model’s error (positive when memory helps)', () => {
  assert.deepEqual(memoryWorth({ withMemory: 0.1, reset: 0.5, memoryless: 0.4 }, 'error'), { gain: 0.4 - 0.1, without: 0.4 });
  assert.deepEqual(memoryWorth({ withMemory: 0.9, reset: 0.5, memoryless: 0.6 }), { gain: 0.9 - 0.6, without: 0.6 });
});

test('trace on a forecaster shows h_t at every step, then the predicted and true value in the target’s units, matching the flow and the window rows', () => {
  const cwd = oscillationModel();
  const t = events(ok(run(['trace', '--model', 'osc.safetensors', '--index', '3', '--json'], { cwd })).stdout);
  const seq = t.find((e) => e.type === 'value_sequence_trace') as unknown as {
    trace: { sequenceId: string; steps: { cells: { h: number[] }[]; probs?: number[] }[] };
    predicted: number[][];
    truth: number[][];
    source: string;
  };
  assert.match(seq.source, /the test part of oscillation \(seed 0\)/);
  assert.equal(seq.trace.steps.length, 16);
  assert.equal(seq.trace.steps[0]!.cells[0]!.h.length, 8);
  assert.equal(seq.trace.steps[0]!.probs, undefined, 'no softmax on a regression head');
  const rows = (
    t.find((e) => e.type === 'value_trace') as unknown as { rows: { time: string; predicted: number; truth: number; h: number[] }[] }
  ).rows;
  assert.equal(rows[0]!.time, seq.trace.sequenceId);
  assert.ok(Math.abs(rows[0]!.predicted - seq.predicted[0]![0]!) < 1e-5, `${rows[0]!.predicted} vs ${seq.predicted[0]![0]}`);
  assert.ok(Math.abs(rows[0]!.truth - seq.truth[0]![0]!) < 1e-5);
  assert.deepEqual(rows[0]!.h, seq.trace.steps[15]!.cells[0]!.h);

  const f = events(ok(run(['flow', '--model', 'osc.safetensors', '--index', '3', '--json'], { cwd })).stdout)[0] as unknown as {
    flow: { stages: { name: string; description: string; outDims: string[]; values: number[][] }[] };
  };
  const out = f.flow.stages[f.flow.stages.length - 1]!;
  assert.deepEqual(out.outDims, ['values']);
  assert.match(out.description, /target's units.*not probabilities/);
  assert.ok(Math.abs(out.values[0]![0]! - seq.predicted[0]![0]!) < 1e-9);

  const text = ok(run(['trace', '--model', 'osc.safetensors', '--index', '3', '--step', '16'], { cwd })).stdout;
  assert.match(text, /Output layer on h_16: value t\+1 -?[\d.]+, true -?[\d.]+ \(error -?[\d.]+\)/);
  assert.match(text, /Step 16 of test sequence .* in detail/);
});

test('quiz on a regression model asks about this run: its output values, the epoch to keep by held-out RMSE, the baselines', () => {
  const cwd = oscillationModel();
  const qs = events(ok(run(['quiz', '--model', 'osc.safetensors', '--questions', '12', '--json'], { cwd })).stdout).filter(
    (e) => e.type === 'question',
  ) as unknown as { id: string; prompt: string; choices: string[]; answer: number }[];
  const ids = qs.map((q) => q.id);
  for (const id of ['value-output', 'value-baseline']) assert.ok(ids.includes(id), ids.join(' '));
  assert.ok(!ids.includes('prediction'), 'no classifier question about a predicted class');
  const out = qs.find((q) => q.id === 'value-output')!;
  assert.match(out.choices[out.answer]!, /target's own units/);
});

test('the main job on oscillation shows the data flow and the key insight, memory measured against reset, memoryless and persistence', () => {
  const ev = events(ok(run(['--task', 'oscillation', '--cell', 'gru', '--hidden', '8', '--epochs', '3', '--lr', '0.01', '--json'])).stdout);
  const types = [...new Set(ev.map((e) => e.type))];
  assert.ok(types.indexOf('flow') > types.indexOf('train_end') && types.indexOf('flow') < types.indexOf('value_trace'), types.join(' '));
  const t = ev.find((e) => e.type === 'value_test') as unknown as {
    model: { rmse: number };
    reset: number;
    memoryGain: number;
    baselines: { name: string; rmse: number }[];
  };
  const i = ev.find((e) => e.type === 'value_insight') as unknown as {
    withMemory: number;
    reset: number;
    memoryless: number;
    persistence: number;
    gain: number;
    text: string;
  };
  const base = (n: string) => t.baselines.find((b) => b.name === n)!.rmse;
  assert.equal(i.withMemory, t.model.rmse);
  assert.equal(i.persistence, base('persistence'));
  assert.equal(i.memoryless, base('memoryless'));
  assert.equal(i.gain, Math.min(t.reset, base('memoryless')) - t.model.rmse);
  assert.equal(t.memoryGain, i.gain);
  assert.match(i.text, /^Here memory is worth [\d.]+ of RMSE: with it/);
});

test('trace, flow and quiz on a regression model: what they need, in one sentence, exit 2, nothing written', () => {
  const cwd = tempDir();
  const rows = ['month,load'];
  for (let i = 0; i < 120; i++)
    rows.push(`${2000 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')},${(100 + 10 * Math.sin(i / 2)).toFixed(2)}`);
  writeFileSync(join(cwd, 'load.csv'), rows.join('\n') + '\n');
  ok(run(['train', '--series', 'load.csv', '--window', '6', '--epochs', '1', '--out', 'load.safetensors'], { cwd }));
  const before = readdirSync(cwd).sort();
  const cases: [string[], RegExp][] = [
    [['trace', '--model', 'load.safetensors'], /load.safetensors is a forecaster trained on load.csv; give the series with --series FILE/],
    [['flow', '--model', 'load.safetensors', '--data', 'load.csv'], /is a forecaster; give it a series with --series FILE, not --data/],
    [['trace', '--series', 'load.csv'], /--series goes with --model/],
    [
      ['trace', '--model', 'load.safetensors', '--series', 'load.csv', '--step', '9'],
      /--step 9 is past the end of sequence .*, which has 6 steps/,
    ],
  ];
  for (const [args, re] of cases) {
    const r = run(args, { cwd });
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, re);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  }
  assert.deepEqual(readdirSync(cwd).sort(), before);
  const t = ok(run(['trace', '--model', 'load.safetensors', '--series', 'load.csv'], { cwd }));
  assert.match(t.stdout, /of the test part of load.csv, 6 steps/);
});
