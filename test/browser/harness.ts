/**
 * The browser tests' harness: the explorer built and served as `rnnscope serve` does (on a free
 * port), Debian's Chromium driven by playwright-core, every console error and page error recorded,
 * and the engine run here in Node for the numbers the page must show.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Server } from 'node:http';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { ensureWebBuild, startServer } from '../../src/cli/commands/serve.js';
import {
  Trainer,
  compareMemory,
  evaluate,
  interestingIndex,
  predictionTrace,
  prepare,
  type EpochRecord,
  type MemoryComparison,
  type PipelineOptions,
  type Prepared,
  type PredictionTrace,
} from '../../src/internal.js';
import { makeQuiz, modelFacts, type Question } from '../../src/explain/quiz/index.js';
import { dataEvent } from '../../src/pipeline.js';
import { CHROMIUM, CHROMIUM_ARGS } from '../../bench/peers/chromium.js';

export const root = join(import.meta.dirname, '..', '..', '..');
export { CHROMIUM };

/** Why the browser tests cannot run here, or null. On CI a missing Chromium is a failure, not a skip. */
export function cannotRun(): string | null {
  if (existsSync(CHROMIUM)) return null;
  const why = `${CHROMIUM} is missing (apt-get install -y chromium)`;
  if (process.env.CI) throw new Error(`the browser tests need Chromium: ${why}`);
  return why;
}

/** Screenshots go to test/output/screenshots, or where SCREENSHOTS says (docs/screenshots for the README). */
export const shotDir = join(root, process.env.SCREENSHOTS ?? join('test', 'output', 'screenshots'));

export interface Harness {
  browser: Browser;
  server: Server;
  url: string;
  errors: string[];
  buildSeconds: number;
  newPage(o?: { width?: number; height?: number; mobile?: boolean }): Promise<{ page: Page; context: BrowserContext }>;
  close(): Promise<void>;
}

export async function start(): Promise<Harness> {
  const t0 = performance.now();
  const dir = await ensureWebBuild(root);
  const buildSeconds = (performance.now() - t0) / 1000;
  const { server, url } = await startServer(dir, 0);
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  const errors: string[] = [];
  mkdirSync(shotDir, { recursive: true });
  return {
    browser,
    server,
    url,
    errors,
    buildSeconds,
    async newPage({ width = 1280, height = 860, mobile = false } = {}) {
      const context = await browser.newContext({
        viewport: { width, height },
        deviceScaleFactor: 1,
        isMobile: mobile,
        hasTouch: mobile,
        acceptDownloads: true,
      });
      const page = await context.newPage();
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(`console error on ${page.url()}: ${m.text()}`);
      });
      page.on('pageerror', (e) => errors.push(`page error on ${page.url()}: ${e.message}`));
      return { page, context };
    },
    async close() {
      await browser.close();
      await new Promise<void>((ok) => server.close(() => ok()));
    },
  };
}

/** Trains the live run to its end with "skip to the end" (nothing trains before Play) and waits until it is done. */
export async function trained(page: Page, timeout = 90_000): Promise<void> {
  await page.waitForSelector('[data-testid=status]:not([data-status=precomputed]):not([data-status=preparing])', { timeout });
  if ((await page.getAttribute('[data-testid=status]', 'data-status')) !== 'done') {
    await page.waitForSelector('[data-testid=skip]:not([disabled])', { timeout });
    await page.click('[data-testid=skip]');
  }
  await page.waitForSelector('[data-testid=status][data-status=done]', { timeout });
}

/** Runs axe-core (the installed copy) in the page; the serious and critical findings, one line each. */
export async function axe(page: Page): Promise<string[]> {
  // Evaluated through the debugging protocol: the page's Content-Security-Policy forbids an inline script tag.
  if (!(await page.evaluate(() => 'axe' in window)))
    await page.evaluate(readFileSync(join(root, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8'));
  const found = await page.evaluate(async () => {
    const r = await (
      window as unknown as {
        axe: { run(o: object): Promise<{ violations: { id: string; impact: string; help: string; nodes: { target: string[] }[] }[] }> };
      }
    ).axe.run({
      resultTypes: ['violations'],
    });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, at: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
  });
  return found
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.at.join('; ')})`);
}

export async function valuesOf(page: Page, testId: string): Promise<number[]> {
  const raw = await page.getAttribute(`[data-testid=${testId}]`, 'data-values');
  if (raw === null) throw new Error(`no data-values on [data-testid=${testId}]`);
  return JSON.parse(raw) as number[];
}

/** What the engine computes in Node for the same settings: the reference the page is checked against. */
export interface Reference {
  p: Prepared;
  history: EpochRecord[];
  trace: PredictionTrace;
  test: number;
  comparison: MemoryComparison | null;
  quiz: Question[] | null;
}

export function reference(o: PipelineOptions & { epochs?: number; lr?: number; batchSize?: number }, insight = true): Reference {
  const seed = o.seed ?? 0;
  const p = prepare(o);
  const cfg = { epochs: o.epochs ?? 5, batchSize: o.batchSize ?? 32, optimizer: { type: 'adam' as const, lr: o.lr ?? 0.005 }, seed };
  const trainer = new Trainer(p.model, p.split.train, p.split.val, cfg);
  for (const _ of trainer.run()) {
    /* events are checked through the page */
  }
  const trace = predictionTrace(p.model, p.split.test[interestingIndex(p.split.test)]!);
  const test = evaluate(p.model, p.split.test).accuracy;
  if (!insight) return { p, history: trainer.history, trace, test, comparison: null, quiz: null };
  const gen = compareMemory(p.model, p.split.train, p.split.val, p.split.test, cfg, seed);
  let r = gen.next();
  while (!r.done) r = gen.next();
  const comparison = r.value;
  const quiz = makeQuiz({ model: modelFacts(p.model), data: dataEvent(p), history: trainer.history, trace, comparison }, seed);
  return { p, history: trainer.history, trace, test, comparison, quiz };
}

/** Largest difference between two vectors, relative above 1 and absolute below. */
export function maxDiff(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!) / Math.max(1, Math.abs(b[i]!)));
  return m;
}

export async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(shotDir, `${name}.png`), fullPage: true });
}
