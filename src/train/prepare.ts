/**
 * A run's starting point, before any training: the data (a built-in task generated from the seed, or
 * the user's), its split, normalisation fitted on the training split alone, and a fresh model. The main
 * job, `train`, `compare` and the explorer all start here.
 */
import { Rng } from '../tensor/rng.js';
import { SequenceModel, type SequenceModelOptions } from '../nn/model.js';
import type { Mode } from '../nn/options.js';
import {
  applyNormalization,
  fitNormalization,
  maxLength,
  splitBy,
  type Dataset,
  type SplitKind,
  type Normalization,
  type Sequence,
} from '../data/dataset.js';
import { getTask, type TaskOptions } from '../data/tasks.js';
import { ConfigError } from '../errors.js';
import { DEFAULTS } from '../defaults.js';

export interface ModelChoice {
  /** Default DEFAULTS.cell ("rnn_tanh"). */
  mode?: Mode;
  /** Default DEFAULTS.hidden. */
  hiddenSize?: number;
  numLayers?: number;
  bidirectional?: boolean;
  dropout?: number;
  projSize?: number;
}

export interface PrepareOptions {
  /** A built-in task by name (default "trend"), or `data` for the user's own. */
  task?: string;
  taskOptions?: TaskOptions;
  data?: Dataset;
  model?: ModelChoice;
  /** Seeds the data, the split, the initial weights and the batch order. Default 0. */
  seed?: number;
  /** How `data` is split: shuffled (default), in order (file or time), or keeping groups whole. */
  split?: SplitKind;
  /** Validation sequences from elsewhere: then `data` gives none to validation. */
  valData?: Dataset;
  /** Test sequences from elsewhere: then `data` gives none to test. */
  testData?: Dataset;
  /** Standardise features with the training split's statistics. Default true; false for features already scaled. */
  normalize?: boolean;
}

export interface DataEvent {
  type: 'data';
  name: string;
  description: string;
  features: string[];
  classes: string[];
  target: 'steps' | 'last';
  steps: number;
  sizes: { train: number; val: number; test: number };
  seed: number;
  /** How the split was made, and which parts came from their own files. */
  split?: { kind: SplitKind; valFile: boolean; testFile: boolean };
  /** False when features are used as they are (--no-normalize). */
  normalized?: boolean;
  /** The file's step column, and whether it was taken by its name rather than given. */
  stepColumn?: { name: string; byName: boolean };
}

export function modelOptions(ds: Dataset, m: ModelChoice = {}): SequenceModelOptions {
  return {
    mode: m.mode ?? DEFAULTS.cell,
    inputSize: ds.features.length,
    hiddenSize: m.hiddenSize ?? DEFAULTS.hidden,
    numLayers: m.numLayers ?? DEFAULTS.layers,
    bidirectional: m.bidirectional ?? DEFAULTS.bidirectional,
    dropout: m.dropout ?? DEFAULTS.dropout,
    projSize: m.projSize ?? 0,
    numClasses: ds.classes.length,
    headOn: ds.target,
  };
}

export interface Prepared {
  dataset: Dataset;
  normalization: Normalization;
  split: { train: Sequence[]; val: Sequence[]; test: Sequence[] };
  model: SequenceModel;
  seed: number;
  /** How the split was made. */
  how?: { kind: SplitKind; valFile: boolean; testFile: boolean };
  /** False when features are used as they are. */
  normalized?: boolean;
}

/** Data (generated or given), split, normalisation from the training split alone, and a fresh model. */
export function prepare(o: PrepareOptions = {}): Prepared {
  const seed = o.seed ?? DEFAULTS.seed;
  const ds = o.data ?? getTask(o.task ?? DEFAULTS.task).generate(seed, o.taskOptions);
  const needed = 1 + (o.valData ? 0 : 1) + (o.testData ? 0 : 1);
  if (ds.sequences.length < needed)
    throw new ConfigError(
      `${ds.name} has ${ds.sequences.length} sequence${ds.sequences.length === 1 ? '' : 's'}; training${o.valData ? '' : ', validation'}${o.testData ? '' : ' and test'} need at least ${needed}`,
    );
  const kind = o.split ?? 'random';
  if (kind === 'group' && ds.sequences.some((s) => s.group === undefined))
    throw new ConfigError(`the group split needs a group for every sequence (a CSV group column); ${ds.name} has none`);
  const cut = splitBy(kind, ds.sequences, new Rng(seed), o.valData ? 0 : 0.15, o.testData ? 0 : 0.15);
  const parts = { train: cut.train, val: o.valData?.sequences ?? cut.val, test: o.testData?.sequences ?? cut.test };
  const norm =
    o.normalize === false
      ? { mean: new Array<number>(ds.features.length).fill(0), std: new Array<number>(ds.features.length).fill(1) }
      : fitNormalization(parts.train, ds.features.length);
  const [train, val, test] = [parts.train, parts.val, parts.test].map((s) => applyNormalization(s, norm)) as [
    Sequence[],
    Sequence[],
    Sequence[],
  ];
  const model = new SequenceModel(modelOptions(ds, o.model), { seed });
  const how = { kind, valFile: !!o.valData, testFile: !!o.testData };
  return { dataset: ds, normalization: norm, split: { train, val, test }, model, seed, how, normalized: o.normalize !== false };
}

export function dataEvent(p: Prepared): DataEvent {
  const ds = p.dataset;
  const { train, val, test } = p.split;
  return {
    type: 'data',
    name: ds.name,
    description: ds.description,
    features: ds.features,
    classes: ds.classes,
    target: ds.target,
    steps: maxLength(ds.sequences),
    sizes: { train: train.length, val: val.length, test: test.length },
    seed: p.seed,
    ...(ds.stepColumn ? { stepColumn: ds.stepColumn } : {}),
    ...(p.how && (p.how.kind !== 'random' || p.how.valFile || p.how.testFile) ? { split: p.how } : {}),
    ...(p.normalized === false ? { normalized: false } : {}),
  };
}
