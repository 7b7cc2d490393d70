/** An LSTM with a projection (--proj) explained as it computes: h = W_hr (o * tanh(c)), not bounded by 1. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jsonLines, ok, run, tempDir } from './cli-helpers.js';
import { SequenceModel } from '../src/nn/model.js';
import { predictionTrace } from '../src/explain/predict.js';
import { trend } from '../src/data/tasks.js';
import { assertClose } from './helpers.js';

test('the trace of a projected LSTM keeps o * tanh(c), which W_hr projects to h', () => {
  const m = new SequenceModel({ mode: 'lstm', inputSize: 5, hiddenSize: 6, projSize: 3, numClasses: 3 }, { seed: 2 });
  const seq = trend.generate(1, { count: 10 }).sequences[0]!;
  const tr = predictionTrace(m, seq);
  assert.equal(tr.projSize, 3);
  const whr = m.table.entries.find((e) => e.name === 'rnn.weight_hr_l0')!;
  const W = m.table.data.subarray(whr.offset, whr.offset + 18);
  for (const s of tr.steps) {
    const c = s.cells[0]!;
    assert.equal(c.m!.length, 6);
    assertClose(
      c.m!,
      c.c!.map((v, j) => c.gates!.o![j]! * Math.tanh(v)),
      'm = o tanh(c)',
    );
    assertClose(
      c.h,
      [0, 1, 2].map((p) => c.m!.reduce((a, v, j) => a + W[p * 6 + j]! * v, 0)),
      'h = W_hr m',
    );
  }
});

test('trace and quiz of a projected two-layer LSTM say what it computes', () => {
  const dir = tempDir();
  ok(
    run(['train', '--count', '300', '--epochs', '3', '--cell', 'lstm', '--proj', '3', '--layers', '2', '--out', 'p.safetensors'], {
      cwd: dir,
    }),
  );
  const tr = ok(run(['trace', '--model', 'p.safetensors', '--step', '2'], { cwd: dir })).stdout;
  assert.match(tr, /h_1 = W_hr \(o \* tanh\(c\)\) = \[/);
  assert.doesNotMatch(tr, /h_\d+ = o \* tanh\(c\) =/);
  // Layer 2 reads layer 1's hidden state, not x.
  assert.match(tr, /LSTM layer 2: W_ih h_1\(layer 1\) \+ b_ih = /);
  assert.doesNotMatch(tr, /LSTM layer 2: W_ih x_/);
  assert.match(tr, /h = W_hr \(o \* tanh\(c\)\): W_hr \[3, 8\] projects 8 units to 3 values, not bounded by 1/);
  assert.match(tr, /in = W_ih h\(layer 1\) \+ b_ih/);
  const quiz = ok(run(['quiz', '--model', 'p.safetensors', '--json'], { cwd: dir }));
  const text = JSON.stringify(jsonLines(quiz.stdout));
  assert.doesNotMatch(text, /\(-1, 1\)|between -1 and 1/);
  const flow = ok(run(['flow', '--model', 'p.safetensors'], { cwd: dir })).stdout;
  assert.match(flow, /W_hr projects h_t from 8 units to 3 values/);
  assert.match(flow, /Reading layer 1's h_t/);
});
