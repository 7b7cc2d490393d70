/**
 * TensorFlow.js 4.x (@tensorflow/tfjs: core, layers, the cpu backend), with the "cpu" backend
 * (plain JavaScript kernels) or the "wasm" backend (@tensorflow/tfjs-backend-wasm: XNNPACK
 * compiled to WebAssembly; its .wasm files ship inside the npm package and are loaded from
 * node_modules). `@tensorflow/tfjs-node` downloads a native binary at install time and cannot
 * install here. (tfjs-core alone is not enough: tfjs-layers calls the chained tensor methods,
 * e.g. tensor.flatten(), that only the @tensorflow/tfjs bundle registers.)
 *
 * The model is tf.layers.simpleRNN / lstm / gru (returnSequences) followed by a dense head, which
 * TF.js applies to every step of the [B, T, H] output. A training step is optimizer.minimize of
 * tf.losses.softmaxCrossEntropy (the mean over all B x T steps) with tf.train.adam (PyTorch's
 * betas and eps = 1e-8): forward, backward and update, as in PyTorch.
 *
 * Weights: Keras layout, kernels [I, G*H] and one bias per layer. LSTM's gate order (i, f, c, o) is
 * PyTorch's, so SimpleRNN and LSTM load rnnscope's weights exactly (bias = b_ih + b_hh, and
 * recurrentActivation "sigmoid", not TF.js's default "hardSigmoid"). TF.js's GRU is the
 * reset-before variant (Keras reset_after=false; `resetAfter: true` throws "GRUCell does not
 * support reset_after parameter set to true" in tfjs-layers 4.22), so its weights are converted
 * (gates z, r, h reordered from PyTorch's r, z, n; b_hn folded into the one bias) and the model
 * is close to PyTorch's, not the same: its first loss differs a little.
 *
 * Production mode (tf.enableProdMode) is on: no per-op NaN checks, the fastest TF.js runs.
 * Inference reads the logits back (dataSync), as a caller would.
 */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import type * as Tfjs from '@tensorflow/tfjs';
import type * as TfWasm from '@tensorflow/tfjs-backend-wasm';
import type { BenchConfig } from '../configs.js';
import type { Availability, BenchData, MemoryReport, NamedParam, Peer, StepFn, StepsResult } from '../peer.js';

const require = createRequire(import.meta.url);
const MB = 1024 * 1024;

export type TfBackend = 'cpu' | 'wasm';

type Tf = typeof Tfjs;

let lib: Tf | null = null;

/** @tensorflow/tfjs: core, layers and the cpu backend (and the chained ops tfjs-layers uses). */
function load(): Tf {
  if (lib) return lib;
  lib = require('@tensorflow/tfjs') as Tf;
  lib.enableProdMode();
  return lib;
}

function pkgVersion(name: string): string {
  return (require(`${name}/package.json`) as { version: string }).version;
}

function param(data: BenchData, name: string): NamedParam {
  const p = data.params.find((q) => q.name === name);
  if (!p) throw new Error(`tfjs peer: no parameter ${name} in the bench data`);
  return p;
}

/** Rows [r0, r1) of a row-major [R, K] matrix, transposed to [K, r1 - r0]. */
function rowsT(p: NamedParam, r0: number, r1: number): Float32Array {
  const K = p.shape[1]!;
  const n = r1 - r0;
  const out = new Float32Array(K * n);
  for (let r = r0; r < r1; r++) for (let k = 0; k < K; k++) out[k * n + (r - r0)] = p.data[r * K + k]!;
  return out;
}

/** Column-wise concatenation of [K, n_i] row-major blocks. */
function hcat(K: number, blocks: Float32Array[]): Float32Array {
  const widths = blocks.map((b) => b.length / K);
  const W = widths.reduce((a, b) => a + b, 0);
  const out = new Float32Array(K * W);
  for (let k = 0; k < K; k++) {
    let col = 0;
    blocks.forEach((b, i) => {
      const w = widths[i]!;
      out.set(b.subarray(k * w, k * w + w), k * W + col);
      col += w;
    });
  }
  return out;
}

function addSlices(a: NamedParam, b: NamedParam, ranges: [number, number][]): Float32Array {
  const out: number[] = [];
  for (const [r0, r1] of ranges) for (let i = r0; i < r1; i++) out.push(a.data[i]! + b.data[i]!);
  return Float32Array.from(out);
}

export class TfjsPeer implements Peer {
  readonly name: string;
  readonly label: string;
  private mem: MemoryReport = {};
  private runNotes: string[] = [];
  private dispose: (() => void) | null = null;

  constructor(readonly backend: TfBackend) {
    this.name = `tfjs-${backend}`;
    this.label = `tfjs ${backend}`;
  }

  async available(): Promise<Availability> {
    try {
      const tf = load();
      const notes: string[] = [];
      if (this.backend === 'wasm') {
        const wasm = require('@tensorflow/tfjs-backend-wasm') as typeof TfWasm;
        const dir = dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
        wasm.setWasmPaths(dir + '/');
        if (!(await tf.setBackend('wasm'))) return { ok: false, reason: 'the wasm backend did not initialise' };
        await tf.ready();
        const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
        const threads = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
        notes.push(
          `SIMD ${simd ? 'on' : 'off'}, ${threads ? `${wasm.getThreadsCount()} threads` : 'one thread (no multithreaded build in Node)'}; .wasm from node_modules`,
        );
        return {
          ok: true,
          version: `@tensorflow/tfjs ${pkgVersion('@tensorflow/tfjs')}, tfjs-backend-wasm ${pkgVersion('@tensorflow/tfjs-backend-wasm')}`,
          notes,
        };
      }
      if (!(await tf.setBackend('cpu'))) return { ok: false, reason: 'the cpu backend did not initialise' };
      await tf.ready();
      notes.push('plain JavaScript kernels, one thread');
      return { ok: true, version: `@tensorflow/tfjs ${pkgVersion('@tensorflow/tfjs')} (tfjs-backend-cpu ${tf.version_core})`, notes };
    } catch (e) {
      return { ok: false, reason: `cannot load TensorFlow.js: ${(e as Error).message.split('\n')[0]}` };
    }
  }

  async setup(c: BenchConfig, data: BenchData): Promise<StepFn> {
    if (c.V) throw new Error('not run: token input (ids read one-hot) is benched against PyTorch only');
    const tf = load();
    const tfl = tf;
    this.dispose?.();
    this.dispose = null;
    if (tf.getBackend() !== this.backend) await tf.setBackend(this.backend);
    const { T, B, I, H, C } = c;
    const notes: string[] = [];
    const stream = c.task === 'stream';
    if (stream && c.mode === 'lstm') throw new Error('tfjs peer: the stream task keeps h only (RNN, GRU)');

    // The recurrent layer; stateful for streaming (Keras's way to keep the state between calls).
    // Zero initialisers: the weights are replaced below, and the orthogonal one costs a QR per layer.
    const common = {
      units: H,
      returnSequences: true,
      kernelInitializer: 'zeros',
      recurrentInitializer: 'zeros',
      ...(stream ? { stateful: true, batchInputShape: [1, 1, I] } : { inputShape: [T, I] }),
    };
    const rnn =
      c.mode === 'lstm'
        ? tfl.layers.lstm({ ...common, recurrentActivation: 'sigmoid' })
        : c.mode === 'gru'
          ? tfl.layers.gru({ ...common, recurrentActivation: 'sigmoid' })
          : tfl.layers.simpleRNN({ ...common, activation: c.mode === 'rnn_relu' ? 'relu' : 'tanh' });
    const head = tfl.layers.dense({ units: C, kernelInitializer: 'zeros' });
    const model = tfl.sequential({ layers: [rnn, head] });

    // rnnscope's weights, converted to Keras's layout.
    const wih = param(data, 'rnn.weight_ih_l0');
    const whh = param(data, 'rnn.weight_hh_l0');
    const bih = param(data, 'rnn.bias_ih_l0');
    const bhh = param(data, 'rnn.bias_hh_l0');
    const G = wih.shape[0]! / H;
    let kernel: Float32Array;
    let recurrent: Float32Array;
    let bias: Float32Array;
    if (c.mode === 'gru') {
      // PyTorch r, z, n -> Keras z, r, h.
      const order: [number, number][] = [
        [H, 2 * H],
        [0, H],
        [2 * H, 3 * H],
      ];
      kernel = hcat(
        I,
        order.map(([a, b]) => rowsT(wih, a, b)),
      );
      recurrent = hcat(
        H,
        order.map(([a, b]) => rowsT(whh, a, b)),
      );
      bias = addSlices(bih, bhh, order);
      notes.push(
        "GRU: TF.js has only the reset-before variant (resetAfter: true throws); weights converted, b_hn folded into the bias: close to PyTorch's GRU, not equal",
      );
    } else {
      kernel = rowsT(wih, 0, G * H);
      recurrent = rowsT(whh, 0, G * H);
      bias = addSlices(bih, bhh, [[0, G * H]]);
    }
    if (c.task === 'train') {
      notes.push(
        'one bias per gate where PyTorch has b_ih and b_hh, each moved by Adam: the same model at the first step, ' +
          "then PyTorch's summed bias moves up to twice as far per step and the losses drift apart slowly",
      );
    }
    const weights = [tf.tensor2d(kernel, [I, G * H]), tf.tensor2d(recurrent, [H, G * H]), tf.tensor1d(bias)];
    rnn.setWeights(weights);
    const hw = param(data, 'head.weight');
    const headWeights = [tf.tensor2d(rowsT(hw, 0, C), [H, C]), tf.tensor1d(param(data, 'head.bias').data)];
    head.setWeights(headWeights);
    for (const w of [...weights, ...headWeights]) w.dispose();

    // The batch in TF.js's batch-major layout [B, T, I], and one-hot targets [B, T, C].
    const xb = new Float32Array(B * T * I);
    const yb = new Float32Array(B * T * C);
    for (let t = 0; t < T; t++) {
      for (let b = 0; b < B; b++) {
        xb.set(data.x.subarray((t * B + b) * I, (t * B + b + 1) * I), (b * T + t) * I);
        yb[(b * T + t) * C + data.targets[t * B + b]!] = 1;
      }
    }
    const toFree: Tfjs.Tensor[] = [];
    let opt: Tfjs.Optimizer | null = null;
    let run: (steps: number) => StepsResult;
    const clock = (): bigint => process.hrtime.bigint();
    const secs = (t0: bigint): number => Number(clock() - t0) / 1e9;
    const sum = (a: ArrayLike<number>): number => {
      let s = 0;
      for (let i = 0; i < a.length; i++) s += a[i]!;
      return s;
    };

    if (c.task === 'train') {
      const x = tf.tensor3d(xb, [B, T, I]);
      const y = tf.tensor3d(yb, [B, T, C]);
      toFree.push(x, y);
      const adam = tf.train.adam(c.lr, 0.9, 0.999, 1e-8);
      opt = adam;
      const vars = model.trainableWeights.map((w) => w.read() as Tfjs.Variable);
      const loss = (): Tfjs.Scalar => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as Tfjs.Tensor) as Tfjs.Scalar;
      run = (steps) => {
        let lossFirst = NaN;
        let lossLast = NaN;
        const t0 = clock();
        for (let i = 0; i < steps; i++) {
          const cost = adam.minimize(loss, true, vars)!;
          if (i === 0) lossFirst = cost.dataSync()[0]!;
          if (i === steps - 1) lossLast = cost.dataSync()[0]!;
          cost.dispose();
        }
        return { seconds: secs(t0), lossFirst, lossLast };
      };
    } else if (c.task === 'infer') {
      const x = tf.tensor3d(xb, [B, T, I]);
      toFree.push(x);
      run = (steps) => {
        let out: Float32Array | null = null;
        const t0 = clock();
        for (let i = 0; i < steps; i++) {
          const logits = tf.tidy(() => model.apply(x) as Tfjs.Tensor);
          out = logits.dataSync() as Float32Array;
          logits.dispose();
        }
        return { seconds: secs(t0), lossFirst: NaN, lossLast: NaN, check: out ? sum(out) : NaN };
      };
      notes.push('model.apply in tf.tidy, then dataSync (model.predict adds batching overhead)');
    } else {
      // Step i feeds x[i mod T] of sequence 0; the stateful layer keeps h between calls.
      const xs = Array.from({ length: T }, (_, t) => tf.tensor3d(data.x.subarray(t * B * I, t * B * I + I), [1, 1, I]));
      toFree.push(...xs);
      let t = 0;
      run = (steps) => {
        let out: Float32Array | null = null;
        const t0 = clock();
        for (let i = 0; i < steps; i++) {
          const logits = tf.tidy(() => model.apply(xs[t]!) as Tfjs.Tensor);
          out = logits.dataSync() as Float32Array;
          logits.dispose();
          if (++t === T) t = 0;
        }
        return { seconds: secs(t0), lossFirst: NaN, lossLast: NaN, check: out ? sum(out) : NaN };
      };
      notes.push('a stateful layer (batchInputShape [1, 1, I]) applied to one step per call, then dataSync');
    }
    this.runNotes = notes;
    this.dispose = () => {
      for (const t of toFree) t.dispose();
      opt?.dispose();
      model.dispose();
    };
    const mem: MemoryReport = { rssMB: 0 };
    this.mem = mem;
    return async (steps) => {
      if (tf.getBackend() !== this.backend) await tf.setBackend(this.backend); // in-process with the other backend
      const r = run(steps);
      mem.rssMB = Math.max(mem.rssMB ?? 0, process.memoryUsage().rss / MB);
      mem.tensorsMB = tf.memory().numBytes / MB;
      return r;
    };
  }

  async memory(): Promise<MemoryReport> {
    return this.mem;
  }

  async notes(): Promise<string[]> {
    return this.runNotes;
  }

  async teardown(): Promise<void> {
    this.dispose?.();
    this.dispose = null;
  }
}
