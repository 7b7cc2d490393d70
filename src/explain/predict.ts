/**
 * The prediction trace of one sequence: at every step and in every layer and direction, the state it
 * started from, the two halves of the pre-activation (W_ih x_t + b_ih and W_hh h_(t-1) + b_hh), the
 * gates, the new h_t (and c_t), then the output layer's logits and probabilities, with the predicted and
 * true class. The values come from the model's own forward pass; the two halves are recomputed with
 * the same GEMM kernel (CNN Explainer's way), and a test checks they add up to what the model did.
 */
import { stepWidth, type SequenceModel } from '../nn/model.js';
import type { Sequence } from '../data/dataset.js';
import { forwardOne } from './forward-one.js';
import { argmaxRow, softmaxRows } from '../loss/cross-entropy.js';

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
  /** Activated gates by the cell's symbols: i, f, g, o (LSTM) or r, z, n (GRU); absent for a plain RNN. */
  gates?: Record<string, number[]>;
  h: number[];
  c?: number[];
  /** LSTM with a projection: o * tanh(c_t), H values, which W_hr projects to h_t (P values). */
  m?: number[];
}

export interface StepTrace {
  /** 0-based step. */
  t: number;
  /** The input features as the model sees them (normalised); a token model's: [the token's id]. */
  x: number[];
  cells: CellStep[];
  /** Head on every step: this step's logits, probabilities, predicted class and label (-1: none). */
  logits?: number[];
  probs?: number[];
  predicted?: number;
  target?: number;
  /** With more than 8 classes (a language model's tokens): the 5 most likely, most likely first (ties by id). */
  top?: { k: number; p: number }[];
}

export interface PredictionTrace {
  sequenceId: string;
  mode: SequenceModel['options']['mode'];
  steps: StepTrace[];
  /** Many-to-one: the output layer on the last state. */
  final?: { logits: number[]; probs: number[]; predicted: number; target: number };
  /** LSTM: the size W_hr projects h to (h = W_hr (o * tanh(c))); 0 without a projection. */
  projSize: number;
  /** Counted steps (or 1) predicted right, and counted. */
  correct: number;
  counted: number;
}

export function predictionTrace(model: SequenceModel, seq: Sequence): PredictionTrace {
  const o = model.options;
  const T = seq.length;
  const I = stepWidth(o);
  const D = model.rnn.directions;
  const C = o.numClasses;
  const gated = model.rnn.cell.gates.length > 0;
  const { res, step } = forwardOne(model, seq);
  const slice = (b: ArrayLike<number>, off: number, n: number) => Array.from({ length: n }, (_, j) => b[off + j]!);

  const steps: StepTrace[] = [];
  for (let t = 0; t < T; t++) {
    const cells: CellStep[] = [];
    for (let l = 0; l < o.numLayers; l++) {
      for (let d = 0; d < D; d++) {
        const r = step(l, d, t);
        const cell: CellStep = { layer: l, direction: d, hPrev: r.hPrev, inputPart: r.inputPart, hiddenPart: r.hiddenPart, h: r.h };
        if (gated) cell.gates = r.gates;
        if (r.c) {
          cell.cPrev = r.cPrev;
          cell.c = r.c;
          if (o.projSize > 0) cell.m = r.c.map((c, j) => r.gates.o![j]! * Math.tanh(c));
        }
        cells.push(cell);
      }
    }
    steps.push({ t, x: slice(seq.x, t * I, I), cells });
  }

  let correct = 0;
  let counted = 0;
  const n = o.headOn === 'steps' ? T : 1;
  const probs = new Float64Array(n * C);
  softmaxRows(probs, 0, res.logits.data, 0, n, C);
  if (o.headOn === 'steps') {
    for (const s of steps) {
      s.logits = slice(res.logits.data, s.t * C, C);
      s.probs = slice(probs, s.t * C, C);
      s.predicted = argmaxRow(s.logits, 0, C);
      if (C > 8) s.top = topClasses(s.probs, 5);
      s.target = seq.y[s.t]! >= 0 ? seq.y[s.t]! : -1;
      if (s.target >= 0) {
        counted++;
        if (s.predicted === s.target) correct++;
      }
    }
    return { sequenceId: seq.id, mode: o.mode, projSize: o.projSize, steps, correct, counted };
  }
  const logits = slice(res.logits.data, 0, C);
  const final = { logits, probs: slice(probs, 0, C), predicted: argmaxRow(logits, 0, C), target: seq.y[0]! >= 0 ? seq.y[0]! : -1 };
  return {
    sequenceId: seq.id,
    mode: o.mode,
    projSize: o.projSize,
    steps,
    final,
    correct: final.predicted === final.target ? 1 : 0,
    counted: 1,
  };
}

/** The n most likely classes of a distribution, most likely first, ties by class id. */
export function topClasses(probs: ArrayLike<number>, n: number): { k: number; p: number }[] {
  return Array.from({ length: probs.length }, (_, k) => ({ k, p: probs[k]! }))
    .sort((a, b) => b.p - a.p || a.k - b.k)
    .slice(0, n);
}

/** The first sequence whose label changes along the way (it shows the memory at work), else 0. */
export function interestingIndex(seqs: readonly Sequence[]): number {
  const i = seqs.findIndex((s) => s.y.length > 1 && s.y.some((y) => y >= 0 && y !== s.y[s.y.length - 1]));
  return i < 0 ? 0 : i;
}
