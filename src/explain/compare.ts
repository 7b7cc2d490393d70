/**
 * The comparison job, said once: a plain RNN, an LSTM and a GRU trained on the same data with the same
 * settings, then one model without memory, each cell's memory measured by `memoryWorth`, and a verdict
 * worded from the measured gaps. `rnnscope compare` drains it; the explorer's worker steps it.
 */
import type { Mode } from '../nn/options.js';
import { cellOf } from '../nn/cells/index.js';
import { prepare, type PrepareOptions, type Prepared } from '../train/prepare.js';
import { Trainer, trainDefaults, type TrainConfig } from '../train/trainer.js';
import type { TrainEvent } from '../train/events.js';
import { evaluate } from '../train/evaluate.js';
import { compareMemory, memoryWorth, stepsAlone, type MemoryComparison } from './insight.js';
import { num, points } from '../format.js';
import { DEFAULTS } from '../defaults.js';

export interface CompareOptions extends PrepareOptions {
  train?: TrainConfig;
  /** Train the cells side by side, the one furthest behind next (the explorer), or one after another (the CLI). */
  sideBySide?: boolean;
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
  /** Time spent training this model alone. */
  seconds: number;
}

/** The facts a verdict is worded from: the best and worst cell and the gap between them. */
export interface Verdict {
  best: Mode;
  worst: Mode;
  gap: number;
  /** The worst is a plain RNN on the delay task: the vanishing gradient is the likely reason. */
  vanishing: boolean;
  task: string;
  delay: number | null;
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
      cells: { mode: Mode; label: string; parameters: number; batchesTotal: number }[];
      memoryless: { label: string; parameters: number };
    }
  | { type: 'compare_train'; mode: Mode; event: TrainEvent; seconds: number }
  | { type: 'compare_cell'; mode: Mode; valAccuracy: number; testAccuracy: number; reset: number; seconds: number }
  | { type: 'memoryless_train'; event: TrainEvent }
  | { type: 'compare_failed'; mode: Mode; message: string };

/** Under this gap (in accuracy) the cells are called level; from it on, the worst "trails" the best. */
export const LEVEL_GAP = 0.05;

/** "No memory (RNN trained on single steps)": the memoryless model, named after the cell it was made from. */
export function memorylessLabel(mode: Mode): string {
  return `No memory (${cellOf(mode).short} trained on single steps)`;
}

/** The cells compared: a plain RNN (the run's own kind of RNN), LSTM and GRU. */
export function comparedCells(own: Mode): Mode[] {
  return [own === 'rnn_relu' ? 'rnn_relu' : 'rnn_tanh', 'lstm', 'gru'];
}

interface Runner {
  mode: Mode;
  p: Prepared;
  trainer: Trainer | null;
  gen: Generator<TrainEvent, unknown> | null;
  done: number;
  total: number;
  seconds: number;
  valAccuracy: number;
  result: { testAccuracy: number; reset: number } | null;
}

export function* compareCells(o: CompareOptions = {}): Generator<CompareEvent, CompareResult | null> {
  const own = o.model?.mode ?? DEFAULTS.cell;
  const seed = o.seed ?? DEFAULTS.seed;
  const config: TrainConfig = { seed, ...o.train };
  const epochs = config.epochs ?? trainDefaults.epochs;
  const batchSize = config.batchSize ?? trainDefaults.batchSize;
  const runners: Runner[] = comparedCells(own).map((mode) => {
    const p = prepare({ ...o, model: { ...o.model, mode } });
    const total = Math.ceil(p.split.train.length / batchSize) * epochs;
    return { mode, p, trainer: null, gen: null, done: 0, total, seconds: 0, valAccuracy: NaN, result: null };
  });
  const first = runners[0]!.p;
  const ownRunner = runners.find((r) => r.mode === own) ?? runners[0]!;
  const delay = o.task === 'delay' && !o.data ? (o.taskOptions?.delay ?? DEFAULTS.delay) : null;
  yield {
    type: 'compare_start',
    task: first.dataset.name,
    description: first.dataset.description,
    own: ownRunner.mode,
    delay,
    cells: runners.map((r) => ({ mode: r.mode, label: cellOf(r.mode).label, parameters: r.p.model.parameterCount, batchesTotal: r.total })),
    memoryless: { label: memorylessLabel(ownRunner.mode), parameters: ownRunner.p.model.parameterCount },
  };
  for (;;) {
    const open = runners.filter((r) => !r.result);
    // Side by side: the model furthest behind goes next, so the three progress bars move together.
    const r = o.sideBySide ? open.sort((a, b) => a.done / a.total - b.done / b.total)[0] : open[0];
    if (!r) break;
    // Made on its first step, so that one after another only one trainer (and its threads) is alive at a time.
    r.trainer ??= new Trainer(r.p.model, r.p.split.train, r.p.split.val, config);
    r.gen ??= r.trainer.run();
    const t0 = performance.now();
    const it = r.gen.next();
    r.seconds += (performance.now() - t0) / 1000;
    if (it.done) continue;
    const e = it.value;
    if (e.type === 'batch') r.done++;
    if (e.type === 'epoch') r.valAccuracy = e.valAccuracy;
    yield { type: 'compare_train', mode: r.mode, event: e, seconds: r.seconds };
    if (e.type !== 'train_end') continue;
    if (e.reason === 'nonfinite') {
      yield { type: 'compare_failed', mode: r.mode, message: `${cellOf(r.mode).label}: ${e.message}` };
      return null;
    }
    const { test } = r.p.split;
    r.result = {
      testAccuracy: evaluate(r.p.model, test).accuracy,
      reset: evaluate(r.p.model, stepsAlone(test, r.p.model.options.headOn)).accuracy,
    };
    r.done = r.total;
    yield { type: 'compare_cell', mode: r.mode, valAccuracy: r.valAccuracy, ...r.result, seconds: r.seconds };
  }
  // The memoryless model is trained once, the same way as the key insight's, beside the run's own cell.
  const { p } = ownRunner;
  const memory = compareMemory(p.model, p.split.train, p.split.val, p.split.test, config, seed);
  let step = memory.next();
  for (; !step.done; step = memory.next()) yield { type: 'memoryless_train', event: step.value };
  const m = step.value;
  const rows: CompareRow[] = runners.map((x) => {
    const { testAccuracy, reset } = x.result!;
    return {
      mode: x.mode,
      label: cellOf(x.mode).label,
      parameters: x.p.model.parameterCount,
      valAccuracy: x.valAccuracy,
      testAccuracy,
      reset,
      ...memoryWorth({ withMemory: testAccuracy, reset, memoryless: m.memoryless }),
      seconds: x.seconds,
    };
  });
  return {
    task: first.dataset.name,
    own: ownRunner.mode,
    rows,
    memoryless: { mode: ownRunner.mode, accuracy: m.memoryless, parameters: m.parameters },
    chance: m.chance,
    comparison: m,
    verdict: verdictOf(rows, first.dataset.name, delay),
  };
}

export function verdictOf(rows: readonly Pick<CompareRow, 'mode' | 'testAccuracy'>[], task: string, delay: number | null): Verdict {
  const best = rows.reduce((a, b) => (b.testAccuracy > a.testAccuracy ? b : a));
  const worst = rows.reduce((a, b) => (b.testAccuracy < a.testAccuracy ? b : a));
  const gap = best.testAccuracy - worst.testAccuracy;
  return {
    best: best.mode,
    worst: worst.mode,
    gap,
    vanishing: gap >= LEVEL_GAP && worst.mode.startsWith('rnn') && delay !== null,
    task,
    delay,
  };
}

/** The verdict in words, from the measured gap: level cells are called level, a trailing one trails. */
export function verdictSentence(v: Verdict): string {
  const best = cellOf(v.best).label;
  const worst = cellOf(v.worst).label;
  const gap = points(v.gap).replace(/^\+/, '');
  if (v.gap < LEVEL_GAP) {
    return (
      `The three cells are within ${gap} of each other here: on this task the plain RNN's simpler update is enough.` +
      (v.delay === null ? ' Try the delay task with k = 10 and 16 hidden units to see the gates matter.' : '')
    );
  }
  const why = v.vanishing
    ? `: the answer lies ${v.delay} steps back, and across those steps a plain RNN's gradient fades step by step (vanishing gradients), while the gates of an LSTM or GRU let it pass`
    : '';
  return `${worst} trails ${best} by ${gap}${why}.`;
}

/** "Best: LSTM at 0.914." */
export function bestSentence(r: Pick<CompareResult, 'rows' | 'verdict'>): string {
  const best = r.rows.find((x) => x.mode === r.verdict.best)!;
  return `Best: ${best.label} at ${num(best.testAccuracy, 3)}.`;
}
