/**
 * End-to-end training speed, GEMM backend A/B: SequenceModel + Adam + TrainStep (what a user runs),
 * sequences per second with gemm() on the JS kernel ("js") and with large problems on the wasm
 * kernel ("auto"), alternating in one process, medians and spreads over the rounds.
 *
 *   node dist/bench/train-speed.js [--config lesson,lstm,gru,rnn256] [--rounds 7] [--secs 1.5] [--threshold 4096] [--backends js,auto]
 *
 * Both backends train the same model from the same weights on the same batch; the final losses are
 * printed so that a backend that skipped work would show.
 */
import { SequenceModel } from '../src/nn/model.js';
import { Adam } from '../src/optim/adam.js';
import { TrainStep } from '../src/train/step.js';
import { gemmDispatch, setGemmBackend, type GemmBackend } from '../src/tensor/gemm.js';
import { wasmGemmStatus } from '../src/tensor/wasm/module.js';
import type { Mode } from '../src/nn/options.js';
import { arg, median } from './stats.js';

interface Config {
  name: string;
  mode: Mode;
  T: number;
  B: number;
  I: number;
  H: number;
  C: number;
}

const CONFIGS: Config[] = [
  { name: 'lesson', mode: 'rnn_tanh', T: 10, B: 32, I: 5, H: 8, C: 3 },
  { name: 'lstm', mode: 'lstm', T: 50, B: 64, I: 32, H: 128, C: 10 },
  { name: 'gru', mode: 'gru', T: 50, B: 64, I: 32, H: 128, C: 10 },
  { name: 'rnn256', mode: 'rnn_tanh', T: 100, B: 64, I: 64, H: 256, C: 10 },
];

const names = arg('config', CONFIGS.map((c) => c.name).join(',')).split(',');
const rounds = Number(arg('rounds', '7'));
const secs = Number(arg('secs', '1.5'));
const backends = arg('backends', 'js,auto').split(',') as GemmBackend[];
gemmDispatch.wasmMinWork = Number(arg('threshold', String(gemmDispatch.wasmMinWork)));

function makeRun(c: Config) {
  const model = new SequenceModel({ mode: c.mode, inputSize: c.I, hiddenSize: c.H, numClasses: c.C }, { seed: 1 });
  const step = new TrainStep(model, new Adam(model.table.data, model.table.grad, { lr: 1e-3 }));
  let s = 12345;
  const rnd = () => (s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32 - 0.5;
  const x = { data: Float32Array.from({ length: c.T * c.B * c.I }, rnd), shape: [c.T, c.B, c.I] };
  const y = Int32Array.from({ length: c.T * c.B }, (_, i) => (i * 7919) % c.C);
  return { model, step, x, y };
}

console.log(
  `wasm: ${wasmGemmStatus()}, auto: M*N*K >= ${gemmDispatch.wasmMinWork}; ${rounds} rounds of ~${secs} s per backend, alternating; seq/s median [min-max]`,
);
for (const name of names) {
  const c = CONFIGS.find((k) => k.name === name);
  if (!c) throw new Error(`unknown config ${name}`);
  // One model per backend, same initial weights and data.
  const runs = new Map(backends.map((b) => [b, makeRun(c)]));
  const rates = new Map<GemmBackend, number[]>(backends.map((b) => [b, []]));
  // Warm-up, and the same 10 steps from the same start on each backend: the losses must agree.
  const losses = new Map<GemmBackend, string>();
  for (const b of backends) {
    setGemmBackend(b);
    const r = runs.get(b)!;
    const first = r.step.run(r.x, r.y).loss;
    let l = first;
    for (let i = 1; i < 10; i++) l = r.step.run(r.x, r.y).loss;
    losses.set(b, `${first.toFixed(5)}->${l.toFixed(5)}`);
  }
  for (let round = 0; round < rounds; round++) {
    for (const b of backends) {
      setGemmBackend(b);
      const r = runs.get(b)!;
      let n = 0;
      const t0 = performance.now();
      let dt = 0;
      while (dt < secs * 1000) {
        r.step.run(r.x, r.y);
        n++;
        dt = performance.now() - t0;
      }
      rates.get(b)!.push((n * c.B) / (dt / 1000));
    }
  }
  setGemmBackend('auto');
  const parts = backends.map((b) => {
    const xs = rates.get(b)!;
    return `${b} ${Math.round(median(xs))} [${Math.round(Math.min(...xs))}-${Math.round(Math.max(...xs))}] loss ${losses.get(b)!}`;
  });
  const ratio = backends.length === 2 ? `  ratio ${(median(rates.get(backends[1]!)!) / median(rates.get(backends[0]!)!)).toFixed(2)}` : '';
  console.log(`${c.name} ${c.mode} T${c.T} I${c.I} H${c.H} B${c.B}: ${parts.join(' | ')}${ratio}`);
}
