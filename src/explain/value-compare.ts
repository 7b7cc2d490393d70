/**
 * The comparison of cells on a forecaster: a plain RNN, an LSTM and a GRU of the same size trained on
 * the same windows with the same budget (from several seeds: weights and batch order; the series stays
 * the one given), each scored on the test windows in the target's units, beside the baselines a
 * forecaster checks first (persistence, the seasonal naive value, the training mean, the run's own cell
 * trained without memory), and a verdict worded from the gaps and their spread across seeds. It races
 * the models as the classifiers' comparison does (race.ts); the explorer's worker steps it.
 */
import type { Mode } from '../nn/options.js';
import { cellOf } from '../nn/cells/index.js';
import type { RegressionMetrics } from '../data/regression.js';
import type { Series, WindowOptions } from '../data/series.js';
import type { ModelChoice } from '../train/prepare.js';
import { evaluateValues, ValueTrainer, type ValueTrainConfig, type ValueTrainEvent } from '../train/regress.js';
import { trainDefaults } from '../train/trainer.js';
import { DEFAULTS } from '../defaults.js';
import { comparedCells, errorVerdict, meanSpread, memorylessLabel, type Verdict } from './compare.js';
import { memoryWorth } from './memory.js';
import { units } from '../format.js';
import { measuring, prepareSeries, valuesAlone, type Scored, type ValueRun } from './regression-job.js';
import { entrants, race } from './race.js';

export interface ValueCompareOptions {
  series: Series;
  /** The windowing every model trains on. */
  window: WindowOptions;
  /** The run's own cell and the size every cell takes. */
  model?: ModelChoice;
  seed?: number;
  /** Seeds per cell (default 1); with more, the verdict weighs the gap against the spread across seeds. */
  seeds?: number;
  train?: ValueTrainConfig;
  /** Train the cells side by side, the one furthest behind next (the explorer), or one after another. */
  sideBySide?: boolean;
}

/** One cell's errors on the test windows, in the target's units. */
export interface ValueCompareRow extends RegressionMetrics {
  mode: Mode;
  label: string;
  parameters: number;
  /** Held-out RMSE after the last epoch (the first seed's). */
  valRmse: number;
  /** The same trained weights, the state reset before every step (the last step alone): its RMSE. */
  reset: number;
  /** memoryWorth on errors: the better of `reset` and the memoryless model's RMSE, minus this cell's. */
  gain: number;
  seconds: number;
  /** Test RMSE and MAE from each seed, the first the row's own; the RMSE's mean and standard deviation, the MAE's mean. */
  seedRmses: number[];
  seedMaes: number[];
  meanRmse: number;
  meanMae: number;
  spread: number;
}

export interface ValueCompareResult {
  task: string;
  own: Mode;
  rows: ValueCompareRow[];
  /** Persistence, seasonal naive (with a season), the training mean, and the own cell without memory. */
  baselines: Scored[];
  verdict: Verdict;
}

export type ValueCompareEvent =
  | {
      type: 'value_compare_start';
      task: string;
      target: string;
      own: Mode;
      seeds: number;
      cells: { mode: Mode; label: string; parameters: number; batchesTotal: number }[];
      memoryless: { label: string; parameters: number };
    }
  /** A training event of one cell from one seed (`seed` the row's own for the first). */
  | { type: 'value_compare_train'; mode: Mode; seed: number; event: ValueTrainEvent; seconds: number }
  | { type: 'value_compare_cell'; mode: Mode; rmse: number; mae: number; seconds: number }
  | { type: 'value_compare_seed'; mode: Mode; seed: number; rmse: number; mae: number }
  | { type: 'memoryless_train'; event: ValueTrainEvent }
  | { type: 'compare_failed'; mode: Mode; message: string };

export function* compareValueCells(o: ValueCompareOptions): Generator<ValueCompareEvent, ValueCompareResult | null> {
  const own = o.model?.mode ?? DEFAULTS.cell;
  const seed = o.seed ?? DEFAULTS.seed;
  const config: ValueTrainConfig = { loss: { type: 'mse' }, ...o.train };
  const epochs = config.epochs ?? trainDefaults.epochs;
  const batchSize = config.batchSize ?? trainDefaults.batchSize;
  const runners = entrants(comparedCells(own), seed, o.seeds ?? 1, (mode, s) => {
    const run = prepareSeries(o.series, { ...o.window, model: { ...o.model, mode }, seed: s });
    const { train, val, test } = run.split;
    const K = run.outputs.length;
    const loss = config.loss!;
    return {
      run,
      total: Math.ceil(train.length / batchSize) * epochs,
      valRmse: NaN,
      seconds: 0,
      result: null as { test: RegressionMetrics; reset: number } | null,
      train: () => new ValueTrainer(run.model, train, val, run.targetNorm, { ...config, seed: s }).run(),
      score: () => ({
        test: evaluateValues(run.model, test, run.targetNorm, loss),
        reset: evaluateValues(run.model, valuesAlone(test, run.target, K), run.targetNorm, loss).rmse,
      }),
    };
  });
  const ownRunner = runners.find((r) => r.mode === own && !r.extra) ?? runners[0]!;
  const ownRun: ValueRun = ownRunner.run;
  yield {
    type: 'value_compare_start',
    task: ownRun.name,
    target: ownRun.series?.series.target ?? ownRun.outputs[0]!,
    own: ownRunner.mode,
    seeds: o.seeds ?? 1,
    cells: runners
      .filter((r) => !r.extra)
      .map((r) => ({ mode: r.mode, label: cellOf(r.mode).label, parameters: r.run.model.parameterCount, batchesTotal: r.total })),
    memoryless: { label: memorylessLabel(ownRunner.mode), parameters: ownRun.model.parameterCount },
  };
  for (const e of race(runners, !!o.sideBySide)) {
    const r = e.who;
    if (e.type === 'failed') {
      yield { type: 'compare_failed', mode: r.mode, message: `${cellOf(r.mode).label}: ${e.message}` };
      return null;
    }
    if (e.type === 'train') {
      if (e.event.type === 'value_epoch' && !r.extra) r.valRmse = e.event.valRmse;
      yield { type: 'value_compare_train', mode: r.mode, seed: r.seed, event: e.event, seconds: e.seconds };
      continue;
    }
    r.result = e.result;
    r.seconds = e.seconds;
    const { rmse, mae } = e.result.test;
    if (r.extra) yield { type: 'value_compare_seed', mode: r.mode, seed: r.seed, rmse, mae };
    else yield { type: 'value_compare_cell', mode: r.mode, rmse, mae, seconds: e.seconds };
  }
  // The baselines, and the own cell trained without memory, once, as the main job measures them.
  const measure = measuring(ownRun, { ...config, seed });
  let step = measure.next();
  for (; !step.done; step = measure.next()) yield { type: 'memoryless_train', event: step.value };
  const { baselines } = step.value;
  const memoryless = baselines.find((b) => b.name === 'memoryless')!.rmse;
  const rows: ValueCompareRow[] = runners
    .filter((x) => !x.extra)
    .map((x) => {
      const { test, reset } = x.result!;
      const mine = runners.filter((y) => y.mode === x.mode).map((y) => y.result!.test);
      const { mean, sd } = meanSpread(mine.map((m) => m.rmse));
      return {
        mode: x.mode,
        label: cellOf(x.mode).label,
        parameters: x.run.model.parameterCount,
        valRmse: x.valRmse,
        ...test,
        reset,
        gain: memoryWorth({ withMemory: test.rmse, reset, memoryless }, 'error').gain,
        seconds: x.seconds,
        seedRmses: mine.map((m) => m.rmse),
        seedMaes: mine.map((m) => m.mae),
        meanRmse: mean,
        meanMae: meanSpread(mine.map((m) => m.mae)).mean,
        spread: sd,
      };
    });
  return {
    task: ownRun.name,
    own: ownRunner.mode,
    rows,
    baselines,
    verdict: errorVerdict(
      rows.map((x) => ({ mode: x.mode, rmse: x.meanRmse, spread: x.spread, seeds: x.seedRmses.length })),
      ownRun.name,
    ),
  };
}

/**
 * The best cell against the best baseline, in words: whether its mean test RMSE is below the baseline's
 * by more than twice the standard error its seeds put on it, within that, or above it.
 */
export function baselineSentence(r: ValueCompareResult): string {
  const cell = r.rows.find((x) => x.mode === r.verdict.best)!;
  const base = r.baselines.reduce((a, b) => (b.rmse < a.rmse ? b : a));
  const n = cell.seedRmses.length;
  const band = n > 1 ? 2 * (cell.spread / Math.sqrt(n)) : null;
  const its = n > 1 ? `${units(cell.meanRmse)} ± ${units(cell.spread)} over ${n} seeds` : units(cell.rmse);
  const gap = base.rmse - cell.meanRmse;
  const what = `the best baseline, ${base.name} (${base.label}, ${units(base.rmse)})`;
  if (band !== null && Math.abs(gap) <= band)
    return `${cell.label}, the best cell (RMSE ${its}), and ${what} are level: the gap, ${units(Math.abs(gap))}, is within the ±${units(band)} the seeds put on it.`;
  return gap > 0
    ? `${cell.label}, the best cell (RMSE ${its}), beats ${what} by ${units(gap)}${band !== null ? ", beyond the seeds' spread" : ' (one seed)'}.`
    : `No cell beats ${what}: the best, ${cell.label}, has RMSE ${its}, ${units(-gap)} more.`;
}
