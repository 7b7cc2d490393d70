/**
 * The comparison job, said once: a plain RNN, an LSTM and a GRU trained on the same data with the same
 * settings, then one model without memory, each cell's memory measured by `memoryWorth`, and a verdict
 * worded from the measured gaps. `rnnscope compare` drains it; the explorer's worker steps it.
 */
import type { Mode } from '../nn/options.js';
import { cellOf } from '../nn/cells/index.js';
import { prepare, type PrepareOptions } from '../train/prepare.js';
import { Trainer, trainDefaults, type TrainConfig } from '../train/trainer.js';
import type { TrainEvent } from '../train/events.js';
import { evaluate } from '../train/evaluate.js';
import { compareMemory, memoryWorth, stepsAlone, type MemoryComparison } from './insight.js';
import { num, points, units } from '../format.js';
import { DEFAULTS } from '../defaults.js';
import { checkSeeds, entrants, race } from './race.js';

export interface CompareOptions extends PrepareOptions {
  train?: TrainConfig;
  /** Train the cells side by side, the one furthest behind next (the explorer), or one after another (the CLI). */
  sideBySide?: boolean;
  /**
   * Seeds per cell (default 1): with more, each cell also trains from seed + 1, seed + 2, ... (data,
   * split, weights and batch order), and the verdict weighs the gap against the spread across seeds.
   */
  seeds?: number;
}

/** One cell's outcome, and what its memory is worth against the same data without memory. */
export interface CompareRow {
  mode: Mode;
  label: string;
  parameters: number;
  valAccuracy: number;
  testAccuracy: number;
  /** The same trained model, hidden state reset before every step. */
  reset: number;
  /** memoryWorth: test accuracy minus the better of `reset` and the memoryless model. */
  gain: number;
  without: number;
  /** Time spent training this model alone (the first seed's). */
  seconds: number;
  /** Test accuracy from each seed, the first the row's own; their mean and standard deviation. */
  seedAccuracies: number[];
  meanAccuracy: number;
  spread: number;
}

/** One cell's score for a verdict: its test accuracy (the mean over seeds), and their spread when several seeds ran. */
export interface CellScore {
  mode: Mode;
  testAccuracy: number;
  /** Standard deviation of the test accuracy over the seeds (0 with one seed). */
  spread?: number;
  /** Seeds trained (default 1). */
  seeds?: number;
}

/** The facts a verdict is worded from: the best and worst cell, the gap between them and its spread across seeds. */
export interface Verdict {
  best: Mode;
  worst: Mode;
  gap: number;
  /** Seeds per cell the accuracies are the mean of. */
  seeds: number;
  /**
   * Twice the standard error of the gap, sqrt((sd_best² + sd_worst²) / seeds): a gap within it could be
   * the seeds' luck. null with one seed, where the spread is not measured.
   */
  band: number | null;
  /**
   * The cells are level: the gap is within `band` (several seeds), or under 1 point (one seed, where
   * nothing larger can be called level without knowing the spread).
   */
  level: boolean;
  /** The worst is a plain RNN on the delay task, trailing beyond the spread: the vanishing gradient is the likely reason. */
  vanishing: boolean;
  task: string;
  delay: number | null;
  /** What the gap is of: accuracy (the default; a score, higher is better) or RMSE in the target's units (an error, lower is better). */
  measure?: 'score' | 'error';
}

export interface CompareResult {
  task: string;
  /** The run's own cell: its row is the key insight's comparison. */
  own: Mode;
  rows: CompareRow[];
  memoryless: { mode: Mode; accuracy: number; parameters: number };
  chance: number;
  /** The own cell's full comparison, as the key insight shows it. */
  comparison: MemoryComparison;
  verdict: Verdict;
}

export type CompareEvent =
  | {
      type: 'compare_start';
      task: string;
      description: string;
      own: Mode;
      delay: number | null;
      /** Seeds per cell; the cells' further seeds train after (or, side by side, among) the first. */
      seeds: number;
      cells: { mode: Mode; label: string; parameters: number; batchesTotal: number }[];
      memoryless: { label: string; parameters: number };
    }
  | { type: 'compare_train'; mode: Mode; event: TrainEvent; seconds: number }
  | { type: 'compare_cell'; mode: Mode; valAccuracy: number; testAccuracy: number; reset: number; seconds: number }
  /** A further seed's run of a cell (`seeds` > 1): its test accuracy alone. */
  | { type: 'compare_seed'; mode: Mode; seed: number; testAccuracy: number; seconds: number }
  | { type: 'memoryless_train'; event: TrainEvent }
  | { type: 'compare_failed'; mode: Mode; message: string };

/** With one seed (no measured spread), a gap under this (in accuracy) is level; a larger one is reported as measured. */
const ONE_SEED_LEVEL = 0.01;

/** "No memory (RNN trained on single steps)": the memoryless model, named after the cell it was made from. */
export function memorylessLabel(mode: Mode): string {
  return `No memory (${cellOf(mode).short} trained on single steps)`;
}

/** The cells compared: a plain RNN (the run's own kind of RNN), LSTM and GRU. */
export function comparedCells(own: Mode): Mode[] {
  return [own === 'rnn_relu' ? 'rnn_relu' : 'rnn_tanh', 'lstm', 'gru'];
}

export function* compareCells(o: CompareOptions = {}): Generator<CompareEvent, CompareResult | null> {
  const own = o.model?.mode ?? DEFAULTS.cell;
  const seed = o.seed ?? DEFAULTS.seed;
  const config: TrainConfig = { seed, ...o.train };
  const epochs = config.epochs ?? trainDefaults.epochs;
  const batchSize = config.batchSize ?? trainDefaults.batchSize;
  const seeds = checkSeeds(o.seeds ?? 1);
  const runners = entrants(comparedCells(own), seed, seeds, (mode, s) => {
    const p = prepare({ ...o, seed: s, model: { ...o.model, mode } });
    return {
      p,
      total: Math.ceil(p.split.train.length / batchSize) * epochs,
      valAccuracy: NaN,
      seconds: 0,
      result: null as { testAccuracy: number; reset: number } | null,
      train: () => new Trainer(p.model, p.split.train, p.split.val, { ...config, seed: s }).run(),
      score: () => ({
        testAccuracy: evaluate(p.model, p.split.test).accuracy,
        reset: evaluate(p.model, stepsAlone(p.split.test, p.model.options.headOn)).accuracy,
      }),
    };
  });
  const first = runners[0]!.p;
  const ownRunner = runners.find((r) => r.mode === own && !r.extra) ?? runners[0]!;
  const delay = o.task === 'delay' && !o.data ? (o.taskOptions?.delay ?? DEFAULTS.delay) : null;
  yield {
    type: 'compare_start',
    task: first.dataset.name,
    description: first.dataset.description,
    own: ownRunner.mode,
    delay,
    cells: runners
      .filter((r) => !r.extra)
      .map((r) => ({ mode: r.mode, label: cellOf(r.mode).label, parameters: r.p.model.parameterCount, batchesTotal: r.total })),
    seeds,
    memoryless: { label: memorylessLabel(ownRunner.mode), parameters: ownRunner.p.model.parameterCount },
  };
  for (const e of race(runners, !!o.sideBySide)) {
    const r = e.who;
    if (e.type === 'failed') {
      yield { type: 'compare_failed', mode: r.mode, message: `${cellOf(r.mode).label}: ${e.message}` };
      return null;
    }
    if (e.type === 'train') {
      if (e.event.type === 'epoch') r.valAccuracy = e.event.valAccuracy;
      if (!r.extra) yield { type: 'compare_train', mode: r.mode, event: e.event, seconds: e.seconds };
      continue;
    }
    r.result = e.result;
    r.seconds = e.seconds;
    if (r.extra) yield { type: 'compare_seed', mode: r.mode, seed: r.seed, testAccuracy: e.result.testAccuracy, seconds: e.seconds };
    else yield { type: 'compare_cell', mode: r.mode, valAccuracy: r.valAccuracy, ...e.result, seconds: e.seconds };
  }
  // The memoryless model is trained once, the same way as the key insight's, beside the run's own cell.
  const { p } = ownRunner;
  const memory = compareMemory(p.model, p.split.train, p.split.val, p.split.test, config, seed);
  let step = memory.next();
  for (; !step.done; step = memory.next()) yield { type: 'memoryless_train', event: step.value };
  const m = step.value;
  const rows: CompareRow[] = runners
    .filter((x) => !x.extra)
    .map((x) => {
      const { testAccuracy, reset } = x.result!;
      const seedAccuracies = runners.filter((y) => y.mode === x.mode).map((y) => y.result!.testAccuracy);
      const { mean, sd } = meanSpread(seedAccuracies);
      return {
        mode: x.mode,
        label: cellOf(x.mode).label,
        parameters: x.p.model.parameterCount,
        valAccuracy: x.valAccuracy,
        testAccuracy,
        reset,
        ...memoryWorth({ withMemory: testAccuracy, reset, memoryless: m.memoryless }),
        seconds: x.seconds,
        seedAccuracies,
        meanAccuracy: mean,
        spread: sd,
      };
    });
  return {
    task: first.dataset.name,
    own: ownRunner.mode,
    rows,
    memoryless: { mode: ownRunner.mode, accuracy: m.memoryless, parameters: m.parameters },
    chance: m.chance,
    comparison: m,
    verdict: verdictOf(
      rows.map((x) => ({ mode: x.mode, testAccuracy: x.meanAccuracy, spread: x.spread, seeds })),
      first.dataset.name,
      delay,
    ),
  };
}

/** Mean and standard deviation (n - 1) of a list of accuracies; sd 0 for one. */
export function meanSpread(v: readonly number[]): { mean: number; sd: number } {
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  const sd = v.length > 1 ? Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / (v.length - 1)) : 0;
  return { mean, sd };
}

/** The verdict's facts from each cell's (mean) accuracy and its spread across seeds. */
export function verdictOf(rows: readonly CellScore[], task: string, delay: number | null): Verdict {
  const best = rows.reduce((a, b) => (b.testAccuracy > a.testAccuracy ? b : a));
  const worst = rows.reduce((a, b) => (b.testAccuracy < a.testAccuracy ? b : a));
  const gap = best.testAccuracy - worst.testAccuracy;
  const seeds = Math.min(...rows.map((r) => r.seeds ?? 1));
  const band = seeds > 1 ? 2 * Math.sqrt(((best.spread ?? 0) ** 2 + (worst.spread ?? 0) ** 2) / seeds) : null;
  const level = band === null ? gap < ONE_SEED_LEVEL : gap <= band;
  return {
    best: best.mode,
    worst: worst.mode,
    gap,
    seeds,
    band,
    level,
    vanishing: !level && worst.mode.startsWith('rnn') && delay !== null,
    task,
    delay,
  };
}

/** One cell's test RMSE (the mean over seeds) and its spread, for a verdict on errors. */
export interface CellError {
  mode: Mode;
  rmse: number;
  spread?: number;
  seeds?: number;
}

/**
 * The verdict on errors (lower is better): verdictOf on minus each RMSE, which keeps the gap and the
 * spread; with one seed, a gap under 1% of the best RMSE is level (an error has the target's units, so
 * no fixed size can be).
 */
export function errorVerdict(rows: readonly CellError[], task: string): Verdict {
  const v = verdictOf(
    rows.map((r) => ({ mode: r.mode, testAccuracy: -r.rmse, spread: r.spread, seeds: r.seeds })),
    task,
    null,
  );
  const best = rows.find((r) => r.mode === v.best)!.rmse;
  return { ...v, measure: 'error', level: v.band === null ? v.gap < ONE_SEED_LEVEL * best : v.level };
}

/**
 * The verdict in words, from the measured gap and its spread: level cells are called level only when the
 * gap is within the seeds' spread; a trailing cell trails, by how much and against what spread.
 */
export function verdictSentence(v: Verdict): string {
  const best = cellOf(v.best).label;
  const worst = cellOf(v.worst).label;
  const pts = (x: number) => (v.measure === 'error' ? `${units(x)} of RMSE` : points(x).replace(/^\+/, ''));
  const gap = pts(v.gap);
  const spread = v.band !== null ? `the ±${pts(v.band)} that the spread across ${v.seeds} seeds puts on it` : '';
  if (v.level) {
    return v.band !== null
      ? `The cells are level here: ${best} leads ${worst} by ${gap} on average, within ${spread}.`
      : `The cells are level here: within ${gap} of each other in this run (one seed).`;
  }
  const why = v.vanishing
    ? `: the answer lies ${v.delay} steps back, and across those steps a plain RNN's gradient fades step by step (vanishing gradients), while the gates of an LSTM or GRU let it pass`
    : '';
  const once = v.band === null ? ' One seed: whether the gap holds across seeds is not measured.' : '';
  const over = v.band !== null ? ` on average, beyond ${spread}` : '';
  return `${worst} trails ${best} by ${gap}${over}${why}.${once}`;
}

/** "Best: LSTM at 0.914." ("at 0.914 ± 0.012, the mean of 3 seeds" with several). */
export function bestSentence(r: Pick<CompareResult, 'rows' | 'verdict'>): string {
  const best = r.rows.find((x) => x.mode === r.verdict.best)!;
  const n = best.seedAccuracies.length;
  return n > 1
    ? `Best: ${best.label} at ${num(best.meanAccuracy, 3)} ± ${num(best.spread, 3)}, the mean of ${n} seeds.`
    : `Best: ${best.label} at ${num(best.testAccuracy, 3)}.`;
}
