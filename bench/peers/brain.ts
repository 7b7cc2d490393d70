/**
 * brain.js 1.6.1 (npm "brain.js", the latest release; the 2.0 betas need gpu.js 2 and the native
 * "gl" module, which does not build here). Its recurrent nets build a graph of small JavaScript
 * matrix ops (brain.js's Equation) per time step, for ONE sequence: brain.js has no batch.
 *
 * The model is brain.recurrent.RNNTimeStep / LSTMTimeStep / GRUTimeStep (real-valued inputs, an
 * output layer on every step), driven by brain.js's own per-step forward (Equation.runInput) and
 * backward (Equation.backpropagate). What the bench adds around them: the RNN cell uses tanh
 * (brain.js's RNN is ReLU), the output deltas are softmax cross-entropy over the sequence's steps
 * (brain.js's RNNTimeStep trains a regression), and the update is Adam over brain.js's matrices
 * (brain.js's own is RMSProp with clipping). A training "step" of a batch-B config is B sequences,
 * each with its own update (B updates, where the other peers make one), so its rate counts
 * sequences like the others'.
 *
 * Weights: brain.js stores [H, I] matrices per gate (PyTorch's row layout) and one bias, so the
 * RNN loads rnnscope's weights exactly (bias = b_ih + b_hh). Its LSTM has no cell state
 * (c_t = f*h_{t-1} + i*g) and its GRU applies the reset gate before W_hn, so those load converted
 * weights into a different model. Its graph also drops gradient terms (each bias gets one time
 * step's gradient: add-b assigns instead of adding; GRU's (1 - z) path has no backward), so the
 * losses fall differently from PyTorch's.
 */
import { createRequire } from 'node:module';
import type { BenchConfig } from '../configs.js';
import type { Availability, BenchData, MemoryReport, NamedParam, Peer, StepFn, StepsResult } from '../peer.js';

const require = createRequire(import.meta.url);
const MB = 1024 * 1024;

/** What the bench uses of brain.js's internals (dist/recurrent/*.js, 1.6.x). */
interface Matrix {
  rows: number;
  columns: number;
  weights: Float32Array;
  deltas: Float32Array;
}
interface Equation {
  runInput(input: Float32Array): Matrix;
  backpropagate(): Matrix;
  add(a: Matrix, b: Matrix): Matrix;
  multiply(a: Matrix, b: Matrix): Matrix;
  tanh(a: Matrix): Matrix;
  relu(a: Matrix): Matrix;
}
interface RecurrentNet {
  model: {
    hiddenLayers: Record<string, Matrix>[];
    equations: Equation[];
    equationConnections: Matrix[][];
    allMatrices: Matrix[];
    outputConnector: Matrix;
    output: Matrix;
  };
  initialLayerInputs: Matrix[];
  initialize(): void;
  bindEquation(): void;
  getEquation: (eq: Equation, input: Matrix, prev: Matrix, layer: Record<string, Matrix>) => Matrix;
}
type NetClass = new (o: { inputSize: number; hiddenLayers: number[]; outputSize: number }) => RecurrentNet;
interface Brain {
  recurrent: { RNNTimeStep: NetClass; LSTMTimeStep: NetClass; GRUTimeStep: NetClass };
}

function param(data: BenchData, name: string): NamedParam {
  const p = data.params.find((q) => q.name === name);
  if (!p) throw new Error(`brain.js peer: no parameter ${name} in the bench data`);
  return p;
}

export class BrainPeer implements Peer {
  readonly name = 'brainjs';
  readonly label = 'brain.js (1 seq at a time)';
  private brain: Brain | null = null;
  private mem: MemoryReport = {};
  private runNotes: string[] = [];

  async available(): Promise<Availability> {
    try {
      this.brain = require('brain.js') as Brain;
      const v = (require('brain.js/package.json') as { version: string }).version;
      const g = (require('gpu.js/package.json') as { version: string }).version;
      return {
        ok: true,
        version: `brain.js ${v}`,
        notes: [`gpu.js ${g} (unused by the recurrent nets)`, 'one sequence at a time, one update per sequence'],
      };
    } catch (e) {
      return { ok: false, reason: `cannot load brain.js: ${(e as Error).message.split('\n')[0]}` };
    }
  }

  async setup(c: BenchConfig, data: BenchData): Promise<StepFn> {
    if (c.V) throw new Error('not run: token input (ids read one-hot) is benched against PyTorch only');
    const brain = this.brain ?? (require('brain.js') as Brain);
    const { T, B, I, H, C } = c;
    const notes: string[] = [];
    const Net =
      c.mode === 'lstm' ? brain.recurrent.LSTMTimeStep : c.mode === 'gru' ? brain.recurrent.GRUTimeStep : brain.recurrent.RNNTimeStep;
    const net = new Net({ inputSize: I, hiddenLayers: [H], outputSize: C });
    if (c.mode === 'rnn_tanh' || c.mode === 'rnn_relu') {
      // brain.js's RNN equation with the activation of the config (brain.js's own is ReLU).
      const act = c.mode === 'rnn_tanh' ? 'tanh' : 'relu';
      net.getEquation = (eq, input, prev, layer) =>
        eq[act](eq.add(eq.add(eq.multiply(layer['weight']!, input), eq.multiply(layer['transition']!, prev)), layer['bias']!));
    }
    net.initialize();
    while (net.model.equations.length < T) net.bindEquation();
    const eqs = net.model.equations.slice(0, T);

    // rnnscope's weights, in brain.js's per-gate [H, I] matrices.
    const wih = param(data, 'rnn.weight_ih_l0');
    const whh = param(data, 'rnn.weight_hh_l0');
    const bih = param(data, 'rnn.bias_ih_l0');
    const bhh = param(data, 'rnn.bias_hh_l0');
    const layer = net.model.hiddenLayers[0]!;
    const load = (name: string, p: NamedParam, gate: number): void => {
      const m = layer[name];
      if (!m) throw new Error(`brain.js peer: no matrix ${name} in the layer`);
      const n = m.rows * m.columns;
      m.weights.set(p.data.subarray(gate * n, gate * n + n));
    };
    const loadBias = (name: string, gate: number): void => {
      const m = layer[name]!;
      for (let j = 0; j < H; j++) m.weights[j] = bih.data[gate * H + j]! + bhh.data[gate * H + j]!;
    };
    // [input matrix, hidden matrix, bias] per brain.js gate, and the PyTorch gate it takes.
    const gates: [string, string, string, number][] =
      c.mode === 'lstm'
        ? [
            ['inputMatrix', 'inputHidden', 'inputBias', 0],
            ['forgetMatrix', 'forgetHidden', 'forgetBias', 1],
            ['cellActivationMatrix', 'cellActivationHidden', 'cellActivationBias', 2],
            ['outputMatrix', 'outputHidden', 'outputBias', 3],
          ]
        : c.mode === 'gru'
          ? [
              ['resetGateInputMatrix', 'resetGateHiddenMatrix', 'resetGateBias', 0],
              ['updateGateInputMatrix', 'updateGateHiddenMatrix', 'updateGateBias', 1],
              ['cellWriteInputMatrix', 'cellWriteHiddenMatrix', 'cellWriteBias', 2],
            ]
          : [['weight', 'transition', 'bias', 0]];
    for (const [wi, wh, b, g] of gates) {
      load(wi, wih, g);
      load(wh, whh, g);
      loadBias(b, g);
    }
    net.model.outputConnector.weights.set(param(data, 'head.weight').data);
    net.model.output.weights.set(param(data, 'head.bias').data);
    if (c.mode === 'lstm') notes.push('brain.js LSTM has no cell state (c_t = f*h_{t-1} + i*g): weights converted into a different model');
    if (c.mode === 'gru')
      notes.push('brain.js GRU: reset before W_hn, b_hn folded into the bias: weights converted into a different model');
    if (c.task === 'train' && B > 1)
      notes.push(`one sequence at a time: a step is ${B} sequences, each with its own Adam update (${B} updates where the others make 1)`);
    if (c.task === 'train' && B > 1)
      notes.push("its first loss is the mean over the first step's sequences, each taken after the updates of those before it");

    // Sequence b's step t as its own Float32Array (brain.js takes an array per step).
    const xs = Array.from({ length: B }, (_, b) => Array.from({ length: T }, (_, t) => data.x.slice((t * B + b) * I, (t * B + b + 1) * I)));
    const clock = (): bigint => process.hrtime.bigint();
    const secs = (t0: bigint): number => Number(clock() - t0) / 1e9;
    let run: (steps: number) => StepsResult;

    if (c.task === 'train') {
      const mats = net.model.allMatrices;
      const m1 = mats.map((m) => new Float32Array(m.weights.length));
      const m2 = mats.map((m) => new Float32Array(m.weights.length));
      const [b1, b2, eps, lr] = [0.9, 0.999, 1e-8, c.lr];
      let k = 0;
      const adam = (): void => {
        k++;
        const c1 = 1 - b1 ** k;
        const c2 = 1 - b2 ** k;
        for (let j = 0; j < mats.length; j++) {
          const { weights: w, deltas: g } = mats[j]!;
          const a = m1[j]!;
          const v = m2[j]!;
          for (let i = 0; i < w.length; i++) {
            const gi = g[i]!;
            a[i] = b1 * a[i]! + (1 - b1) * gi;
            v[i] = b2 * v[i]! + (1 - b2) * gi * gi;
            w[i] = w[i]! - (lr * (a[i]! / c1)) / (Math.sqrt(v[i]! / c2) + eps);
          }
        }
      };
      /** One sequence: forward, softmax cross-entropy (mean over its T steps) into the output deltas, backward, Adam. */
      const sequence = (b: number): number => {
        let loss = 0;
        for (let t = 0; t < T; t++) {
          const out = eqs[t]!.runInput(xs[b]![t]!);
          const z = out.weights;
          const d = out.deltas;
          let max = -Infinity;
          for (let j = 0; j < C; j++) if (z[j]! > max) max = z[j]!;
          let s = 0;
          for (let j = 0; j < C; j++) s += Math.exp(z[j]! - max);
          const y = data.targets[t * B + b]!;
          loss += Math.log(s) + max - z[y]!;
          for (let j = 0; j < C; j++) d[j] = (Math.exp(z[j]! - max) / s - (j === y ? 1 : 0)) / T;
        }
        for (let t = T - 1; t >= 0; t--) eqs[t]!.backpropagate();
        adam();
        return loss / T;
      };
      run = (steps) => {
        let lossFirst = NaN;
        let lossLast = NaN;
        const t0 = clock();
        for (let i = 0; i < steps; i++) {
          let l = 0;
          for (let b = 0; b < B; b++) l += sequence(b);
          if (i === 0) lossFirst = l / B;
          lossLast = l / B;
        }
        return { seconds: secs(t0), lossFirst, lossLast };
      };
    } else if (c.task === 'infer') {
      run = (steps) => {
        let check = NaN;
        const t0 = clock();
        for (let i = 0; i < steps; i++) {
          check = 0;
          for (let t = 0; t < T; t++) {
            const z = eqs[t]!.runInput(xs[0]![t]!).weights;
            for (let j = 0; j < C; j++) check += z[j]!;
          }
        }
        return { seconds: secs(t0), lossFirst: NaN, lossLast: NaN, check };
      };
      notes.push('the forward of each step, Equation.runInput (what net.run does, minus its input conversion)');
    } else {
      if (c.mode === 'lstm') throw new Error('brain.js peer: the stream task keeps h only (RNN, GRU)');
      // brain.js has no streaming call (net.run replays the whole sequence): keep h in the matrix
      // the first equation reads as h_{t-1}, run that equation, copy its new h back.
      const state = net.initialLayerInputs[0]!.weights;
      const hOut = net.model.equationConnections[0]![0]!.weights;
      let t = 0;
      run = (steps) => {
        let check = NaN;
        const t0 = clock();
        for (let i = 0; i < steps; i++) {
          const z = eqs[0]!.runInput(xs[0]![t]!).weights;
          state.set(hOut);
          check = 0;
          for (let j = 0; j < C; j++) check += z[j]!;
          if (++t === T) t = 0;
        }
        return { seconds: secs(t0), lossFirst: NaN, lossLast: NaN, check };
      };
      notes.push("no streaming API: the first step's Equation.runInput with h_{t-1} set to the kept state");
    }
    this.runNotes = notes;
    const mem: MemoryReport = { rssMB: 0 };
    this.mem = mem;
    return async (steps) => {
      const r = run(steps);
      mem.rssMB = Math.max(mem.rssMB ?? 0, process.memoryUsage().rss / MB);
      return r;
    };
  }

  async memory(): Promise<MemoryReport> {
    return this.mem;
  }

  async notes(): Promise<string[]> {
    return this.runNotes;
  }

  async teardown(): Promise<void> {}
}
