/**
 * The explorer's settings: what the CLI takes as flags (task, cell, sizes, training, seed), with the
 * explorer's defaults (the reference pipeline) and the ranges the page offers. Pure: the store holds
 * them, the URL carries them, the worker turns them into `prepare` and `Trainer` options.
 */
import { CELL_INFO } from '../../src/nn/cells/index.js';
import { DEFAULTS as ENGINE } from '../../src/defaults.js';
import type { Mode, ModelChoice, PipelineOptions, TaskOptions, TrainConfig } from '../../src/internal.js';

export type TaskName = 'trend' | 'count' | 'delay' | 'brackets' | 'oscillation';

export interface Settings {
  /** Built-in task; ignored while `data` names an uploaded file. */
  task: TaskName;
  /** delay task: how many steps back the answer lies. */
  delay: number;
  cell: Mode;
  hidden: number;
  layers: number;
  bidirectional: boolean;
  epochs: number;
  lr: number;
  batchSize: number;
  seed: number;
  /** Name of the uploaded data file, or null for the built-in task. */
  data: string | null;
}

/** The engine's defaults (src/defaults.ts): the explorer starts from the run `rnnscope` makes. */
export const DEFAULTS: Settings = {
  task: ENGINE.task,
  delay: ENGINE.delay,
  cell: ENGINE.cell,
  hidden: ENGINE.hidden,
  layers: ENGINE.layers,
  bidirectional: ENGINE.bidirectional,
  epochs: ENGINE.epochs,
  lr: ENGINE.lr,
  batchSize: ENGINE.batchSize,
  seed: ENGINE.seed,
  data: null,
};

/** Integer ranges the page offers (the CLI allows more; a browser tab is a smaller machine). */
export const LIMITS = {
  delay: [1, 20],
  hidden: [1, 128],
  layers: [1, 4],
  epochs: [1, 50],
  batchSize: [1, 512],
  seed: [0, 2 ** 31 - 1],
} as const satisfies Partial<Record<keyof Settings, readonly [number, number]>>;

export const LR_RANGE = [1e-5, 1] as const;

/** The cells the page offers, labelled as the engine's descriptors label them. */
export const CELLS: { mode: Mode; label: string }[] = Object.values(CELL_INFO).map((c) => ({ mode: c.mode, label: c.label }));

export const TASK_LABELS: Record<TaskName, string> = {
  trend: 'trend: is a noisy signal going down, flat or up?',
  count: 'count: which token has been seen most so far?',
  delay: 'delay: which token came k steps ago?',
  brackets: 'brackets (text): which character comes next in nested brackets?',
  oscillation: 'oscillation (values): forecast the next reading of a noisy wave',
};

/** A plain text file: uploaded, it trains a character language model (`rnnscope train --text FILE`). */
export const isPlainText = (name: string): boolean => /\.txt$/i.test(name);

/** Tasks whose targets are values, not classes: the worker runs the regression job for them. */
export const isValueTask = (s: Settings): boolean => !s.data && s.task === 'oscillation';

/** A canonical string of the settings: equal strings, equal runs. */
export function settingsKey(s: Settings): string {
  const { delay, task, ...rest } = s;
  return JSON.stringify({ ...rest, task, delay: task === 'delay' && !s.data ? delay : null });
}

export function taskOptions(s: Settings): TaskOptions {
  return s.task === 'delay' ? { delay: s.delay } : {};
}

export function modelChoice(s: Settings): ModelChoice {
  return { mode: s.cell, hiddenSize: s.hidden, numLayers: s.layers, bidirectional: s.bidirectional };
}

export function trainConfig(s: Settings): TrainConfig {
  return { epochs: s.epochs, batchSize: s.batchSize, optimizer: { type: ENGINE.optimizer, lr: s.lr }, seed: s.seed };
}

/** What `prepare` takes for these settings (the dataset, when uploaded, is added by the caller). */
export function pipelineOptions(s: Settings): PipelineOptions {
  return { task: s.task, taskOptions: taskOptions(s), model: modelChoice(s), train: trainConfig(s), seed: s.seed };
}

/** Clamps a value into range, or null when it is not a number of the right kind. */
export function intIn(v: unknown, [lo, hi]: readonly [number, number]): number | null {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^-?\d+$/.test(v.trim()) ? Number(v) : NaN;
  return Number.isInteger(n) && n >= lo && n <= hi ? n : null;
}

export function lrIn(v: unknown): number | null {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return Number.isFinite(n) && n >= LR_RANGE[0] && n <= LR_RANGE[1] ? n : null;
}
