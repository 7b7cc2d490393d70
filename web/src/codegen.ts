/**
 * The current model as code: the PyTorch module rnnscope's files load into (tools/rnnscope_torch.py,
 * the tested one), the same training in PyTorch, and the rnnscope calls and CLI line that make this
 * page's run. Text from the settings; it runs nothing.
 */
import torchSource from '../../tools/rnnscope_torch.py?raw';
import type { ResolvedModelOptions } from '../../src/internal.js';
import { type Settings } from './settings.js';

/** The `SequenceModel` class (and the cell table it uses) as tools/rnnscope_torch.py has it. */
export function torchModule(): string {
  const start = torchSource.indexOf('CELLS = ');
  const end = torchSource.indexOf('\ndef load(');
  return torchSource.slice(start, end).trimEnd();
}

const py = (v: unknown): string =>
  typeof v === 'boolean' ? (v ? 'True' : 'False') : typeof v === 'string' ? JSON.stringify(v) : String(v);

export function fileName(s: Settings): string {
  return `rnnscope-${s.cell}-h${s.hidden}-seed${s.seed}.safetensors`;
}

/** A text model's data, as the code needs it: what it predicts and, for a table, its text column. */
export interface TextCode {
  kind: 'classify' | 'next';
  column?: string;
}

export function pytorchCode(s: Settings, o: ResolvedModelOptions, classes: string[], parameters: number, text?: TextCode): string {
  const tokens = o.vocabSize !== undefined;
  const cfg = {
    mode: o.mode,
    inputSize: o.inputSize,
    ...(tokens ? { vocabSize: o.vocabSize, embeddingDim: o.embeddingDim ?? 0 } : {}),
    hiddenSize: o.hiddenSize,
    numClasses: o.numClasses,
    numLayers: o.numLayers,
    bidirectional: o.bidirectional,
    headOn: o.headOn,
  };
  const args = Object.entries(cfg)
    .map(([k, v]) => `${k}=${py(v)}`)
    .join(', ');
  const C = o.numClasses;
  const steps = o.headOn === 'steps';
  return `# The model of this page in PyTorch (1.13 or later): pip install torch safetensors
import json
import torch
from torch import nn
from safetensors import safe_open
from safetensors.torch import load_file

${torchModule()}


model = SequenceModel(${args})
print(sum(p.numel() for p in model.parameters()))  # ${parameters}, as on the page

# The weights trained in this page (the Download button), loaded by name, strictly:
path = ${py(fileName(s))}
model.load_state_dict(load_file(path), strict=True)
with safe_open(path, "pt") as f:
    meta = json.loads(f.metadata()["rnnscope"])
${
  tokens
    ? `vocabulary = meta["text"]["vocabulary"]  # the token of each id: <pad> 0, <unk> 1, then by count
classes = ${text?.kind === 'next' ? 'vocabulary  # a language model predicts the next token' : `meta["classes"]  # ${JSON.stringify(classes)}`}

# Predict: x is [T, B] token ids (an unseen token is <unk>, id 1), time first; never normalised
def predict(x):
    with torch.no_grad():
        logits = model(x)                         # ${steps ? `[T, B, ${C}]: a class per step` : `[B, ${C}]: a class per sequence`}
        return logits.softmax(-1)`
    : `mean, std = torch.tensor(meta["normalization"]["mean"]), torch.tensor(meta["normalization"]["std"])
classes = meta["classes"]  # ${JSON.stringify(classes)}

# Predict: x is [T, B, ${o.inputSize}] raw features, time first
def predict(x):
    with torch.no_grad():
        logits = model((x - mean) / std)          # ${steps ? `[T, B, ${C}]: a class per step` : `[B, ${C}]: a class per sequence`}
        return logits.softmax(-1)`
}

# The same training as the page: Adam, lr ${s.lr}, batches of ${s.batchSize}, ${s.epochs} epochs
opt = torch.optim.Adam(model.parameters(), lr=${s.lr})
loss_fn = nn.CrossEntropyLoss(ignore_index=-100)
def train(batches):                               # batches: (x ${tokens ? '[T, B] token ids' : `[T, B, ${o.inputSize}] normalised`}, y ${steps ? '[T, B]' : '[B]'} class ids)
    for epoch in range(${s.epochs}):
        for x, y in batches:
            opt.zero_grad()
            logits = model(x)
            loss = loss_fn(logits.reshape(-1, ${C}), y.reshape(-1))
            loss.backward()
            opt.step()
`;
}

/** The model's options as the library takes them, for the code the page writes: `mode: 'gru', hiddenSize: 16, ...`. */
export function modelLiteral(s: Settings): string {
  return [
    `mode: '${s.cell}'`,
    `hiddenSize: ${s.hidden}`,
    s.layers > 1 ? `numLayers: ${s.layers}` : '',
    s.bidirectional ? 'bidirectional: true' : '',
  ]
    .filter(Boolean)
    .join(', ');
}

export function rnnscopeCode(s: Settings, text?: TextCode): string {
  if (s.data && text)
    return `// A text file is read by the command line (below: ${text.kind === 'next' ? '--text' : '--text-col'}); the library does not export its
// text readers yet. The built-in text task runs here as any task does: prepare({ task: 'brackets', ... }).
`;
  const model = modelLiteral(s);
  const data = s.data
    ? `data: readDataText(readFileSync('${s.data}', 'utf8'), '${s.data}')`
    : `task: '${s.task}'${s.task === 'delay' ? `, taskOptions: { delay: ${s.delay} }` : ''}`;
  return `import { readFileSync, writeFileSync } from 'node:fs';
import { prepare, Trainer, predictionTrace, interestingIndex, encodeModel, readDataText } from 'rnnscope';

// The same data, split, initial weights and batch order as this page: the seed fixes them all.
const p = prepare({ ${data}, model: { ${model} }, seed: ${s.seed} });
const trainer = new Trainer(p.model, p.split.train, p.split.val, {
  epochs: ${s.epochs}, batchSize: ${s.batchSize}, optimizer: { type: 'adam', lr: ${s.lr} }, seed: ${s.seed},
});
for (const e of trainer.run()) {
  if (e.type === 'epoch') console.log(e.epoch, e.loss.toFixed(4), e.valAccuracy.toFixed(3), e.observation.text);
}
// The Step-through mode's trace: every step's input, both halves, gates, h_t, c_t and probabilities.
const trace = predictionTrace(p.model, p.split.test[interestingIndex(p.split.test)]);
writeFileSync('${fileName(s)}', encodeModel(p.model, { classes: p.dataset.classes, ${text ? 'text: p.dataset.text' : 'normalization: p.normalization'} }));
`;
}

export function cliLine(s: Settings, text?: TextCode): string {
  const cell = { rnn_tanh: 'rnn', rnn_relu: 'rnn_relu', lstm: 'lstm', gru: 'gru' }[s.cell];
  const data = !s.data
    ? `--task ${s.task}`
    : text?.kind === 'next'
      ? `--text ${s.data}`
      : text
        ? `--data ${s.data} --text-col ${text.column ?? 'text'}`
        : `--data ${s.data}`;
  const parts = ['npx rnnscope train', data];
  if (!s.data && s.task === 'delay') parts.push(`--delay ${s.delay}`);
  parts.push(`--cell ${cell}`, `--hidden ${s.hidden}`);
  if (s.layers > 1) parts.push(`--layers ${s.layers}`);
  if (s.bidirectional) parts.push('--bidirectional');
  parts.push(`--epochs ${s.epochs}`, `--batch-size ${s.batchSize}`, `--lr ${s.lr}`, `--seed ${s.seed}`, `--out ${fileName(s)}`);
  return parts.join(' ');
}

/** The file name of the ONNX export of a model file. */
export function onnxName(modelFile: string): string {
  return modelFile.replace(/\.safetensors$/i, '') + '.onnx';
}

/** The few lines that run the ONNX export with onnxruntime-web (onnxruntime-node takes the same calls). */
export function onnxCode(o: ResolvedModelOptions, file: string, classes: string[]): string {
  if (o.vocabSize !== undefined) return onnxTokenCode(o, file, classes);
  const I = o.inputSize;
  const C = o.numClasses;
  const xShape = o.batchFirst ? '[B, T, I]' : '[T, B, I]';
  const out =
    o.headOn === 'last'
      ? `logits.dims is [B, ${C}]: one class per sequence`
      : `logits.dims is ${o.batchFirst ? `[B, T, ${C}]` : `[T, B, ${C}]`}: a class per step`;
  return `// npm install onnxruntime-web   (in Node: onnxruntime-node, the same calls)
import * as ort from 'onnxruntime-web';

const session = await ort.InferenceSession.create('${file}'); // a URL, a path in Node, or the file's bytes
// Raw features, as in your data file: the graph applies the model's normalisation itself.
const T = 10, B = 1, I = ${I};
const x = new Float32Array(T * B * I);                      // ${xShape}, ${o.batchFirst ? 'batch first' : 'time first'}: fill in your values
const { logits } = await session.run({
  input: new ort.Tensor('float32', x, [${o.batchFirst ? 'B, T, I' : 'T, B, I'}]),
  lengths: new ort.Tensor('int32', new Int32Array(B).fill(T), [B]), // each sequence's steps (1 to T)
});
// ${out}; its argmax indexes the classes
const classes = ${JSON.stringify(classes)};
`;
}

/** The same for a model of token input: the graph takes int64 ids (its OneHot or Gather makes the features). */
function onnxTokenCode(o: ResolvedModelOptions, file: string, classes: string[]): string {
  const C = o.numClasses;
  const out = o.headOn === 'last' ? `logits.dims is [B, ${C}]: one class per sequence` : `logits.dims is [T, B, ${C}]: a class per step`;
  return `// npm install onnxruntime-web   (in Node: onnxruntime-node, the same calls)
import * as ort from 'onnxruntime-web';

const session = await ort.InferenceSession.create('${file}'); // a URL, a path in Node, or the file's bytes
// Token ids (int64), a vocabulary of ${o.vocabSize}: the model file's text.vocabulary gives each id's token (<unk> is 1).
const T = 10, B = 1;
const x = new BigInt64Array(T * B);                         // [T, B], time first: fill in your ids
const { logits } = await session.run({
  input: new ort.Tensor('int64', x, [T, B]),
  lengths: new ort.Tensor('int32', new Int32Array(B).fill(T), [B]), // each sequence's steps (1 to T)
});
// ${out}; its argmax indexes the classes
const classes = ${JSON.stringify(classes)};
`;
}
