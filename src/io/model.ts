/**
 * Model files: a SequenceModel as safetensors. The tensors are the state_dict under PyTorch's names
 * (`rnn.weight_ih_l0`, ..., `head.weight`, `head.bias`); `__metadata__` holds `format: "pt"` and
 * `rnnscope`: a JSON string with the config and whatever the caller keeps with the model (class
 * names, feature normalisation, training history), checked against model-schema.ts when read. A
 * checkpoint's optimizer state is kept as tensors beside the weights (`optimizer.<state>.<parameter>`).
 * Works in the browser too (no node imports).
 */
import { SequenceModel, resolveModelOptions, type ResolvedModelOptions, type SequenceModelOptions } from '../nn/model.js';
import { recurrentSpecs } from '../nn/recurrent.js';
import { embeddingSpecs } from '../nn/embedding.js';
import { linearSpecs } from '../nn/linear.js';
import type { ParamSpec } from '../nn/params.js';
import { ModelFileError, RnnscopeError } from '../errors.js';
import {
  checkStateDict,
  encodeSafetensors,
  readSafetensorsHeader,
  readTensor,
  type SafetensorsHeader,
  type TensorEntry,
} from './safetensors.js';
import { checkAcross, READABLE_VERSIONS, schemaProblem, type Payload } from './model-schema.js';

/** What rnnscope keeps beside the weights. Everything but `config` is optional and free-form JSON. */
export interface ModelMeta {
  /** Class names, index = class id. */
  classes?: string[];
  /** Feature names, in input order. */
  features?: string[];
  /** Per-feature mean and standard deviation from the training split, applied before the model. */
  normalization?: { mean: number[]; std: number[] };
  /** The built-in task or data file the model was trained on. */
  task?: string;
  /** Per-epoch records of the training run. */
  history?: unknown[];
  [key: string]: unknown;
}

/**
 * 2: optimizer state as tensors `optimizer.<buffer>.<parameter>` (format 1 kept it in the JSON header,
 * about 44 bytes a value, so a 3-million-parameter LSTM's header passed the format's 100 MB limit).
 * Both are read (model-schema.ts); only 2 is written.
 */
export const FORMAT_VERSION = 2;
const OPTIMIZER = 'optimizer.';

type Buffers = Record<string, ArrayLike<number>>;
interface WithOptimizer {
  checkpoint?: { optimizer?: { buffers?: Buffers } };
}

/**
 * The bytes of a .safetensors file holding `model` and `meta`. Optimizer buffers in
 * `meta.checkpoint.optimizer.buffers` (flat, in the parameter table's order) are stored as tensors, one
 * per buffer and parameter, with the parameter's shape; the JSON keeps only their names.
 */
export function encodeModel(model: SequenceModel, meta: ModelMeta = {}): Uint8Array {
  const tensors: TensorEntry[] = model.table.stateDict();
  let kept: ModelMeta = meta;
  const opt = (meta as WithOptimizer).checkpoint?.optimizer;
  if (opt?.buffers) {
    for (const [buf, values] of Object.entries(opt.buffers)) {
      if (values.length !== model.table.size)
        throw new ModelFileError(`cannot write optimizer buffer ${buf}: it has ${values.length} values for ${model.table.size} parameters`);
      for (const e of model.table.entries)
        tensors.push({ name: `${OPTIMIZER}${buf}.${e.name}`, shape: e.shape, data: slice(values, e.offset, e.offset + e.size) });
    }
    const checkpoint = (meta as WithOptimizer).checkpoint!;
    kept = { ...meta, checkpoint: { ...checkpoint, optimizer: { ...opt, buffers: Object.keys(opt.buffers) } } };
  }
  const payload = { version: FORMAT_VERSION, config: model.options, ...kept };
  return encodeSafetensors(tensors, { format: 'pt', rnnscope: JSON.stringify(payload) });
}

/**
 * Reads a model file's bytes. Everything is checked before anything is allocated: the header against
 * the file's length, the metadata against its schema, the config against the tensors the header
 * declares (names, shapes, count); then the weights are read and checked to be finite. A checkpoint's
 * optimizer buffers come back flat, in the parameter table's order, in `meta.checkpoint.optimizer`.
 */
export function decodeModel(bytes: Uint8Array, source = 'model file'): { model: SequenceModel; meta: ModelMeta } {
  const header = readSafetensorsHeader(bytes, source);
  const payload = readPayload(header, source);
  const options = resolveConfig(payload.config as SequenceModelOptions, source);
  const weights = new Map([...header.tensors].filter(([name]) => !name.startsWith(OPTIMIZER)));
  const specs = expectedSpecs(options, weights.size, source);
  checkStateDict(specs, weights, source);
  const parameterCount = specs.reduce((n, s) => n + s.shape.reduce((a, d) => a * d, 1), 0);
  const across = checkAcross(payload, parameterCount);
  if (across !== null) throw new ModelFileError(`${source} has metadata that does not fit its model: ${across}`);
  const bufferNames = payload.version === 2 && payload.checkpoint ? (payload.checkpoint.optimizer.buffers as string[]) : [];
  checkOptimizerTensors(header, specs, bufferNames, source);

  const model = new SequenceModel(options);
  for (const name of weights.keys()) {
    const t = readTensor(bytes, header, name);
    const bad = t.data.findIndex((x) => !Number.isFinite(x));
    if (bad >= 0)
      throw new ModelFileError(`${source}: tensor ${name} has ${t.data[bad]} at index ${bad}; a model's weights must be finite`);
    model.table.set(name, t.data);
  }
  const { version: _v, config: _c, ...rest } = payload;
  const meta: ModelMeta = rest;
  if (payload.version === 2 && payload.checkpoint) {
    const buffers: Record<string, Float32Array> = {};
    for (const buf of bufferNames) {
      const flat = new Float32Array(model.table.size);
      for (const e of model.table.entries) flat.set(readTensor(bytes, header, `${OPTIMIZER}${buf}.${e.name}`).data, e.offset);
      buffers[buf] = flat;
    }
    meta['checkpoint'] = { ...payload.checkpoint, optimizer: { ...payload.checkpoint.optimizer, buffers } };
  }
  return { model, meta };
}

function readPayload(header: SafetensorsHeader, source: string): Payload {
  const raw = header.metadata['rnnscope'];
  if (raw === undefined) {
    throw new ModelFileError(
      `${source} has no "rnnscope" entry in __metadata__, so its model config is unknown; save it with rnnscope, or add the config as shown in the README`,
    );
  }
  let payload: unknown;
  try {
    payload = JSON.parse(raw);
  } catch {
    throw new ModelFileError(`${source} has an "rnnscope" metadata entry that is not valid JSON`);
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    throw new ModelFileError(`${source} has an "rnnscope" metadata entry that is not a JSON object`);
  }
  const p = payload as Record<string, unknown>;
  if (typeof p['config'] !== 'object' || p['config'] === null) {
    throw new ModelFileError(`${source} has an "rnnscope" metadata entry without a "config" object`);
  }
  if (!READABLE_VERSIONS.includes(p['version'] as number)) {
    throw new ModelFileError(
      `${source} is rnnscope model format version ${clip(JSON.stringify(p['version']))}; this rnnscope reads versions ${READABLE_VERSIONS.join(' and ')}`,
    );
  }
  const problem = schemaProblem(p);
  if (problem !== null) throw new ModelFileError(`${source} has invalid rnnscope metadata: ${problem}`);
  return p as Payload;
}

function resolveConfig(config: SequenceModelOptions, source: string): ResolvedModelOptions {
  try {
    return resolveModelOptions(config);
  } catch (e) {
    if (e instanceof RnnscopeError) throw new ModelFileError(`${source} holds an invalid model config: ${e.message}`);
    throw e;
  }
}

/**
 * The parameters the config implies, as SequenceModel lays them out. Their count is compared with the
 * file's first, by arithmetic, so a config of a million layers is refused before a list of four
 * million names is made (the list stays within twice the file's tensors); the caller then compares names and shapes, which the header has checked
 * against the file's length: a config that passes cannot ask for more memory than the file holds.
 */
function expectedSpecs(o: ResolvedModelOptions, inFile: number, source: string): ParamSpec[] {
  const D = o.bidirectional ? 2 : 1;
  const tokens =
    o.vocabSize === undefined ? null : { vocabSize: o.vocabSize, embeddingDim: o.embeddingDim ?? 0, paddingIdx: o.paddingIdx ?? null };
  const embedding = tokens ? embeddingSpecs(tokens) : [];
  const count = embedding.length + o.numLayers * D * (2 + (o.bias ? 2 : 0) + (o.projSize > 0 ? 1 : 0)) + 1 + (o.headBias ? 1 : 0);
  // Near the file's count, the names say more (which tensor is missing); far from it, the count says enough.
  if (count > 2 * inFile + 8) {
    throw new ModelFileError(
      `${source} holds ${inFile} weight tensors, but its config (${o.numLayers} layer${o.numLayers === 1 ? '' : 's'}${o.bidirectional ? ', bidirectional' : ''}${o.bias ? '' : ', no bias'}) needs ${count}; the config does not describe these weights`,
    );
  }
  const headIn = D * (o.projSize || o.hiddenSize);
  return [
    ...embedding,
    ...recurrentSpecs(o, 'rnn.'),
    ...linearSpecs({ inFeatures: headIn, outFeatures: o.numClasses, bias: o.headBias }, 'head.'),
  ];
}

/** Every optimizer tensor the checkpoint names is there with its parameter's shape, and no other. */
function checkOptimizerTensors(header: SafetensorsHeader, specs: ParamSpec[], buffers: string[], source: string): void {
  const want = buffers.flatMap((b) => specs.map((s) => ({ name: `${OPTIMIZER}${b}.${s.name}`, shape: s.shape })));
  const got = new Map([...header.tensors].filter(([name]) => name.startsWith(OPTIMIZER)));
  checkStateDict(want, got, source);
}

function slice(a: ArrayLike<number>, from: number, to: number): ArrayLike<number> {
  return ArrayBuffer.isView(a) ? (a as unknown as Float32Array).subarray(from, to) : Array.prototype.slice.call(a, from, to);
}

function clip(s: string | undefined): string {
  return s === undefined ? 'undefined' : s.length > 40 ? `${s.slice(0, 37)}...` : s;
}
