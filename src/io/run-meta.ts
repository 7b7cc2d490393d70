/**
 * What a model file keeps about its run beside the weights (in `__metadata__["rnnscope"]`), so that
 * the run can be resumed, inspected and explained again: run-file.ts builds it for the CLI's `train` and
 * the explorer's download alike; `inspect`, `predict`, `trace` and `--resume` read it.
 */
import type { ModelMeta } from './model.js';
import type { TrainConfig } from '../train/trainer.js';
import type { OptimizerState } from '../optim/optimizer.js';
import type { ScheduleState } from '../optim/schedule.js';
import type { RegressionMeta } from './regression-meta.js';
import type { TextSpec } from '../data/dataset.js';

export interface RunMeta extends ModelMeta {
  target?: 'steps' | 'last';
  taskSpec?: { name: string; options: Record<string, unknown>; seed: number } | null;
  dataFile?: string | null;
  train?: TrainConfig;
  checkpoint?: { epoch: number; optimizer: OptimizerState; schedule: ScheduleState | null };
  /** Present for a model of real-valued targets (regression, forecasting); see regression-meta.ts. */
  regression?: RegressionMeta;
  /** Present for a model of text: its tokenizer, vocabulary (tokens by id), what it predicts, its text column. */
  text?: TextSpec;
}
