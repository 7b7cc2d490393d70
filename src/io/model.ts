/**
 * Model files: a SequenceModel as safetensors. The tensors are the state_dict under PyTorch's names
 * (`rnn.weight_ih_l0`, ..., `head.weight`, `head.bias`); `__metadata__` holds `format: "pt"` and
 * `rnnscope`: a JSON string with the config and whatever the caller keeps with the model (class
 * names, feature normalisation, training history). Works in the browser too (no node imports).
 */
import { SequenceModel, type SequenceModelOptions } from '../nn/model.js';
import { ModelFileError, RnnscopeError } from '../errors.js';
import { checkStateDict, decodeSafetensors, encodeSafetensors } from './safetensors.js';

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

export const FORMAT_VERSION = 1;

/** The bytes of a .safetensors file holding `model` and `meta`. */
export function encodeModel(model: SequenceModel, meta: ModelMeta = {}): Uint8Array {
  const payload = { version: FORMAT_VERSION, config: model.options, ...meta };
  return encodeSafetensors(model.table.stateDict(), { format: 'pt', rnnscope: JSON.stringify(payload) });
}

/** Reads a model file's bytes: checks the config, every tensor name and shape, and every value. */
export function decodeModel(bytes: Uint8Array, source = 'model file'): { model: SequenceModel; meta: ModelMeta } {
  const file = decodeSafetensors(bytes, source);
  const raw = file.metadata['rnnscope'];
  if (raw === undefined) {
    throw new ModelFileError(
      `${source} has no "rnnscope" entry in __metadata__, so its model config is unknown; save it with rnnscope, or add the config as shown in the README`,
    );
  }
  let payload: { version?: unknown; config?: unknown } & ModelMeta;
  try {
    payload = JSON.parse(raw) as typeof payload;
  } catch {
    throw new ModelFileError(`${source} has an "rnnscope" metadata entry that is not valid JSON`);
  }
  if (typeof payload !== 'object' || payload === null || typeof payload.config !== 'object' || payload.config === null) {
    throw new ModelFileError(`${source} has an "rnnscope" metadata entry without a "config" object`);
  }
  if (payload.version !== FORMAT_VERSION) {
    throw new ModelFileError(
      `${source} is rnnscope model format version ${String(payload.version)}; this rnnscope reads version ${FORMAT_VERSION}`,
    );
  }
  let model: SequenceModel;
  try {
    model = new SequenceModel(payload.config as SequenceModelOptions);
  } catch (e) {
    if (e instanceof RnnscopeError) throw new ModelFileError(`${source} holds an invalid model config: ${e.message}`);
    throw e;
  }
  checkStateDict(model.table.entries, file.tensors, source);
  for (const [name, t] of file.tensors) {
    for (let i = 0; i < t.data.length; i++) {
      if (!Number.isFinite(t.data[i]!))
        throw new ModelFileError(`${source}: tensor ${name} has ${t.data[i]} at index ${i}; a model's weights must be finite`);
    }
    model.table.set(name, t.data);
  }
  const { version: _v, config: _c, ...meta } = payload;
  return { model, meta };
}
