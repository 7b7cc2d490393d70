/**
 * The benchmark configurations: what every peer runs, with the same sizes and the same data.
 * Dimension letters as in src/nn: T steps, B batch, I input features, H hidden units, C classes.
 *
 * To add a configuration, append to CONFIGS. A new task means a new case in each peer's setup()
 * (bench/peers/*.ts and bench/torch_peer.py) and in `unitOf` below.
 */
import type { Mode } from '../src/nn/options.js';

/**
 * - "train": forward, a Linear head on every step, cross-entropy over all T x B steps, backward,
 *   Adam. One step is one batch of B sequences.
 * - "infer": the forward pass (recurrent layer + head) of one batch, no gradients. The configs
 *   here use B = 1: the latency of one sequence.
 * - "stream": one new time step (batch 1) from a state the caller keeps, and the head on it; the
 *   next call starts from the state this one returned. Step i feeds x[i mod T] of sequence 0.
 */
export type Task = 'train' | 'infer' | 'stream';

export interface BenchConfig {
  /** Short name used on the command line (`--config lesson,lstm`) and in the table. */
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
  /** Adam learning rate (betas, eps as PyTorch's defaults). Unused by "infer" and "stream". */
  lr: number;
  /**
   * Token input: x holds ids in [0, V), read one-hot (I = V), as a character model reads its text by
   * default; the targets are ids too (C = V, the next character). Absent: x holds I features.
   */
  V?: number;
  /** A goal for rnnscope in items (sequences or steps) per second, from an issue; the report says how far off it is. */
  mark?: number;
}

export const CONFIGS: readonly BenchConfig[] = [
  {
    name: 'lesson',
    title: 'train RNN tanh T10 I5 H8 C3, batch 32, Adam',
    task: 'train',
    mode: 'rnn_tanh',
    T: 10,
    B: 32,
    I: 5,
    H: 8,
    C: 3,
    lr: 1e-3,
    mark: 500_000,
  },
  {
    name: 'lesson1',
    title: 'train RNN tanh T10 I5 H8 C3, batch 1, Adam',
    task: 'train',
    mode: 'rnn_tanh',
    T: 10,
    B: 1,
    I: 5,
    H: 8,
    C: 3,
    lr: 1e-3,
  },
  {
    name: 'lstm',
    title: 'train LSTM T50 I32 H128 C10, batch 64, Adam',
    task: 'train',
    mode: 'lstm',
    T: 50,
    B: 64,
    I: 32,
    H: 128,
    C: 10,
    lr: 1e-3,
  },
  {
    name: 'gru',
    title: 'train GRU T50 I32 H128 C10, batch 64, Adam',
    task: 'train',
    mode: 'gru',
    T: 50,
    B: 64,
    I: 32,
    H: 128,
    C: 10,
    lr: 1e-3,
  },
  {
    name: 'rnn256',
    title: 'train RNN tanh T100 I64 H256 C10, batch 64, Adam',
    task: 'train',
    mode: 'rnn_tanh',
    T: 100,
    B: 64,
    I: 64,
    H: 256,
    C: 10,
    lr: 1e-3,
  },
  // Issue #11: a character model as `rnnscope train --text` makes one (one-hot characters, the next one at every step).
  {
    name: 'char',
    title: 'train a character model: vocabulary 64 one-hot, LSTM H256, T100, batch 32, Adam',
    task: 'train',
    mode: 'lstm',
    T: 100,
    B: 32,
    I: 64,
    H: 256,
    C: 64,
    lr: 1e-3,
    V: 64,
  },
  // Issue #5: 2 us per sequence or less, well under 1 us per streaming step.
  {
    name: 'infer',
    title: 'inference: one lesson-sized sequence (RNN tanh T10 I5 H8 C3, batch 1), forward only',
    task: 'infer',
    mode: 'rnn_tanh',
    T: 10,
    B: 1,
    I: 5,
    H: 8,
    C: 3,
    lr: 1e-3,
    mark: 500_000,
  },
  // Issue #15: inference against ONNX Runtime, one sequence (latency) and 256 (throughput).
  {
    name: 'infer256',
    title: 'inference: 256 lesson-sized sequences (RNN tanh T10 I5 H8 C3, batch 256), forward only',
    task: 'infer',
    mode: 'rnn_tanh',
    T: 10,
    B: 256,
    I: 5,
    H: 8,
    C: 3,
    lr: 1e-3,
  },
  {
    name: 'lstm-infer',
    title: 'inference: one LSTM sequence (T50 I32 H128 C10, batch 1), forward only',
    task: 'infer',
    mode: 'lstm',
    T: 50,
    B: 1,
    I: 32,
    H: 128,
    C: 10,
    lr: 1e-3,
  },
  {
    name: 'lstm-infer256',
    title: 'inference: 256 LSTM sequences (T50 I32 H128 C10, batch 256), forward only',
    task: 'infer',
    mode: 'lstm',
    T: 50,
    B: 256,
    I: 32,
    H: 128,
    C: 10,
    lr: 1e-3,
  },
  {
    name: 'stream',
    title: 'streaming: one time step of the lesson model (I5 H8 C3, batch 1) from a kept state',
    task: 'stream',
    mode: 'rnn_tanh',
    T: 10,
    B: 1,
    I: 5,
    H: 8,
    C: 3,
    lr: 1e-3,
    mark: 1_000_000,
  },
];

/** Items each step processes: sequences for "train" and "infer", time steps for "stream". */
export function sequencesPerStep(c: BenchConfig): number {
  return c.task === 'stream' ? 1 : c.B;
}

/** What the per-second rate counts. */
export function unitOf(c: BenchConfig): 'seq' | 'step' {
  return c.task === 'stream' ? 'step' : 'seq';
}

export function findConfigs(names: readonly string[]): BenchConfig[] {
  return names.map((n) => {
    const c = CONFIGS.find((k) => k.name === n);
    if (!c) throw new Error(`unknown config "${n}"; known: ${CONFIGS.map((k) => k.name).join(', ')}`);
    return c;
  });
}
