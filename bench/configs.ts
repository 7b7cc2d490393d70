/**
 * The benchmark configurations: what every peer runs, with the same sizes and the same data.
 * Dimension letters as in src/nn: T steps, B batch, I input features, H hidden units, C classes.
 *
 * To add a configuration, append to CONFIGS. Issue #5 adds: the seed at batch 1, RNN tanh
 * T100 I64 H256, and the tasks "infer" (forward only, one sequence) and "stream" (one step
 * carrying h) — a new task means a new case in each peer's setup().
 */
import type { Mode } from '../src/nn/options.js';

/** "train": forward, cross-entropy on every step, backward, Adam, per step. */
export type Task = 'train';

export interface BenchConfig {
  /** Short name used on the command line (`--config seed,lstm`) and in the table. */
  name: string;
  /** One line for the report. */
  title: string;
  task: Task;
  mode: Mode;
  T: number;
  B: number;
  I: number;
  H: number;
  C: number;
  /** Adam learning rate (betas, eps as PyTorch's defaults). */
  lr: number;
  /** A goal for rnnscope in sequences per second, from an issue; the report says how far off it is. */
  mark?: number;
}

export const CONFIGS: readonly BenchConfig[] = [
  { name: 'seed', title: 'RNN tanh T10 I5 H8 C3, batch 32, Adam', task: 'train', mode: 'rnn_tanh', T: 10, B: 32, I: 5, H: 8, C: 3, lr: 1e-3, mark: 200_000 },
  { name: 'lstm', title: 'LSTM T50 I32 H128 C10, batch 64, Adam', task: 'train', mode: 'lstm', T: 50, B: 64, I: 32, H: 128, C: 10, lr: 1e-3 },
  { name: 'gru', title: 'GRU T50 I32 H128 C10, batch 64, Adam', task: 'train', mode: 'gru', T: 50, B: 64, I: 32, H: 128, C: 10, lr: 1e-3 },
];

/** Sequences each step processes: what "sequences per second" counts. */
export function sequencesPerStep(c: BenchConfig): number {
  return c.B;
}

export function findConfigs(names: readonly string[]): BenchConfig[] {
  return names.map((n) => {
    const c = CONFIGS.find((k) => k.name === n);
    if (!c) throw new Error(`unknown config "${n}"; known: ${CONFIGS.map((k) => k.name).join(', ')}`);
    return c;
  });
}
