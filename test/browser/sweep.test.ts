/**
 * The memory sweep in the explorer's Compare mode, in Chromium: a small sweep run in the page's worker
 * draws the same numbers (accuracy per k and cell across seeds, the gradient through time) as the
 * engine computes in Node for the same request.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { memorySweep, type SweepResult } from '../../src/internal.js';
import { cannotRun, start, type Harness } from './harness.js';

const skip = cannotRun();
const REQUEST = { delays: [2, 4], seeds: 2, epochs: 1, count: 200 };

describe("the explorer's memory sweep in Chromium", { skip: skip ?? false, timeout: 240_000 }, () => {
  let h: Harness;
  let page: Page;
  let ref: SweepResult;

  before(async () => {
    h = await start();
    ({ page } = await h.newPage());
    const it = memorySweep({ delays: REQUEST.delays, seeds: REQUEST.seeds, count: REQUEST.count, train: { epochs: REQUEST.epochs } });
    let s = it.next();
    while (!s.done) s = it.next();
    ref = s.value;
  });

  after(async () => {
    await h?.close();
  });

  test("the sweep's accuracy chart and gradient chart show the engine's numbers for the same request", async () => {
    await page.goto(`${h.url}?mode=compare`);
    await page.waitForSelector('[data-testid=sweep-start]');
    await page.fill('[data-testid=sweep-delays]', REQUEST.delays.join(', '));
    await page.fill('[data-testid=sweep-seeds]', String(REQUEST.seeds));
    await page.fill('[data-testid=sweep-epochs]', String(REQUEST.epochs));
    await page.fill('[data-testid=sweep-count]', String(REQUEST.count));
    await page.click('[data-testid=sweep-start]');
    await page.waitForSelector('[data-testid=sweep-status][data-status=done]', { timeout: 180_000 });
    for (const p of ref.points) {
      const dot = page.locator(`[data-testid=sweep-accuracy] g[data-mode=${p.mode}] circle[data-k="${p.k}"]`);
      assert.equal(Number(await dot.getAttribute('data-mean')), p.mean, `${p.mode} k ${p.k} mean`);
      assert.equal(Number(await dot.getAttribute('data-sd')), p.sd, `${p.mode} k ${p.k} sd`);
      assert.deepEqual(JSON.parse((await dot.getAttribute('data-accuracies'))!), p.accuracies);
    }
    for (const c of ref.gradient.cells) {
      const g = page.locator(`[data-testid=sweep-gradient] g[data-mode=${c.mode}]`);
      // The geometric mean over seeds goes through Math.log and Math.exp, whose last bit may differ between
      // Chromium's V8 and Node's: equal to 1e-12, relative.
      const close = (a: number[], b: number[], what: string) =>
        assert.ok(a.length === b.length && a.every((v, i) => Math.abs(v - b[i]!) <= 1e-12 * Math.abs(b[i]!)), `${what}: ${a} vs ${b}`);
      close(JSON.parse((await g.getAttribute('data-early'))!), c.early.loss, `${c.mode} early`);
      close(JSON.parse((await g.getAttribute('data-late'))!), c.late.loss, `${c.mode} late`);
      const row = page.locator(`[data-testid=sweep-gradient-table] tr[data-mode=${c.mode}]`);
      close([Number(await row.getAttribute('data-late-ratio'))], [c.lateRatio], `${c.mode} ratio`);
    }
    assert.match((await page.textContent('[data-testid=sweep-verdict][data-k="4"]'))!, /^At k = 4: /);
    assert.deepEqual(h.errors, []);
  });
});
