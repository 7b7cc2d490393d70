/**
 * The prediction trace of one sequence: at every step and in every layer and direction, the state it
 * started from, the two halves of the pre-activation (W_ih x_t + b_ih and W_hh h_(t-1) + b_hh), the
 * gates, the new h_t (and c_t), then the output layer's logits and probabilities, with the predicted and
 * true class. The values come from the model's own forward pass; the two halves are recomputed with
 * the same GEMM kernel (CNN Explainer's way), and a test checks they add up to what the model did.
 */
import type { SequenceModel } from '../nn/model.js';
import type { Sequence } from '../data/dataset.js';
import { forwardOne } from './forward-one.js';
import { gemm } from '../tensor/gemm.js';
import { softmaxRows } from '../loss/cross-entropy.js';

export interface CellStep {
  layer: number;
  /** 0 forward, 1 reverse. */
  direction: number;
  /** h_(t-1) (for the reverse direction, the state after step t+1). */
  hPrev: number[];
  cPrev?: number[];
  /** W_ih x_t + b_ih, G values (H per gate). */
  inputPart: number[];
  /** W_hh h_(t-1) + b_hh, G values. */
  hiddenPart: number[];
  /** Activated gates by name: i, f, g, o (LSTM) or r, z, n (GRU); absent for a plain RNN. */
  gates?: Record<string, number[]>;
  h: number[];
  c?: number[];
}

export interface StepTrace {
  /** 0-based step. */
  t: number;
  /** The input features as the model sees them (normalised). */
  x: number[];
  cells: CellStep[];
  /** Head on every step: this step's logits, probabilities, predicted class and label (-1: none). */
  logits?: number[];
  probs?: number[];
  predicted?: number;
  target?: number;
}

export interface PredictionTrace {
  sequenceId: string;
  mode: SequenceModel['options']['mode'];
  steps: StepTrace[];
  /** Many-to-one: the output layer on the last state. */
  final?: { logits: number[]; probs: number[]; predicted: number; target: number };
  /** Counted steps (or 1) predicted right, and counted. */
  correct: number;
  counted: number;
}

const gateNames = { lstm: ['i', 'f', 'g', 'o'], gru: ['r', 'z', 'n'] } as const;

export function predictionTrace(model: SequenceModel, seq: Sequence): PredictionTrace {
  const o = model.options;
  const T = seq.length;
  const I = o.inputSize;
  const D = model.rnn.directions;
  const P = model.rnn.stateSize;
  const H = o.hiddenSize;
  const C = o.numClasses;
  const { res, ws } = forwardOne(model, seq);
  const p = model.table.data;
  const slice = (b: ArrayLike<number>, off: number, n: number) => Array.from({ length: n }, (_, j) => b[off + j]!);

  const steps: StepTrace[] = [];
  for (let t = 0; t < T; t++) {
    const cells: CellStep[] = [];
    for (let l = 0; l < o.numLayers; l++) {
      const xin = l === 0 ? ws.x : ws.out[l - 1]!;
      for (let d = 0; d < D; d++) {
        const dir = ws.dirs[l]![d]!;
        const G = dir.G;
        const inPart = new Float64Array(G);
        const hidPart = new Float64Array(G);
        if (dir.bih >= 0) for (let k = 0; k < G; k++) inPart[k] = p[dir.bih + k]!;
        if (dir.bhh >= 0) for (let k = 0; k < G; k++) hidPart[k] = p[dir.bhh + k]!;
        gemm(false, true, 1, G, dir.I, 1, xin, t * dir.I, dir.I, p, dir.wih, dir.I, 1, inPart, 0, G);
        gemm(false, true, 1, G, P, 1, dir.hprev, t * P, P, p, dir.whh, P, 1, hidPart, 0, G);
        const cell: CellStep = {
          layer: l, direction: d, hPrev: slice(dir.hprev, t * P, P),
          inputPart: Array.from(inPart), hiddenPart: Array.from(hidPart),
          h: slice(ws.out[l]!, t * D * P + d * P, P),
        };
        if (o.mode === 'lstm' || o.mode === 'gru') {
          cell.gates = {};
          gateNames[o.mode].forEach((name, k) => (cell.gates![name] = slice(dir.gates, t * G + k * H, H)));
        }
        if (dir.c) {
          cell.cPrev = slice(dir.cprev!, t * H, H);
          cell.c = slice(dir.c, t * H, H);
        }
        cells.push(cell);
      }
    }
    steps.push({ t, x: slice(seq.x, t * I, I), cells });
  }

  let correct = 0;
  let counted = 0;
  const argmax = (v: number[]) => v.reduce((best, x, i) => (x > v[best]! ? i : best), 0);
  const n = o.headOn === 'steps' ? T : 1;
  const probs = new Float64Array(n * C);
  softmaxRows(probs, 0, res.logits.data, 0, n, C);
  if (o.headOn === 'steps') {
    for (const s of steps) {
      s.logits = slice(res.logits.data, s.t * C, C);
      s.probs = slice(probs, s.t * C, C);
      s.predicted = argmax(s.logits);
      s.target = seq.y[s.t]! >= 0 ? seq.y[s.t]! : -1;
      if (s.target >= 0) {
        counted++;
        if (s.predicted === s.target) correct++;
      }
    }
    return { sequenceId: seq.id, mode: o.mode, steps, correct, counted };
  }
  const logits = slice(res.logits.data, 0, C);
  const final = { logits, probs: slice(probs, 0, C), predicted: argmax(logits), target: seq.y[0]! >= 0 ? seq.y[0]! : -1 };
  return { sequenceId: seq.id, mode: o.mode, steps, final, correct: final.predicted === final.target ? 1 : 0, counted: 1 };
}

/** The first sequence whose label changes along the way (it shows the memory at work), else 0. */
export function interestingIndex(seqs: readonly Sequence[]): number {
  const i = seqs.findIndex((s) => s.y.length > 1 && s.y.some((y) => y >= 0 && y !== s.y[s.y.length - 1]));
  return i < 0 ? 0 : i;
}
