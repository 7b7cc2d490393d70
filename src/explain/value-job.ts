/**
 * The main job on a regression task, as one stream of events: the data and its split, the model,
 * training, the data flow of a test window through the trained model (its output stage in the
 * target's units), the prediction trace, the test against the baselines, and the key insight.
 */
import type { SequenceModel } from '../nn/model.js';
import type { ValueTrainConfig, ValueTrainEvent } from '../train/regress.js';
import type { DataFlow } from './flow.js';
import {
  runValues,
  valueDataEvent,
  type ValueDataEvent,
  type ValueRun,
  type ValueTestEvent,
  type ValueTraceEvent,
} from './regression-job.js';
import { valueFlow, valueInsight, type ValueInsight } from './value-views.js';

export type ValueJobEvent =
  | ValueDataEvent
  | { type: 'model'; options: SequenceModel['options']; parameters: number }
  | ValueTrainEvent
  | { type: 'flow'; flow: DataFlow; weights: 'initial' | 'trained' }
  | ValueTraceEvent
  | ValueTestEvent
  | ValueInsight;

/** The key insight from the test event: with memory, reset, memoryless and (for a forecaster) persistence. */
export function insightOf(t: ValueTestEvent): ValueInsight {
  const rmse = (n: string) => t.baselines.find((b) => b.name === n)?.rmse ?? null;
  return valueInsight({ withMemory: t.model.rmse, reset: t.reset, memoryless: rmse('memoryless')!, persistence: rmse('persistence') });
}

export function* runValueJob(
  run: ValueRun,
  config: ValueTrainConfig,
): Generator<ValueJobEvent, { test: ValueTestEvent; insight: ValueInsight }> {
  yield valueDataEvent(run);
  yield { type: 'model', options: run.model.options, parameters: run.model.parameterCount };
  let flowed = false;
  let test: ValueTestEvent | null = null;
  for (const e of runValues(run, config)) {
    if (!flowed && (e.type === 'value_trace' || e.type === 'value_test')) {
      flowed = true;
      const seq = run.split.test[0]!;
      yield { type: 'flow', flow: valueFlow(run.model, seq, run.targetNorm, run.outputs), weights: 'trained' };
    }
    if (e.type === 'value_test') test = e;
    yield e;
  }
  const insight = insightOf(test!);
  yield insight;
  return { test: test!, insight };
}
