/**
 * A model of values as code: the forecaster of this page in PyTorch (rnnscope's SequenceModel module, the
 * same windows relative to their last value, the chronological split, the training split's
 * standardisation of inputs and target, nn.MSELoss, Adam, and the prediction taken back to the target's
 * units), in rnnscope, and on the command line. Text from the settings and the windowing; it runs nothing.
 */
import type { ResolvedModelOptions } from '../../src/internal.js';
import { units } from '../../src/format.js';
import { modelLiteral, torchModule } from './codegen.js';
import type { Settings } from './settings.js';
import type { ValueState } from './runner/protocol.js';

const py = (v: unknown): string =>
  typeof v === 'boolean' ? (v ? 'True' : 'False') : typeof v === 'string' ? JSON.stringify(v) : String(v);

/** The CSV the code reads: the uploaded file, or the built-in task's series as the rnnscope code writes it. */
const csvName = (v: ValueState): string => v.settings.data ?? `${v.name}.csv`;

export function valuesModelFile(s: Settings): string {
  return `rnnscope-forecast-${s.cell}-h${s.hidden}-seed${s.seed}.safetensors`;
}

export function valuesPytorchCode(v: ValueState, o: ResolvedModelOptions): string {
  const s = v.settings;
  const w = v.windowing;
  const cfg = `mode=${py(o.mode)}, inputSize=${o.inputSize}, hiddenSize=${o.hiddenSize}, numClasses=${o.numClasses}, numLayers=${o.numLayers}, bidirectional=${py(o.bidirectional)}, headOn="last"`;
  return `# The forecaster of this page in PyTorch (1.13 or later): pip install torch
import csv
import math
import torch
from torch import nn

${torchModule()}


COLUMNS, TARGET = ${JSON.stringify(w.columns)}, ${py(v.target)}
W, H = ${v.window}, ${w.horizon}                          # window and horizon, in steps
torch.manual_seed(${s.seed})

with open(${py(csvName(v))}) as fh:
    rows = list(csv.DictReader(fh))
cols = [[float(r[c]) for r in rows] for c in COLUMNS]
y = cols[COLUMNS.index(TARGET)]
N = len(y)

# Windows of W steps, every column relative to its value at the window's last step; the targets are the
# next H changes of TARGET from its last value (added back to every prediction).
windows = []
for s in range(N - W - H + 1):
    x = [[col[s + t] - col[s + W - 1] for col in cols] for t in range(W)]
    last = y[s + W - 1]
    windows.append((s, x, [y[s + W + h] - last for h in range(H)], last))

# Split in time: rows up to 70% train, to 85% validate, the rest test; no window crosses a boundary.
a, b = math.floor(0.70 * N + 0.5), math.floor(0.85 * N + 0.5)
part = lambda lo, hi: [w for w in windows if w[0] >= lo and w[0] + W + H <= hi]
train, val, test = part(0, a), part(a, b), part(b, N)  # ${v.sizes.train} / ${v.sizes.val} / ${v.sizes.test} windows on this page

# Standardise inputs (per column, over the training windows' steps) and targets with the training split alone.
xs = torch.tensor([w[1] for w in train])                  # [n, W, C]
ys = torch.tensor([w[2] for w in train])                  # [n, H]
x_mean, x_std = xs.mean((0, 1)), xs.std((0, 1), unbiased=False)
y_mean, y_std = ys.mean(0), ys.std(0, unbiased=False)     # this page: ${units(w.targetNorm.mean)} and ${units(w.targetNorm.std)}
def tensors(ws):                                          # x [W, B, C] time first, y [B, H], last [B, 1]
    x = ((torch.tensor([w[1] for w in ws]) - x_mean) / x_std).transpose(0, 1)
    t = (torch.tensor([w[2] for w in ws]) - y_mean) / y_std
    return x, t, torch.tensor([[w[3]] for w in ws])

model = SequenceModel(${cfg})
loss_fn = nn.MSELoss()                                    # on the standardised target
opt = torch.optim.Adam(model.parameters(), lr=${s.lr})
x, t, _ = tensors(train)
for epoch in range(${s.epochs}):
    order = torch.randperm(len(train))
    for k in range(0, len(train), ${s.batchSize}):
        idx = order[k:k + ${s.batchSize}]
        opt.zero_grad()
        loss = loss_fn(model(x[:, idx]), t[idx])
        loss.backward()
        opt.step()

# Predict in the target's units: back from the standardised scale, plus the window's last value.
with torch.no_grad():
    x, t, last = tensors(test)
    pred = model(x) * y_std + y_mean + last
    truth = t * y_std + y_mean + last
print("test RMSE", ((pred - truth) ** 2).mean().sqrt().item())
`;
}

export function valuesRnnscopeCode(v: ValueState): string {
  const s = v.settings;
  const w = v.windowing;
  const model = modelLiteral(s);
  const series = s.data ? `readSeries(readFileSync('${s.data}', 'utf8'), '${s.data}')` : `VALUE_TASKS.${v.name}.generate(${s.seed})`;
  return `import { readFileSync, writeFileSync } from 'node:fs';
import { VALUE_TASKS, readSeries, prepareSeries, runValues } from 'rnnscope/internal';

// The same series, windows, split in time, initial weights and batch order as this page: the seed fixes them.
const series = ${series};
${s.data ? '' : `writeFileSync('${csvName(v)}', ['${v.target}', ...series.values[0]].join('\\n') + '\\n'); // what the PyTorch code reads\n`}const run = prepareSeries(series, {
  window: ${v.window}, horizon: ${w.horizon}, season: ${w.season ?? 'null'}, relative: true, model: { ${model} }, seed: ${s.seed},
});
const config = { epochs: ${s.epochs}, batchSize: ${s.batchSize}, optimizer: { type: 'adam', lr: ${s.lr} }, seed: ${s.seed}, loss: { type: 'mse' } };
for (const e of runValues(run, config)) {
  if (e.type === 'value_epoch') console.log(e.epoch, e.trainRmse, e.valRmse, e.observation.text);
  if (e.type === 'value_test') for (const b of [e.model, ...e.baselines]) console.log(b.name, b.rmse, b.mae);
}
`;
}

export function valuesCliLine(v: ValueState): string {
  const s = v.settings;
  const w = v.windowing;
  const cell = { rnn_tanh: 'rnn', rnn_relu: 'rnn_relu', lstm: 'lstm', gru: 'gru' }[s.cell];
  const parts = ['npx rnnscope train'];
  if (s.data) {
    parts.push(`--series ${s.data}`, `--target ${v.target}`, `--window ${v.window}`, `--horizon ${w.horizon}`);
    if (w.timeCol) parts.push(`--time-col ${w.timeCol}`);
    if (w.season) parts.push(`--season ${w.season}`);
  } else parts.push(`--task ${v.name}`);
  parts.push(`--cell ${cell}`, `--hidden ${s.hidden}`);
  if (s.layers > 1) parts.push(`--layers ${s.layers}`);
  if (s.bidirectional) parts.push('--bidirectional');
  parts.push(`--epochs ${s.epochs}`, `--batch-size ${s.batchSize}`, `--lr ${s.lr}`, `--seed ${s.seed}`, `--out ${valuesModelFile(s)}`);
  const forecast = s.data ? `npx rnnscope forecast --model ${valuesModelFile(s)} --series ${s.data}` : '';
  return [parts.join(' '), forecast].filter(Boolean).join('\n');
}
