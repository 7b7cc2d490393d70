/**
 * The main job as one stream of events: data, model, data flow (with the initial weights), training, prediction trace of one held-out sequence, test accuracy, and the key
 * insight (the same data without memory). Front ends render these events and compute nothing.
 */
import { Rng } from './tensor/rng.js';
import { SequenceModel, type SequenceModelOptions } from './nn/model.js';
import type { Mode } from './nn/options.js';
import { applyNormalization, fitNormalization, maxLength, split, type Dataset, type Normalization, type Sequence } from './data/dataset.js';
import { getTask, type TaskOptions } from './data/tasks.js';
import { Trainer, type TrainConfig } from './train/trainer.js';
import { drain, type EpochRecord, type TrainEvent } from './train/events.js';
import { evaluate, type Evaluation } from './train/evaluate.js';
import { dataFlow, type DataFlow } from './explain/flow.js';
import { interestingIndex, predictionTrace, type PredictionTrace } from './explain/predict.js';
import { compareMemory, type MemoryComparison } from './explain/insight.js';
import { ConfigError } from './errors.js';
import { DEFAULTS } from './defaults.js';

export interface ModelChoice {
  /** Default DEFAULTS.cell ("rnn_tanh"). */
  mode?: Mode;
  /** Default DEFAULTS.hidden. */
  hiddenSize?: number;
  numLayers?: number;
  bidirectional?: boolean;
  dropout?: number;
  projSize?: number;
}

export interface PipelineOptions {
  /** A built-in task by name (default "trend"), or `data` for the user's own. */
  task?: string;
  taskOptions?: TaskOptions;
  data?: Dataset;
  model?: ModelChoice;
  train?: TrainConfig;
  /** Seeds the data, the split, the initial weights and the batch order. Default 0. */
  seed?: number;
  /** Held-out (test) sequence to trace, by index. Default: the first whose label changes. */
  traceIndex?: number;
  /** Also train the memoryless model and compare. Default true. */
  insight?: boolean;
}

export interface DataEvent {
  type: 'data';
  name: string;
  description: string;
  features: string[];
  classes: string[];
  target: 'steps' | 'last';
  steps: number;
  sizes: { train: number; val: number; test: number };
  seed: number;
}

export interface ModelEvent {
  type: 'model';
  options: SequenceModel['options'];
  parameters: number;
}

export type PipelineEvent =
  | DataEvent
  | ModelEvent
  | TrainEvent
  | { type: 'flow'; flow: DataFlow; weights: 'initial' | 'trained' }
  | { type: 'trace'; trace: PredictionTrace; classes: string[] }
  | { type: 'test'; evaluation: Evaluation }
  | { type: 'insight'; comparison: MemoryComparison };

export interface PipelineResult {
  model: SequenceModel;
  dataset: Dataset;
  normalization: Normalization;
  history: EpochRecord[];
  split: { train: Sequence[]; val: Sequence[]; test: Sequence[] };
  test: Evaluation;
  comparison: MemoryComparison | null;
}

export function modelOptions(ds: Dataset, m: ModelChoice = {}): SequenceModelOptions {
  return {
    mode: m.mode ?? DEFAULTS.cell, inputSize: ds.features.length, hiddenSize: m.hiddenSize ?? DEFAULTS.hidden, numLayers: m.numLayers ?? DEFAULTS.layers,
    bidirectional: m.bidirectional ?? DEFAULTS.bidirectional, dropout: m.dropout ?? DEFAULTS.dropout, projSize: m.projSize ?? 0,
    numClasses: ds.classes.length, headOn: ds.target,
  };
}

export interface Prepared {
  dataset: Dataset;
  normalization: Normalization;
  split: { train: Sequence[]; val: Sequence[]; test: Sequence[] };
  model: SequenceModel;
  seed: number;
}

/** Data (generated or given), split, normalisation from the training split alone, and a fresh model. */
export function prepare(o: PipelineOptions = {}): Prepared {
  const seed = o.seed ?? DEFAULTS.seed;
  const ds = o.data ?? getTask(o.task ?? DEFAULTS.task).generate(seed, o.taskOptions);
  if (ds.sequences.length < 3) throw new ConfigError(`${ds.name} has ${ds.sequences.length} sequences; training, validation and test need at least 3`);
  const parts = split(ds.sequences, new Rng(seed));
  const norm = fitNormalization(parts.train, ds.features.length);
  const [train, val, test] = [parts.train, parts.val, parts.test].map((s) => applyNormalization(s, norm)) as [Sequence[], Sequence[], Sequence[]];
  const model = new SequenceModel(modelOptions(ds, o.model), { seed });
  return { dataset: ds, normalization: norm, split: { train, val, test }, model, seed };
}

export function dataEvent(p: Prepared): DataEvent {
  const ds = p.dataset;
  const { train, val, test } = p.split;
  return {
    type: 'data', name: ds.name, description: ds.description, features: ds.features, classes: ds.classes, target: ds.target,
    steps: maxLength(ds.sequences), sizes: { train: train.length, val: val.length, test: test.length }, seed: p.seed,
  };
}

export function* runPipeline(o: PipelineOptions = {}): Generator<PipelineEvent, PipelineResult> {
  const p = prepare(o);
  const { model, seed } = p;
  const { train, val, test } = p.split;
  yield dataEvent(p);
  yield { type: 'model', options: model.options, parameters: model.parameterCount };
  const traceIndex = o.traceIndex ?? interestingIndex(test);
  if (!Number.isInteger(traceIndex) || traceIndex < 0 || traceIndex >= test.length) {
    throw new ConfigError(`trace index must be an integer from 0 to ${test.length - 1} (the test split), got ${traceIndex}`);
  }
  const traced = test[traceIndex]!;
  yield { type: 'flow', flow: dataFlow(model, traced), weights: 'initial' };
  const trainConfig: TrainConfig = { seed, ...o.train };
  const trainer = new Trainer(model, train, val, trainConfig);
  const history = yield* trainer.run();
  yield { type: 'trace', trace: predictionTrace(model, traced), classes: p.dataset.classes };
  const evaluation = evaluate(model, test);
  yield { type: 'test', evaluation };
  let comparison: MemoryComparison | null = null;
  if (o.insight ?? true) {
    comparison = drain(compareMemory(model, train, val, test, trainConfig, seed));
    yield { type: 'insight', comparison };
  }
  return { model, dataset: p.dataset, normalization: p.normalization, history, split: p.split, test: evaluation, comparison };
}
