/**
 * The schema of what a model file keeps in `__metadata__["rnnscope"]` (a JSON string): every field a
 * reader uses is checked here, with valibot, before anything is built from it, so a hostile or broken
 * file gives one sentence instead of a TypeError, a silently wrong prediction or a 6 GB allocation.
 *
 * Two kinds of check:
 *   - the schema (`payloadSchema`): each field's type and range, field by field;
 *   - `checkAcross`: what ties fields together (class names against numClasses, the normalisation's
 *     length against inputSize, the history against the checkpoint's epoch).
 * The tensors are checked against the config in model.ts, before any tensor is read.
 *
 * To add a field (say the regression's target normalisation): add it to `metaFields` below with its
 * schema, wrapped in v.optional so older files still load, add it to RunMeta (run-meta.ts) and to
 * runMeta() (run-file.ts); a tie to other fields goes in `checkAcross`. Unknown fields are kept as
 * they are (looseObject), so a file written by a newer rnnscope with more fields still loads here.
 */
import * as v from 'valibot';
import { MODES } from '../nn/options.js';
import { OPTIMIZERS } from '../train/optimizer-spec.js';
import { TASKS } from '../data/tasks.js';
import { VALUE_TASKS } from '../data/value-tasks.js';
import { REGRESSION_LOSSES } from '../loss/regression.js';

/** Sizes are array lengths; 2^31 - 1 keeps every product of two in a double's exact range. */
const MAX_SIZE = 2 ** 31 - 1;

const int = (min: number, max = MAX_SIZE) => v.pipe(v.number(), v.integer(), v.minValue(min), v.maxValue(max));
const finite = () => v.pipe(v.number(), v.finite());
/** JSON writes NaN (a held-out loss without held-out data) as null. */
const numberOrNull = () => v.nullable(v.number());
const nonNegative = () => v.pipe(v.number(), v.minValue(0));

const configSchema = () =>
  v.looseObject({
    mode: v.picklist(MODES),
    inputSize: int(1),
    hiddenSize: int(1),
    numLayers: v.optional(int(1)),
    bias: v.optional(v.boolean()),
    batchFirst: v.optional(v.boolean()),
    dropout: v.optional(v.pipe(v.number(), v.minValue(0), v.maxValue(1))),
    bidirectional: v.optional(v.boolean()),
    projSize: v.optional(int(0)),
    numClasses: int(1),
    headBias: v.optional(v.boolean()),
    headOn: v.optional(v.picklist(['steps', 'last'])),
    vocabSize: v.optional(int(1)),
    embeddingDim: v.optional(int(0)),
    paddingIdx: v.optional(v.nullable(v.pipe(v.number(), v.integer()))),
  });

const epochRecord = () =>
  v.looseObject({
    epoch: int(1),
    loss: numberOrNull(),
    // a classifier's epochs carry accuracies; a regression model's its errors in the target's units
    trainAccuracy: v.optional(numberOrNull()),
    valLoss: numberOrNull(),
    valAccuracy: v.optional(numberOrNull()),
    trainRmse: v.optional(numberOrNull()),
    valRmse: v.optional(numberOrNull()),
    valMae: v.optional(numberOrNull()),
    valR2: v.optional(numberOrNull()),
    lr: numberOrNull(),
    gradNormMean: v.optional(numberOrNull()),
    gradNormMax: v.optional(numberOrNull()),
    clippedFraction: v.optional(numberOrNull()),
    seconds: v.optional(numberOrNull()), // format 1 kept the wall-clock time; format 2 leaves it out
  });

/** The built-in tasks' options, with the CLI's ranges: predict regenerates the task from them. */
const taskSpec = () =>
  v.object({
    name: v.picklist([...Object.keys(TASKS), ...Object.keys(VALUE_TASKS)]),
    options: v.looseObject({
      count: v.optional(int(10, 1_000_000)),
      length: v.optional(int(2, 10_000)),
      delay: v.optional(int(1, 1000)),
      features: v.optional(int(1, 1000)),
    }),
    seed: int(0, 2 ** 31 - 1),
  });

const optimizerSpec = () =>
  v.looseObject({
    type: v.picklist(OPTIMIZERS),
    lr: v.optional(nonNegative()),
    momentum: v.optional(nonNegative()),
    nesterov: v.optional(v.boolean()),
    weightDecay: v.optional(nonNegative()),
  });

const scheduleSpec = () =>
  v.union([
    v.object({ type: v.literal('step'), stepSize: int(1), gamma: v.optional(v.pipe(v.number(), v.minValue(0), v.maxValue(1))) }),
    v.object({ type: v.literal('cosine'), tMax: int(1), etaMin: v.optional(nonNegative()) }),
  ]);

const trainConfig = () =>
  v.looseObject({
    epochs: v.optional(int(1)),
    batchSize: v.optional(int(1)),
    seed: v.optional(int(0, Number.MAX_SAFE_INTEGER)),
    optimizer: v.optional(optimizerSpec()),
    schedule: v.optional(v.nullable(scheduleSpec())),
    clipNorm: v.optional(v.nullable(v.pipe(v.number(), v.gtValue(0)))),
    earlyStopping: v.optional(v.nullable(v.object({ patience: int(1), minDelta: v.optional(nonNegative()) }))),
    classWeights: v.optional(v.nullable(v.array(finite()))),
    threads: v.optional(v.picklist([1, 2])),
  });

/**
 * Optimizer state. Format 1 kept the buffers in the JSON (name -> values, about 44 bytes a value);
 * format 2 lists their names and keeps the values as tensors `optimizer.<buffer>.<parameter>`.
 */
const optimizerState = (version: number) =>
  v.object({
    kind: v.string(),
    step: int(0, Number.MAX_SAFE_INTEGER),
    lr: nonNegative(),
    buffers: version === 1 ? v.record(v.string(), v.array(v.number())) : v.array(v.string()),
  });

/** A regression model's block (src/io/regression-meta.ts): its outputs, their normalisation, the loss, the windowing. */
const regressionSpec = () =>
  v.looseObject({
    outputs: v.array(v.string()),
    targetNorm: v.object({ mean: v.array(finite()), std: v.array(v.pipe(finite(), v.gtValue(0))) }),
    loss: v.looseObject({
      type: v.picklist(REGRESSION_LOSSES),
      delta: v.optional(v.pipe(v.number(), v.gtValue(0))),
      beta: v.optional(v.pipe(v.number(), v.minValue(0))),
    }),
    forecast: v.optional(
      v.looseObject({
        columns: v.array(v.string()),
        target: v.string(),
        window: int(1, 1_000_000),
        horizon: int(1, 1_000_000),
        timeCol: v.nullable(v.string()),
        season: v.nullable(int(1, 1_000_000)),
        relative: v.boolean(),
      }),
    ),
    test: v.optional(v.record(v.string(), v.looseObject({ rmse: numberOrNull(), mae: numberOrNull(), r2: numberOrNull() }))),
  });

/** The fields beside `version` and `config`; add new ones here (see the top of this file). */
const metaFields = (version: number) => ({
  classes: v.optional(v.array(v.string())),
  features: v.optional(v.array(v.string())),
  normalization: v.optional(v.object({ mean: v.array(finite()), std: v.array(v.pipe(finite(), v.gtValue(0))) })),
  target: v.optional(v.picklist(['steps', 'last'])),
  task: v.optional(v.string()),
  taskSpec: v.optional(v.nullable(taskSpec())),
  dataFile: v.optional(v.nullable(v.string())),
  train: v.optional(trainConfig()),
  history: v.optional(v.array(epochRecord())),
  regression: v.optional(regressionSpec()),
  text: v.optional(
    v.looseObject({
      tokenizer: v.picklist(['chars', 'words']),
      kind: v.picklist(['classify', 'next']),
      vocabulary: v.pipe(v.array(v.string()), v.minLength(3), v.maxLength(MAX_SIZE)),
      column: v.optional(v.string()),
    }),
  ),
  checkpoint: v.optional(
    v.object({
      epoch: int(0, Number.MAX_SAFE_INTEGER),
      optimizer: optimizerState(version),
      schedule: v.nullable(v.object({ lastEpoch: int(0, Number.MAX_SAFE_INTEGER), baseLr: nonNegative() })),
    }),
  ),
});

function payloadSchemaOf(version: 1 | 2) {
  return v.looseObject({ version: v.literal(version), config: configSchema(), ...metaFields(version) });
}
/** Made on first use, so that a bundle that never reads a model file (the explorer's page) leaves valibot out. */
let schemas: Map<number, ReturnType<typeof payloadSchemaOf>> | null = null;
const schemaOf = (version: number) => (schemas ??= new Map([1, 2].map((k) => [k, payloadSchemaOf(k as 1 | 2)]))).get(version);

/** A conforming "rnnscope" entry. */
export type Payload = v.InferOutput<ReturnType<typeof payloadSchemaOf>>;

/** The format versions this rnnscope reads. */
export const READABLE_VERSIONS = [1, 2];

/**
 * Checks a parsed "rnnscope" entry against the schema of its version; returns the first problem as
 * one sentence (without the file's name), or null when it conforms.
 */
export function schemaProblem(payload: Record<string, unknown>): string | null {
  const schema = schemaOf(payload['version'] as number)!;
  const r = v.safeParse(schema, payload, { abortEarly: true });
  if (r.success) return null;
  const issue = r.issues[0];
  const path = (issue.path ?? []).map((p) => (typeof p.key === 'number' ? `[${p.key}]` : `.${String(p.key)}`)).join('');
  const field = path.startsWith('.') ? path.slice(1) : path || 'the entry';
  const received = clip(issue.received);
  if (issue.kind === 'schema' && issue.type === 'object' && received === 'undefined') return `it has no "${field}" field`;
  if (received === 'undefined') return `its field ${field} is missing; it must be ${expectedWords(issue.expected)}`;
  return `its field ${field} is ${received}, but must be ${expectedWords(issue.expected)}`;
}

/** Fields that must agree with each other or with the config; the first disagreement as a sentence. */
export function checkAcross(p: Payload, parameterCount: number): string | null {
  const c = p.config;
  const I = c.inputSize;
  const sized = (what: string, got: number, want: number, of: string) =>
    got === want ? null : `it has ${got} ${what} but the model has ${want} ${of}`;
  const problems = [
    p.classes && sized('class names', p.classes.length, c.numClasses, 'classes (numClasses)'),
    p.features && sized('feature names', p.features.length, I, 'input features (inputSize)'),
    p.normalization && sized('normalisation means', p.normalization.mean.length, I, 'input features (inputSize)'),
    p.normalization && sized('normalisation standard deviations', p.normalization.std.length, I, 'input features (inputSize)'),
    p.target !== undefined && p.target !== (c.headOn ?? 'steps')
      ? `its target is "${p.target}" but its head is on "${c.headOn ?? 'steps'}"; they must agree`
      : null,
    p.train?.classWeights && sized('class weights', p.train.classWeights.length, c.numClasses, 'classes'),
    p.regression && sized('output names', p.regression.outputs.length, c.numClasses, 'outputs (numClasses)'),
    p.regression && sized('target means', p.regression.targetNorm.mean.length, c.numClasses, 'outputs (numClasses)'),
    p.regression && sized('target standard deviations', p.regression.targetNorm.std.length, c.numClasses, 'outputs (numClasses)'),
    p.regression?.forecast && sized('forecast columns', p.regression.forecast.columns.length, I, 'input features (inputSize)'),
    p.regression?.forecast && !p.regression.forecast.columns.includes(p.regression.forecast.target)
      ? `its forecast target "${p.regression.forecast.target}" is not among its columns`
      : null,
    textProblem(p),
    historyProblem(p),
    p.version === 1 && p.checkpoint ? bufferProblem(p.checkpoint.optimizer.buffers as Record<string, number[]>, parameterCount) : null,
  ];
  return problems.find((x) => typeof x === 'string') ?? null;
}

/** A text model's vocabulary against its token input and classes: the model reads and predicts exactly these tokens. */
function textProblem(p: Payload): string | null {
  const t = p.text;
  const c = p.config;
  if (!t) return null;
  if (c.vocabSize === undefined) return 'it has a vocabulary but its model does not read tokens (no vocabSize); they must agree';
  if (t.vocabulary.length !== c.vocabSize)
    return `it has ${t.vocabulary.length} vocabulary tokens but the model reads ${c.vocabSize} (vocabSize); they must agree`;
  if (t.vocabulary[0] !== '<pad>' || t.vocabulary[1] !== '<unk>') return 'its vocabulary must begin with <pad> and <unk>';
  if (new Set(t.vocabulary).size !== t.vocabulary.length) return 'its vocabulary lists a token twice';
  if (t.kind === 'next' && c.numClasses !== c.vocabSize)
    return `it predicts the next token but has ${c.numClasses} classes for ${c.vocabSize} tokens; they must agree`;
  return null;
}

function historyProblem(p: Payload): string | null {
  const h = p.history ?? [];
  for (let i = 1; i < h.length; i++) {
    if (h[i]!.epoch <= h[i - 1]!.epoch)
      return `its history lists epoch ${h[i]!.epoch} after epoch ${h[i - 1]!.epoch}; epochs must increase`;
  }
  const last = h.at(-1)?.epoch ?? 0;
  if (p.checkpoint && p.checkpoint.epoch !== last)
    return `its checkpoint is at epoch ${p.checkpoint.epoch} but its history ends at epoch ${last}; they must agree`;
  return null;
}

function bufferProblem(buffers: Record<string, number[]>, n: number): string | null {
  for (const [name, b] of Object.entries(buffers)) {
    if (b.length !== n) return `its optimizer buffer ${name} has ${b.length} values but the model has ${n} parameters`;
  }
  return null;
}

function expectedWords(expected: string | null): string {
  if (expected === null) return 'valid';
  if (expected.includes(' | '))
    return `one of ${expected
      .replace(/^\(|\)$/g, '')
      .split(' | ')
      .join(', ')}`;
  return expected
    .replace(/^Array$/, 'a list')
    .replace(/^Object$/, 'an object')
    .replace(/^number$/, 'a number')
    .replace(/^string$/, 'a string')
    .replace(/^boolean$/, 'true or false')
    .replace(/^!NaN$/, 'a number')
    .replace(/^>=(.*)$/, 'at least $1')
    .replace(/^<=(.*)$/, 'at most $1')
    .replace(/^>(.*)$/, 'above $1');
}

/** A received value as valibot words it, cut short: a hostile file must not make a long message. */
function clip(s: string): string {
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}
