/**
 * The per-class report in the explorer (issue 12), in real Chromium: after training, Training mode shows
 * precision, recall, F1 and support per class, the macro and weighted averages, the commonest training
 * class's score and the confusion matrix of the test split, and every number is the engine's: the same
 * run in Node, through the same classReport `rnnscope train` prints.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { classReport, commonestClass, type ClassReport } from '../../src/train/class-report.js';
import { axe, cannotRun, reference, shot, start, trained, type Harness } from './harness.js';

const skip = cannotRun();

describe('the per-class report of a classifier', { skip: skip ?? false, timeout: 240_000 }, () => {
  let h: Harness;
  let page: Page;
  let want: ClassReport;
  let classes: string[];

  before(async () => {
    h = await start();
    const { p } = reference({ model: { mode: 'gru', hiddenSize: 6 }, epochs: 2 }, false);
    want = classReport(p.model, p.split.test, commonestClass(p.split.train, p.model.options.numClasses));
    classes = p.dataset.classes;
    ({ page } = await h.newPage());
    await page.goto(`${h.url}?mode=training&cell=gru&hidden=6&epochs=2`);
    await trained(page);
    await page.waitForSelector('[data-testid=class-report]');
  });
  after(async () => {
    await h?.close();
  });

  test("the confusion matrix and every class's precision, recall, F1 and support are the engine's", async () => {
    const confusion = JSON.parse((await page.getAttribute('[data-testid=confusion]', 'data-values'))!) as number[][];
    assert.deepEqual(confusion, want.confusion);
    const rows = await page
      .locator('[data-testid=report-table] tbody tr[data-class]')
      .evaluateAll((trs) => trs.map((tr) => JSON.parse(tr.getAttribute('data-values')!) as number[]));
    assert.deepEqual(
      rows,
      want.perClass.map((c) => [c.precision, c.recall, c.f1, c.support]),
    );
    const names = await page.locator('[data-testid=report-table] tbody tr[data-class] th').allTextContents();
    assert.deepEqual(names, classes);
  });

  test("the macro and weighted averages and the majority baseline are the engine's, and the matrix names the classes", async () => {
    for (const k of ['macro', 'weighted'] as const) {
      const got = JSON.parse((await page.getAttribute(`[data-average=${k}]`, 'data-values'))!) as number[];
      assert.deepEqual(got, [want[k].precision, want[k].recall, want[k].f1, want.support], k);
    }
    assert.equal(Number(await page.getAttribute('[data-testid=report-majority]', 'data-value')), want.majority);
    const head = await page.locator('[data-testid=confusion] thead th').allTextContents();
    assert.deepEqual(
      head,
      classes.map((c) => `predicted ${c}`),
    );
    assert.deepEqual(await axe(page), []);
    await page.locator('[data-testid=class-report]').scrollIntoViewIfNeeded();
    await shot(page, 'class-report');
  });

  test('no console errors or page errors along the way', () => {
    assert.deepEqual(h.errors, []);
  });
});
