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
  assert.doesNotMatch(trailing, /does not need|enough/);
  // One seed measures no spread: a 2-point gap is reported as measured, not called level.
  const small = verdictSentence(verdictOf(rows(0.91), 'trend', null));
  assert.match(small, /^LSTM trails GRU by 2\.0 points\. One seed: whether the gap holds across seeds is not measured\.$/);
  assert.doesNotMatch(small, /level|enough|does not need/);
});

test("the issue's case, RNN 0.847, LSTM 0.904, GRU 0.924 on the delay task (k = 10, 16 units, 10 epochs), is worded from the gap and the seeds' spread", () => {
  const at = (spread: number, seeds: number) =>
    verdictOf(
      [
        { mode: 'rnn_tanh', testAccuracy: 0.847, spread, seeds },
        { mode: 'lstm', testAccuracy: 0.904, spread, seeds },
        { mode: 'gru', testAccuracy: 0.924, spread, seeds },
      ],
      'delay',
      10,
    );
  // One seed: it trails, as measured, and the sentence says the spread is unmeasured.
  const one = at(0, 1);
  assert.equal(one.level, false);
  assert.match(verdictSentence(one), /^RNN \(tanh\) trails GRU by 7\.7 points: .*vanishing gradients.*One seed/);
  // Three seeds that agree within a point: the 7.7-point gap is far outside their spread.
  const tight = at(0.01, 3);
  assert.ok(tight.band! < 0.02 && !tight.level && tight.vanishing);
  assert.match(
    verdictSentence(tight),
    /^RNN \(tanh\) trails GRU by 7\.7 points on average, beyond the ±1\.6 points that the spread across 3 seeds puts on it: the answer lies 10 steps back/,
  );
  // Three seeds that scatter by 8 points: the same gap is within their spread, so the cells are level.
  const loose = at(0.08, 3);
  assert.ok(loose.level && !loose.vanishing);
  assert.match(
    verdictSentence(loose),
    /^The cells are level here: GRU leads RNN \(tanh\) by 7\.7 points on average, within the ±13\.1 points that the spread across 3 seeds puts on it\.$/,
  );
  for (const v of [one, tight, loose]) assert.doesNotMatch(verdictSentence(v), /does not need|enough/);
});

test('compare --seeds trains each cell from every seed and gives the verdict their mean and spread', () => {
  const r = drain(compareCells({ ...SMALL, seeds: 2 }))!;
  for (const row of r.rows) {
    assert.equal(row.seedAccuracies.length, 2);
    assert.equal(row.seedAccuracies[0], row.testAccuracy);
    assert.ok(Math.abs(row.meanAccuracy - (row.seedAccuracies[0]! + row.seedAccuracies[1]!) / 2) < 1e-12);
  }
  assert.equal(r.verdict.seeds, 2);
  assert.notEqual(r.verdict.band, null);
  const second = drain(compareCells({ ...SMALL, seed: SMALL.seed + 1 }))!;
  assert.deepEqual(
    r.rows.map((x) => x.seedAccuracies[1]),
    second.rows.map((x) => x.testAccuracy),
    "the second seed's run is the run of that seed",
  );
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
