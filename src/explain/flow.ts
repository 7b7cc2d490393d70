/**
 * The data flow of a model over one sequence: each stage with its input and output shapes, its
 * parameters, and the values that actually flow out of it (the lesson's "Data Flow - 3 Stages").
 */
import { stepWidth, type SequenceModel } from '../nn/model.js';
import type { Sequence } from '../data/dataset.js';
import { forwardOne } from './forward-one.js';
import { softmaxRows } from '../loss/cross-entropy.js';

export interface FlowStage {
  /** 1-based position in the pipeline. */
  index: number;
  name: string;
  /** What the stage does, in one line. */
  description: string;
  /** Shapes for one sequence, time first: e.g. [10, 5] -> [10, 8]. */
  inShape: number[];
  outShape: number[];
  /** What the dimensions are called, e.g. ["time steps", "hidden units"]. */
  outDims: string[];
  parameters: { name: string; shape: number[] }[];
  parameterCount: number;
  /** The stage's output for this sequence, one row per step (or one row for a many-to-one head). */
  values: number[][];
}

export interface DataFlow {
  sequenceId: string;
  stages: FlowStage[];
  parameterCount: number;
}

export function dataFlow(model: SequenceModel, seq: Sequence): DataFlow {
  const o = model.options;
  const T = seq.length;
  const I = stepWidth(o); // a token model's input is one id per step, the embedding (or one-hot) widens it
  const tokens = model.embedding?.tokens;
  const D = model.rnn.directions;
  const P = model.rnn.stateSize;
  const cell = model.rnn.cell;
  const { res, step } = forwardOne(model, seq);
  const rows = (buf: ArrayLike<number>, n: number, w: number): number[][] =>
    Array.from({ length: n }, (_, t) => Array.from({ length: w }, (_, j) => buf[t * w + j]!));
  const params = (prefix: string) =>
    model.table.entries.filter((e) => e.name.startsWith(prefix)).map((e) => ({ name: e.name, shape: e.shape }));
  const count = (ps: { shape: number[] }[]) => ps.reduce((a, p) => a + p.shape.reduce((x, y) => x * y, 1), 0);

  const stages: FlowStage[] = [
    {
      index: 1,
      name: 'Input sequence',
      description: tokens
        ? `${T} tokens, one id per step, each read as ${tokens.embeddingDim ? `its embedding of ${tokens.embeddingDim} features` : `a one-hot vector of ${tokens.vocabSize}`}`
        : `${T} time steps of ${I} features each, one step at a time`,
      inShape: [T, I],
      outShape: [T, I],
      outDims: ['time steps', 'features'],
      parameters: [],
      parameterCount: 0,
      values: rows(seq.x, T, I),
    },
  ];
  if (tokens) {
    // the ids become what the first layer reads: rows of embedding.weight [V, E], or one-hot vectors of V
    const E = tokens.embeddingDim;
    const W = E ? model.table.view('embedding.weight') : null;
    const ps = params('embedding.');
    stages.push({
      index: 2,
      name: E ? 'Embedding' : 'One-hot',
      description: E
        ? `Each id picks its row of embedding.weight [${tokens.vocabSize}, ${E}]: ${E} learned features per token`
        : `Each id becomes a vector of ${tokens.vocabSize} zeros with a 1 at the id (no parameters)`,
      inShape: [T, I],
      outShape: [T, o.inputSize],
      outDims: ['time steps', E ? 'embedding features' : 'one-hot features'],
      parameters: ps,
      parameterCount: count(ps),
      values: Array.from({ length: T }, (_, t) => {
        const id = seq.x[t]!;
        return W ? Array.from(W.subarray(id * E, (id + 1) * E)) : Array.from({ length: tokens.vocabSize }, (_, v) => (v === id ? 1 : 0));
      }),
    });
  }
  for (let l = 0; l < o.numLayers; l++) {
    const ps = params(`rnn.`).filter((p) => new RegExp(`_l${l}(_reverse)?$`).test(p.name));
    const inW = l === 0 ? o.inputSize : D * P;
    // h_t of both directions side by side, as the layer outputs them
    const hOut = Array.from({ length: T }, (_, t) => Array.from({ length: D }, (_, d) => step(l, d, t).h).flat());
    stages.push({
      index: stages.length + 1,
      name: `${cell.label} layer${o.numLayers > 1 ? ` ${l + 1}` : ''}`,
      description:
        `${l === 0 ? 'Each step' : `Reading layer ${l}'s h_t, each step`}, ${cell.step}` +
        (o.projSize > 0 ? `; W_hr projects h_t from ${o.hiddenSize} units to ${P} values` : '') +
        (D === 2 ? '; a second direction runs from the last step back' : ''),
      inShape: [T, inW],
      outShape: [T, D * P],
      outDims: [
        'time steps',
        `${o.projSize > 0 ? 'projected ' : ''}hidden ${o.projSize > 0 ? 'values' : 'units'}${D === 2 ? ' (both directions)' : ''}`,
      ],
      parameters: ps,
      parameterCount: count(ps),
      values: hOut,
    });
  }
  const C = o.numClasses;
  const hs = params('head.');
  const n = o.headOn === 'steps' ? T : 1;
  const probs = new Float64Array(n * C);
  softmaxRows(probs, 0, res.logits.data, 0, n, C);
  stages.push({
    index: stages.length + 1,
    name: 'Output layer',
    description:
      o.headOn === 'steps'
        ? `Linear ${D * P} -> ${C} on every step, then softmax: class probabilities per step`
        : `Linear ${D * P} -> ${C} on the last hidden state, then softmax`,
    inShape: o.headOn === 'steps' ? [T, D * P] : [D * P],
    outShape: o.headOn === 'steps' ? [T, C] : [C],
    outDims: o.headOn === 'steps' ? ['time steps', 'classes'] : ['classes'],
    parameters: hs,
    parameterCount: count(hs),
    values: rows(probs, n, C),
  });
  return { sequenceId: seq.id, stages, parameterCount: model.parameterCount };
}
