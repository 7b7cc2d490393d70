/**
 * The memory sweep, the "why LSTM" experiment: on the delay task, with the answer k steps back, how
 * well does each cell learn it as k grows? Every cell trains at the same size and budget, from several
 * seeds, for every k; each run also measures its gradient through time before and after training.
 * `rnnscope compare --sweep` drains it; the explorer's worker steps it.
 *
 * The task is `delay` with sequences of k + 1 steps, so each sequence has one answer, the token of its
 * first step, k steps before it: the distance to remember is k and nothing else (no window of tokens to
 * hold, no count to keep).
 */
import type { Mode } from '../nn/options.js';
import { cellOf } from '../nn/cells/index.js';
import { prepare } from '../train/prepare.js';
import { Trainer, type TrainConfig } from '../train/trainer.js';
import { evaluate } from '../train/evaluate.js';
import { chanceAccuracy } from '../train/chance.js';
import { ConfigError } from '../errors.js';
import { gradientThroughTime, type GradientProfile } from './gradient.js';
import { meanSpread, verdictOf, type Verdict } from './compare.js';
import { SWEEP_DEFAULTS } from './sweep-defaults.js';

export { SWEEP_DEFAULTS };

export interface SweepOptions {
  /** The distances k to sweep (each an integer from 1 to 1000). Default SWEEP_DEFAULTS.delays. */
  delays?: number[];
  /** Seeds per cell and k: seed, seed + 1, ... (data, split, weights, batch order). Default 3. */
  seeds?: number;
  /** The first seed. Default 0. */
  seed?: number;
  /** The cells compared. Default a plain RNN (tanh), LSTM and GRU. */
  cells?: Mode[];
  /** Hidden units of every cell. Default 16. */
  hiddenSize?: number;
  /** Sequences generated per run (split 70/15/15). Default 1000. */
  count?: number;
  /** Epochs, batch size, optimizer: the same budget for every run. Defaults in SWEEP_DEFAULTS. */
  train?: TrainConfig;
  /** Test sequences the gradient through time is measured on. Default 64. */
  gradientItems?: number;
}

/** One training run: a cell at one k from one seed. */
export interface SweepRun {
  k: number;
  mode: Mode;
  seed: number;
  /** Test accuracy on the answers. */
  accuracy: number;
  /** Always answering the commonest training answer, on the same test split. */
  chance: number;
  seconds: number;
  /** Why training stopped early, if it did (a non-finite loss), else null. */
  stopped: string | null;
  /** The gradient through time with the initial weights, and with the trained ones. */
  early: GradientProfile;
  late: GradientProfile;
}

/** A cell at one k over the seeds: its accuracies, their mean, standard deviation and range. */
export interface SweepPoint {
  k: number;
  mode: Mode;
  accuracies: number[];
  mean: number;
  sd: number;
  min: number;
  max: number;
}

/** A cell's gradient through time at one k: per step, the geometric mean over the seeds (a log-scale quantity). */
export interface SweepGradient {
  mode: Mode;
  early: GradientProfile;
  late: GradientProfile;
  /** ‖∂L/∂h‖ at the first step over that at the answer's step: how much of the answer's gradient reaches the start. */
  earlyRatio: number;
  lateRatio: number;
}

export interface SweepResult {
  task: 'delay';
  cells: Mode[];
  delays: number[];
  seeds: number[];
  hiddenSize: number;
  count: number;
  epochs: number;
  batchSize: number;
  lr: number;
  runs: SweepRun[];
  points: SweepPoint[];
  /** Chance at each k, the mean over the seeds' test splits. */
  chance: { k: number; accuracy: number }[];
  /** Per k, the verdict on the cells' gap, weighed against the spread across seeds. */
  verdicts: { k: number; verdict: Verdict }[];
  /** The gradient through time per cell, at the k where the cells part most clearly beyond the seeds' spread (else the largest k). */
  gradient: { k: number; cells: SweepGradient[] };
  seconds: number;
}

export type SweepEvent =
  | {
      type: 'sweep_start';
      cells: { mode: Mode; label: string; parameters: number }[];
      delays: number[];
      seeds: number[];
      hiddenSize: number;
      count: number;
      epochs: number;
      batchSize: number;
      lr: number;
      /** Runs in all, and batches in all (for one progress bar over the whole sweep). */
      runs: number;
      batchesTotal: number;
    }
  | { type: 'sweep_batch'; k: number; mode: Mode; seed: number; batchesDone: number; batchesTotal: number }
  | ({ type: 'sweep_run'; run: number; runs: number } & SweepRun);

function check(
  o: SweepOptions,
): Required<Omit<SweepOptions, 'train'>> & { epochs: number; batchSize: number; lr: number; train: TrainConfig } {
  const delays = o.delays ?? SWEEP_DEFAULTS.delays;
  if (delays.length === 0 || delays.some((k) => !Number.isInteger(k) || k < 1 || k > 1000))
    throw new ConfigError(`the sweep's delays must be integers from 1 to 1000, got ${delays.join(', ') || 'none'}`);
  const seeds = o.seeds ?? SWEEP_DEFAULTS.seeds;
  if (!Number.isInteger(seeds) || seeds < 1 || seeds > 100) throw new ConfigError(`seeds must be an integer from 1 to 100, got ${seeds}`);
  const train = o.train ?? {};
  const opt = train.optimizer ?? { type: 'adam' as const, lr: SWEEP_DEFAULTS.lr };
  return {
    delays: [...new Set(delays)].sort((a, b) => a - b),
    seeds,
    seed: o.seed ?? 0,
    cells: o.cells ?? SWEEP_DEFAULTS.cells,
    hiddenSize: o.hiddenSize ?? SWEEP_DEFAULTS.hidden,
    count: o.count ?? SWEEP_DEFAULTS.count,
    gradientItems: o.gradientItems ?? 64,
    epochs: train.epochs ?? SWEEP_DEFAULTS.epochs,
    batchSize: train.batchSize ?? SWEEP_DEFAULTS.batchSize,
    lr: opt.lr ?? SWEEP_DEFAULTS.lr,
    train: {
      ...train,
      optimizer: opt,
      epochs: train.epochs ?? SWEEP_DEFAULTS.epochs,
      batchSize: train.batchSize ?? SWEEP_DEFAULTS.batchSize,
    },
  };
}

/** Geometric mean per step of several profiles' values (0 where any is 0). */
function geoMean(rows: number[][]): number[] {
  return rows[0]!.map((_, t) => {
    let s = 0;
    for (const r of rows) {
      if (!(r[t]! > 0)) return 0;
      s += Math.log(r[t]!);
    }
    return Math.exp(s / rows.length);
  });
}

/** ‖∂L/∂h_0‖ / ‖∂L/∂h_k‖ of a profile of the sweep's task (the answer at step k). */
function reach(p: GradientProfile, k: number): number {
  return p.loss[0]! / p.loss[k]!;
}

export function* memorySweep(options: SweepOptions = {}): Generator<SweepEvent, SweepResult> {
  const o = check(options);
  const started = performance.now();
  const seeds = Array.from({ length: o.seeds }, (_, i) => o.seed + i);
  const setup = (k: number, mode: Mode, seed: number) =>
    prepare({ task: 'delay', taskOptions: { delay: k, length: k + 1, count: o.count }, model: { mode, hiddenSize: o.hiddenSize }, seed });
  const first = o.cells.map((mode) => setup(o.delays[0]!, mode, o.seed));
  const batchesPerRun = Math.ceil(first[0]!.split.train.length / o.batchSize) * o.epochs;
  const runs = o.delays.length * seeds.length * o.cells.length;
  yield {
    type: 'sweep_start',
    cells: o.cells.map((mode, i) => ({ mode, label: cellOf(mode).label, parameters: first[i]!.model.parameterCount })),
    ...setupOf(o, seeds),
    runs,
    batchesTotal: runs * batchesPerRun,
  };
  const done: SweepRun[] = [];
  let batchesDone = 0;
  for (const k of o.delays) {
    for (const seed of seeds) {
      for (const mode of o.cells) {
        const t0 = performance.now();
        const p = setup(k, mode, seed);
        const probe = p.split.test;
        const early = gradientThroughTime(p.model, probe, o.gradientItems);
        const trainer = new Trainer(p.model, p.split.train, p.split.val, { ...o.train, seed });
        let stopped: string | null = null;
        for (const e of trainer.run()) {
          if (e.type === 'batch') {
            batchesDone++;
            yield { type: 'sweep_batch', k, mode, seed, batchesDone, batchesTotal: runs * batchesPerRun };
          } else if (e.type === 'train_end' && e.reason === 'nonfinite') stopped = e.message;
        }
        const run: SweepRun = {
          k,
          mode,
          seed,
          accuracy: evaluate(p.model, p.split.test).accuracy,
          chance: chanceAccuracy(p.split.train, p.split.test),
          seconds: (performance.now() - t0) / 1000,
          stopped,
          early,
          late: gradientThroughTime(p.model, probe, o.gradientItems),
        };
        done.push(run);
        yield { type: 'sweep_run', run: done.length, runs, ...run };
      }
    }
  }
  return sweepResult(o, seeds, done, (performance.now() - started) / 1000);
}

type SweepSetup = { cells: Mode[]; delays: number[]; hiddenSize: number; count: number; epochs: number; batchSize: number; lr: number };

/** What the sweep ran, as its start event and its result both say it. */
function setupOf(o: SweepSetup, seeds: number[]) {
  const { delays, hiddenSize, count, epochs, batchSize, lr } = o;
  return { delays, seeds, hiddenSize, count, epochs, batchSize, lr };
}

/** The sweep's summary from its runs: points with spread, chance, verdicts per k, and the gradients where the cells part. */
export function sweepResult(o: SweepSetup, seeds: number[], runs: SweepRun[], seconds: number): SweepResult {
  const points: SweepPoint[] = [];
  const chance: SweepResult['chance'] = [];
  const verdicts: SweepResult['verdicts'] = [];
  for (const k of o.delays) {
    const atK = runs.filter((r) => r.k === k);
    for (const mode of o.cells) {
      const accuracies = atK.filter((r) => r.mode === mode).map((r) => r.accuracy);
      const { mean, sd } = meanSpread(accuracies);
      points.push({ k, mode, accuracies, mean, sd, min: Math.min(...accuracies), max: Math.max(...accuracies) });
    }
    chance.push({ k, accuracy: meanSpread(atK.filter((r) => r.mode === o.cells[0]).map((r) => r.chance)).mean });
    const scores = points
      .filter((p) => p.k === k)
      .map((p) => ({ mode: p.mode, testAccuracy: p.mean, spread: p.sd, seeds: p.accuracies.length }));
    verdicts.push({ k, verdict: verdictOf(scores, 'delay', k) });
  }
  // The gradient is shown where the cells part most clearly (the largest gap beyond its spread), else at the largest k.
  const telling = verdicts
    .filter((v) => !v.verdict.level)
    .sort((a, b) => b.verdict.gap - (b.verdict.band ?? 0) - (a.verdict.gap - (a.verdict.band ?? 0)))[0];
  const kMax = telling?.k ?? o.delays[o.delays.length - 1]!;
  const cells = o.cells.map((mode): SweepGradient => {
    const mine = runs.filter((r) => r.k === kMax && r.mode === mode);
    const profile = (w: 'early' | 'late'): GradientProfile => ({
      loss: geoMean(mine.map((r) => r[w].loss)),
      jacobian: geoMean(mine.map((r) => r[w].jacobian)),
    });
    const early = profile('early');
    const late = profile('late');
    return { mode, early, late, earlyRatio: reach(early, kMax), lateRatio: reach(late, kMax) };
  });
  return {
    task: 'delay',
    cells: o.cells,
    ...setupOf(o, seeds),
    runs,
    points,
    chance,
    verdicts,
    gradient: { k: kMax, cells },
    seconds,
  };
}
