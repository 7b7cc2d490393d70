/**
 * The views of a model of real-valued targets, from its own forward pass: the data flow whose output
 * stage gives values in the target's units (not probabilities), the prediction trace of one sequence
 * (h_t at every step, the predicted and the true value), and the key insight (the error with memory
 * against the same model without it and against persistence). The classifier's views are flow.ts,
 * predict.ts and insight.ts; these reuse them and change what the output layer means.
 */
import type { SequenceModel } from '../nn/model.js';
import type { Sequence } from '../data/dataset.js';
import { denormalize, type TargetNormalization } from '../data/regression.js';
import { dataFlow, type DataFlow } from './flow.js';
import { forwardOne } from './forward-one.js';
import { predictionTrace, type PredictionTrace } from './predict.js';
import { memoryWorth } from './memory.js';
import { units } from '../format.js';
import { predictValues } from '../train/regress.js';
import type { Window } from '../data/series.js';

/** One window of a forecaster's trace: its time, the true next value, the model's, the last value, and h_n (last layer, forward direction). */
export interface WindowRow {
  time: string;
  truth: number;
  predicted: number;
  persistence: number;
  h: number[];
}

/** Consecutive windows' first-step forecasts beside the truth and the last value, with the state the model ended each window in. */
export function windowRows(model: SequenceModel, ws: readonly Window[], tn: TargetNormalization): WindowRow[] {
  const p = predictValues(model, ws, tn);
  const L = model.options.numLayers;
  return ws.map((w, i) => ({
    time: w.id,
    truth: p.truth[i]![0]!,
    predicted: p.pred[i]![0]!,
    persistence: w.persistence[0]!,
    h: forwardOne(model, w).step(L - 1, 0, w.length - 1).h,
  }));
}

/** The model's K outputs for one sequence in the target's units: one row per step (head on every step) or one row. */
function valuesOf(model: SequenceModel, seq: Sequence, tn: TargetNormalization): number[][] {
  const o = model.options;
  const K = o.numClasses;
  const { res } = forwardOne(model, seq);
  const n = o.headOn === 'steps' ? seq.length : 1;
  const off = seq.offset ?? 0;
  return Array.from({ length: n }, (_, r) => Array.from({ length: K }, (_, k) => denormalize(res.logits.data[r * K + k]!, k, tn) + off));
}

/** The true values of `seq` in the target's units (its `v` is standardised), one row per step or one row; NaN where there is none. */
function truthOf(model: SequenceModel, seq: Sequence, tn: TargetNormalization): number[][] {
  const K = model.options.numClasses;
  const n = model.options.headOn === 'steps' ? seq.length : 1;
  const off = seq.offset ?? 0;
  return Array.from({ length: n }, (_, r) =>
    Array.from({ length: K }, (_, k) => {
      const z = seq.v?.[r * K + k];
      return z === undefined || Number.isNaN(z) ? NaN : denormalize(z, k, tn) + off;
    }),
  );
}

/** The data flow of a regression model: the classifier's stages, with an output layer that gives values in the target's units. */
export function valueFlow(model: SequenceModel, seq: Sequence, tn: TargetNormalization, outputs: readonly string[]): DataFlow {
  const f = dataFlow(model, seq);
  const last = f.stages[f.stages.length - 1]!;
  const K = model.options.numClasses;
  const F = last.inShape[last.inShape.length - 1]!;
  const steps = model.options.headOn === 'steps';
  const back = `× std ${tn.std.length === 1 ? tn.std[0]!.toPrecision(4) : '(per output)'} + mean ${tn.mean.length === 1 ? tn.mean[0]!.toPrecision(4) : '(per output)'}${seq.offset !== undefined ? ' + the last value' : ''}`;
  f.stages[f.stages.length - 1] = {
    ...last,
    description:
      `Linear ${F} -> ${K} ${steps ? 'on every step' : 'on the last hidden state'}, then back to the target's units (${back}): ` +
      `${outputs.join(', ')}, values, not probabilities`,
    outDims: steps ? ['time steps', 'values'] : ['values'],
    values: valuesOf(model, seq, tn),
  };
  return f;
}

export interface ValueSequenceTrace {
  /** Every step's cells (h_t, c_t, gates, both halves of the pre-activation), as the classifier's trace has them, without its output layer. */
  trace: PredictionTrace;
  outputs: string[];
  /** The predicted and true values in the target's units: one row per step (head on every step) or one row, for the last state. */
  predicted: number[][];
  truth: number[][];
}

/** The prediction trace of one sequence for a regression model: h_t at every step, then the predicted and the true value. */
export function valueSequenceTrace(
  model: SequenceModel,
  seq: Sequence,
  tn: TargetNormalization,
  outputs: readonly string[],
): ValueSequenceTrace {
  const tr = predictionTrace(model, seq);
  const steps = tr.steps.map(({ logits: _l, probs: _p, predicted: _d, target: _t, ...s }) => s);
  return {
    trace: { sequenceId: tr.sequenceId, mode: tr.mode, projSize: tr.projSize, steps, correct: 0, counted: 0 },
    outputs: [...outputs],
    predicted: valuesOf(model, seq, tn),
    truth: truthOf(model, seq, tn),
  };
}

/**
 * The key insight of a regression run, measured: the test RMSE with memory, of the same trained model
 * with its hidden state reset at every step (it reads the last step alone), of the same architecture
 * trained without memory, and of persistence; what memory is worth is memoryWorth's (one definition,
 * here on errors: the better of the two without memory, minus the model's).
 */
export interface ValueInsight {
  type: 'value_insight';
  withMemory: number;
  reset: number;
  memoryless: number;
  /** The last value's RMSE, for a forecaster; null for a table of sequences. */
  persistence: number | null;
  /** RMSE without memory (the better of reset and memoryless) minus with it: positive when memory helps. */
  gain: number;
  without: number;
  /** How much lower the model's RMSE is than persistence's, as a fraction of it (null without persistence). */
  belowPersistence: number | null;
  /** The sentence every front end shows. */
  text: string;
}

export { units };

export function valueInsight(
  m: { withMemory: number; reset: number; memoryless: number; persistence: number | null },
  unitsOf = units,
): ValueInsight {
  const { gain, without } = memoryWorth(m, 'error');
  const below = m.persistence === null ? null : 1 - m.withMemory / m.persistence;
  const text =
    `Here memory is worth ${unitsOf(gain)} of RMSE: with it ${unitsOf(m.withMemory)}, without it ${unitsOf(without)} ` +
    `(the same weights with the state reset every step ${unitsOf(m.reset)}; the same model trained without memory ${unitsOf(m.memoryless)})` +
    (m.persistence === null
      ? '.'
      : `; the last value alone (persistence) scores ${unitsOf(m.persistence)}, so the model's error is ${Math.round(Math.abs(below!) * 100)}% ${below! >= 0 ? 'below' : 'above'} it.`);
  return { type: 'value_insight', ...m, gain, without, belowPersistence: below, text };
}
