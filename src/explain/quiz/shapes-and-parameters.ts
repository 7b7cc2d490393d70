/** Model questions: shapes and parameter counts, read from the parameter table. */
import type { Ctx, Draft, Maker } from './context.js';
import { an, shp, short, sizes, sum } from './text.js';

function outputShape(c: Ctx): Draft {
  const { T, I, D, P, C, G } = c;
  const ans = [T, D * P];
  const both = D === 2 ? `, ${P} per direction, concatenated` : '';
  const steps = c.o.headOn === 'steps';
  return {
    id: 'rnn-output-shape',
    kind: 'model',
    rank: 10,
    prompt:
      `One sequence of ${T} steps x ${I} features goes into the ${c.cell} layer${c.o.numLayers > 1 ? ' (the first of ' + c.o.numLayers + ')' : ''} ` +
      `with ${c.H} hidden units${D === 2 ? ', bidirectional' : ''}${c.o.projSize ? `, projected to ${P}` : ''}. What shape is the output sequence it gives (time first)?`,
    answer: shp(ans),
    distractors: [shp([D * P, T]), shp([T, C]), ...(c.gates > 1 ? [shp([T, G])] : []), shp([T, I]), shp([T + 1, D * P]), shp([D * P])],
    explanation:
      `The layer emits its hidden state h_t, ${D * P} numbers${both}, at every one of the ${T} steps: ${shp(ans)}. ` +
      `The ${I} input features are mixed into the units by W_ih, so they do not survive as a dimension` +
      (c.gates > 1 ? `; the ${G} gate rows (${c.gates} gates x ${c.H}) are internal to each step` : '') +
      (steps
        ? `. ${shp([T, C])} is what the output layer makes of it (Linear ${D * P} -> ${C} on every step).`
        : `. ${shp([D * P])} is h_n, the last state alone, which this model's output layer reads to give ${shp([C])}.`),
  };
}

function weightShape(which: 'ih' | 'hh'): Maker {
  return (c) => {
    const p = c.layer0.find((e) => e.name.endsWith(`weight_${which}_l0`));
    if (!p) return null;
    const [rows, cols] = p.shape as [number, number];
    const other = c.layer0.find((e) => e.name.endsWith(`weight_${which === 'ih' ? 'hh' : 'ih'}_l0`))!;
    const symbols = c.spec.gates.map((g) => g.symbol).join(', ');
    const gatesText =
      c.gates > 1 ? `${c.gates} gates x ${c.H} units = ${rows} rows (${symbols}, stacked)` : `${rows} rows, one per hidden unit`;
    const colsText = which === 'ih' ? `${cols} columns, one per input feature` : `${cols} columns, one per unit of h_(t-1)`;
    return {
      id: `weight-${which}-shape`,
      kind: 'model',
      rank: which === 'ih' ? 11 : 12,
      prompt:
        `This model's ${c.cell} layer takes ${c.I} features and has ${c.H} hidden units${c.o.projSize ? ` (state projected to ${c.P})` : ''}. ` +
        `What is the shape of ${short(p.name)}, the weight that multiplies ${which === 'ih' ? 'the input x_t' : 'the previous hidden state h_(t-1)'}, as PyTorch stores it?`,
      answer: shp(p.shape),
      distractors: [
        shp([cols, rows]),
        shp(other.shape),
        ...(c.gates > 1 ? [shp([c.H, cols])] : []),
        shp([c.T, cols]),
        shp([rows, c.T]),
        shp([rows, cols + 1]),
      ],
      explanation:
        `PyTorch applies it as W x, so rows are outputs and columns inputs: ${gatesText}, ${colsText}: ${shp(p.shape)}. ` +
        `${short(other.name)} is ${shp(other.shape)}. Neither depends on the ${c.T} steps: the same weights serve every step.`,
    };
  };
}

function layerParameters(c: Ctx): Draft {
  const n = sum(c.layer0.map((p) => p.size));
  const weights = sum(c.layer0.filter((p) => p.name.includes('weight')).map((p) => p.size));
  const biasRows = c.G * c.D;
  const other = c.gates > 1 ? n / c.gates : n * 4;
  return {
    id: 'rnn-parameters',
    kind: 'model',
    rank: 13,
    prompt:
      `How many parameters does this model's ${c.o.numLayers > 1 ? 'first ' : ''}${c.cell} layer have (${c.I} features in, ${c.H} hidden units` +
      `${c.D === 2 ? ', bidirectional' : ''}${c.o.projSize ? `, projected to ${c.P}` : ''})?`,
    answer: String(n),
    distractors: [
      String(c.o.bias ? weights : n + 2 * biasRows),
      String(n * c.T),
      String(Math.round(other)),
      String(c.o.bias ? n - biasRows : n + biasRows),
      String(n + c.H),
    ],
    explanation:
      `${sizes(c.layer0)}: ${n} in all. ` +
      (c.o.bias ? `Both biases count (b_ih and b_hh, ${c.G} each${c.D === 2 ? ' per direction' : ''}); ` : '') +
      `the weights are shared by all ${c.T} steps, so the count does not grow with the sequence (not ${n * c.T})` +
      (c.gates > 1
        ? `; ${an(c.cell)} has ${c.gates} gate blocks of ${c.H} rows, ${c.gates} times a plain RNN's ${Math.round(other)}.`
        : '; an LSTM of the same size would have 4 times as many.'),
  };
}

function headParameters(c: Ctx): Draft | null {
  if (!c.head.length) return null;
  const n = sum(c.head.map((p) => p.size));
  const w = c.head.find((p) => p.name === 'head.weight')!;
  const [C, F] = w.shape as [number, number];
  const bias = c.head.some((p) => p.name === 'head.bias');
  return {
    id: 'head-parameters',
    kind: 'model',
    rank: 14,
    prompt: `The output layer turns the ${F} values of h_t into ${C} ${c.in.values ? 'values' : 'class scores'} (${c.in.data.classes.join(', ')})${c.o.headOn === 'steps' ? `, at each of the ${c.T} steps` : ', once, from the last state'}. How many parameters does it have?`,
    answer: String(n),
    distractors: [
      String(bias ? C * F : n + C),
      ...(c.o.headOn === 'steps' ? [String(n * c.T)] : []),
      String(C * F + F),
      String(F + C),
      String(n + 1),
    ],
    explanation:
      `head.weight is ${shp(w.shape)} = ${C * F}${bias ? ` and head.bias [${C}] = ${C}` : ', no bias'}: ${n}. ` +
      `The bias has one value per class (output), not per input; ${c.o.headOn === 'steps' ? `and the same layer serves all ${c.T} steps, so it is not ${n * c.T}` : 'and it reads only the last state'}.`,
  };
}

export const shapeQuestions: readonly Maker[] = [outputShape, weightShape('ih'), weightShape('hh'), layerParameters, headParameters];
