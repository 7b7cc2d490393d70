/**
 * Every default of a run, said once: the lesson's reference pipeline. The engine falls back to these, the
 * CLI's help quotes them and the explorer starts from them. Pure, so a page may load it at once.
 */
import type { Mode } from './nn/options.js';
import type { OptimizerName } from './train/optimizer-spec.js';

export const DEFAULTS = {
  task: 'trend',
  /** delay task: how many steps back the answer lies. */
  delay: 3,
  cell: 'rnn_tanh' as Mode,
  hidden: 8,
  layers: 1,
  bidirectional: false,
  dropout: 0,
  epochs: 5,
  batchSize: 32,
  optimizer: 'adam' as OptimizerName,
  /** Learning rate of adam, adamw and rmsprop. */
  lr: 0.005,
  /** sgd's, which needs a larger step. */
  sgdLr: 0.1,
  stepSize: 1,
  gamma: 0.5,
  seed: 0,
} as const;
