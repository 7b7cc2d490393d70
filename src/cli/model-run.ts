/**
 * A saved model and the sequences to show it on: the user's --data file (read against the model's
 * classes and feature count, normalised with the model's statistics), or else the test split of the
 * built-in task it was trained on, regenerated from the seed kept in the file.
 */
import { decodeModel } from '../io/model.js';
import { readModelBytes } from '../io/model-file.js';
import { applyNormalization, type Sequence } from '../data/dataset.js';
import { prepare } from '../pipeline.js';
import type { SequenceModel } from '../nn/model.js';
import { ConfigError } from '../errors.js';
import type { RunMeta } from '../io/run-meta.js';
import { loadData, refuse } from './data.js';
import { columnOptions } from '../data/read.js';
import type { CommonOpts } from './options.js';
import { interestingIndex } from '../explain/predict.js';
import { checkRunFits } from './fits.js';

export interface ModelRun {
  model: SequenceModel;
  meta: RunMeta;
  classes: string[];
  /** Normalised sequences to run the model on. */
  sequences: Sequence[];
  /** Where they come from, for messages: "the test split of trend" or the file name. */
  source: string;
  /** Columns of the --data file the model does not use (said once by the command). */
  unused?: string[];
}

export async function loadModelRun(path: string, o: CommonOpts & { strings?: string[] }, requireLabels = true): Promise<ModelRun> {
  const { model, meta: m } = decodeModel(await readModelBytes(path), path);
  const meta = m as RunMeta;
  if (meta.regression)
    throw new ConfigError(
      `${path} predicts values (a regression model); this view explains classifiers for now: use rnnscope predict${meta.regression.forecast ? ' or rnnscope forecast' : ''} with it`,
    );
  if (meta.text) return (await import('./text-run.js')).loadTextRun(path, model, meta, o, requireLabels);
  const classes = meta.classes ?? Array.from({ length: model.options.numClasses }, (_, i) => String(i));
  refuse(
    o,
    ['count', 'length', 'delay', 'target'],
    `does not apply to a trained model: ${path} says what it was trained on (give other sequences with --data)`,
  );
  if (o.data) {
    const { readDataFile } = await import('../data/read.js');
    // Features by name, as the model learnt them: a file with its columns in another order, or with
    // more columns, gives the same predictions (a wide file's columns are steps, not features).
    const byName = !o.features && o.layout !== 'wide' && meta.features?.length === model.options.inputSize;
    const ds = await readDataFile(o.data, {
      ...columnOptions(o),
      ...(byName ? { features: meta.features, featuresFrom: 'model' } : {}),
      target: meta.target ?? model.options.headOn,
      classes,
      featureCount: model.options.inputSize,
      requireLabels,
    });
    const seqs = meta.normalization ? applyNormalization(ds.sequences, meta.normalization) : ds.sequences;
    return { model, meta, classes, sequences: seqs, source: o.data, unused: ds.unused ?? [] };
  }
  const spec = meta.taskSpec;
  refuse(o, ['idCol', 'stepCol', 'labelCol', 'features', 'delimiter', 'layout'], 'is for --data files');
  if (!spec)
    throw new ConfigError(
      `${path} was trained on a data file${meta.dataFile ? ` (${meta.dataFile})` : ''}; give the sequences with --data`,
    );
  const { task, taskOptions } = await loadData({ task: spec.name, ...(spec.options as object) } as CommonOpts);
  checkRunFits({ task, taskOptions, model: { mode: model.options.mode }, train: {}, seed: spec.seed }); // the test split is regenerated
  const p = prepare({ task, taskOptions, seed: spec.seed, model: { mode: model.options.mode, hiddenSize: model.options.hiddenSize } });
  return { model, meta, classes, sequences: p.split.test, source: `the test split of ${spec.name} (seed ${spec.seed})` };
}

/** The sequence picked by --id or --index (default: the first whose labels change, else the first). */
export function pickSequence(seqs: Sequence[], source: string, o: { id?: string; index?: number }): Sequence {
  if (o.id !== undefined) {
    const s = seqs.find((q) => q.id === o.id);
    if (!s) throw new ConfigError(`no sequence with id "${o.id}" in ${source}; ids look like "${seqs[0]?.id}"`);
    return s;
  }
  if (o.index !== undefined) {
    if (o.index >= seqs.length)
      throw new ConfigError(`--index ${o.index} is out of range: ${source} has ${seqs.length} sequences (0 to ${seqs.length - 1})`);
    return seqs[o.index]!;
  }
  return seqs[interestingIndex(seqs)]!;
}
