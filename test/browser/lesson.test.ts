/**
 * The explorer as a lesson, in Chromium: nothing trains before Play, then it trains at a watchable pace
 * and the views change as it learns; the unrolled network leads to the other views; the highlight of a
 * unit or a step follows the pointer across views; memory can be switched off by hand (checked against
 * the engine's one-step traces in Node); the arrow keys step in Step-through; a click stays quick while
 * a large model trains; no layout shift and no overflow on a phone while training; axe-core finds
 * nothing serious; `serve` sends compressed scripts; and the smaller promises (1-based sequence index,
 * the quiz retaken, a bidirectional model's note, one name per feature, the page's own upload words).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { interestingIndex, predictionTrace } from '../../src/internal.js';
import { axe, cannotRun, maxDiff, reference, root, start, trained, valuesOf, type Harness, type Reference } from './harness.js';

const skip = cannotRun();
const MODES = ['pipeline', 'training', 'step', 'math', 'code', 'playground', 'compare', 'quiz', 'insight'] as const;
const TOL = 1e-6;

const status = (p: Page) => p.getAttribute('[data-testid=status]', 'data-status');

/** Click-to-next-paint times of the page's clicks, from each click event's own time stamp (as INP measures). */
async function watchClicks(p: Page): Promise<void> {
  await p.evaluate(() => {
    const w = window as unknown as { __lat: number[] };
    w.__lat = [];
    document.addEventListener(
      'click',
      (e) => {
        const t0 = e.timeStamp;
        requestAnimationFrame(() => setTimeout(() => w.__lat.push(performance.now() - t0), 0));
      },
      true,
    );
  });
}

async function clickLatencies(p: Page, n: number): Promise<number[]> {
  await p.evaluate(() => ((window as unknown as { __lat: number[] }).__lat = []));
  const tabs = ['playground', 'step', 'training', 'pipeline'];
  for (let i = 0; i < n; i++) {
    await p.click(`#tab-${tabs[i % tabs.length]}`);
    await p.waitForTimeout(150);
  }
  await p.waitForTimeout(300);
  return p.evaluate(() => (window as unknown as { __lat: number[] }).__lat);
}

const p95 = (v: number[]) => [...v].sort((a, b) => a - b)[Math.min(v.length - 1, Math.floor(v.length * 0.95))]!;
const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;

describe('the explorer as a lesson, in Chromium', { skip: skip ?? false, timeout: 600_000 }, () => {
  let h: Harness;
  let ref: Reference;

  before(async () => {
    h = await start();
    ref = reference({}, false);
  });

  after(async () => {
    await h?.close();
  });

  test('the first visit shows the untrained model and trains only on Play, at a watchable pace; Play becomes Replay', async () => {
    const { page, context } = await h.newPage();
    await page.goto(h.url);
    await page.waitForSelector('[data-testid=status][data-status=ready]');
    await page.waitForTimeout(1500);
    assert.equal(await status(page), 'ready', 'nothing trains before Play');
    assert.match((await page.textContent('[data-testid=status]'))!, /Untrained/);
    // The picture's cells are coloured by h_t: remember them, untrained.
    const colours = () => page.locator('[data-testid=pic-cell-9] rect').evaluateAll((rs) => rs.map((r) => r.getAttribute('fill')).join());
    const untrained = await colours();
    await page.click('#tab-step');
    const hBefore = await valuesOf(page, 'h');
    await page.click('[data-testid=play]');
    await page.waitForSelector('[data-testid=status][data-status=training]');
    await page.waitForTimeout(2000);
    const hDuring = await valuesOf(page, 'h');
    assert.ok(maxDiff(hDuring, hBefore) > 1e-4, 'h_t changes as the model learns');
    // Normal speed: the whole run (1095 batches) takes about 20 s, so after 2 s it is far from done.
    await page.click('[data-testid=pause]');
    await page.waitForSelector('[data-testid=status][data-status=paused]');
    const done = Number((/\((\d+) batches trained\)/.exec((await page.textContent('[data-testid=status]'))!) ?? [])[1]);
    assert.ok(done > 0 && done < 1095 * 0.5, `${done} batches after 2 s at the normal pace`);
    await page.click('#tab-pipeline');
    assert.notEqual(await colours(), untrained, 'the unrolled picture changes as the model learns');
    await page.click('[data-testid=skip]');
    await page.waitForSelector('[data-testid=status][data-status=done]', { timeout: 120_000 });
    assert.equal(await page.locator('[data-testid=play]').count(), 0);
    assert.equal(await page.locator('[data-testid=replay]').count(), 1, 'after training, Play becomes Replay');
    await page.click('#tab-training');
    const rows = await page
      .locator('[data-testid=epochs] tbody tr[data-epoch]')
      .evaluateAll((rs) => rs.map((r) => Number(r.getAttribute('data-val-accuracy'))));
    assert.deepEqual(
      rows,
      ref.history.map((e) => e.valAccuracy),
      'played, paused and skipped: the same run as the engine in Node',
    );
    assert.match((await page.textContent('[data-testid=notice-training]'))!, /Held-out accuracy went from/);
    await page.click('[data-testid=replay]');
    await page.waitForSelector('[data-testid=status][data-status=training]');
    await context.close();
  });

  test("the unrolled network leads to the step-through, a weight's matrix and an output's probabilities; highlights link the views", async () => {
    const { page, context } = await h.newPage();
    await page.goto(h.url);
    await trained(page);
    await page.click('#tab-pipeline');
    const tr = predictionTrace(ref.p.model, ref.p.split.test[interestingIndex(ref.p.split.test)]!);
    // An output: its probabilities, the engine's.
    await page.click('[data-testid=pic-out-2]');
    const probs = await page
      .locator('[data-testid=pic-probs] li')
      .evaluateAll((lis) => lis.map((li) => Number(li.getAttribute('data-value'))));
    assert.ok(maxDiff(probs, tr.steps[2]!.probs!) <= TOL, 'the output shows its step’s probabilities');
    // A weight: its matrix, the engine's state dict, row by row.
    await page.click('[data-testid=pic-w-hh]');
    await page.waitForSelector('[data-testid=pic-matrix]');
    assert.match((await page.textContent('[data-testid=pic-matrix] figcaption'))!, /rnn\.weight_hh_l0 \[8, 8\]/);
    const whh = ref.p.model.table.entries.find((e) => e.name === 'rnn.weight_hh_l0')!;
    const shown = await page
      .locator('[data-testid=pic-matrix] rect title')
      .evaluateAll((ts) => ts.map((t) => Number(t.textContent!.split(': ')[1])));
    const want = Array.from(ref.p.model.table.data.subarray(whh.offset, whh.offset + 64));
    assert.ok(maxDiff(shown, want) <= 0.005, 'the matrix is the trained W_hh (to the 2 decimals written)');
    // Hovering a cell highlights its step in the heat maps below.
    await page.hover('[data-testid=pic-cell-4]');
    assert.equal(await page.locator('[data-testid=stage-2] .link-hl').count(), 1, 'step 5 is outlined in the hidden layer’s heat map');
    // A cell: the step-through at that step.
    await page.click('[data-testid=pic-cell-4]');
    await page.waitForSelector('[data-testid=step-label]');
    assert.equal((await page.textContent('[data-testid=step-label]'))!.trim(), 'Step 5 of 10');
    // Hovering unit 3 of h_t outlines unit 3's row in the heat map, and the same unit in every vector.
    await page.hover('[data-testid=h] li:nth-child(3)');
    assert.equal(await page.locator('[data-testid=h-heatmap] .link-hl').count(), 1);
    assert.equal(await page.locator('[data-testid=h-prev] li.hl').count(), 1);
    assert.equal(await page.locator('[data-testid=h-prev] li:nth-child(3).hl').count(), 1);
    // The "what to notice" line is read off this trace.
    assert.match((await page.textContent('[data-testid=notice-step]'))!, new RegExp(`right on ${tr.correct} of ${tr.counted}`));
    await context.close();
  });

  test("memory off resets h before every step: the step-through and the playground show the engine's one-step traces", async () => {
    const { page, context } = await h.newPage();
    await page.goto(`${h.url}?mode=step&step=3`);
    await trained(page);
    const seq = ref.p.split.test[interestingIndex(ref.p.split.test)]!;
    const I = seq.x.length / seq.length;
    const alone = (t: number) =>
      predictionTrace(ref.p.model, { id: 's', length: 1, x: seq.x.slice(t * I, (t + 1) * I), y: seq.y.slice(t, t + 1) }).steps[0]!;
    const withMemory = await valuesOf(page, 'h');
    await page.check('[data-testid=memory-off]');
    await page.waitForFunction(
      (before) => document.querySelector('[data-testid=h]')?.getAttribute('data-values') !== before,
      JSON.stringify(withMemory),
    );
    assert.deepEqual(await valuesOf(page, 'h-prev'), [0, 0, 0, 0, 0, 0, 0, 0], 'h_2 is reset to zero before step 3');
    assert.ok(maxDiff(await valuesOf(page, 'h'), alone(2).cells[0]!.h) <= TOL);
    assert.ok(maxDiff(await valuesOf(page, 'outputs'), alone(2).probs!) <= TOL);
    await page.click('#tab-playground');
    const probs = await page
      .locator('[data-testid=predictions] td[data-probs]')
      .evaluateAll((tds) => tds.map((td) => JSON.parse(td.getAttribute('data-probs')!) as number[]));
    for (let t = 0; t < seq.length; t++) assert.ok(maxDiff(probs[t]!, alone(t).probs!) <= 1e-4, `playground step ${t + 1}`);
    await page.uncheck('[data-testid=memory-off]');
    await page.click('#tab-step');
    await page.waitForFunction(
      (want) => document.querySelector('[data-testid=h]')?.getAttribute('data-values') === want,
      JSON.stringify(withMemory),
    );
    await context.close();
  });

  test('Step-through: after clicking its tab, the arrow keys change the step, not the mode', async () => {
    const { page, context } = await h.newPage();
    await page.goto(h.url);
    await page.waitForSelector('[data-testid=status][data-status=ready]');
    await page.click('#tab-step');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    assert.equal(await page.getAttribute('#tab-step', 'aria-selected'), 'true', 'still in Step-through');
    assert.equal((await page.textContent('[data-testid=step-label]'))!.trim(), 'Step 3 of 10');
    await page.keyboard.press('ArrowLeft');
    assert.equal((await page.textContent('[data-testid=step-label]'))!.trim(), 'Step 2 of 10');
    // "Next" follows the lesson: Step-through, then the quiz.
    await page.click('[data-testid=next]');
    assert.equal(await page.getAttribute('#tab-quiz', 'aria-selected'), 'true');
    await context.close();
  });

  test('a click is answered within 100 ms (p95) while an LSTM with 128 units trains, on two workers', async () => {
    const { page, context } = await h.newPage();
    await page.goto(`${h.url}?cell=lstm&hidden=128&mode=step&epochs=50`);
    await page.waitForSelector('[data-testid=status][data-status=ready]');
    assert.equal(await page.evaluate(() => crossOriginIsolated), true, 'the page is cross-origin isolated (serve sends COOP and COEP)');
    await watchClicks(page);
    await page.selectOption('[data-testid=speed]', 'fast');
    // Idle and training clicks alternate in rounds, so a machine whose load changes during the test
    // weighs on both samples alike (the bar below compares them).
    const idle: number[] = [];
    const busy: number[] = [];
    for (let round = 0; round < 4; round++) {
      idle.push(...(await clickLatencies(page, 10)));
      await page.click('[data-testid=play]');
      await page.waitForSelector('[data-testid=status][data-status=training]');
      busy.push(...(await clickLatencies(page, 10)));
      assert.equal(await status(page), 'training', 'it was training all along');
      await page.click('[data-testid=pause]');
      await page.waitForSelector('[data-testid=play]');
    }
    // Cross-origin isolated on two cores, the training worker shares each batch with a second one.
    assert.ok(
      page.workers().some((w) => /helper/.test(w.url())),
      `a second training worker runs beside the first: ${page
        .workers()
        .map((w) => w.url())
        .join(', ')}`,
    );
    const fmt = (v: number[]) => `median ${Math.round(median(v))} ms, p95 ${Math.round(p95(v))} ms (n ${v.length})`;
    console.log(`click to next paint, LSTM-128: idle ${fmt(idle)}; while training ${fmt(busy)}`);
    // On a machine so loaded that an idle page is already slow, training may not make it slower than twice that.
    // (The defect this guards against froze the page for 11 to 254 s.)
    const bar = Math.max(100, 2 * p95(idle));
    assert.ok(p95(busy) < bar, `p95 ${Math.round(p95(busy))} ms while training (bar ${Math.round(bar)} ms; idle ${fmt(idle)})`);
    // While the learner clicks, one worker trains; left alone for a second, both do.
    const sharedBefore = Number(await page.getAttribute('[data-testid=status]', 'data-shared-batches'));
    await page.click('[data-testid=play]');
    await page.waitForFunction(
      (n) => Number(document.querySelector('[data-testid=status]')?.getAttribute('data-shared-batches')) > n,
      sharedBefore,
      { timeout: 20_000 },
    );
    await context.close();
  });

  test('on a phone: no horizontal overflow and no layout shift while training, in any mode; axe-core finds nothing serious', async () => {
    const { page, context } = await h.newPage({ width: 390, height: 844, mobile: true });
    await page.goto(h.url);
    await page.waitForSelector('[data-testid=status][data-status=ready]');
    assert.deepEqual(await axe(page), [], 'pipeline, untrained, at 390 px');
    await page.evaluate(() => {
      const w = window as unknown as { __shift: { mode: string; value: number }[] };
      w.__shift = [];
      new PerformanceObserver((l) => {
        for (const e of l.getEntries() as (PerformanceEntry & { value: number; hadRecentInput: boolean })[])
          if (!e.hadRecentInput) w.__shift.push({ mode: document.querySelector('#panel')!.getAttribute('data-mode')!, value: e.value });
      }).observe({ type: 'layout-shift' });
    });
    await page.click('[data-testid=play]');
    for (const m of MODES) {
      await page.click(`#tab-${m}`);
      await page.waitForTimeout(1200);
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(width <= 390, `${m}: the page is ${width} px wide on a 390 px phone while training`);
    }
    const shifts = await page.evaluate(() => (window as unknown as { __shift: { mode: string; value: number }[] }).__shift);
    const byMode: Record<string, number> = {};
    for (const s of shifts) byMode[s.mode] = (byMode[s.mode] ?? 0) + s.value;
    console.log(`layout shift while training at 390 px: ${JSON.stringify(byMode)}`);
    for (const [m, v] of Object.entries(byMode)) assert.ok(v < 0.1, `${m}: layout shift ${v.toFixed(3)} while training`);
    await page.click('[data-testid=skip]');
    await page.waitForSelector('[data-testid=status][data-status=done]', { timeout: 120_000 });
    // Touch screens have no hover: the page does not ask for it.
    await page.click('#tab-step');
    assert.equal(await page.locator('.hover-only').evaluate((e) => getComputedStyle(e).display), 'none');
    for (const m of MODES) {
      await page.click(`#tab-${m}`);
      if (m === 'math') await page.waitForSelector('.katex');
      await page.waitForTimeout(300);
      assert.deepEqual(await axe(page), [], `${m} at 390 px`);
    }
    // Chart labels read at 10 px or more on the phone (their SVG is scaled down to fit).
    await page.click('#tab-training');
    const px = await page
      .locator('[data-testid=loss-chart] .axis')
      .first()
      .evaluate((t) => (t as SVGTextElement).getBoundingClientRect().height);
    assert.ok(px >= 10, `the loss chart's labels are ${px.toFixed(1)} px tall`);
    await context.close();
  });

  test('axe-core finds nothing serious or critical in any mode at a laptop width', async () => {
    const { page, context } = await h.newPage();
    await page.goto(`${h.url}?cell=lstm&hidden=6`);
    await trained(page);
    for (const m of MODES) {
      await page.click(`#tab-${m}`);
      if (m === 'math') await page.waitForSelector('.katex');
      await page.waitForTimeout(300);
      assert.deepEqual(await axe(page), [], `${m} at 1280 px`);
    }
    await context.close();
  });

  test('the smaller promises: a 1-based sequence index that says when it is out of range, the quiz retaken, the math of a plain RNN, the bidirectional note, one name per feature', async () => {
    const { page, context } = await h.newPage();
    await page.goto(`${h.url}?mode=step&seq=3`);
    await page.waitForSelector('[data-testid=seq-index]');
    assert.equal(await page.inputValue('[data-testid=seq-index]'), '3', 'the link’s seq=3 is the third test sequence');
    assert.equal((await page.textContent('.step-controls code'))!.trim(), ref.p.split.test[2]!.id);
    await page.fill('[data-testid=seq-index]', '1501');
    await page.press('[data-testid=seq-index]', 'Enter');
    assert.match((await page.textContent('[data-testid=seq-index-error]'))!, /no test sequence 1501: choose one from 1 to 1500/);
    // Features are named as the data names them, in every mode.
    assert.match((await page.textContent('[data-testid=x]'))!, /f0/);
    await page.click('#tab-pipeline');
    assert.match((await page.textContent('[data-testid=stage-1]'))!, /f0[\s\S]*f4/);
    assert.doesNotMatch((await page.textContent('#panel'))!, /feature [1-5]\b/);
    await page.click('#tab-math');
    const text = (await page.textContent('.mode-math .muted'))!;
    assert.doesNotMatch(text, /σ|⊙/, 'the plain RNN’s equation uses neither');
    await trained(page);
    await page.click('#tab-quiz');
    await page.waitForSelector('[data-testid=question-0]', { timeout: 120_000 });
    await page.locator('[data-testid=question-0] input[type=radio]').first().check();
    await page.click('[data-testid=quiz-retake]');
    assert.match((await page.textContent('[data-testid=quiz-score]'))!, /Score: 0 of 0 answered/);
    assert.equal(await page.locator('[data-testid=question-0] input[type=radio]:disabled').count(), 0, 'every answer can be chosen again');
    // An upload that lacks a label column: the page's words, not the CLI's --label-col.
    await page.setInputFiles('#upload-file', join(root, 'test', 'fixtures', 'data', 'no-label-column.csv'));
    await page.waitForSelector('[data-testid=upload-error]');
    const msg = (await page.textContent('[data-testid=upload-error]'))!;
    assert.match(msg, /no label column/);
    assert.doesNotMatch(msg, /--label-col|\u0000/);
    await context.close();
    const bi = await h.newPage();
    await bi.page.goto(`${h.url}?bi=1&mode=insight`);
    await trained(bi.page);
    await bi.page.waitForSelector('[data-testid=insight-bars]', { timeout: 120_000 });
    assert.match((await bi.page.textContent('[data-testid=bi-note]'))!, /bidirectional[\s\S]*reads the future/);
    await bi.page.click('#tab-training');
    assert.equal(await bi.page.locator('[data-testid=bi-note]').count(), 1, 'said beside the test accuracy too');
    await bi.context.close();
  });

  test('serve sends scripts compressed (brotli or gzip, precompressed by the build)', async () => {
    const assets = join(root, 'dist', 'web', 'assets');
    const main = readdirSync(assets).find((f) => f.startsWith('index-') && f.endsWith('.js'))!;
    const raw = readFileSync(join(assets, main)).length;
    for (const enc of ['br', 'gzip']) {
      const res = await new Promise<{ encoding: string | undefined; bytes: number }>((ok, fail) => {
        const req = request(`${h.url}assets/${main}`, { headers: { 'Accept-Encoding': enc } }, (r) => {
          let n = 0;
          r.on('data', (c: Buffer) => (n += c.length));
          r.on('end', () => ok({ encoding: r.headers['content-encoding'], bytes: n }));
        });
        req.on('error', fail);
        req.end();
      });
      assert.equal(res.encoding, enc);
      assert.ok(res.bytes < raw / 2, `${enc}: ${res.bytes} bytes of ${raw}`);
      console.log(`first screen's script: ${raw} bytes, ${res.bytes} as ${enc}`);
    }
  });

  test('no console errors or page errors along the way', () => {
    assert.deepEqual(h.errors, []);
  });
});
