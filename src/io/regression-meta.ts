/**
 * What a regression model's file keeps beside RunMeta's usual fields, in one optional block
 * (`regression`): what its K outputs are, the target's normalisation (so predictions come back in the
 * target's units), the loss it was trained with, and for a forecaster the windowing it was trained on.
 */
import type { RegressionLossSpec } from '../loss/regression.js';
import type { TargetNormalization } from '../data/regression.js';

export interface ForecastMeta {
  /** Input columns, in input order (the target among them). */
  columns: string[];
  target: string;
  window: number;
  horizon: number;
  timeCol: string | null;
  season: number | null;
  /** Windows relative to their last step (inputs minus it, targets as changes from the target's last value). */
  relative: boolean;
}

export interface RegressionMeta {
  /** Names of the K outputs: the label columns, or "<target> t+1" ... "<target> t+H" for a forecaster. */
  outputs: string[];
  /** The training split's mean and standard deviation of each output; the model's outputs are standardised. */
  targetNorm: TargetNormalization;
  loss: RegressionLossSpec;
  forecast?: ForecastMeta;
  /** Test-split errors in the target's units, of the model and of each baseline, by name. */
  test?: Record<string, { rmse: number; mae: number; r2: number }>;
}
