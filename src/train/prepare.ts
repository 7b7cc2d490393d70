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
  splitIndices,
  orderedIndices,
  type Dataset,
  type SplitKind,
  type Normalization,
  type Sequence,
} from '../data/dataset.js';
import { getTask, type TaskOptions } from '../data/tasks.js';
import { sequenceCount } from '../data/columns.js';
import { ConfigError } from '../errors.js';
import { encodeTexts, textVocabulary } from '../data/text-data.js';
import { PAD_ID } from '../data/text.js';
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
  /** Token input: features per token of a learned embedding; 0 feeds one-hot vectors. Default: one-hot for characters, 32 for words. */
  embeddingDim?: number;
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
  /** Text: how it was cut into tokens, what is predicted, the vocabulary (tokens by id), and the held-out tokens it lacks. */
  text?: { tokenizer: string; kind: 'classify' | 'next'; vocabulary: string[]; unknown?: { val: number; test: number; tokens: number } };
}

export function modelOptions(ds: Dataset, m: ModelChoice = {}): SequenceModelOptions {
  // text: ids through an embedding (its padding row <pad>, id 0) or one-hot
  const V = ds.text?.vocabulary?.length;
  const E = V === undefined ? 0 : (m.embeddingDim ?? (ds.text!.tokenizer === 'chars' ? 0 : 32));
  const tokens = V === undefined ? {} : { vocabSize: V, embeddingDim: E, paddingIdx: E ? PAD_ID : null };
  return {
    ...tokens,
    mode: m.mode ?? DEFAULTS.cell,
    inputSize: V === undefined ? ds.features.length : E || V,
    hiddenSize: m.hiddenSize ?? DEFAULTS.hidden,
    numLayers: m.numLayers ?? DEFAULTS.layers,
    bidirectional: m.bidirectional ?? DEFAULTS.bidirectional,
    dropout: m.dropout ?? DEFAULTS.dropout,
    projSize: m.projSize ?? 0,
    // a language model's classes are its vocabulary, unknown before the split (a size estimate then takes 1)
    numClasses: ds.text?.kind === 'next' ? (V ?? 1) : ds.classes.length,
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
  /** Text: the held-out tokens the training split's vocabulary lacks (read as <unk>), of how many. */
  unknown?: { val: number; test: number; tokens: number };
}

/** Data (generated or given), split, normalisation from the training split alone, and a fresh model. */
export function prepare(o: PrepareOptions = {}): Prepared {
  const seed = o.seed ?? DEFAULTS.seed;
  let ds = o.data ?? getTask(o.task ?? DEFAULTS.task).generate(seed, o.taskOptions);
  const needed = 1 + (o.valData ? 0 : 1) + (o.testData ? 0 : 1);
  const count = sequenceCount(ds);
  if (count < needed)
    throw new ConfigError(
      `${ds.name} has ${count} sequence${count === 1 ? '' : 's'}; training${o.valData ? '' : ', validation'}${o.testData ? '' : ' and test'} need at least ${needed}`,
    );
  const kind = o.split ?? 'random';
  // columns carry no groups
  if (kind === 'group' && (ds.columns || ds.sequences.some((s) => s.group === undefined)))
    throw new ConfigError(`the group split needs a group for every sequence (a CSV group column); ${ds.name} has none`);
  const columnarRun = prepareColumns(ds, o, kind, seed);
  if (columnarRun) return columnarRun;
  const cut = splitBy(kind, ds.sequences, new Rng(seed), o.valData ? 0 : 0.15, o.testData ? 0 : 0.15);
  let parts = { train: cut.train, val: o.valData?.sequences ?? cut.val, test: o.testData?.sequences ?? cut.test };
  let unknown: Prepared['unknown'];
  if (ds.text) {
    // the vocabulary comes from the training split alone; held-out tokens it lacks read as <unk>
    const vocab = textVocabulary(ds.text, parts.train);
    const enc = (s: Sequence[]) => encodeTexts(s, vocab, ds.text!.kind);
    const [train, val, test] = [enc(parts.train), enc(parts.val), enc(parts.test)];
    parts = { train: train.seqs, val: val.seqs, test: test.seqs };
    unknown = { val: val.unknown, test: test.unknown, tokens: val.tokens + test.tokens };
    const vocabulary = [...vocab.tokens];
    ds = { ...ds, text: { ...ds.text, vocabulary }, classes: ds.text.kind === 'next' ? vocabulary : ds.classes };
  }
  const norm =
    ds.text !== undefined || o.normalize === false
      ? { mean: new Array<number>(ds.features.length).fill(0), std: new Array<number>(ds.features.length).fill(1) }
      : fitNormalization(parts.train, ds.features.length);
  // token ids are never normalised
  const [train, val, test] = [parts.train, parts.val, parts.test].map((s) => (ds.text ? s : applyNormalization(s, norm))) as [
    Sequence[],
    Sequence[],
    Sequence[],
  ];
  const model = new SequenceModel(modelOptions(ds, o.model), { seed });
  const how = { kind, valFile: !!o.valData, testFile: !!o.testData };
  return {
    dataset: ds,
    normalization: norm,
    split: { train, val, test },
    model,
    seed,
    how,
    normalized: ds.text === undefined && o.normalize !== false,
    ...(unknown ? { unknown } : {}),
  };
}

/**
 * prepare for a data set held in columns (src/data/columns.ts) and not text: split by index, the
 * normalisation fitted on the training columns, each part's columns normalised into new ones, so the
 * whole file's views are never made. The same split, statistics and features, to the bit, as the
 * path over Sequence objects. null where it does not apply (then that path runs).
 */
function prepareColumns(ds: Dataset, o: PrepareOptions, kind: SplitKind, seed: number): Prepared | null {
  const cols = ds.columns;
  const other = [o.valData, o.testData].filter((d) => d !== undefined);
  if (!cols || ds.text || kind === 'group' || other.some((d) => d.columns?.I !== cols.I || d.text)) return null;
  const [valFrac, testFrac] = [o.valData ? 0 : 0.15, o.testData ? 0 : 0.15];
  const ix = kind === 'ordered' ? orderedIndices(cols.size, valFrac, testFrac) : splitIndices(cols.size, new Rng(seed), valFrac, testFrac);
  const all = (d: Dataset) => Array.from({ length: d.columns!.size }, (_, i) => i);
  const normalized = o.normalize !== false;
  const norm = normalized
    ? cols.fitNormalization(ix.train)
    : { mean: new Array<number>(ds.features.length).fill(0), std: new Array<number>(ds.features.length).fill(1) };
  const part = (d: Dataset, order: number[]) => d.columns!.pick(order, normalized ? norm : null).list();
  const split = {
    train: part(ds, ix.train),
    val: o.valData ? part(o.valData, all(o.valData)) : part(ds, ix.val),
    test: o.testData ? part(o.testData, all(o.testData)) : part(ds, ix.test),
  };
  const model = new SequenceModel(modelOptions(ds, o.model), { seed });
  const how = { kind, valFile: !!o.valData, testFile: !!o.testData };
  return { dataset: ds, normalization: norm, split, model, seed, how, normalized };
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
    steps: ds.columns ? ds.columns.maxLength() : maxLength(ds.sequences),
    sizes: { train: train.length, val: val.length, test: test.length },
    seed: p.seed,
    ...(ds.stepColumn ? { stepColumn: ds.stepColumn } : {}),
    ...(p.how && (p.how.kind !== 'random' || p.how.valFile || p.how.testFile) ? { split: p.how } : {}),
    ...(p.normalized === false && !ds.text ? { normalized: false } : {}),
    ...(ds.text
      ? {
          text: {
            tokenizer: ds.text.tokenizer,
            kind: ds.text.kind,
            vocabulary: ds.text.vocabulary ?? [],
            ...(p.unknown ? { unknown: p.unknown } : {}),
          },
        }
      : {}),
  };
}
