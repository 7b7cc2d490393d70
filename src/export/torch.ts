/**
 * A model file as a small PyTorch project that continues its training on one CPU, one GPU or many
 * machines (torchrun): model.py (tools/rnnscope_torch.py), train.py (tools/torch-project/train.py),
 * safetensors_min.py, the model file itself, the data of a built-in task as data.json, and a README.
 * Browser-safe: it returns the files' contents; the CLI writes them.
 */
import { ConfigError } from '../errors.js';
import type { ModelMeta } from '../io/model.js';
import type { RunMeta } from '../io/run-meta.js';
import type { SequenceModel } from '../nn/model.js';
import type { Dataset } from '../data/dataset.js';
import { getTask, type TaskOptions } from '../data/tasks.js';
import { TORCH_SOURCES } from './torch-sources.js';

export interface ProjectFile {
  name: string;
  text?: string;
  bytes?: Uint8Array;
}

/**
 * The project's files for the model file `bytes` (decoded as `model` and `meta`). A model trained on
 * a built-in task gets the task's sequences as data.json (rnnscope's JSON format, regenerated from
 * the seed in the file), so that train.py runs as it is; one trained on a data file is given that file.
 */
export function torchProject(bytes: Uint8Array, model: SequenceModel, m: ModelMeta): ProjectFile[] {
  const meta = m as RunMeta;
  const refusal = torchRefusal(model, meta);
  if (refusal) throw new ConfigError(refusal);
  const files: ProjectFile[] = Object.entries(TORCH_SOURCES).map(([name, text]) => ({ name, text }));
  files.push({ name: 'model.safetensors', bytes });
  const spec = meta.taskSpec;
  let data = meta.dataFile ?? 'your-data.csv';
  if (spec) {
    data = 'data.json';
    files.push({ name: data, text: datasetJson(getTask(spec.name).generate(spec.seed, spec.options as TaskOptions)) });
  }
  files.push({ name: 'README.md', text: readme(model, meta, data) });
  return files;
}

/** A Dataset in rnnscope's JSON data format (src/data/json.ts), labels as class names. */
export function datasetJson(ds: Dataset): string {
  const I = ds.features.length;
  const lines = ds.sequences.map((s) => {
    const x = Array.from({ length: s.length }, (_, t) => Array.from(s.x.subarray(t * I, (t + 1) * I)));
    const name = (c: number) => (c < 0 ? null : ds.classes[c]!);
    const y = ds.target === 'last' ? name(s.y[0]!) : Array.from(s.y, name);
    return JSON.stringify({ id: s.id, x, y });
  });
  return `{"name":${JSON.stringify(ds.name)},"features":${JSON.stringify(ds.features)},"classes":${JSON.stringify(ds.classes)},"sequences":[\n${lines.join(',\n')}\n]}\n`;
}

function readme(model: SequenceModel, meta: RunMeta, data: string): string {
  const o = model.options;
  const epochs = (meta.history ?? []).length;
  const more = epochs + (meta.train?.epochs ?? 5);
  const given = meta.taskSpec
    ? `${data} holds the ${meta.taskSpec.name} task's sequences (seed ${meta.taskSpec.seed})`
    : `give the data file it was trained on (${data})`;
  return `# ${o.mode} model from rnnscope, as a PyTorch project

model.safetensors: ${o.mode}, ${o.numLayers} layer(s) of ${o.hiddenSize}${o.bidirectional ? ', bidirectional' : ''}, ${epochs} epoch(s) trained. ${given}.

    python3 train.py --data ${data} --epochs ${more}                              one CPU, or one GPU if there is one
    torchrun --nproc_per_node 2 train.py --data ${data} --epochs ${more}          two processes on this machine
    torchrun --nnodes N --nproc_per_node G --rdzv-backend c10d --rdzv-endpoint HOST:29500 train.py --data ${data} --epochs ${more}

train.py goes on from the weights with the file's optimizer, schedule, clipping, split and normalisation
(rnnscope's batches, shared out among the processes; the optimizer's moments from the checkpoint) and writes
trained.safetensors, which rnnscope reads: \`rnnscope predict --model trained.safetensors\`.
model.py is the module (\`model, meta = load("model.safetensors")\`; \`model(x, lengths=lengths)\`).
Needs torch 1.13 or later; safetensors_min.py stands in for the safetensors package.
`;
}

/**
 * Why a model's PyTorch project cannot be made yet, or null. model.py runs every model (token input and
 * real-valued outputs included), but train.py trains classifiers of feature sequences only.
 */
export function torchRefusal(model: SequenceModel, meta: RunMeta): string | null {
  const what = meta.regression ? 'a regression model' : model.options.vocabSize !== undefined ? 'a model of token ids' : null;
  if (!what) return null;
  return `the PyTorch project's train.py trains classifiers of feature sequences, not ${what}; export it with --format onnx, or load its weights with the module in tools/rnnscope_torch.py (the README's "The same model in PyTorch")`;
}
