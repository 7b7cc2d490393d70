/**
 * Options shared by the commands, with their parsers: a bad value fails at parse time with one
 * sentence naming the option, the value and what is valid (exit code 2).
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import type { Mode } from '../nn/options.js';
import { CELL_WORDS, cellOf, parseCell } from '../nn/cells/index.js';
import { DEFAULTS } from '../defaults.js';
import { OPTIMIZERS, type OptimizerName, type ScheduleSpec } from '../train/optimizer-spec.js';
import type { TrainConfig } from '../train/trainer.js';
import type { ModelChoice } from '../pipeline.js';
import { TASKS } from '../data/tasks.js';
import { VALUE_TASKS } from '../data/value-tasks.js';
import { ConfigError } from '../errors.js';
import { resolveThreads, stepFactory } from '../node/parallel.js';

export function int(min: number, max = Number.MAX_SAFE_INTEGER) {
  return (v: string): number => {
    const n = Number(v);
    if (!/^-?\d+$/.test(v.trim()) || n < min || n > max) {
      throw new InvalidArgumentError(
        `It must be an integer${max === Number.MAX_SAFE_INTEGER ? ` of at least ${min}` : ` from ${min} to ${max}`}.`,
      );
    }
    return n;
  };
}

export function float(min: number, max: number, { minOpen = false } = {}) {
  return (v: string): number => {
    const n = Number(v);
    if (v.trim() === '' || !Number.isFinite(n) || (minOpen ? n <= min : n < min) || n > max) {
      throw new InvalidArgumentError(
        `It must be a number ${minOpen ? 'above' : 'from'} ${min}${max === Infinity ? '' : ` ${minOpen ? 'and at most' : 'to'} ${max}`}.`,
      );
    }
    return n;
  };
}

function cell(v: string): Mode {
  const m = parseCell(v);
  if (!m) throw new InvalidArgumentError(`It must be one of ${CELL_WORDS}.`);
  return m;
}

export function addJson(cmd: Command): Command {
  return cmd.option('--json', 'print events as JSON lines instead of text');
}

export function addTaskOptions(cmd: Command): Command {
  return cmd
    .addOption(
      new Option(
        '--task <name>',
        `built-in task: ${Object.values(TASKS)
          .map((t) => t.name)
          .join(', ')}`,
      ).choices([...Object.keys(TASKS), ...Object.keys(VALUE_TASKS)]),
    )
    .option('--data <file>', 'your own sequences: a .csv (long form, one row per step) or .json file')
    .option('--id-col <name>', 'CSV column holding the sequence id (default: id)')
    .option(
      '--step-col <name>',
      'CSV column holding the step (integers or dates; default: step, t, time or timestep if present; none: no step column)',
    )
    .option('--label-col <name>', 'CSV column holding the label (default: label)')
    .option('--features <names>', 'CSV feature columns, comma-separated (default: every other column)')
    .option('--delimiter <char>', 'CSV field separator (default ,)')
    .addOption(layoutOption())
    .option('--target <kind>', 'labels per step (steps) or one per sequence (last); with --series, the column to forecast')
    .option('--count <n>', 'built-in task: sequences to generate (default 10000)', int(10, 1_000_000))
    .option('--length <t>', 'built-in task: steps per sequence (default 10)', int(2, 10_000))
    .option('--delay <k>', `delay task: how many steps back the answer lies (default ${DEFAULTS.delay})`, int(1, 1000));
}

/** --layout: long (a row per step), wide (a row per sequence, a column per step), or auto. */
export function layoutOption(): Option {
  return new Option(
    '--layout <kind>',
    'CSV layout: long (a row per step), wide (a row per sequence, a column per step); default: long, refusing a file that looks wide',
  ).choices(['auto', 'long', 'wide']);
}

/** How `train` splits and weighs the data, and what it keeps. */
export function addDataControlOptions(cmd: Command): Command {
  return cmd
    .option(
      '--split <how>',
      "random (default), ordered (the file's or time order: the latest sequences are the test) or group:COLUMN (a group on one side only)",
    )
    .option('--val-data <file>', 'validation sequences from their own file (same columns and classes)')
    .option('--test-data <file>', 'test sequences from their own file')
    .option('--split-out <file>', 'write which sequence went where (CSV: id,split), to reuse the split elsewhere')
    .option('--class-weights <w>', 'loss weight per class: balanced (inverse frequency in training) or name=weight,... (others 1)')
    .addOption(
      new Option(
        '--keep <which>',
        'which weights to save: last (default) or best (the best validation loss, without stopping early)',
      ).choices(['last', 'best']),
    )
    .option('--no-normalize', 'use the features as they are (already scaled), without standardising them')
    .option('--init-from <file>', "start from these weights (a .safetensors state_dict with rnnscope's names) and fine-tune them");
}

export function addModelOptions(cmd: Command): Command {
  return cmd
    .option('--cell <cell>', `recurrent cell: rnn (tanh), rnn_relu, lstm, gru (default ${cellOf(DEFAULTS.cell).short.toLowerCase()})`, cell)
    .option('--hidden <n>', `hidden units per layer (default ${DEFAULTS.hidden})`, int(1, 4096))
    .option('--layers <n>', `stacked recurrent layers (default ${DEFAULTS.layers})`, int(1, 16))
    .option('--bidirectional', 'add a second direction that reads the sequence backwards')
    .option('--dropout <p>', `dropout between layers while training (default ${DEFAULTS.dropout})`, float(0, 0.99))
    .option('--proj <n>', 'LSTM: project the hidden state to n < hidden units (default none)', int(1, 4096));
}

export function addTrainOptions(cmd: Command): Command {
  return cmd
    .option('--epochs <n>', `passes over the training split (default ${DEFAULTS.epochs})`, int(1, 100_000))
    .option('--batch-size <n>', `sequences per batch (default ${DEFAULTS.batchSize})`, int(1, 65_536))
    .addOption(new Option('--optimizer <name>', `optimizer (default ${DEFAULTS.optimizer})`).choices([...OPTIMIZERS]))
    .option('--lr <rate>', `learning rate (default ${DEFAULTS.lr}; sgd ${DEFAULTS.sgdLr})`, float(0, 10, { minOpen: true }))
    .option('--momentum <m>', 'sgd, rmsprop: momentum (default 0)', float(0, 0.9999))
    .option('--nesterov', 'sgd: Nesterov momentum')
    .option('--weight-decay <w>', 'L2 penalty (adamw: decoupled; default 0, adamw 0.01)', float(0, 10))
    .addOption(new Option('--schedule <kind>', 'learning-rate schedule per epoch (default none)').choices(['none', 'step', 'cosine']))
    .option('--step-size <n>', `step schedule: epochs between decays (default ${DEFAULTS.stepSize})`, int(1))
    .option('--gamma <g>', `step schedule: decay factor (default ${DEFAULTS.gamma})`, float(0, 1, { minOpen: true }))
    .option('--clip <norm>', 'clip the gradient norm to this (default: no clipping)', float(0, Infinity, { minOpen: true }))
    .option('--patience <n>', 'early stopping: epochs without a better held-out loss (default: off)', int(1))
    .option(
      '--seed <n>',
      `seed of the data, the split, the initial weights and the batch order (default ${DEFAULTS.seed})`,
      int(0, 2 ** 31 - 1),
    )
    .option(
      '--threads <n>',
      'training threads: 1, 2, or auto (default: 2 on two cores or more, for batches large enough to gain)',
      threadCount,
    );
}

export function threadCount(v: string): number | 'auto' {
  if (v.trim().toLowerCase() === 'auto') return 'auto';
  if (v.trim() === '1' || v.trim() === '2') return Number(v);
  throw new InvalidArgumentError('It must be 1, 2 or auto.');
}

export interface CommonOpts {
  json?: boolean;
  task?: string;
  data?: string;
  idCol?: string;
  stepCol?: string;
  labelCol?: string;
  features?: string;
  delimiter?: string;
  /** steps or last; with --series, a column name (checked where it is read). */
  target?: string;
  layout?: 'auto' | 'long' | 'wide';
  split?: string;
  valData?: string;
  testData?: string;
  splitOut?: string;
  classWeights?: string;
  keep?: 'last' | 'best';
  /** commander's --no-normalize: false when given. */
  normalize?: boolean;
  initFrom?: string;
  count?: number;
  length?: number;
  delay?: number;
  cell?: Mode;
  hidden?: number;
  layers?: number;
  bidirectional?: boolean;
  dropout?: number;
  proj?: number;
  epochs?: number;
  batchSize?: number;
  optimizer?: OptimizerName;
  lr?: number;
  momentum?: number;
  nesterov?: boolean;
  weightDecay?: number;
  schedule?: 'none' | 'step' | 'cosine';
  stepSize?: number;
  gamma?: number;
  clip?: number;
  patience?: number;
  seed?: number;
  threads?: number | 'auto';
  /** Text data (src/cli/text-options.ts). */
  textCol?: string;
  text?: string;
  tokens?: 'chars' | 'words';
  embedding?: number;
}

export function modelChoice(o: CommonOpts): ModelChoice {
  if (o.proj !== undefined && o.cell !== 'lstm') throw new ConfigError(`--proj is only for --cell lstm, not ${o.cell ?? 'rnn'}`);
  const hidden = o.hidden ?? DEFAULTS.hidden;
  if (o.proj !== undefined && o.proj >= hidden) throw new ConfigError(`--proj must be smaller than --hidden (${hidden}), got ${o.proj}`);
  if (o.dropout && (o.layers ?? DEFAULTS.layers) < 2)
    throw new ConfigError('--dropout acts between layers, so it needs --layers 2 or more');
  return {
    mode: o.cell ?? DEFAULTS.cell,
    hiddenSize: hidden,
    numLayers: o.layers ?? DEFAULTS.layers,
    bidirectional: o.bidirectional ?? DEFAULTS.bidirectional,
    dropout: o.dropout ?? DEFAULTS.dropout,
    projSize: o.proj ?? 0,
    ...(o.embedding !== undefined ? { embeddingDim: o.embedding } : {}),
  };
}

export function trainConfig(o: CommonOpts): TrainConfig {
  const type = o.optimizer ?? DEFAULTS.optimizer;
  if (o.nesterov && type !== 'sgd') throw new ConfigError('--nesterov is only for --optimizer sgd');
  if (o.nesterov && !o.momentum) throw new ConfigError('--nesterov needs --momentum above 0');
  if (o.momentum !== undefined && type !== 'sgd' && type !== 'rmsprop')
    throw new ConfigError(`--momentum is for sgd and rmsprop, not ${type}`);
  const epochs = o.epochs ?? DEFAULTS.epochs;
  let schedule: ScheduleSpec | null = null;
  if (o.schedule === 'step') schedule = { type: 'step', stepSize: o.stepSize ?? DEFAULTS.stepSize, gamma: o.gamma ?? DEFAULTS.gamma };
  else if (o.schedule === 'cosine') schedule = { type: 'cosine', tMax: epochs };
  else if (o.stepSize !== undefined || o.gamma !== undefined) throw new ConfigError('--step-size and --gamma need --schedule step');
  return {
    epochs,
    batchSize: o.batchSize ?? DEFAULTS.batchSize,
    seed: o.seed ?? DEFAULTS.seed,
    optimizer: { type, lr: o.lr, momentum: o.momentum, nesterov: o.nesterov, weightDecay: o.weightDecay },
    schedule,
    clipNorm: o.clip ?? null,
    earlyStopping: o.patience ? { patience: o.patience } : null,
    threads: resolveThreads(o.threads ?? 'auto'),
    makeStep: stepFactory(o.threads ?? 'auto'),
  };
}
