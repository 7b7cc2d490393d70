/**
 * Forecasting with a trained forecaster: the next `steps` values of the target after the end of a
 * series, from its last W steps. Up to the trained horizon H the model says them at once (direct);
 * beyond it, its own forecasts are appended to the series and it forecasts again (recursive), which
 * needs the target to be its only input column (other columns' futures are unknown).
 */
import type { SequenceModel } from '../nn/model.js';
import type { Normalization } from '../data/dataset.js';
import { denormalize } from '../data/regression.js';
import { timeAfter, type Series } from '../data/series.js';
import type { ForecastMeta, RegressionMeta } from '../io/regression-meta.js';
import { DataError } from '../errors.js';

export interface ForecastRow {
  /** 1-based steps after the series' end. */
  step: number;
  /** The time label of that step ("t+k" without a time column). */
  time: string;
  value: number;
  method: 'direct' | 'recursive';
}

/** Checks that `series` fits the forecaster (its columns came from the model's own list) and is long enough. */
function check(series: Series, f: ForecastMeta, source: string): void {
  const N = series.values[0]!.length;
  if (N < f.window)
    throw new DataError(
      `${source} has ${N} steps, fewer than the model's window of ${f.window}; give at least ${f.window} steps of history`,
    );
}

/** The forecast of the next `steps` values of the target after the end of `series`. */
export function forecastSeries(
  model: SequenceModel,
  norm: Normalization,
  meta: RegressionMeta & { forecast: ForecastMeta },
  series: Series,
  steps: number,
  source: string,
): ForecastRow[] {
  const f = meta.forecast;
  check(series, f, source);
  if (!Number.isInteger(steps) || steps < 1) throw new DataError(`the number of steps to forecast must be at least 1, got ${steps}`);
  if (steps > f.horizon && f.columns.length > 1)
    throw new DataError(
      `the model forecasts ${f.horizon} step${f.horizon === 1 ? '' : 's'} at once, and going further (recursively) needs the future of every input column, but it reads ${f.columns.join(', ')}; ask for at most ${f.horizon} steps, or train on ${f.target} alone (--columns ${f.target})`,
    );
  const I = f.columns.length;
  const W = f.window;
  const cols = series.values.map((v) => Array.from(v));
  const ti = f.columns.indexOf(f.target);
  const rows: ForecastRow[] = [];
  while (rows.length < steps) {
    const N = cols[0]!.length;
    const x = new Float32Array(W * I); // (T = W, B = 1, I)
    for (let t = 0; t < W; t++)
      for (let i = 0; i < I; i++) {
        const raw = cols[i]![N - W + t]! - (f.relative ? cols[i]![N - 1]! : 0);
        x[t * I + i] = (raw - norm.mean[i]!) / norm.std[i]!;
      }
    const out = model.forward({ data: x, shape: [W, 1, I] }).logits.data;
    const offset = f.relative ? cols[ti]![N - 1]! : 0;
    const method = rows.length === 0 ? 'direct' : 'recursive';
    for (let h = 0; h < f.horizon && rows.length < steps; h++) {
      const value = denormalize(out[h]!, h, meta.targetNorm) + offset;
      rows.push({ step: rows.length + 1, time: timeAfter(series, rows.length + 1), value, method });
    }
    if (rows.length < steps) for (const r of rows.slice(-f.horizon)) cols[ti]!.push(r.value);
  }
  return rows;
}
