/** The regression and forecasting commands as a user types them: train --series, forecast, train --regression, predict, and bad input. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ok, run, tempDir } from './cli-helpers.js';

function seriesFile(dir: string, n = 240): string {
  const rows = ['month,load,temp'];
  for (let i = 0; i < n; i++) {
    const d = new Date(Date.UTC(2000, i, 1)).toISOString().slice(0, 7);
    rows.push(`${d},${(100 + 10 * Math.sin((2 * Math.PI * i) / 12) + 0.05 * i).toFixed(3)},${(i % 5).toFixed(1)}`);
  }
  const p = join(dir, 'load.csv');
  writeFileSync(p, rows.join('\n') + '\n');
  return p;
}

test('train --series writes a forecaster whose test errors sit beside the baselines; forecast reads it back', () => {
  const dir = tempDir();
  seriesFile(dir);
  const t = ok(
    run(
      [
        'train',
        '--series',
        'load.csv',
        '--target',
        'load',
        '--columns',
        'load',
        '--window',
        '12',
        '--horizon',
        '2',
        '--season',
        '12',
        '--epochs',
        '3',
        '--json',
      ],
      { cwd: dir },
    ),
  );
  const events = t.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { type: string; [k: string]: unknown });
  const data = events.find((e) => e.type === 'value_data') as unknown as { series: { parts: Record<string, string> } };
  assert.equal(data.series.parts.train, '2000-01');
  const testEv = events.find((e) => e.type === 'value_test') as unknown as { baselines: { name: string }[] };
  assert.deepEqual(
    testEv.baselines.map((b) => b.name),
    ['persistence', 'seasonal', 'mean', 'memoryless'],
  );
  assert.equal(events.filter((e) => e.type === 'value_epoch').length, 3);
  assert.ok(existsSync(join(dir, 'model.safetensors')));

  const f = ok(run(['forecast', '--model', 'model.safetensors', '--series', 'load.csv', '--steps', '5', '--format', 'csv'], { cwd: dir }));
  const lines = f.stdout.trim().split('\n');
  assert.equal(lines[0], 'step,month,load,method');
  assert.match(lines[1]!, /^1,2020-01,[\d.]+,direct$/);
  assert.match(lines[3]!, /^3,2020-03,[\d.]+,recursive$/);
  assert.match(f.stderr, /2 steps direct \(the trained horizon\), then 3 recursive/);
  const chart = ok(run(['forecast', '--model', 'model.safetensors', '--series', 'load.csv'], { cwd: dir }));
  assert.match(chart.stdout, /The last 48 values and the forecast/);
  assert.match(chart.stdout, /┤/);
});

test('forecast beyond the horizon with several input columns is refused, as is a classifier', () => {
  const dir = tempDir();
  seriesFile(dir);
  ok(run(['train', '--series', 'load.csv', '--target', 'load', '--window', '6', '--epochs', '1', '--out', 'm.safetensors'], { cwd: dir }));
  const r = run(['forecast', '--model', 'm.safetensors', '--series', 'load.csv', '--steps', '4'], { cwd: dir });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^rnnscope: the model forecasts 1 step at once.*load, temp; ask for at most 1 steps, or train on load alone/);
  ok(run(['train', '--epochs', '1', '--count', '30', '--out', 'c.safetensors'], { cwd: dir }));
  const c = run(['forecast', '--model', 'c.safetensors', '--series', 'load.csv'], { cwd: dir });
  assert.equal(c.code, 2);
  assert.match(c.stderr, /is not a forecaster/);
});

test("train --regression and predict give values in the label column's units", () => {
  const dir = tempDir();
  const rows = ['id,step,a,total'];
  for (let s = 0; s < 60; s++) {
    let tot = 0;
    for (let t = 0; t < 5; t++) {
      const a = Math.sin(s * 7 + t * 3);
      tot += a;
      rows.push(`s${s},${t},${a.toFixed(4)},${(1000 + 10 * tot).toFixed(3)}`);
    }
  }
  writeFileSync(join(dir, 'sum.csv'), rows.join('\n') + '\n');
  const t = ok(
    run(
      [
        'train',
        '--data',
        'sum.csv',
        '--label-col',
        'total',
        '--regression',
        '--loss',
        'huber',
        '--delta',
        '0.5',
        '--epochs',
        '2',
        '--out',
        'r.safetensors',
      ],
      { cwd: dir },
    ),
  );
  assert.match(t.stdout, /Test split, in the target's units/);
  assert.match(t.stdout, /memoryless +│ the same model on each step alone/);
  const p = ok(run(['predict', '--model', 'r.safetensors', '--data', 'sum.csv', '--label-col', 'total'], { cwd: dir }));
  const [head, first] = p.stdout.split('\n');
  assert.equal(head, 'id,step,predicted_total,label_total');
  const predicted = Number(first!.split(',')[2]);
  assert.ok(predicted > 900 && predicted < 1100, `a prediction in the label's units, got ${predicted}`);
  assert.match(p.stderr, /RMSE [\d.]+, MAE [\d.]+ on 300 labelled values/);
});

test('bad regression and series input: one sentence, exit 2, nothing written', () => {
  const dir = tempDir();
  seriesFile(dir, 30);
  writeFileSync(join(dir, 'bad.csv'), 'date,v\n2020-01,1\n2020-02,x\n2020-03,2\n');
  writeFileSync(join(dir, 'flat.csv'), 'date,v\n' + Array.from({ length: 40 }, (_, i) => `${2000 + i},5`).join('\n') + '\n');
  writeFileSync(join(dir, 'dates.csv'), 'date,v\n2020-01,1\n2019-12,2\n2020-03,2\n');
  writeFileSync(join(dir, 'ints.csv'), 'id,x,label\n' + Array.from({ length: 50 }, (_, i) => `s${i},${i},${i * 7}`).join('\n') + '\n');
  const before = readdirSync(dir).sort();
  const cases: [string[], RegExp][] = [
    [['--series', 'bad.csv', '--target', 'v', '--window', '1'], /bad.csv line 3, column "v" \(the target\): "x" is not a finite number/],
    [['--series', 'flat.csv', '--window', '2', '--absolute'], /the target v t\+1 is constant in the training split/],
    [['--series', 'dates.csv', '--window', '1'], /2019-12 does not come after 2020-01/],
    [['--series', 'load.csv', '--window', '40'], /longer than the series \(30 steps\)/],
    [['--series', 'load.csv', '--window', '3', '--horizon', '0'], /the horizon must be at least 1/],
    [
      ['--series', 'load.csv', '--window', '3', '--time-col', 'load'],
      /the time column "load" cannot also be|is not a date|does not come after/,
    ],
    [
      ['--data', 'ints.csv'],
      /50 distinct integer labels in 50 labelled steps, too many to be classes; if the label is a quantity, train with --regression/,
    ],
    [['--task', 'trend', '--window', '3'], /--window is for a model of values: add --series FILE or --regression/],
  ];
  for (const [args, re] of cases) {
    const r = run(['train', ...args, '--epochs', '1'], { cwd: dir });
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, re);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  }
  assert.deepEqual(readdirSync(dir).sort(), before);
});

test('the main job on the built-in oscillation task beats persistence and the memoryless model, with a prediction trace', () => {
  const r = ok(run(['--task', 'oscillation', '--cell', 'gru', '--hidden', '16', '--epochs', '8', '--lr', '0.01', '--json']));
  const events = r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { type: string; [k: string]: unknown });
  assert.deepEqual(
    [...new Set(events.map((e) => e.type))],
    ['value_data', 'model', 'train_start', 'batch', 'value_epoch', 'train_end', 'flow', 'value_trace', 'value_test', 'value_insight'],
  );
  const t = events.find((e) => e.type === 'value_test') as unknown as {
    model: { rmse: number };
    baselines: { name: string; rmse: number }[];
  };
  const base = (n: string) => t.baselines.find((b) => b.name === n)!.rmse;
  assert.ok(t.model.rmse < 0.5 * base('persistence'), `model ${t.model.rmse}, persistence ${base('persistence')}`);
  assert.ok(t.model.rmse < 0.5 * base('memoryless'), `model ${t.model.rmse}, memoryless ${base('memoryless')}`);
  const trace = events.find((e) => e.type === 'value_trace') as unknown as { rows: { truth: number; predicted: number }[] };
  assert.equal(trace.rows.length, 24);
});
