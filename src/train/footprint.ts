/**
 * What a run will need, in bytes, estimated before anything is generated or allocated, so that a run
 * that cannot fit is refused with the estimate instead of dying of memory an hour in. The CLI compares
 * it with the machine's memory (src/cli/fits.ts). Estimates round up: they count what stays allocated
 * at once while training, not a peak to the byte.
 */
import { embeddingSpecs, resolveTokens } from '../nn/embedding.js';
import { resolveModelOptions, type SequenceModelOptions } from '../nn/model.js';
import { recurrentSpecs } from '../nn/recurrent.js';
import { linearSpecs } from '../nn/linear.js';
import { cellOf } from '../nn/cells/index.js';
import type { OptimizerName } from './optimizer-spec.js';

export interface RunShape {
  /** Sequences in the whole data set (train, held-out and test). */
  sequences: number;
  /** T: steps of the longest sequence. */
  steps: number;
  /** Steps in all sequences together (sequences x steps when every sequence is as long as the longest). */
  totalSteps: number;
  model: SequenceModelOptions;
  batchSize: number;
  optimizer: OptimizerName;
  earlyStopping: boolean;
  threads: number;
  /**
   * The data set is held in columns (src/data/columns.ts: a CSV the fast path read), its split parts
   * views of them: its numbers once, not an object and two arrays a sequence, twice. Default false.
   */
  columns?: boolean;
}

/**
 * What a sequence costs beyond its numbers (float32 features and an int32 label a step), held by a
 * prepared run: as objects (a Sequence and its two typed arrays, each with its own ArrayBuffer, for the
 * data set and again for its normalised parts), about 700 bytes beyond two copies of the numbers; in
 * columns (an offset, an id, its place in a part's order and the batch order), about 70 to 100 beyond
 * one copy. Measured on Node 20 by test/data-memory.test.ts, which holds the estimate to the measure.
 */
export const SEQUENCE_BYTES = { objects: 720, columns: 100 };

export interface Footprint {
  parameters: number;
  /** The data set, generated (or read) and normalised: two copies of every value, or one in columns. */
  data: number;
  /** Weights, gradients, the optimizer's state, the last good weights (and the best, when stopping early). */
  model: number;
  /** A model file of this run with its checkpoint: the weights and the optimizer's state. */
  file: number;
  /** The activations a training batch (and an evaluation batch of 256) keeps for the backward pass, and the WebAssembly memory. */
  passes: number;
  total: number;
}

/** State buffers per parameter, by optimizer: Adam's two moments, momentum, RMSprop's square average and more. */
const OPTIMIZER_BUFFERS: Record<OptimizerName, number> = { adam: 2, adamw: 2, sgd: 1, rmsprop: 3 };

/** Parameters of a model, counted from its shapes without allocating it. */
export function parameterCount(options: SequenceModelOptions): number {
  const o = resolveModelOptions(options);
  const D = o.bidirectional ? 2 : 1;
  const specs = [
    ...(o.vocabSize === undefined ? [] : embeddingSpecs(resolveTokens({ ...o, vocabSize: o.vocabSize }))),
    ...recurrentSpecs(o, 'rnn.'),
    ...linearSpecs({ inFeatures: D * (o.projSize || o.hiddenSize), outFeatures: o.numClasses, bias: o.headBias }, 'head.'),
  ];
  return specs.reduce((n, s) => n + s.shape.reduce((a, d) => a * d, 1), 0);
}

export function estimateRun(r: RunShape): Footprint {
  const o = resolveModelOptions(r.model);
  const P = parameterCount(o);
  const F = 4; // float32
  const I = o.inputSize;
  // Each sequence: its features and labels, twice (as generated, and normalised) and its objects; or, in
  // columns, once (its parts are views, normalised as batches are read) and its offset, id and places.
  const numbers = r.totalSteps * (I + 1) * F;
  const data = r.columns ? numbers + r.sequences * SEQUENCE_BYTES.columns : 2 * numbers + r.sequences * SEQUENCE_BYTES.objects;
  const buffers = OPTIMIZER_BUFFERS[r.optimizer];
  const copies = 2 + buffers + 1 + (r.earlyStopping ? 1 : 0) + (r.threads > 1 ? 2 : 0);
  const file = P * F * (1 + buffers);
  const model = P * F * copies + file; // and the file's bytes while a checkpoint is written
  const D = o.bidirectional ? 2 : 1;
  const H = o.hiddenSize;
  const G = cellOf(o.mode).rows * H;
  const perRow = o.numLayers * D * (3 * G + 4 * H) + 3 * o.numClasses; // per step and sequence of a batch
  const rows = r.steps * (Math.min(r.batchSize, r.sequences) + Math.min(256, r.sequences));
  // Each thread's WebAssembly memory holds a pass's operands (weights included), up to its 1 GiB cap.
  const wasm = Math.max(1, r.threads) * Math.min(2 ** 30, (P + rows * perRow) * F);
  const passes = rows * perRow * F + wasm;
  return { parameters: P, data, model, file, passes, total: data + model + passes };
}
