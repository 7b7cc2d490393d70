/**
 * `rnnscope forecast`: the next values of a series from a forecaster trained with `train --series`, as a
 * table (with a terminal chart of the recent history and the forecast), as CSV, or as --json events.
 */
import { checkOutPath } from '../out-path.js';
import type { Command } from 'commander';
import { Option } from 'commander';
import asciichart from 'asciichart';
import { stringify } from 'csv-stringify/sync';
import { decodeModel } from '../../io/model.js';
import { readModelBytes, writeFileAtomic } from '../../io/model-file.js';
import type { RunMeta } from '../../io/run-meta.js';
import { readSeries } from '../../data/series.js';
import { forecastSeries } from '../../explain/regression-forecast.js';
import { ConfigError } from '../../errors.js';
import { makeOutput } from '../output.js';
import { addJson, int } from '../options.js';
import { readTextFile } from '../../data/read.js';
import { units } from '../render-values.js';

interface ForecastOpts {
  model: string;
  series: string;
  steps?: number;
  format?: 'table' | 'csv';
  out?: string;
  force?: boolean;
  delimiter?: string;
  json?: boolean;
}

export function registerForecast(program: Command): void {
  const cmd = program
    .command('forecast')
    .description('forecast the next values of a series with a model from train --series')
    .requiredOption('--model <file>', 'a forecaster from rnnscope train --series')
    .requiredOption(
      '--series <file>',
      'the series (.csv or .json), with the columns the model was trained on; it forecasts after its last row',
    )
    .option('--steps <n>', "values to forecast (default: the model's horizon; beyond it, recursively)", int(0, 100_000))
    .addOption(new Option('--format <fmt>', 'table (with a chart) or csv (default table; csv with --out)').choices(['table', 'csv']))
    .option('--out <file>', 'write the forecast here as CSV')
    .option('--force', 'overwrite --out if it exists')
    .option('--delimiter <char>', 'CSV field separator of the series (default ,)');
  addJson(cmd);
  cmd.addHelpText(
    'after',
    `
Examples:
  rnnscope forecast --model co2.safetensors --series co2.csv              the trained horizon, with a chart
  rnnscope forecast --model co2.safetensors --series co2.csv --steps 24 --format csv`,
  );
  cmd.action(async (o: ForecastOpts) => {
    const out = makeOutput(!!o.json);
    if (o.out) checkOutPath(o.out, { force: !!o.force });
    const { model, meta: m } = decodeModel(await readModelBytes(o.model), o.model);
    const meta = m as RunMeta;
    const f = meta.regression?.forecast;
    if (!meta.regression || !f || !meta.normalization)
      throw new ConfigError(
        `${o.model} is not a forecaster (it was not trained with rnnscope train --series); use rnnscope predict with it`,
      );
    const series = readSeries(await readTextFile(o.series), o.series, {
      columns: f.columns,
      target: f.target,
      timeCol: f.timeCol ?? undefined,
      delimiter: o.delimiter,
    });
    const steps = o.steps ?? f.horizon;
    const rows = forecastSeries(model, meta.normalization, { ...meta.regression, forecast: f }, series, steps, o.series);
    const recursive = rows.some((r) => r.method === 'recursive');
    const how =
      `${f.horizon} step${f.horizon === 1 ? '' : 's'} direct (the trained horizon)` +
      (recursive ? `, then ${rows.length - f.horizon} recursive (the model's own forecasts fed back as history)` : '');
    const csv = stringify(
      rows.map((r) => ({ step: r.step, [f.timeCol ?? 'time']: r.time, [f.target]: Number(r.value.toPrecision(8)), method: r.method })),
      { header: true },
    );
    if (o.out) await writeFileAtomic(o.out, new TextEncoder().encode(csv), { force: o.force });
    if (out.json) {
      out.event({ type: 'forecast', target: f.target, horizon: f.horizon, steps, rows, out: o.out ?? null });
      return;
    }
    if ((o.format ?? (o.out ? 'csv' : 'table')) === 'csv') {
      if (!o.out) process.stdout.write(csv);
      process.stderr.write(`${rows.length} values of ${f.target} after ${o.series}: ${how}${o.out ? `; written to ${o.out}` : ''}.\n`);
      return;
    }
    const N = series.values[0]!.length;
    const y = series.values[f.columns.indexOf(f.target)]!;
    out.print(`Forecast of ${f.target} after the ${N} steps of ${o.series} (last: ${series.labels?.[N - 1] ?? `t=${N - 1}`}): ${how}.`);
    for (const r of rows) out.print(`  ${String(r.step).padStart(3)}  ${r.time.padEnd(12)} ${units(r.value).padStart(10)}  ${r.method}`);
    // The chart's label takes 12 columns: the history gets what the width leaves beside the forecast.
    const room = Math.max(8, out.width - 13 - rows.length);
    const recent = Array.from(y.subarray(Math.max(0, N - Math.min(Math.max(3 * f.window, 48), room))));
    const all = [...recent, ...rows.map((r) => r.value)];
    out.print();
    out.print(`The last ${recent.length} values and the forecast (${out.color.yellow('yellow')}):`);
    out.print(
      asciichart.plot([all, recent], {
        height: 10,
        colors: out.color.isColorSupported ? [asciichart.yellow, asciichart.default] : undefined,
        format: (x: number) => units(x).padStart(9),
      }),
    );
    if (o.out) out.print(`Written to ${o.out}.`);
  });
}
