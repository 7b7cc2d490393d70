/**
 * The main job as one stream of events: data, model, data flow (with the initial weights), training, prediction trace of one held-out sequence, test accuracy, and the key
 * insight (the same data without memory). Front ends render these events and compute nothing.
 */
import type { SequenceModel } from './nn/model.js';
import type { Dataset, Normalization, Sequence } from './data/dataset.js';
import { Trainer, type TrainConfig } from './train/trainer.js';
import { drain, type EpochRecord, type TrainEvent } from './train/events.js';
import { evaluate, type Evaluation } from './train/evaluate.js';
import { dataFlow, type DataFlow } from './explain/flow.js';
import { interestingIndex, predictionTrace, type PredictionTrace } from './explain/predict.js';
import { compareMemory, type MemoryComparison } from './explain/insight.js';
import { ConfigError } from './errors.js';
import { traceWords } from './explain/text-view.js';
import { dataEvent, prepare, type DataEvent, type PrepareOptions } from './train/prepare.js';

export { prepare, modelOptions, dataEvent, type ModelChoice, type PrepareOptions, type Prepared, type DataEvent } from './train/prepare.js';

export interface PipelineOptions extends PrepareOptions {
  train?: TrainConfig;
  /** Held-out (test) sequence to trace, by index. Default: the first whose label changes. */
  traceIndex?: number;
  /** Also train the memoryless model and compare. Default true. */
  insight?: boolean;
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
  | { type: 'trace'; trace: PredictionTrace; classes: string[]; inputs?: string[] }
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
  yield { type: 'trace', trace: predictionTrace(model, traced), ...traceWords(p.dataset, traced) };
  const evaluation = evaluate(model, test);
  yield { type: 'test', evaluation };
  let comparison: MemoryComparison | null = null;
  if (o.insight ?? true) {
    comparison = drain(compareMemory(model, train, val, test, trainConfig, seed));
    yield { type: 'insight', comparison };
  }
  return { model, dataset: p.dataset, normalization: p.normalization, history, split: p.split, test: evaluation, comparison };
}
