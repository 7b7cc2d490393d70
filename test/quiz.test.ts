import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runPipeline, type DataEvent, type PipelineOptions } from '../src/pipeline.js';
import type { DataFlow } from '../src/explain/flow.js';
import type { PredictionTrace } from '../src/explain/predict.js';
import { memoryWorth, type MemoryComparison } from '../src/explain/insight.js';
import { cellOf } from '../src/nn/cells/index.js';
import { makeQuiz, modelFacts, parseChoice, quizPool, LESSON_QUESTION, type Question, type QuizInput } from '../src/explain/quiz/index.js';

const root = join(import.meta.dirname, '..', '..');
const cli = join(import.meta.dirname, '..', 'src', 'cli', 'main.js');

/** A small run, as the quiz command makes it: what the pipeline's events carry. */
function run(o: PipelineOptions) {
  const gen = runPipeline({ task: 'trend', taskOptions: { count: 200 }, seed: 1, ...o, train: { epochs: 4, ...o.train } });
  let data: DataEvent | null = null;
  let flow: DataFlow | null = null;
  let trace: PredictionTrace | null = null;
  let comparison: MemoryComparison | null = null;
  let it = gen.next();
  for (; !it.done; it = gen.next()) {
    const e = it.value;
    if (e.type === 'data') data = e;
    if (e.type === 'flow') flow = e.flow;
    if (e.type === 'trace') trace = e.trace;
    if (e.type === 'insight') comparison = e.comparison;
  }
  const r = it.value;
  const input: QuizInput = { model: modelFacts(r.model), data: data!, history: r.history, trace, comparison };
  return { input, flow: flow!, model: r.model, trace: trace!, comparison: comparison!, history: r.history };
}

const runs = {
  rnn: run({}),
  lstm: run({ model: { mode: 'lstm' } }),
  gru: run({ model: { mode: 'gru', bidirectional: true, hiddenSize: 5 }, train: { epochs: 2 } }),
  relu: run({ task: 'delay', model: { mode: 'rnn_relu', numLayers: 2 }, train: { epochs: 1 } }),
};
const byId = (qs: Question[], id: string) => qs.find((q) => q.id === id);
const answer = (q: Question) => q.choices[q.answer]!;

test('makeQuiz(input, seed) gives the same questions for the same seed and others for another seed', () => {
  const { input } = runs.rnn;
  assert.deepEqual(makeQuiz(input, 7), makeQuiz(input, 7));
  const seeds = [0, 1, 2, 3, 4].map((s) => JSON.stringify(makeQuiz(input, s)));
  assert.ok(new Set(seeds).size > 1, 'five seeds gave one quiz');
});

test('every question has four distinct choices, a valid answer and an explanation, in every quiz size', () => {
  for (const [name, { input }] of Object.entries(runs)) {
    for (const n of [1, 4, 8, 12]) {
      for (const seed of [0, 1, 2]) {
        const qs = makeQuiz(input, seed, { questions: n });
        assert.equal(qs.length, n, `${name}: ${n} questions asked, ${qs.length} given`);
        assert.equal(new Set(qs.map((q) => q.id)).size, qs.length, `${name}: a question repeats`);
        for (const q of qs) {
          assert.equal(q.choices.length, 4, `${name} ${q.id}: ${q.choices.length} choices`);
          assert.equal(new Set(q.choices).size, 4, `${name} ${q.id}: choices repeat: ${q.choices.join(' | ')}`);
          assert.ok(Number.isInteger(q.answer) && q.answer >= 0 && q.answer < 4, `${name} ${q.id}: answer ${q.answer}`);
          assert.ok(q.explanation.length > 40 && q.prompt.length > 10, `${name} ${q.id}: prompt or explanation missing`);
          assert.ok(!/NaN|undefined|Infinity/.test(q.prompt + q.choices.join() + q.explanation), `${name} ${q.id}: ${q.prompt}`);
        }
      }
    }
  }
});

test("makeQuiz always asks the lesson's question first, word for word", () => {
  for (const n of [1, 8]) {
    const q = makeQuiz(runs.lstm.input, 3, { questions: n })[0]!;
    assert.equal(q.id, LESSON_QUESTION);
    assert.equal(q.prompt, 'Why does the RNN keep a hidden state during sequence processing?');
    assert.deepEqual([...q.choices].sort(), [
      'To increase the input size',
      'To reduce the number of features',
      'To remember information from previous time steps',
      'To shuffle the input data',
    ]);
    assert.equal(answer(q), 'To remember information from previous time steps');
  }
});

test('makeQuiz mixes model, run and concept questions', () => {
  const kinds = new Set(makeQuiz(runs.rnn.input, 0).map((q) => q.kind));
  assert.deepEqual([...kinds].sort(), ['concept', 'model', 'run']);
});

test("model questions give the model's own shapes and parameter counts", () => {
  for (const [name, { input, model, flow }] of Object.entries(runs)) {
    const qs = quizPool(input, 0);
    const size = (prefix: RegExp) => model.table.entries.filter((e) => prefix.test(e.name)).reduce((a, e) => a + e.size, 0);
    assert.equal(answer(byId(qs, 'rnn-parameters')!), String(size(/^rnn\..*_l0(_reverse)?$/)), name);
    assert.equal(answer(byId(qs, 'head-parameters')!), String(size(/^head\./)), name);
    assert.equal(answer(byId(qs, 'rnn-output-shape')!), `[${flow.stages[1]!.outShape.join(', ')}]`, name);
    for (const w of ['ih', 'hh']) {
      assert.equal(answer(byId(qs, `weight-${w}-shape`)!), `[${model.table.get(`rnn.weight_${w}_l0`).shape.join(', ')}]`, `${name} ${w}`);
    }
  }
  // the lesson's pipeline: [10, 8] out of the RNN, 8x5 + 8x8 + 8 + 8 = 120 parameters, W_ih [8, 5]
  const qs = quizPool(runs.rnn.input, 0);
  assert.equal(answer(byId(qs, 'rnn-output-shape')!), '[10, 8]');
  assert.equal(answer(byId(qs, 'rnn-parameters')!), '120');
  assert.ok(byId(qs, 'weight-ih-shape')!.choices.includes('[5, 8]'), 'the transposed shape is a distractor');
});

test('run questions quote the trace, the training history and the memory comparison', () => {
  const { input, trace, comparison, history } = runs.lstm;
  const qs = quizPool(input, 2);
  const gate = byId(qs, 'gate')!;
  const [, step, unit, g, v] = /step (\d+) .*unit (\d+)'s \w+ gate (\w) .* was (-?\d+\.\d+)/.exec(gate.prompt)!;
  assert.equal(trace.steps[Number(step) - 1]!.cells[0]!.gates![g!]![Number(unit) - 1]!.toFixed(2), v);
  assert.equal(answer(byId(qs, 'memory')!), `${(comparison.reset * 100).toFixed(1)}%`);
  const best = history.reduce((b, e) => (e.valLoss < b.valLoss ? e : b));
  assert.equal(answer(byId(qs, 'best-epoch')!), `Epoch ${best.epoch}`);
  const p = byId(qs, 'prediction')!;
  const at = Number(/At step (\d+)/.exec(p.prompt)![1]) - 1;
  const s = trace.steps[at]!;
  assert.equal(answer(p), `${input.data.classes[s.predicted!]}, with probability ${s.probs![s.predicted!]!.toFixed(2)}`);
  assert.ok(byId(quizPool(runs.rnn.input, 0), 'cell-update'), 'a plain RNN gets the cell-update question');
  assert.equal(byId(quizPool(runs.rnn.input, 0), 'gate'), undefined);
});

test('questions name the cell and its gates as the cell descriptor does', () => {
  for (const [name, { input }] of Object.entries(runs)) {
    const spec = cellOf(input.model.options.mode);
    const qs = quizPool(input, 0);
    const q = byId(qs, 'weight-ih-shape')!;
    assert.ok(q.prompt.includes(`This model's ${spec.label} layer`), `${name}: ${q.prompt}`);
    if (spec.rows > 1)
      assert.ok(q.explanation.includes(`(${spec.gates.map((g) => g.symbol).join(', ')}, stacked)`), `${name}: ${q.explanation}`);
  }
});

test('the memory question says the hidden state is worth what memoryWorth says', () => {
  const { input, comparison } = runs.lstm;
  const { gain } = memoryWorth(comparison);
  const q = byId(quizPool(input, 0), 'memory')!;
  assert.ok(q.explanation.includes(`worth ${gain >= 0 ? '+' : ''}${(gain * 100).toFixed(1)} points`), q.explanation);
});

test('parseChoice accepts a-d and 1-4, nothing else', () => {
  assert.deepEqual(
    ['a', ' B ', '3', 'd', '4'].map((s) => parseChoice(s)),
    [0, 1, 2, 3, 3],
  );
  assert.deepEqual(
    ['e', '0', '5', '', 'ab', '1.5'].map((s) => parseChoice(s)),
    [-1, -1, -1, -1, -1, -1],
  );
});

test('the question generator imports nothing from node and prints nothing (the web page reuses it)', () => {
  const dir = join(root, 'src', 'explain', 'quiz');
  const files = readdirSync(dir).filter((f) => f.endsWith('.ts'));
  assert.ok(files.includes('index.ts'), `no quiz sources in ${dir}`);
  for (const f of files) assert.ok(!/from 'node:|require\(|console\.|process\./.test(readFileSync(join(dir, f), 'utf8')), f);
});

const quick = ['quiz', '--count', '500', '--epochs', '1', '--seed', '4'];
const quiz = (...args: string[]) =>
  spawnSync(process.execPath, [cli, ...quick, ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1' },
  });

test('rnnscope quiz --answers grades the answers and exits 0 whatever the score', () => {
  const json = quiz('--json', '--questions', '5');
  assert.equal(json.status, 0, json.stderr);
  const lines = json.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { type: string; answer?: number });
  const key = lines.filter((l) => l.type === 'question').map((l) => 'abcd'[l.answer!]!);
  assert.equal(key.length, 5);
  const all = quiz('--questions', '5', '--answers', key.join(','));
  assert.equal(all.status, 0, all.stderr);
  assert.match(all.stdout, /Score: 5 of 5 right \(100%\)/);
  const wrong: string[] = key.map((k) => (k === 'a' ? 'b' : 'a'));
  wrong[0] = key[0]!;
  const some = quiz('--questions', '5', '--answers', wrong.join(','));
  assert.equal(some.status, 0, some.stderr);
  assert.match(some.stdout, /Score: 1 of 5 right \(20%\)/);
  assert.match(some.stdout, /✗ \w is wrong; the answer is/);
});

test('rnnscope quiz with bad --answers says why in one sentence and exits 2', () => {
  const few = quiz('--answers', 'a,b');
  assert.equal(few.status, 2);
  assert.match(few.stderr, /--answers has 2 answers but the quiz has 8 questions/);
  const bad = quiz('--questions', '3', '--answers', 'a,e,b');
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /Answer 2 is "e"/);
});

test('rnnscope quiz without a terminal prints a study sheet instead of waiting for input', () => {
  const r = quiz('--questions', '3');
  assert.equal(r.status, 0, r.stderr);
  assert.equal((r.stdout.match(/^ {2}Answer: [a-d]\) /gm) ?? []).length, 3);
  assert.match(r.stdout, /Why does the RNN keep a hidden state during sequence processing\?/);
});
