/** `rnnscope predict` for a model of real-valued targets: values in the target's units, not classes. Called by predict.ts. */
import { stringify } from 'csv-stringify/sync';
import type { SequenceModel } from '../../nn/model.js';
import type { RunMeta } from '../../io/run-meta.js';
import { writeFileAtomic } from '../../io/model-file.js';
import { applyNormalization } from '../../data/dataset.js';
import { regressionMetrics } from '../../data/regression.js';
import { predictValues } from '../../train/regress.js';
import { columnOptions, readTextFile } from '../../data/read.js';
import { ConfigError } from '../../errors.js';
import type { Output } from '../output.js';

export interface PredictValueOpts {
  model?: string;
  data?: string;
  out?: string;
  format?: 'csv' | 'json';
  force?: boolean;
  idCol?: string;
  stepCol?: string;
  labelCol?: string;
  features?: string;
  delimiter?: string;
}

export async function predictValuesCommand(model: SequenceModel, meta: RunMeta, o: PredictValueOpts, out: Output): Promise<void> {
  const reg = meta.regression!;
  if (reg.forecast)
    throw new ConfigError(`${o.model} is a forecaster; give it a series with rnnscope forecast --model ${o.model} --series FILE`);
  if (!o.data)
    throw new ConfigError(
      `${o.model} was trained on a data file${meta.dataFile ? ` (${meta.dataFile})` : ''}; give the sequences with --data`,
    );
  const { readDataText } = await import('../../data/read.js');
  const labels = o.labelCol?.split(',').map((s) => s.trim()) ?? (reg.outputs.length === 1 ? [] : reg.outputs);
  const ds = readDataText(await readTextFile(o.data), o.data, {
    ...columnOptions({ ...o, labelCol: labels[0] ?? (reg.outputs[0] === 'value' ? undefined : reg.outputs[0]) }),
    target: model.options.headOn,
    featureCount: model.options.inputSize,
    requireLabels: false,
    regression: true,
  });
  const K = reg.outputs.length;
  const seqs = applyNormalization(ds.sequences, meta.normalization!).map((s) => {
    const rows = model.options.headOn === 'steps' ? s.length : 1;
    const v = new Float32Array(rows * K).fill(NaN);
    // a label read with the model's first output: standardised, as the model's outputs are
    if (K === 1) s.v?.forEach((x, r) => (v[r] = (x - reg.targetNorm.mean[0]!) / reg.targetNorm.std[0]!));
    return { ...s, v };
  });
  const p = predictValues(model, seqs, reg.targetNorm);
  const steps = model.options.headOn === 'steps';
  const records: Record<string, string | number>[] = [];
  seqs.forEach((s, i) => {
    const rows = steps ? s.length : 1;
    for (let r = 0; r < rows; r++) {
      const rec: Record<string, string | number> = { id: s.id, ...(steps ? { step: r + 1 } : {}) };
      reg.outputs.forEach((name, k) => (rec[`predicted_${name}`] = Number(p.pred[i]![r * K + k]!.toPrecision(8))));
      if (K === 1 && !Number.isNaN(p.truth[i]![r]!)) rec[`label_${reg.outputs[0]}`] = Number(p.truth[i]![r]!.toPrecision(8));
      records.push(rec);
    }
  });
  const m = regressionMetrics(
    p.pred.flatMap((a) => Array.from(a)),
    p.truth.flatMap((a) => Array.from(a)),
  );
  const format = o.format ?? (o.out?.toLowerCase().endsWith('.json') ? 'json' : 'csv');
  const text =
    format === 'json'
      ? JSON.stringify({ outputs: reg.outputs, predictions: records }, null, 1) + '\n'
      : stringify(records, { header: true });
  if (o.out) await writeFileAtomic(o.out, new TextEncoder().encode(text), { force: o.force });
  const summary = {
    type: 'predictions',
    sequences: seqs.length,
    rows: records.length,
    labelled: m.count,
    rmse: m.count ? m.rmse : null,
    mae: m.count ? m.mae : null,
    out: o.out ?? null,
  };
  if (out.json) {
    if (!o.out) for (const r of records) out.event({ type: 'prediction', ...r });
    out.event(summary);
    return;
  }
  if (!o.out) process.stdout.write(text);
  process.stderr.write(
    `${records.length} predicted values for ${seqs.length} sequences of ${o.data}${m.count ? `; RMSE ${m.rmse.toPrecision(4)}, MAE ${m.mae.toPrecision(4)} on ${m.count} labelled values` : ''}${o.out ? `; written to ${o.out}` : ''}.\n`,
  );
}
