/**
 * rnnscope in Chromium: the same training or inference step as the rnnscope peer, run in a Web
 * Worker of Debian's Chromium (headless, driven by playwright-core), as the explorer runs it. The
 * page is served by `rnnscope serve`'s own server (so with its headers, cross-origin isolation
 * included) from the compiled tree (dist/), and the worker imports the same modules the Node peer
 * does (bench/browser/worker.ts). The ratio rnnscope / chromium is Node's speed over the browser's.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Server } from 'node:http';
import type { Browser, Page } from 'playwright-core';
import { startServer } from '../../src/cli/commands/serve.js';
import type { BenchConfig } from '../configs.js';
import type { Availability, BenchData, Peer, StepFn, StepsResult } from '../peer.js';

/** Debian's Chromium (CHROMIUM_PATH to use another), and the flags every headless run here takes (the browser tests' too). */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
/** dist/, from dist/bench/peers/. */
const DIST = join(import.meta.dirname, '..', '..');

type Reply = { ok: true; result?: StepsResult; shared?: number; failure?: string | null } | { ok: false; error: string };

export class ChromiumPeer implements Peer {
  readonly name = 'chromium';
  readonly label = 'rnnscope in Chromium';
  private browser: Browser | null = null;
  private server: Server | null = null;
  private page: Page | null = null;
  private url = '';
  /** Steps of the configuration set up last that ran on two threads. */
  sharedSteps = 0;
  /** Why the two-thread step went back to one thread, if it did. */
  failure: string | null = null;

  constructor(readonly threads = 1) {}

  async available(): Promise<Availability> {
    if (!existsSync(CHROMIUM)) return { ok: false, reason: `${CHROMIUM} is missing (apt-get install -y chromium)` };
    const { chromium } = await import('playwright-core');
    this.browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
    const { server, url } = await startServer(DIST, 0);
    this.server = server;
    this.url = url;
    const how = this.threads === 2 ? 'two Web Workers sharing each large batch (TwoThreadStep)' : 'one Web Worker';
    return { ok: true, version: `Chromium ${this.browser.version()}`, notes: [`headless, ${how}, the page cross-origin isolated`] };
  }

  async setup(c: BenchConfig, data: BenchData): Promise<StepFn> {
    if (c.task === 'stream') throw new Error('not run: the Chromium peer runs the training and inference configurations');
    await this.page?.close();
    const page = await this.browser!.newPage();
    this.page = page;
    // Any file of the tree makes the page same-origin with the worker's modules; the worker is all that runs.
    await page.goto(`${this.url}/bench/browser/worker.js`);
    const ready = await page.evaluate(
      async ({ config, data, threads }) => {
        const w = new Worker('/bench/browser/worker.js', { type: 'module' });
        (globalThis as unknown as { __bench: Worker }).__bench = w;
        const reply = await new Promise<{ ok: boolean; error?: string }>((res) => {
          w.onmessage = (e) => res(e.data);
          w.onerror = (e) => res({ ok: false, error: e.message });
          w.postMessage({ type: 'setup', config, data, threads });
        });
        return { ...reply, isolated: crossOriginIsolated };
      },
      {
        config: c,
        threads: this.threads,
        data: {
          x: Array.from(data.x),
          targets: Array.from(data.targets),
          params: data.params.map((p) => ({ ...p, data: Array.from(p.data) })),
        },
      },
    );
    if (!ready.ok) throw new Error(`Chromium's worker: ${ready.error}`);
    return async (steps) => {
      const r = await page.evaluate(
        (steps) =>
          new Promise<Reply>((res) => {
            const w = (globalThis as unknown as { __bench: Worker }).__bench;
            w.onmessage = (e) => res(e.data);
            w.postMessage({ type: 'run', steps });
          }),
        steps,
      );
      if (!r.ok) throw new Error(`Chromium's worker: ${r.error}`);
      this.sharedSteps = r.shared ?? 0;
      this.failure = r.failure ?? null;
      return r.result!;
    };
  }

  async notes(): Promise<string[]> {
    if (this.threads !== 2) return [];
    return [`Chromium: ${this.sharedSteps} steps on two Web Workers${this.failure ? `; then one: ${this.failure}` : ''}`];
  }

  async teardown(): Promise<void> {
    await this.browser?.close();
    this.browser = null;
    this.server?.close();
    this.server = null;
  }
}
