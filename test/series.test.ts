/**
 * Forecasting data: reading a series (dates parsed, order checked, gaps found), cutting windows,
 * the chronological split (no test window's steps ever seen in training), the baselines, and the
 * regression reading of long-form files (real labels, many integers refused).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chronologicalSplit, cutWindows, readSeries, timeAfter } from '../src/data/series.js';
import { readCsv } from '../src/data/csv.js';
import { fitTargetNormalization, regressionMetrics } from '../src/data/regression.js';
import { prepareSeries, runValues } from '../src/explain/regression-job.js';
import { drain } from '../src/train/events.js';
import { DataError } from '../src/errors.js';

/** A monthly series: a sine of period 12 on a slope, `n` rows from 2000-01. */
function monthly(n: number, skip: number[] = []): string {
  const rows = ['date,value,other'];
  for (let i = 0; i < n; i++) {
    if (skip.includes(i)) continue;
    const d = new Date(Date.UTC(2000, i, 1)).toISOString().slice(0, 10);
    rows.push(`${d},${(10 + 0.1 * i + Math.sin((2 * Math.PI * i) / 12)).toFixed(4)},${i % 7}`);
  }
  return rows.join('\n') + '\n';
}

test('a series reads its dates, orders by them, finds the monthly step and reports gaps', () => {
  const s = readSeries(monthly(40, [5, 20, 21]), 'm.csv', { target: 'value' });
  assert.equal(s.timeCol, 'date');
  assert.deepEqual(s.columns, ['value', 'other']);
  assert.deepEqual(s.step, { unit: 'month', n: 1 });
  assert.deepEqual(s.gaps, [
    { after: 4, missing: 1 },
    { after: 18, missing: 2 },
  ]);
  assert.equal(timeAfter(s, 2), '2003-06-01');
});

test('windows hold W steps of every column and the next H targets; the split in time leaks no step', () => {
  const text = monthly(100);
  const s = readSeries(text, 'm.csv', { target: 'value', columns: ['value', 'other'] });
  const o = { window: 6, horizon: 2, relative: false };
  const w = cutWindows(s, o);
  assert.equal(w.length, 100 - 6 - 2 + 1);
  assert.equal(w[3]!.x[0], Math.fround(s.values[0]![3]!)); // first input step of window 3 is row 3, column "value"
  assert.equal(w[3]!.x[1], Math.fround(s.values[1]![3]!));
  assert.deepEqual([...w[3]!.v!], [Math.fround(s.values[0]![9]!), Math.fround(s.values[0]![10]!)]);
  const parts = chronologicalSplit(w, 100, o);
  const steps = (ws: typeof w) => new Set(ws.flatMap((x) => Array.from({ length: 8 }, (_, k) => x.start + k)));
  const train = steps(parts.train);
  for (const t of steps(parts.test)) assert.ok(!train.has(t), `test step ${t} was seen in training`);
  for (const t of steps(parts.val)) assert.ok(!train.has(t), `validation step ${t} was seen in training`);
  for (const t of steps(parts.test)) assert.ok(!steps(parts.val).has(t), `test step ${t} was seen in validation`);
  assert.ok(Math.max(...parts.train.map((x) => x.start)) < Math.min(...parts.val.map((x) => x.start)));
  assert.ok(Math.max(...parts.val.map((x) => x.start)) < Math.min(...parts.test.map((x) => x.start)));
});

test('relative windows hold moves from the last step, and keep the level in the offset', () => {
  const s = readSeries(monthly(30), 'm.csv', { target: 'value', columns: ['value'] });
  const [w] = cutWindows(s, { window: 4, horizon: 1 });
  assert.equal(w!.x[3], 0);
  assert.equal(w!.offset, s.values[0]![3]);
  assert.ok(Math.abs(w!.v![0]! + w!.offset! - s.values[0]![4]!) < 1e-5);
});

test('persistence and seasonal naive are the last value and the value one season before', () => {
  const s = readSeries(monthly(60), 'm.csv', { target: 'value', columns: ['value'] });
  const w = cutWindows(s, { window: 13, horizon: 3, season: 12 })[5]!;
  const y = s.values[0]!;
  assert.deepEqual([...w.persistence], Array(3).fill(Math.fround(y[5 + 12]!)));
  assert.deepEqual(
    [...w.seasonal!],
    [y[5 + 13 - 12], y[5 + 14 - 12], y[5 + 15 - 12]].map((v) => Math.fround(v!)),
  );
});

test('on a noisy seasonal series, a trained GRU beats persistence and the memoryless model', () => {
  let seed = 7;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31 - 0.5) * 0.2;
  const rows = ['time,value'];
  for (let i = 0; i < 400; i++) rows.push(`${i},${(Math.sin((2 * Math.PI * i) / 12) + rand()).toFixed(4)}`);
  const s = readSeries(rows.join('\n'), 's.csv', {});
  const run = prepareSeries(s, { window: 12, horizon: 1, season: 12, model: { mode: 'gru', hiddenSize: 12 }, seed: 1 });
  const cfg = { epochs: 15, optimizer: { type: 'adam' as const, lr: 0.02 } };
  const r = drain(runValues(run, cfg));
  const get = (n: string) => r.baselines.find((b) => b.name === n)!.rmse;
  assert.ok(r.model.rmse < 0.7 * get('persistence'), `model ${r.model.rmse} vs persistence ${get('persistence')}`);
  assert.ok(r.model.rmse < 0.7 * get('memoryless'), `model ${r.model.rmse} vs memoryless ${get('memoryless')}`);
  assert.ok(r.memoryGain > 0);
});

test('bad series: not a number, not a date, not increasing, window too long, horizon 0, constant target', () => {
  const bad = (text: string, o: object, re: RegExp) =>
    assert.throws(
      () => readSeries(text, 's.csv', o),
      (e) => e instanceof DataError && re.test(e.message),
    );
  bad('date,v\n2020-01,1\n2020-02,abc\n', { target: 'v' }, /line 3, column "v" \(the target\): "abc" is not a finite number/);
  bad('date,v\n2020-01,1\n2020-02,inf\n', { target: 'v' }, /"inf" is not a finite number/);
  bad('date,v\n2020-01,1\nsoon,2\n', {}, /"soon" is not a date or time/);
  bad('date,v\n2020-02,1\n2020-01,2\n', {}, /2020-01 does not come after 2020-02/);
  const s = readSeries(monthly(20), 'm.csv', { target: 'value' });
  assert.throws(() => cutWindows(s, { window: 20, horizon: 1 }), /longer than the series \(20 steps\)/);
  assert.throws(() => cutWindows(s, { window: 5, horizon: 0 }), /horizon must be at least 1/);
  const flat = readSeries('time,v\n' + Array.from({ length: 50 }, (_, i) => `${i},3`).join('\n'), 'f.csv', {});
  assert.throws(() => prepareSeries(flat, { window: 4, horizon: 1, relative: false }), /constant in the training split/);
});

test('--regression reads real labels; without it, a real label or many integers point to --regression', () => {
  const text = 'id,x,label\n' + Array.from({ length: 60 }, (_, i) => `s${i},${i / 10},${(i * 1.5).toFixed(1)}`).join('\n');
  const ds = readCsv(text, 'r.csv', { regression: true });
  assert.equal(ds.sequences[3]!.v![0], 4.5);
  assert.throws(() => readCsv(text, 'r.csv', {}), /not real numbers \(to predict real values, train with --regression\)/);
  const ints = 'id,x,label\n' + Array.from({ length: 60 }, (_, i) => `s${i},${i},${i * 3}`).join('\n');
  assert.throws(() => readCsv(ints, 'i.csv', {}), /60 distinct integer labels in 60 labelled steps.*--regression/);
  const fewClasses = 'id,x,label\n' + Array.from({ length: 60 }, (_, i) => `s${i},${i},${i % 3}`).join('\n');
  assert.equal(readCsv(fewClasses, 'c.csv', {}).classes.length, 3);
  assert.throws(
    () => readCsv('id,x,label\ns1,1,2\ns2,2,nan\ns3,3,1\n', 'n.csv', { regression: true }),
    /line 3, column "label": target "nan" is not a finite number/,
  );
});

test('metrics: RMSE, MAE and R² as defined; a constant target is refused by the normalisation', () => {
  const m = regressionMetrics([1, 2, 3, 5], [1, 2, 3, 4]);
  assert.equal(m.rmse, 0.5);
  assert.equal(m.mae, 0.25);
  assert.equal(m.r2, 1 - 1 / 5);
  assert.throws(
    () => fitTargetNormalization([{ id: 'a', length: 1, x: new Float32Array(1), y: Int32Array.of(0), v: Float32Array.of(2) }], 1, ['y']),
    /constant/,
  );
});
