import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runPipeline } from '../src/pipeline.js';
import { compareCells, verdictOf, verdictSentence, type CompareEvent, type CompareResult } from '../src/explain/compare.js';
import { memorySentence, memoryWorth, memoryWords } from '../src/explain/insight.js';
import { drain } from '../src/train/events.js';

const SMALL = { taskOptions: { count: 500 }, train: { epochs: 2 }, seed: 4 };

test("the row of the run's own cell shows the key insight's memory figure, for the same settings and seed", () => {
  for (const mode of ['rnn_tanh', 'gru'] as const) {
    const pipeline = drain(runPipeline({ ...SMALL, model: { mode } }));
    const r = drain(compareCells({ ...SMALL, model: { mode } }))!;
    const own = r.rows.find((x) => x.mode === mode)!;
    assert.deepEqual(r.comparison, pipeline.comparison, mode);
    assert.equal(own.gain, memoryWorth(pipeline.comparison!).gain, mode);
    assert.equal(own.testAccuracy, pipeline.test.accuracy, mode);
  }
});

test('side by side and one after another give the same comparison', () => {
  const a = drain(compareCells({ ...SMALL }))!;
  const b = drain(compareCells({ ...SMALL, sideBySide: true }))!;
  const strip = (r: CompareResult) => ({ ...r, rows: r.rows.map(({ seconds: _, ...x }) => x) });
  assert.deepEqual(strip(a), strip(b));
});

test('the comparison says what it does: start, each cell trained and measured, then the memoryless model', () => {
  const kinds = new Set<string>();
  const order: string[] = [];
  for (const e of compareCells({ ...SMALL }) as Generator<CompareEvent>) {
    kinds.add(e.type);
    if (e.type === 'compare_cell') order.push(e.mode);
  }
  assert.deepEqual([...kinds], ['compare_start', 'compare_train', 'compare_cell', 'memoryless_train']);
  assert.deepEqual(order, ['rnn_tanh', 'lstm', 'gru']);
});

test('a cell that trails by several points is said to trail, and level cells are never said not to need memory', () => {
  const rows = (rnn: number) => [
    { mode: 'rnn_tanh' as const, testAccuracy: rnn },
    { mode: 'lstm' as const, testAccuracy: 0.9 },
    { mode: 'gru' as const, testAccuracy: 0.92 },
  ];
  const trailing = verdictSentence(verdictOf(rows(0.84), 'delay', 10));
  assert.match(trailing, /^RNN \(tanh\) trails GRU by 8\.0 points: the answer lies 10 steps back/);
  assert.doesNotMatch(trailing, /does not need/);
  const level = verdictSentence(verdictOf(rows(0.91), 'trend', null));
  assert.match(level, /^The three cells are within 2\.0 points of each other here/);
  assert.doesNotMatch(level, /does not need/);
});

test('what memory is worth reads the same everywhere: the gain over the better of reset and memoryless', () => {
  const m = { withMemory: 0.89, reset: 0.331, memoryless: 0.356, chance: 0.338 };
  assert.deepEqual(memoryWords(m), [
    'Here that memory is worth',
    '+53.4 points',
    'of accuracy: with it 89.0%, without it 35.6%, chance 33.8%.',
  ]);
  assert.equal(
    memorySentence(m, (s) => `*${s}*`),
    'Here that memory is worth *+53.4 points* of accuracy: with it 89.0%, without it 35.6%, chance 33.8%.',
  );
});
