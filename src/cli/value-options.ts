/** The options of a model of real-valued targets (train --series, train --regression), and their refusal elsewhere. */
import { Option, type Command } from 'commander';
import { ConfigError } from '../errors.js';
import { REGRESSION_LOSSES } from '../loss/regression.js';
import { float, int } from './options.js';

export function addValueOptions(cmd: Command): Command {
  return cmd
    .option('--regression', 'the label is a real number (a value to predict), not a class; --label-col a,b for several')
    .option('--series <file>', 'forecast a series: a .csv or .json table with one row per time step')
    .option('--window <w>', '--series: past steps the model reads', int(0, 100_000))
    .option('--horizon <h>', '--series: future values of the target it predicts (default 1)', int(0, 10_000))
    .option('--columns <names>', '--series: input columns, comma-separated (default: every numeric column)')
    .option('--time-col <name>', '--series: the time column (default: date, time, timestamp, year or month, if any)')
    .option('--season <s>', '--series: steps in a season, for the seasonal naive baseline (12 for monthly data)', int(1, 100_000))
    .option('--absolute', "--series: windows in the series' own levels (default: relative to each window's last step)")
    .addOption(
      new Option('--loss <name>', "regression loss, PyTorch's MSELoss, L1Loss, HuberLoss, SmoothL1Loss (default mse)").choices([
        ...REGRESSION_LOSSES,
      ]),
    )
    .option('--delta <d>', 'huber: where the loss turns linear (default 1)', float(0, Infinity, { minOpen: true }))
    .option('--beta <b>', 'smooth_l1: where the loss turns linear (default 1)', float(0, Infinity));
}

/** A value option without --series or --regression makes no difference: say so rather than ignore it. */
export function refuseValueOptions(o: object): void {
  const v = o as Record<string, unknown>;
  for (const k of ['window', 'horizon', 'columns', 'timeCol', 'season', 'absolute', 'loss', 'delta', 'beta'])
    if (v[k] !== undefined)
      throw new ConfigError(
        `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} is for a model of values: add --series FILE or --regression`,
      );
}
