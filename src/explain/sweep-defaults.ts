/**
 * The memory sweep's defaults, said once: sizes that show the effect in well under a minute of
 * computing on two cores. Pure (no engine), so the explorer's page can show them without loading it.
 */
import type { Mode } from '../nn/options.js';

/** The sweep's defaults: sizes that show the effect in about a minute on two cores. */
export const SWEEP_DEFAULTS = {
  delays: [1, 5, 10, 15, 20, 30],
  seeds: 3,
  hidden: 16,
  count: 1000,
  epochs: 10,
  batchSize: 32,
  lr: 0.02,
  cells: ['rnn_tanh', 'lstm', 'gru'] as Mode[],
};
