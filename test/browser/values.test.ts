/**
 * The explorer on a model of values (issue 10), in real Chromium: `?task=oscillation` trains the
 * built-in forecaster in the worker, and every mode draws the engine's numbers (checked against the
 * same run in Node: the held-out RMSE per epoch, the baselines, the traced window's value); the
 * forecast chart shows history, truth and forecast; the playground predicts an edit at once; an
 * uploaded series (a CSV with a date column) trains a forecaster with the CLI's reader and
 * chronological split. axe finds nothing serious, and a phone's width does not overflow.
 */
import { after, before, describe, test } from 'node:test';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { VALUE_TASKS } from '../../src/data/value-tasks.js';
import { prepareSeries, type ValueTestEvent } from '../../src/explain/regression-job.js';
import { runValueJob } from '../../src/explain/value-job.js';
import { valueSequenceTrace } from '../../src/explain/value-views.js';
import type { ValueEpochEvent } from '../../src/train/regress.js';
import { units } from '../../src/format.js';
import { baselineSentence, compareValueCells, type ValueCompareResult } from '../../src/explain/value-compare.js';
import { verdictSentence } from '../../src/explain/compare.js';
import { axe, cannotRun, root, shot, start, type Harness } from './harness.js';

const skip = cannotRun();
const MODES = ['pipeline', 'training', 'step', 'math', 'code', 'playground', 'compare', 'quiz', 'insight'] as const;
const QUERY = '?task=oscillation&cell=gru&hidden=12&epochs=4&lr=0.01';

/** The same run in Node: the oscillation task, GRU 12, 4 epochs at lr 0.01, seed 0. */
function nodeRun() {
  const task = VALUE_TASKS.oscillation!;
  const run = prepareSeries(task.generate(0), {
    window: task.window,
    horizon: task.horizon,
    season: task.season,
    relative: true,
    model: { mode: 'gru', hiddenSize: 12, numLayers: 1, bidirectional: false },
    seed: 0,
  });
  const epochs: ValueEpochEvent[] = [];
  let test: ValueTestEvent | null = null;
  for (const e of runValueJob(run, { epochs: 4, batchSize: 32, optimizer: { type: 'adam', lr: 0.01 }, seed: 0, loss: { type: 'mse' } })) {
    if (e.type === 'value_epoch') epochs.push(e);
    if (e.type === 'value_test') test = e;
  }
  const trace = valueSequenceTrace(run.model, run.split.test[0]!, run.targetNorm, run.outputs);
  return { epochs, test: test!, predicted: trace.predicted[0]![0]! };
}

/** The same comparison in Node: RNN, LSTM and GRU of 12 units, 4 epochs at lr 0.01, seeds 0, 1, 2. */
function nodeCompare(): ValueCompareResult {
  const task = VALUE_TASKS.oscillation!;
  const g = compareValueCells({
    series: task.generate(0),
    window: { window: task.window, horizon: task.horizon, season: task.season, relative: true },
    model: { mode: 'gru', hiddenSize: 12, numLayers: 1, bidirectional: false },
    seed: 0,
    seeds: 3,
    train: { epochs: 4, batchSize: 32, optimizer: { type: 'adam', lr: 0.01 }, loss: { type: 'mse' } },
  });
  let r = g.next();
  while (!r.done) r = g.next();
  return r.value!;
}

async function trainedValues(page: Page): Promise<void> {
  await page.waitForSelector('[data-testid=values-status]', { timeout: 60_000 });
  await page.waitForSelector('[data-testid=skip]:not([disabled])');
  await page.click('[data-testid=skip]');
  await page.waitForSelector('[data-testid=values-status][data-status=done]', { timeout: 120_000 });
}

describe('the explorer on a model of values', { skip: skip ?? false, timeout: 300_000 }, () => {
  let h: Harness;
  let page: Page;
  let ref: ReturnType<typeof nodeRun>;

  before(async () => {
    h = await start();
    ref = nodeRun();
    ({ page } = await h.newPage());
    await page.goto(h.url + QUERY);
    await trainedValues(page);
  });
  after(async () => {
    await h?.close();
  });

  test("training shows the error curve with the engine's held-out RMSE per epoch", async () => {
    await page.click('#tab-training');
    await page.waitForSelector('[data-testid=rmse-chart] svg');
    const cells = await page.locator('[data-testid=val-rmse]').allTextContents();
    assert.deepEqual(
      cells,
      ref.epochs.map((e) => units(e.valRmse)),
    );
    await shot(page, 'values-training');
  });

  test("compare: the model and the baselines, the engine's RMSE to the last bit", async () => {
    await page.click('#tab-compare');
    const rows = page.locator('[data-testid=baselines] tbody tr');
    const got = Object.fromEntries(
      await rows.evaluateAll((trs) => trs.map((tr) => [tr.getAttribute('data-name'), Number(tr.getAttribute('data-rmse'))])),
    );
    assert.equal(got.model, ref.test.model.rmse);
    // The baselines are sums of doubles the page's V8 may round differently in the last bit.
    for (const b of ref.test.baselines)
      assert.ok(Math.abs(got[b.name]! - b.rmse) <= 1e-12 * b.rmse, `${b.name}: ${got[b.name]} vs ${b.rmse}`);
    assert.equal(got.reset, ref.test.reset);
    assert.ok(
      ref.test.model.rmse < got.persistence! && ref.test.model.rmse < got.memoryless!,
      'the model beats persistence and memoryless',
    );
    await shot(page, 'values-compare');
  });

  test("compare: RNN, LSTM and GRU trained side by side from 3 seeds, their RMSE and MAE and the verdict the engine's", async () => {
    await page.click('#tab-compare');
    await page.waitForSelector('[data-testid=compare-status][data-status=done]', { timeout: 120_000 });
    const want = nodeCompare();
    const rows = await page
      .locator('[data-testid=value-compare] tbody tr[data-mode]')
      .evaluateAll((trs) => trs.map((tr) => ['mode', 'rmse', 'mae', 'mean-rmse', 'spread'].map((k) => tr.getAttribute(`data-${k}`)!)));
    assert.deepEqual(
      rows,
      want.rows.map((r) => [r.mode, String(r.rmse), String(r.mae), String(r.meanRmse), String(r.spread)]),
    );
    assert.deepEqual(
      want.rows.map((r) => r.seedRmses.length),
      [3, 3, 3],
    );
    const names = await page
      .locator('[data-testid=value-compare] tbody tr[data-name]')
      .evaluateAll((trs) => trs.map((tr) => [tr.getAttribute('data-name'), Number(tr.getAttribute('data-rmse'))] as const));
    assert.deepEqual(
      names.map((n) => n[0]),
      ['persistence', 'seasonal', 'mean', 'memoryless'],
    );
    for (const [name, rmse] of names) {
      const b = want.baselines.find((x) => x.name === name)!;
      assert.ok(Math.abs(rmse - b.rmse) <= 1e-12 * b.rmse, `${name}: ${rmse} vs ${b.rmse}`);
    }
    assert.equal(await page.textContent('[data-testid=compare-verdict]'), verdictSentence(want.verdict));
    assert.equal(await page.textContent('[data-testid=compare-beside]'), baselineSentence(want));
    await shot(page, 'values-compare-cells');
  });

  test("step-through: the traced window's value is the engine's, and the playground predicts an edit at once", async () => {
    await page.click('#tab-step');
    assert.equal(Number(await page.getAttribute('[data-testid=trace-value]', 'data-predicted')), ref.predicted);
    assert.equal(await page.locator('[data-testid=value-trace] tbody tr').count(), 16);
    await shot(page, 'values-step');
    await page.click('#tab-playground');
    const before = await page.textContent('[data-testid=playground-prediction]');
    await page.locator('[data-testid=slider-15]').fill('1.2');
    await page.waitForFunction((b) => document.querySelector('[data-testid=playground-prediction]')?.textContent !== b, before);
    assert.match((await page.textContent('[data-testid=playground-prediction]'))!, /the window as it was: /);
    await shot(page, 'values-playground');
  });

  test("math: the cell's equations with the step's numbers, and the head's value in the target's units is the engine's", async () => {
    await page.click('#tab-math');
    await page.waitForSelector('[data-testid=value-head]');
    await page.selectOption('[data-testid=math-step]', { value: '3' });
    await page.waitForSelector('[data-testid=instance][aria-label*="at step 4 "]');
    assert.equal(Number(await page.getAttribute('[data-testid=value-math-note]', 'data-value')), ref.predicted);
    assert.ok((await page.textContent('[data-testid=value-denorm]'))!.includes(units(ref.predicted)));
    assert.ok((await page.textContent('[data-testid=value-input]'))!.length > 0);
    await shot(page, 'values-math');
  });

  test("code: the rnnscope code runs and gives this run's test RMSE; the PyTorch code trains on the same windows with MSELoss", async () => {
    await page.click('#tab-code');
    const ts = (await page.textContent('[data-testid=code-rnnscope]'))!;
    const torch = (await page.textContent('[data-testid=code-pytorch]'))!;
    assert.match(torch, /nn\.MSELoss\(\)/);
    assert.match(torch, /pred = model\(x\) \* y_std \+ y_mean \+ last/);
    assert.match(
      (await page.textContent('[data-testid=code-cli]'))!,
      /^npx rnnscope train --task oscillation --cell gru --hidden 12 --epochs 4/,
    );
    await shot(page, 'values-code');
    const dir = mkdtempSync(join(tmpdir(), 'rnnscope-values-code-'));
    try {
      const internal = pathToFileURL(join(root, 'dist', 'src', 'internal.js')).href;
      writeFileSync(join(dir, 'run.mjs'), ts.replace("'rnnscope/internal'", `'${internal}'`));
      const out = execFileSync(process.execPath, ['run.mjs'], { cwd: dir, encoding: 'utf8' });
      const model = /^model (\S+) /m.exec(out);
      assert.ok(model, out);
      assert.equal(Number(model[1]), ref.test.model.rmse);
      if (existsSync('/usr/bin/python3')) {
        writeFileSync(join(dir, 'train.py'), torch);
        const py = execFileSync('/usr/bin/python3', ['train.py'], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
        const rmse = Number(/^test RMSE (\S+)/m.exec(py)?.[1]);
        const persistence = ref.test.baselines.find((b) => b.name === 'persistence')!.rmse;
        assert.ok(rmse > 0 && rmse < persistence, `PyTorch's test RMSE ${rmse} against persistence's ${persistence}`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('the forecast chart shows history, truth, the one-step forecasts and the forecast after the end', async () => {
    await page.click('#tab-insight');
    const legend = await page.locator('[data-testid=forecast-chart] .legend li').allTextContents();
    assert.deepEqual(legend, ['history', 'truth (test part)', 'forecast, one step ahead', 'forecast after the end']);
    assert.match((await page.textContent('[data-testid=value-insight]'))!, /^Here memory is worth [\d.]+ of RMSE/);
    await shot(page, 'values-insight');
  });

  test('the quiz asks about this run; the pipeline says the output is values; axe finds nothing serious in any mode', async () => {
    await page.click('#tab-quiz');
    const ids = await page.locator('[data-testid^=question-]').evaluateAll((els) => els.map((e) => e.getAttribute('data-id')));
    assert.ok(
      ids.some((id) => id?.startsWith('value-')),
      ids.join(' '),
    );
    await page.click('#tab-pipeline');
    assert.match((await page.textContent('[data-testid=values-flow]'))!, /not probabilities/);
    for (const m of MODES) {
      await page.click(`#tab-${m}`);
      assert.deepEqual(await axe(page), [], m);
    }
  });

  test("a phone's width: no mode overflows", async () => {
    const { page: p, context } = await h.newPage({ width: 390, height: 844, mobile: true });
    await p.goto(h.url + QUERY);
    await trainedValues(p);
    for (const m of MODES) {
      await p.click(`#tab-${m}`);
      const width = await p.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(width <= 390, `${m}: the page is ${width} px wide on a 390 px phone`);
    }
    await p.click('#tab-training');
    await shot(p, 'values-phone-training');
    await context.close();
  });

  test('an uploaded series with a date column trains a forecaster, split in time, with a forecast chart', async () => {
    const { page: p, context } = await h.newPage();
    await p.goto(h.url);
    const rows = ['month,load'];
    for (let i = 0; i < 240; i++)
      rows.push(
        `${2000 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')},${(100 + 10 * Math.sin((2 * Math.PI * i) / 12) + 0.05 * i).toFixed(3)}`,
      );
    await p.setInputFiles('#upload-file', { name: 'load.csv', mimeType: 'text/csv', buffer: Buffer.from(rows.join('\n') + '\n') });
    await p.waitForSelector('[data-testid=values-task]', { timeout: 60_000 });
    assert.match(
      (await p.textContent('[data-testid=values-task]'))!,
      /^load: 240 steps of load by month.*Split in time: 144 \/ 12 \/ 12 windows/,
    );
    await trainedValues(p);
    await p.click('#tab-insight');
    assert.match((await p.textContent('[data-testid=forecast-chart] figcaption'))!, /test part from 2017-/);
    // The y axis is fitted to the series (about 90 to 112), not stretched down to 0.
    const [lo, hi] = (await p.getAttribute('[data-testid=forecast-chart]', 'data-y-domain'))!.split(',').map(Number);
    assert.ok(lo! > 80 && hi! < 125, `y from ${lo} to ${hi}`);
    const ticks = await p.locator('[data-testid=forecast-chart] svg text.axis[text-anchor=end]').allTextContents();
    assert.ok(!ticks.includes('0') && Math.min(...ticks.map(Number)) >= 80, ticks.join(' '));
    assert.equal(await p.locator('[data-testid=forecast-chart] .legend li').count(), 4);
    await shot(p, 'values-upload-forecast');
    await context.close();
  });

  test('no console errors or page errors along the way', () => {
    assert.deepEqual(h.errors, []);
  });
});
