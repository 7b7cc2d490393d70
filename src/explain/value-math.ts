/**
 * The output layer of a model of values, for one sequence, with its own numbers (what the explorer's
 * Math mode writes out): the head's input (the top layer's last state), the weights and bias of output
 * 0, the normalised output z = W h + b the engine computed, and z back in the target's units,
 * z × std + mean (+ the window's last value for a relative forecaster).
 */
import type { SequenceModel } from '../nn/model.js';
import type { Sequence } from '../data/dataset.js';
import { denormalize, type TargetNormalization } from '../data/regression.js';
import { forwardOne } from './forward-one.js';

export interface ValueHead {
  /** What the head reads: h_T of the top layer (and, bidirectional, the reverse direction's final state after it). */
  input: number[];
  /** Output 0's row of head.weight, and its bias (null without one). */
  weight: number[];
  bias: number | null;
  /** The engine's output 0 on the normalised scale. */
  z: number;
  /** The target's training mean and standard deviation (output 0), and the window's last value (null when not relative). */
  mean: number;
  std: number;
  offset: number | null;
  /** z × std + mean (+ offset): the value in the target's units. */
  value: number;
}

/** The head of output 0 on the sequence's last row (a head on every step: the last step). */
export function valueHead(model: SequenceModel, seq: Sequence, tn: TargetNormalization): ValueHead {
  const o = model.options;
  const F = model.head.inFeatures;
  const K = o.numClasses;
  const { res } = forwardOne(model, seq);
  let input: number[];
  let row = 0;
  if (o.headOn === 'steps') {
    row = seq.length - 1;
    input = Array.from(res.output.data.subarray(row * F, (row + 1) * F));
  } else {
    // h_n: [L * D, P], the top layer's directions in order, as the head concatenates them
    input = Array.from(res.hN.data.subarray(res.hN.data.length - F));
  }
  const w = model.table.offsetOf('head.weight');
  const b = model.table.offsetOf('head.bias');
  const z = res.logits.data[row * K]!;
  const offset = seq.offset ?? null;
  return {
    input,
    weight: Array.from(model.table.data.subarray(w, w + F)),
    bias: b < 0 ? null : model.table.data[b]!,
    z,
    mean: tn.mean[0]!,
    std: tn.std[0]!,
    offset,
    value: denormalize(z, 0, tn) + (offset ?? 0),
  };
}
