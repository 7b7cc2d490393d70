/** The comparison of cells on a forecaster (issue 10): RNN, LSTM and GRU from several seeds beside the baselines, and a verdict on errors. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VALUE_TASKS } from '../src/data/value-tasks.js';
import { baselineSentence, compareValueCells, type ValueCompareEvent, type ValueCompareResult } from '../src/explain/value-compare.js';
import { errorVerdict, verdictSentence } from '../src/explain/compare.js';
import { prepareSeries, measure } from '../src/explain/regression-job.js';
import { evaluateValues, ValueTrainer } from '../src/train/regress.js';
import { drain } from '../src/train/events.js';

const task = VALUE_TASKS.oscillation!;
const window = { window: task.window, horizon: task.horizon, season: task.season, relative: true };
const train = { epochs: 2, batchSize: 32, optimizer: { type: 'adam' as const, lr: 0.01 }, loss: { type: 'mse' as const } };

function run(seeds: number, sideBySide: boolean): { events: ValueCompareEvent[]; result: ValueCompareResult } {
  const g = compareValueCells({
    series: task.generate(0, { length: 400 }),
    window,
    model: { mode: 'gru', hiddenSize: 6 },
    seeds,
    train,
    sideBySide,
  });
  const events: ValueCompareEvent[] = [];
  let r = g.next();
  for (; !r.done; r = g.next()) events.push(r.value);
  return { events, result: r.value! };
}

test('compareValueCells trains RNN, LSTM and GRU from each seed, scores each as its own run would, beside the baselines', () => {
  const { events, result } = run(2, true);
  assert.deepEqual(
    result.rows.map((r) => r.mode),
    ['rnn_tanh', 'lstm', 'gru'],
  );
  for (const r of result.rows) {
    assert.equal(r.seedRmses.length, 2);
    assert.equal(r.seedRmses[0], r.rmse);
    assert.equal(r.meanRmse, (r.seedRmses[0]! + r.seedRmses[1]!) / 2);
  }
  assert.equal(events.filter((e) => e.type === 'value_compare_seed').length, 3);
  assert.deepEqual(
    result.baselines.map((b) => b.name),
    ['persistence', 'seasonal', 'mean', 'memoryless'],
  );
  // The LSTM from seed 1, trained alone as `rnnscope train` would, has the same test RMSE as its row's second seed.
  const alone = prepareSeries(task.generate(0, { length: 400 }), { ...window, model: { mode: 'lstm', hiddenSize: 6 }, seed: 1 });
  drain(new ValueTrainer(alone.model, alone.split.train, alone.split.val, alone.targetNorm, { ...train, seed: 1 }).run());
  const lstm = result.rows.find((r) => r.mode === 'lstm')!;
  assert.equal(lstm.seedRmses[1], evaluateValues(alone.model, alone.split.test, alone.targetNorm, train.loss).rmse);
  // The baselines are the main job's (measure on the own cell's run).
  const own = prepareSeries(task.generate(0, { length: 400 }), { ...window, model: { mode: 'gru', hiddenSize: 6 }, seed: 0 });
  drain(new ValueTrainer(own.model, own.split.train, own.split.val, own.targetNorm, { ...train, seed: 0 }).run());
  const m = measure(own, { ...train, seed: 0 });
  assert.deepEqual(
    result.baselines.map((b) => b.rmse),
    m.baselines.map((b) => b.rmse),
  );
  assert.equal(result.verdict.measure, 'error');
  assert.equal(result.verdict.seeds, 2);
  assert.match(verdictSentence(result.verdict), /of RMSE/);
  assert.match(baselineSentence(result), /best baseline, seasonal/);
});

test('side by side or one after another, the comparison gives the same numbers', () => {
  const a = run(1, true).result;
  const b = run(1, false).result;
  assert.deepEqual(
    a.rows.map((r) => r.rmse),
    b.rows.map((r) => r.rmse),
  );
});

test('errorVerdict: the lowest RMSE is best; one seed is level under 1% of the best RMSE, several within the spread', () => {
  const one = errorVerdict(
    [
      { mode: 'rnn_tanh', rmse: 2.0 },
      { mode: 'lstm', rmse: 1.0 },
      { mode: 'gru', rmse: 1.005 },
    ],
    'load',
  );
  assert.equal(one.best, 'lstm');
  assert.equal(one.worst, 'rnn_tanh');
  assert.equal(one.gap, 1);
  assert.equal(one.level, false);
  assert.match(verdictSentence(one), /^RNN \(tanh\) trails LSTM by 1 of RMSE\. One seed/);
  const close = errorVerdict(
    [
      { mode: 'lstm', rmse: 100 },
      { mode: 'gru', rmse: 100.5 },
    ],
    'load',
  );
  assert.equal(close.level, true);
  const spread = errorVerdict(
    [
      { mode: 'lstm', rmse: 1.0, spread: 0.2, seeds: 3 },
      { mode: 'gru', rmse: 1.1, spread: 0.2, seeds: 3 },
    ],
    'load',
  );
  assert.equal(spread.level, true);
  assert.match(verdictSentence(spread), /within the ±0\.3266 of RMSE that the spread across 3 seeds puts on it/);
});
