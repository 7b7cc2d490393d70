/**
 * The Chromium peer's Web Worker (bench/peers/chromium.ts): rnnscope exactly as the explorer's worker
 * runs it (web/src/runner/worker.ts), built from the same compiled modules the Node peer uses, and
 * timed here with the worker's own clock. One message sets a configuration up, another runs steps.
 */
import { SequenceModel } from '../../src/nn/model.js';
import { Adam } from '../../src/optim/index.js';
import { TrainStep } from '../../src/train/step.js';
import type { BenchConfig } from '../configs.js';
import type { BenchData, StepsResult } from '../peer.js';

/** The data as the page passes it on: plain arrays, made typed again here. */
interface PlainData {
  x: number[];
  targets: number[];
  params: { name: string; shape: number[]; data: number[] }[];
}

type Request = { type: 'setup'; config: BenchConfig; data: PlainData } | { type: 'run'; steps: number };

let run: ((steps: number) => StepsResult) | null = null;

function sum(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]!;
  return s;
}

function setup(c: BenchConfig, data: BenchData): (steps: number) => StepsResult {
  const model = new SequenceModel({ mode: c.mode, inputSize: c.I, hiddenSize: c.H, numClasses: c.C });
  for (const p of data.params) model.table.set(p.name, p.data);
  const x = { data: data.x, shape: [c.T, c.B, c.I] };
  if (c.task === 'train') {
    const step = new TrainStep(model, new Adam(model.table.data, model.table.grad, { lr: c.lr }));
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

self.onmessage = (e: MessageEvent<Request>) => {
  try {
    if (e.data.type === 'setup') {
      const d = e.data.data;
      const data: BenchData = {
        x: Float32Array.from(d.x),
        targets: Int32Array.from(d.targets),
        params: d.params.map((p) => ({ ...p, data: Float32Array.from(p.data) })),
      };
      run = setup(e.data.config, data);
      self.postMessage({ ok: true });
    } else {
      self.postMessage({ ok: true, result: run!(e.data.steps) });
    }
  } catch (err) {
    self.postMessage({ ok: false, error: err instanceof Error ? err.message : String(err) });
  }
};
