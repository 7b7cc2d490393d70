/**
 * `rnnscope train --series FILE` (forecasting) and `rnnscope train --data FILE --regression`: a model of
 * real-valued targets, trained and written with its target normalisation, then measured on the test
 * split beside the baselines. Called by train.ts; nothing is written until the data and options are known good.
 */
import { checkOutPath } from '../out-path.js';
import { basename } from 'node:path';
import { encodeModel } from '../../io/model.js';
import { writeFileAtomic } from '../../io/model-file.js';
import type { RunMeta } from '../../io/run-meta.js';
import { readSeries } from '../../data/series.js';
import { VALUE_TASKS } from '../../data/value-tasks.js';
import { prepareSeries, prepareTable, runValues, regressionMeta, valueDataEvent, type ValueRun } from '../../explain/regression-job.js';
import type { ValueEpochRecord, ValueTrainConfig } from '../../train/regress.js';
import { historyForFile } from '../../io/history.js';
import type { RegressionLossName } from '../../loss/regression.js';
import { ConfigError } from '../../errors.js';
import { makeOutput } from '../output.js';
import { ValueRenderer } from '../render-values.js';
import { runValueJob } from '../../explain/value-job.js';
import { modelChoice, trainConfig, type CommonOpts } from '../options.js';
import { columnOptions, readTextFile } from '../../data/read.js';

export interface ValueOpts extends CommonOpts {
  out?: string;
  force?: boolean;
  resume?: string;
  series?: string;
  window?: number;
  horizon?: number;
  columns?: string;
  timeCol?: string;
  season?: number;
  absolute?: boolean;
  regression?: boolean;
  loss?: RegressionLossName;
  delta?: number;
  beta?: number;
}

const names = (s: string | undefined) => s?.split(',').map((c) => c.trim());

/** The run a regression train command describes (data read and checked, nothing written). */
export async function valueRun(o: ValueOpts): Promise<{ run: ValueRun; source: string }> {
  const choice = modelChoice(o);
  const seed = o.seed ?? 0;
  const task = o.task ? VALUE_TASKS[o.task] : undefined;
  if (task) {
    if (o.data || o.series) throw new ConfigError(`give either --task or --data / --series, not both`);
    const series = task.generate(seed, { length: o.length });
    const w = { window: o.window ?? task.window, horizon: o.horizon ?? task.horizon, season: o.season ?? task.season };
    return {
      run: { ...prepareSeries(series, { ...w, relative: !o.absolute, model: choice, seed }), description: task.description },
      source: task.name,
    };
  }
  if (o.series) {
    if (o.data || o.task) throw new ConfigError('give either --series (a series to forecast) or --data / --task, not both');
    for (const k of ['idCol', 'stepCol', 'labelCol', 'features', 'count', 'length', 'delay'] as const)
      if (o[k] !== undefined)
        throw new ConfigError(
          `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} is not for --series; a series has --columns, --target and --time-col`,
        );
    if (o.window === undefined) throw new ConfigError('--series needs --window W: how many past steps the model reads');
    const series = readSeries(await readTextFile(o.series), o.series, {
      columns: names(o.columns),
      target: o.target,
      timeCol: o.timeCol,
      delimiter: o.delimiter,
    });
    return {
      run: prepareSeries(series, {
        window: o.window,
        horizon: o.horizon ?? 1,
        season: o.season ?? null,
        relative: !o.absolute,
        model: choice,
        seed,
      }),
      source: o.series,
    };
  }
  for (const k of ['window', 'horizon', 'columns', 'timeCol', 'season', 'absolute'] as const)
    if (o[k] !== undefined)
      throw new ConfigError(`--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} is for --series (forecasting a series)`);
  if (!o.data) throw new ConfigError('--regression needs --data FILE: sequences with a numeric label column');
  if (o.target !== undefined && o.target !== 'steps' && o.target !== 'last')
    throw new ConfigError(`--target must be steps or last for --data (a column name is for --series), got ${o.target}`);
  const labels = names(o.labelCol) ?? [];
  const { readDataText } = await import('../../data/read.js');
  const text = await readTextFile(o.data);
  const cols = columnOptions({ ...o, labelCol: labels[0] });
  if (labels.length > 1) {
    // Several label columns: each is read as the label in turn, with the others left out of the features.
    const Papa = (await import('papaparse')).default;
    const header = (Papa.parse<string[]>(text.replace(/^\ufeff/, ''), { preview: 1 }).data[0] ?? []).map((h) => h.trim());
    const feats =
      cols.features ??
      header.filter(
        (h) =>
          !labels.includes(h) &&
          ![o.idCol ?? 'id', o.stepCol ?? 'step'].includes(h.toLowerCase()) &&
          !['id', 'step', 't', 'time', 'sequence', 'seq'].includes(h.toLowerCase()),
      );
    const parts = labels.map((l) =>
      readDataText(text, o.data!, {
        ...cols,
        label: l,
        features: feats,
        target: o.target as 'steps' | 'last' | undefined,
        regression: true,
      }),
    );
    const ds = parts[0]!;
    const K = labels.length;
    ds.sequences = ds.sequences.map((s, i) => {
      const rows = s.v!.length;
      const v = new Float32Array(rows * K);
      parts.forEach((p, k) => p.sequences[i]!.v!.forEach((x, r) => (v[r * K + k] = x)));
      return { ...s, v };
    });
    return { run: prepareTable(ds, { model: choice, seed, outputs: labels }), source: o.data };
  }
  const ds = readDataText(text, o.data, { ...cols, target: o.target as 'steps' | 'last' | undefined, regression: true });
  return { run: prepareTable(ds, { model: choice, seed, outputs: [labels[0] ?? 'value'] }), source: o.data };
}

export async function trainValues(o: ValueOpts): Promise<void> {
  const out = makeOutput(!!o.json);
  const path = o.out ?? 'model.safetensors';
  if (o.resume) throw new ConfigError('--resume is not available for regression models yet; train again with more --epochs');
  checkOutPath(path, { force: !!o.force });
  if (o.loss !== 'huber' && o.delta !== undefined) throw new ConfigError('--delta is for --loss huber');
  if (o.loss !== 'smooth_l1' && o.beta !== undefined) throw new ConfigError('--beta is for --loss smooth_l1');
  const { run, source } = await valueRun(o);
  const { makeStep: _m, threads: _t, ...base } = trainConfig(o);
  const config: ValueTrainConfig = { ...base, loss: { type: o.loss ?? 'mse', delta: o.delta, beta: o.beta } };
  const r = new ValueRenderer(out);
  r.handle(valueDataEvent(run));
  r.handle({ type: 'model', options: run.model.options, parameters: run.model.parameterCount });
  let failed = '';
  let test;
  const history: ValueEpochRecord[] = [];
  for (const e of runValues(run, config)) {
    r.handle(e);
    if (e.type === 'value_epoch') {
      const { type: _t, epochs: _e, meanRmse: _m, observation: _o, ...record } = e;
      history.push(record);
    }
    if (e.type === 'train_end' && e.reason === 'nonfinite') failed = e.message;
    if (e.type === 'value_test') test = e;
  }
  if (failed) {
    process.stderr.write(`rnnscope: ${failed}; nothing was written.\n`);
    process.exitCode = 1;
    return;
  }
  const meta: RunMeta = {
    features: run.features,
    target: run.target,
    normalization: run.normalization,
    task: run.name,
    // A built-in task's series is regenerated from its seed by trace, flow and quiz.
    taskSpec: o.task && o.task in VALUE_TASKS ? { name: o.task, options: o.length ? { length: o.length } : {}, seed: run.seed } : null,
    dataFile: basename(source),
    history: historyForFile(history),
    regression: regressionMeta(run, config, test),
  };
  await writeFileAtomic(path, encodeModel(run.model, meta), { force: o.force });
  out.event({ type: 'saved', path, parameters: run.model.parameterCount, testRmse: test?.model.rmse ?? null });
  out.print(
    `Saved ${path}: ${run.model.parameterCount} parameters. Next: ${run.series ? `rnnscope forecast --model ${path} --series ${source}` : `rnnscope predict --model ${path} --data ${source}`}`,
  );
}

/** The main job on a built-in regression task: data, model, training, prediction trace and the test against the baselines; nothing written. */
export async function tourValues(o: ValueOpts): Promise<void> {
  const out = makeOutput(!!o.json);
  const { run } = await valueRun(o);
  const { makeStep: _m, threads: _t, ...base } = trainConfig(o);
  const config: ValueTrainConfig = { ...base, loss: { type: o.loss ?? 'mse', delta: o.delta, beta: o.beta } };
  const r = new ValueRenderer(out);
  for (const e of runValueJob(run, config)) r.handle(e);
}
