/**
 * The Chromium peer's Web Worker (bench/peers/chromium.ts): rnnscope exactly as the explorer's worker
 * runs it (web/src/runner/worker.ts), built from the same compiled modules the Node peer uses, and
 * timed here with the worker's own clock. One message sets a configuration up, another runs steps.
 */
import { SequenceModel } from '../../src/nn/model.js';
import { Adam } from '../../src/optim/index.js';
import { TrainStep, type StepRunner } from '../../src/train/step.js';
import { TwoThreadStep } from '../../src/parallel/two-threads.js';
import { twoThreadsHere, webSpawn } from '../../src/parallel/web.js';
import type { BenchConfig } from '../configs.js';
import type { BenchData, StepsResult } from '../peer.js';

/** The data as the page passes it on: plain arrays, made typed again here. */
interface PlainData {
  x: number[];
  targets: number[];
  params: { name: string; shape: number[]; data: number[] }[];
}

type Request = { type: 'setup'; config: BenchConfig; data: PlainData; threads: number } | { type: 'run'; steps: number };

const spawn = webSpawn(() => new Worker(new URL('./helper.js', import.meta.url), { type: 'module' }));

let run: ((steps: number) => StepsResult) | null = null;
/** Steps the last configuration shared with the helper (two threads), for the peer's notes. */
let shared: () => number = () => 0;
let helperUp: () => boolean = () => true;
/** Why the two-thread step went back to one thread, if it did. */
let failure: () => string | null = () => null;

function sum(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]!;
  return s;
}

function setup(c: BenchConfig, data: BenchData, threads: number): (steps: number) => StepsResult {
  const model = new SequenceModel({ mode: c.mode, inputSize: c.I, hiddenSize: c.H, numClasses: c.C });
  for (const p of data.params) model.table.set(p.name, p.data);
  const x = { data: data.x, shape: [c.T, c.B, c.I] };
  if (c.task === 'train') {
    const opt = new Adam(model.table.data, model.table.grad, { lr: c.lr });
    if (threads === 2 && !twoThreadsHere()) throw new Error('two threads need a cross-origin isolated page and two cores');
    // (whenReady: a Web Worker started here may need this worker's event loop to start; setup waits for it)
    const step: StepRunner = threads === 2 ? new TwoThreadStep(model, opt, { spawn, whenReady: true }) : new TrainStep(model, opt);
    if (step instanceof TwoThreadStep) {
      step.startWorker();
      helperUp = () => step.helperUp;
    }
    shared = () => (step instanceof TwoThreadStep ? step.counts.parallel : 0);
    failure = () => (step instanceof TwoThreadStep ? step.failure : null);
    return (steps) => {
      let lossFirst = NaN;
      let lossLast = NaN;
      const t0 = performance.now();
      for (let i = 0; i < steps; i++) {
        lossLast = step.run(x, data.targets).loss;
        if (i === 0) lossFirst = lossLast;
      }
      return { seconds: (performance.now() - t0) / 1000, lossFirst, lossLast };
    };
  }
  if (c.task === 'infer') {
    return (steps) => {
      let logits: ArrayLike<number> = [];
      const t0 = performance.now();
      for (let i = 0; i < steps; i++) logits = model.forward(x).logits.data;
      return { seconds: (performance.now() - t0) / 1000, lossFirst: NaN, lossLast: NaN, check: sum(logits) };
    };
  }
  throw new Error(`the Chromium peer runs "train" and "infer", not "${c.task}"`);
}

self.onmessage = async (e: MessageEvent<Request>) => {
  try {
    if (e.data.type === 'setup') {
      const d = e.data.data;
      const data: BenchData = {
        x: Float32Array.from(d.x),
        targets: Int32Array.from(d.targets),
        params: d.params.map((p) => ({ ...p, data: Float32Array.from(p.data) })),
      };
      helperUp = () => true;
      run = setup(e.data.config, data, e.data.threads);
      if (e.data.threads === 2 && e.data.config.task === 'train') {
        // The helper was started with the step; this worker waits, idle, until it is up (a few seconds at most).
        for (let waited = 0; !helperUp(); waited += 20) {
          if (waited > 10_000) throw new Error('the second Web Worker did not start within 10 s');
          await new Promise((r) => setTimeout(r, 20));
        }
      }
      self.postMessage({ ok: true });
    } else {
      self.postMessage({ ok: true, result: run!(e.data.steps), shared: shared(), failure: failure() });
    }
  } catch (err) {
    self.postMessage({ ok: false, error: err instanceof Error ? err.message : String(err) });
  }
};
