/**
 * A regression run from its start to its measured end: the data (a series cut into windows and split
 * chronologically, or a table of sequences with real-valued labels split at random), inputs normalised
 * with the training split's statistics and targets with its mean and standard deviation, a fresh model
 * whose head gives K values, training, and the test split's errors in the target's units beside the
 * baselines a forecaster checks first: persistence (the last value), the seasonal naive value, the
 * training mean, and the same architecture trained without memory (on the last step alone).
 */
import { Rng } from '../tensor/rng.js';
import { SequenceModel } from '../nn/model.js';
import {
  applyNormalization,
  fitNormalization,
  maxLength,
  split,
  type Dataset,
  type Normalization,
  type Sequence,
} from '../data/dataset.js';
import {
  fitTargetNormalization,
  normalizeTargets,
  regressionMetrics,
  type RegressionMetrics,
  type TargetNormalization,
} from '../data/regression.js';
import { chronologicalSplit, cutWindows, lastStepAlone, type Series, type Window, type WindowOptions } from '../data/series.js';
import { modelOptions, type ModelChoice } from '../train/prepare.js';
import { drain } from '../train/events.js';
import { evaluateValues, meanBaseline, trainingMean, ValueTrainer, type ValueTrainConfig, type ValueTrainEvent } from '../train/regress.js';
import type { RegressionMeta } from '../io/regression-meta.js';
import { ConfigError } from '../errors.js';
import { memoryWorth } from './memory.js';
import { windowRows, type WindowRow } from './value-views.js';
import { DEFAULTS } from '../defaults.js';

export interface ValueRun {
  name: string;
  description: string;
  features: string[];
  /** Names of the K outputs. */
  outputs: string[];
  target: 'steps' | 'last';
  normalization: Normalization;
  targetNorm: TargetNormalization;
  split: { train: Sequence[]; val: Sequence[]; test: Sequence[] };
  model: SequenceModel;
  seed: number;
  /** The series and its windowing, for a forecaster. */
  series: { series: Series; options: WindowOptions; bounds: { a: number; b: number } } | null;
}

/** The event that opens a regression run: what the data is and how it was split. */
export interface ValueDataEvent {
  type: 'value_data';
  name: string;
  description: string;
  features: string[];
  outputs: string[];
  target: 'steps' | 'last';
  steps: number;
  sizes: { train: number; val: number; test: number };
  /** Forecasting: the series' length, the time labels where the parts begin, its gaps, window and horizon. */
  series: {
    length: number;
    target: string;
    timeCol: string | null;
    window: number;
    horizon: number;
    season: number | null;
    parts: { train: string; val: string; test: string; end: string };
    gaps: { after: string; missing: number }[];
  } | null;
  seed: number;
}

/** A baseline's (or the model's) errors on the test split, in the target's units. */
export interface Scored extends RegressionMetrics {
  name: string;
  /** What it is, in a few words. */
  label: string;
}

export interface ValueTestEvent {
  type: 'value_test';
  model: Scored;
  baselines: Scored[];
  /** The same trained weights with the hidden state reset before every step (the last step alone): their RMSE. */
  reset: number;
  /** What memory is worth, in the target's units: memoryWorth on errors (the better of reset and memoryless, minus the model's RMSE). */
  memoryGain: number;
}

const label = (series: Series, row: number) => (series.labels ? series.labels[row]! : `t=${row}`);

/** A forecasting run: windows of `series`, split chronologically, normalised, and a fresh model. */
export function prepareSeries(series: Series, o: WindowOptions & { model?: ModelChoice; seed?: number }): ValueRun {
  const seed = o.seed ?? DEFAULTS.seed;
  const N = series.values[0]!.length;
  const windows = cutWindows(series, o);
  const parts = chronologicalSplit(windows, N, o);
  const outputs = Array.from({ length: o.horizon }, (_, h) => `${series.target} t+${h + 1}`);
  const base = finish(parts, series.columns, outputs, 'last', o.model, seed);
  const gaps = series.gaps.length ? `; ${series.gaps.reduce((n, g) => n + g.missing, 0)} missing steps in ${series.gaps.length} gaps` : '';
  return {
    ...base,
    name: series.name,
    description: `${N} steps of ${series.columns.join(', ')}${series.timeCol ? ` by ${series.timeCol}` : ''}: the next ${o.horizon} value${o.horizon === 1 ? '' : 's'} of ${series.target} from the last ${o.window} steps${gaps}.`,
    series: { series, options: o, bounds: parts.bounds },
  };
}

/** A regression run on a table of sequences read with real-valued labels (`Sequence.v`), split at random. */
export function prepareTable(ds: Dataset, o: { model?: ModelChoice; seed?: number; outputs?: string[] } = {}): ValueRun {
  const seed = o.seed ?? DEFAULTS.seed;
  if (ds.sequences.length < 3)
    throw new ConfigError(`${ds.name} has ${ds.sequences.length} sequences; training, validation and test need at least 3`);
  const parts = split(ds.sequences, new Rng(seed));
  const outputs = o.outputs ?? ['value'];
  return { ...finish(parts, ds.features, outputs, ds.target, o.model, seed), name: ds.name, description: ds.description, series: null };
}

function finish(
  parts: { train: Sequence[]; val: Sequence[]; test: Sequence[] },
  features: string[],
  outputs: string[],
  target: 'steps' | 'last',
  choice: ModelChoice | undefined,
  seed: number,
): Omit<ValueRun, 'name' | 'description' | 'series'> {
  const K = outputs.length;
  const normalization = fitNormalization(parts.train, features.length);
  const targetNorm = fitTargetNormalization(parts.train, K, outputs);
  const prep = (s: Sequence[]) => normalizeTargets(applyNormalization(s, normalization), targetNorm);
  const opts = modelOptions({ features, classes: outputs, target } as Dataset, choice);
  const model = new SequenceModel(opts, { seed });
  return {
    features,
    outputs,
    target,
    normalization,
    targetNorm,
    split: { train: prep(parts.train), val: prep(parts.val), test: prep(parts.test) },
    model,
    seed,
  };
}

export function valueDataEvent(r: ValueRun): ValueDataEvent {
  const { train, val, test } = r.split;
  let series: ValueDataEvent['series'] = null;
  if (r.series) {
    const { series: s, options: o, bounds } = r.series;
    const N = s.values[0]!.length;
    series = {
      length: N,
      target: s.target,
      timeCol: s.timeCol,
      window: o.window,
      horizon: o.horizon,
      season: o.season ?? null,
      parts: { train: label(s, 0), val: label(s, bounds.a), test: label(s, bounds.b), end: label(s, N - 1) },
      gaps: s.gaps.map((g) => ({ after: label(s, g.after), missing: g.missing })),
    };
  }
  return {
    type: 'value_data',
    name: r.name,
    description: r.description,
    features: r.features,
    outputs: r.outputs,
    target: r.target,
    steps: maxLength([...train, ...val, ...test]),
    sizes: { train: train.length, val: val.length, test: test.length },
    series,
    seed: r.seed,
  };
}

/** What a model without memory sees: every step alone (a value per step) or the last step alone. */
export function valuesAlone(seqs: readonly Sequence[], target: 'steps' | 'last', K: number): Sequence[] {
  if (target === 'last') return lastStepAlone(seqs as Window[]);
  const out: Sequence[] = [];
  for (const s of seqs) {
    const I = s.x.length / s.length;
    for (let t = 0; t < s.length; t++) {
      const v = s.v!.slice(t * K, (t + 1) * K);
      if (v.every(Number.isNaN)) continue;
      out.push({ id: `${s.id}@${t}`, length: 1, x: s.x.slice(t * I, (t + 1) * I), y: Int32Array.of(0), v });
    }
  }
  return out;
}

/** A window baseline's values (persistence or seasonal naive) against the truth, on the test windows. */
function windowBaseline(run: ValueRun, pick: (w: Window) => Float32Array | null): RegressionMetrics {
  const pred: number[] = [];
  const truth: number[] = [];
  const { targetNorm: tn } = run;
  for (const w of run.split.test as Window[]) {
    const p = pick(w)!;
    w.v!.forEach((z, h) => {
      pred.push(p[h]!);
      truth.push(z * tn.std[h]! + tn.mean[h]! + (w.offset ?? 0));
    });
  }
  return regressionMetrics(pred, truth);
}

/**
 * Trains the model, then measures it and the baselines on the test split: yields the training events,
 * then one `value_test`. The memoryless model (same architecture and training, the last step alone)
 * trains silently.
 */
export function* runValues(
  run: ValueRun,
  config: ValueTrainConfig,
): Generator<ValueTrainEvent | ValueTraceEvent | ValueTestEvent, ValueTestEvent> {
  const { train, val } = run.split;
  const trainer = new ValueTrainer(run.model, train, val, run.targetNorm, { seed: run.seed, ...config });
  yield* trainer.run();
  const trace = valueTrace(run);
  if (trace) yield trace;
  const result = measure(run, config);
  yield result;
  return result;
}

/** The model's test errors beside the baselines' (the memoryless model is trained here, with `config`). */
export function measure(run: ValueRun, config: ValueTrainConfig): ValueTestEvent {
  return drain(measuring(run, config));
}

/** measure, one event of the memoryless model's training at a time (the explorer's worker steps it). */
export function* measuring(run: ValueRun, config: ValueTrainConfig): Generator<ValueTrainEvent, ValueTestEvent> {
  const { train, val, test } = run.split;
  const K = run.outputs.length;
  const tn = run.targetNorm;
  const loss = config.loss ?? { type: 'mse' as const };
  const model: Scored = { name: 'model', label: `${run.model.options.mode} with memory`, ...evaluateValues(run.model, test, tn, loss) };
  const baselines: Scored[] = [];
  if (run.series) {
    baselines.push({ name: 'persistence', label: 'the last value', ...windowBaseline(run, (w) => w.persistence) });
    if (run.series.options.season)
      baselines.push({
        name: 'seasonal',
        label: `the value one season (${run.series.options.season} steps) before`,
        ...windowBaseline(run, (w) => w.seasonal),
      });
  }
  baselines.push({ name: 'mean', label: 'the training mean', ...meanBaseline(test, tn, trainingMean(train, tn)) });
  const alone = new SequenceModel({ ...run.model.options, headOn: run.target === 'last' ? 'steps' : run.target }, { seed: run.seed });
  yield* new ValueTrainer(alone, valuesAlone(train, run.target, K), valuesAlone(val, run.target, K), tn, {
    seed: run.seed,
    ...config,
    earlyStopping: null,
  }).run();
  const aloneLabel =
    run.target === 'steps'
      ? 'the same model on each step alone'
      : run.series && run.series.options.relative !== false
        ? 'the same model on the last step alone (the last value plus a learned mean change)'
        : 'the same model on the last step alone';
  baselines.push({ name: 'memoryless', label: aloneLabel, ...evaluateValues(alone, valuesAlone(test, run.target, K), tn, loss) });
  const memoryless = baselines[baselines.length - 1]!;
  const reset = evaluateValues(run.model, valuesAlone(test, run.target, K), tn, loss).rmse;
  const { gain } = memoryWorth({ withMemory: model.rmse, reset, memoryless: memoryless.rmse }, 'error');
  return { type: 'value_test', model, baselines, reset, memoryGain: gain };
}

/** The prediction trace of a forecaster: consecutive test windows, each with its true next value, the model's and persistence's. */
export interface ValueTraceEvent {
  type: 'value_trace';
  target: string;
  rows: WindowRow[];
}

/** The first `count` test windows' first-step forecasts beside the truth and the last value (forecasters only). */
export function valueTrace(run: ValueRun, count = 24): ValueTraceEvent | null {
  if (!run.series) return null;
  return {
    type: 'value_trace',
    target: run.series.series.target,
    rows: windowRows(run.model, (run.split.test as Window[]).slice(0, count), run.targetNorm),
  };
}

/** The model file's regression block for a run. */
export function regressionMeta(run: ValueRun, config: ValueTrainConfig, test?: ValueTestEvent): RegressionMeta {
  const s = run.series;
  return {
    outputs: run.outputs,
    targetNorm: run.targetNorm,
    loss: config.loss ?? { type: 'mse' },
    ...(s
      ? {
          forecast: {
            columns: s.series.columns,
            target: s.series.target,
            window: s.options.window,
            horizon: s.options.horizon,
            timeCol: s.series.timeCol,
            season: s.options.season ?? null,
            relative: s.options.relative ?? true,
          },
        }
      : {}),
    ...(test
      ? {
          test: Object.fromEntries([test.model, ...test.baselines].map((b) => [b.name, { rmse: b.rmse, mae: b.mae, r2: b.r2 }])),
        }
      : {}),
  };
}
