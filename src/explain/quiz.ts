/**
 * The quiz: questions drawn from a model and its run (shapes, parameter counts, what a cell or a
 * gate did at a step of the prediction trace, how training went, what taking the memory away cost)
 * and the seed page's concept questions, each with four choices and an explanation that shows the
 * numbers. Pure: no I/O and no printing, so the terminal and the web explorer ask the same questions.
 *
 * The prompt gives the numbers a question needs; the question tests what they mean. Distractors are
 * the mistakes people make (a transposed shape, a forgotten bias, one weight set per step).
 */
import { Rng } from '../tensor/rng.js';
import type { ResolvedModelOptions, SequenceModel } from '../nn/model.js';
import type { EpochRecord } from '../train/events.js';
import type { PredictionTrace, StepTrace } from './predict.js';
import type { MemoryComparison } from './insight.js';

export type QuestionKind = 'concept' | 'model' | 'run';

export interface Question {
  /** Stable name of the question ("rnn-output-shape", "seed-hidden-state", ...). */
  id: string;
  kind: QuestionKind;
  prompt: string;
  /** Four distinct choices, in an order shuffled by the seed. */
  choices: string[];
  /** Index of the right choice. */
  answer: number;
  /** Why the answer is right, with this model's and this run's numbers. */
  explanation: string;
}

/** What a run knows, as the pipeline's events carry it. Everything but the model and data is optional. */
export interface QuizInput {
  model: {
    options: ResolvedModelOptions;
    /** The parameter table in order: PyTorch's state_dict names and shapes. */
    parameters: { name: string; shape: number[] }[];
  };
  /** The data event (or its part that matters here). */
  data: {
    name: string;
    features: string[];
    classes: string[];
    target: 'steps' | 'last';
    /** Steps of the longest sequence. */
    steps: number;
    sizes?: { train: number; val: number; test: number };
  };
  history?: readonly EpochRecord[];
  trace?: PredictionTrace | null;
  comparison?: MemoryComparison | null;
}

export interface QuizOptions {
  /** Questions to ask, the seed's own always among them. Default 8. */
  questions?: number;
}

export const quizDefaults = { questions: 8 };

/** The model part of a QuizInput, from a model. */
export function modelFacts(model: SequenceModel): QuizInput['model'] {
  return { options: model.options, parameters: model.table.entries.map((e) => ({ name: e.name, shape: [...e.shape] })) };
}

/** The id of the seed page's question, asked in every quiz. */
export const SEED_QUESTION = 'seed-hidden-state';

/**
 * `questions` questions (default 8, fewer only when the run has too little to ask about): the seed's
 * question first, then a seeded mix of model, run and concept questions, in the pipeline's order.
 */
export function makeQuiz(input: QuizInput, seed: number, o: QuizOptions = {}): Question[] {
  const n = o.questions ?? quizDefaults.questions;
  const pool = ranked(input, seed);
  const first = pool.find((r) => r.q.id === SEED_QUESTION)!;
  const rng = new Rng(seed);
  const byKind = new Map<QuestionKind, Ranked[]>();
  for (const r of pool) {
    if (r === first) continue;
    byKind.set(r.q.kind, [...(byKind.get(r.q.kind) ?? []), r]);
  }
  for (const list of byKind.values()) rng.shuffle(list);
  const chosen: Ranked[] = [first];
  const pattern: QuestionKind[] = ['model', 'run', 'run', 'model', 'concept', 'run', 'model', 'concept', 'run', 'concept'];
  for (let i = 0; chosen.length < Math.min(n, pool.length); i++) {
    const want = pattern[i % pattern.length]!;
    const list = byKind.get(want)?.length ? byKind.get(want)! : [...byKind.values()].find((l) => l.length)!;
    chosen.push(list.shift()!);
  }
  return chosen.sort((a, b) => a.rank - b.rank).map((r) => r.q);
}

/** Every question this run can ask, in the quiz's order (a "show all" view; makeQuiz picks from these). */
export function quizPool(input: QuizInput, seed: number): Question[] {
  return ranked(input, seed).map((r) => r.q);
}

function ranked(input: QuizInput, seed: number): Ranked[] {
  const ctx = context(input, seed);
  const pool: Ranked[] = [];
  for (const make of makers) {
    const d = make(ctx);
    const q = d && finish(d, seed);
    if (q) pool.push({ q, rank: d.rank });
  }
  return pool.sort((a, b) => a.rank - b.rank);
}

/** The index of a choice from what a person typed: a-d or 1-4 (case and spaces ignored); -1 if neither. */
export function parseChoice(s: string, choices = 4): number {
  const v = s.trim().toLowerCase();
  if (/^[a-z]$/.test(v)) {
    const i = v.charCodeAt(0) - 97;
    return i < choices ? i : -1;
  }
  if (/^\d+$/.test(v)) {
    const i = Number(v) - 1;
    return i >= 0 && i < choices ? i : -1;
  }
  return -1;
}

export const letter = (i: number): string => String.fromCharCode(97 + i);

// ---------------------------------------------------------------------------------------------
// Drafts: a question with its answer and distractors in any order, before shuffling.

interface Draft {
  id: string;
  kind: QuestionKind;
  /** Position in the quiz: the pipeline's order (model, then trace, training, insight, concepts). */
  rank: number;
  prompt: string;
  answer: string;
  /** Wrong choices, best first; the first three distinct from the answer and each other are used. */
  distractors: string[];
  explanation: string;
}

interface Ranked {
  q: Question;
  rank: number;
}

/** The draft as a question with its choices shuffled; null when there are not three distinct distractors. */
function finish(d: Draft, seed: number): Question | null {
  const seen = new Set([d.answer]);
  const wrong: string[] = [];
  for (const x of d.distractors) {
    if (wrong.length === 3) break;
    if (seen.has(x)) continue;
    seen.add(x);
    wrong.push(x);
  }
  if (wrong.length < 3) return null;
  const choices = [d.answer, ...wrong];
  const order = [0, 1, 2, 3];
  // Each question's order depends on the seed and the question alone, not on which others were asked.
  rngFor(seed, `${d.id}:${d.answer}`).shuffle(order);
  return { id: d.id, kind: d.kind, prompt: d.prompt, choices: order.map((i) => choices[i]!), answer: order.indexOf(0), explanation: d.explanation };
}

function rngFor(seed: number, key: string): Rng {
  let h = 0x811c9dc5; // FNV-1a
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return new Rng((seed ^ h) >>> 0);
}

// ---------------------------------------------------------------------------------------------
// What the questions are made from.

interface Ctx {
  seed: number;
  in: QuizInput;
  o: ResolvedModelOptions;
  /** Cell as people say it: "RNN (tanh)", "LSTM", "GRU". */
  cell: string;
  T: number;
  I: number;
  H: number;
  /** State size per direction (projSize or H), directions, gate rows. */
  P: number;
  D: number;
  G: number;
  C: number;
  gates: number;
  /** Sizes of the first recurrent layer's tensors, both directions. */
  layer0: { name: string; shape: number[]; size: number }[];
  head: { name: string; shape: number[]; size: number }[];
}

const cellNames = { rnn_tanh: 'RNN (tanh)', rnn_relu: 'RNN (relu)', lstm: 'LSTM', gru: 'GRU' } as const;
const gateCounts = { rnn_tanh: 1, rnn_relu: 1, lstm: 4, gru: 3 } as const;

function context(input: QuizInput, seed: number): Ctx {
  const o = input.model.options;
  const H = o.hiddenSize;
  const P = o.projSize || H;
  const gates = gateCounts[o.mode];
  const sized = (p: { name: string; shape: number[] }) => ({ name: p.name, shape: p.shape, size: p.shape.reduce((a, b) => a * b, 1) });
  return {
    seed, in: input, o, cell: cellNames[o.mode], T: input.trace?.steps.length ?? input.data.steps,
    I: o.inputSize, H, P, D: o.bidirectional ? 2 : 1, G: gates * H, C: o.numClasses, gates,
    layer0: input.model.parameters.filter((p) => /^rnn\..*_l0(_reverse)?$/.test(p.name)).map(sized),
    head: input.model.parameters.filter((p) => p.name.startsWith('head.')).map(sized),
  };
}

/** "an RNN", "an LSTM", "a GRU": acronyms are read letter by letter. */
const an = (w: string): string => `${/^[AEFHILMNORSX]/.test(w) ? 'an' : 'a'} ${w}`;
const shp = (s: readonly number[]): string => `[${s.join(', ')}]`;
const f2 = (v: number): string => {
  const s = v.toFixed(2);
  return s === '-0.00' ? '0.00' : s;
};
/** A number after an operator: negative ones in parentheses. */
const fp = (v: number): string => (f2(v).startsWith('-') ? `(${f2(v)})` : f2(v));
/** "+ 0.30" or "- 0.30", to follow another term. */
const plus = (v: number): string => (f2(v).startsWith('-') ? `- ${f2(-v)}` : `+ ${f2(v)}`);
const pct = (v: number): string => `${(v * 100).toFixed(1)}%`;
const pct0 = (v: number): string => `${Math.round(v * 100)}%`;
const sum = (v: readonly number[]): number => v.reduce((a, b) => a + b, 0);
const short = (name: string): string => name.replace(/^rnn\.|^head\./, '');
const sizes = (ps: Ctx['layer0']): string => ps.map((p) => `${short(p.name)} ${p.shape.join('x')} = ${p.size}`).join(', ');

const makers: ((c: Ctx) => Draft | null)[] = [
  seedQuestion, outputShape, weightShape('ih'), weightShape('hh'), layerParameters, headParameters,
  firstStep, cellUpdate, gateAtStep, prediction, bestEpoch, lossTrend, memory,
  sharedWeights, squashing, heldOut, vanishing, bidirectional,
];

// ---------------------------------------------------------------------------------------------
// Concept questions.

function seedQuestion(c: Ctx): Draft {
  const tr = c.in.trace;
  const units = c.D * c.P;
  return {
    id: SEED_QUESTION, kind: 'concept', rank: 0,
    prompt: 'Why does the RNN keep a hidden state during sequence processing?',
    answer: 'To remember information from previous time steps',
    distractors: ['To reduce the number of features', 'To increase the input size', 'To shuffle the input data'],
    explanation: `The hidden state h_t is the RNN's memory: each step mixes the new input x_t with h_(t-1), so what came before `
      + `shapes the prediction now. Here it is ${units} numbers carried across ${c.T} steps`
      + (tr && tr.steps.length > 1 ? ` (in this run's trace, h_2 starts from h_1 = ${vecText(tr.steps[0]!.cells[0]!.h)})` : '')
      + `. It does not change the number of features (${c.I}), the input size, or the order of the data.`,
  };
}

function sharedWeights(c: Ctx): Draft {
  const n = sum(c.layer0.map((p) => p.size));
  const wih = c.layer0.find((p) => /weight_ih_l0$/.test(p.name))!;
  const whh = c.layer0.find((p) => /weight_hh_l0$/.test(p.name))!;
  return {
    id: 'shared-weights', kind: 'concept', rank: 30,
    prompt: 'Why does an RNN use the same W_ih and W_hh at every step of a sequence?',
    answer: `So one rule serves every position: any length works, and the ${n} parameters do not grow with it`,
    distractors: [
      'It does not: each step learns its own W_hh, and training keeps the last step\'s copy',
      'So that all the steps can be computed at once, each independently of the others',
      'To keep the hidden state from changing between one step and the next one',
    ],
    explanation: `Here W_ih ${shp(wih.shape)} and W_hh ${shp(whh.shape)} (with the biases, ${n} parameters in the first layer) are applied at all `
      + `${c.T} steps. A separate set per step would need ${n * c.T} and could not handle step ${c.T + 1}. What changes from step to step is `
      + `the hidden state, not the weights. (W_ih x_t can be computed for all steps at once, and rnnscope does it in one matrix `
      + `product; the part through h_(t-1) cannot: step t needs step t-1 first.)`,
  };
}

function squashing(c: Ctx): Draft | null {
  if (c.o.mode === 'rnn_relu') return null;
  const hs = c.in.trace?.steps.flatMap((s) => s.cells.flatMap((x) => x.h)) ?? [];
  const range = hs.length ? ` In this run's trace every h_t value lies between ${f2(Math.min(...hs))} and ${f2(Math.max(...hs))}.` : '';
  const where = c.o.mode === 'rnn_tanh' ? 'h_t = tanh(W_ih x_t + b_ih + W_hh h_(t-1) + b_hh)'
    : c.o.mode === 'lstm' ? 'h_t = o * tanh(c_t), with o between 0 and 1' : 'the candidate n = tanh(...), and h_t mixes n with h_(t-1)';
  return {
    id: 'squashing', kind: 'concept', rank: 31,
    prompt: `Why does the ${c.cell} use tanh to compute its hidden state h_t?`,
    answer: 'It keeps every unit between -1 and 1, so repeated steps cannot blow the state up',
    distractors: [
      'It turns the hidden state into probabilities that add up to 1 across the units',
      'It sets most units to exactly zero, so that the state stays small and sparse',
      'It makes each step linear, so the gradient passes back through it unchanged',
    ],
    explanation: `${where}. The same W_hh multiplies the state at every step; without a bound, a state that grows a little each step `
      + `would grow without limit over a long sequence. tanh bounds it to (-1, 1).${range} Probabilities come from the softmax of the `
      + `output layer, not from tanh; zeros are what relu makes; and tanh is not linear (its slope is at most 1, which is part of why `
      + `gradients vanish over long delays).`,
  };
}

function heldOut(c: Ctx): Draft {
  const s = c.in.data.sizes;
  const numbers = s ? `This run kept ${s.val} of ${s.train + s.val + s.test} sequences for validation and ${s.test} for the test, and trained on ${s.train}. ` : '';
  return {
    id: 'held-out', kind: 'concept', rank: 32,
    prompt: 'Why does training keep a held-out (validation) split that the optimizer never learns from?',
    answer: 'To measure how well the model does on sequences it was never fitted to',
    distractors: [
      'To give the optimizer a fresh batch of data for its final epoch',
      'To make each gradient step more accurate by averaging over more data',
      'To compute the mean and spread used to normalise the input features',
    ],
    explanation: `${numbers}Training loss can fall just by fitting (even memorising) the training sequences; held-out loss falls only if `
      + `what was learned carries over. That is what early stopping (--patience) watches. The normalisation is fitted on the training `
      + `split alone, so nothing from the held-out sequences leaks into the model.`,
  };
}

function vanishing(c: Ctx): Draft {
  const k = 10;
  const lstmCount = (c.o.bias ? 8 * c.H : 0) + 4 * c.H * (c.I + c.H);
  const rnnCount = (c.o.bias ? 2 * c.H : 0) + c.H * (c.I + c.H);
  return {
    id: 'vanishing', kind: 'concept', rank: 33,
    prompt: `On the delay task with the answer ${k} steps back, a plain RNN often stays near chance while an LSTM of the same width learns it. Why?`,
    answer: `The gradient fades over ${k} steps of tanh and W_hh; the LSTM's cell state, updated by addition, keeps it alive`,
    distractors: [
      'The LSTM has four times as many parameters, so it can memorise every training sequence',
      `A plain RNN can only look back as many steps as it has hidden units, and this one has ${c.H}`,
      `The LSTM reads each sequence backwards, so the token ${k} steps back reaches it first`,
    ],
    explanation: `Backpropagation through time multiplies the gradient by W_hh and by tanh's slope (at most 1) once per step; over ${k} `
      + `steps that product usually vanishes, so the token that holds the answer barely moves the weights: vanishing gradients. `
      + `The LSTM's cell state is updated by addition, scaled by the forget gate f, so the gradient can pass many steps nearly intact. `
      + `(With ${c.I} inputs and ${c.H} hidden units an LSTM layer has ${lstmCount} parameters and an RNN layer ${rnnCount}.) `
      + `See it measured: rnnscope compare --task delay --delay 10 --hidden 16 --epochs 10.`,
  };
}

function bidirectional(c: Ctx): Draft {
  const n = sum(c.layer0.filter((p) => !p.name.endsWith('_reverse')).map((p) => p.size));
  const now = c.o.bidirectional ? `This model is bidirectional: its first layer has ${2 * n} parameters (${n} per direction) and gives ${2 * c.P} values per step.`
    : `For this model the first layer would have ${2 * n} parameters instead of ${n}, and give ${2 * c.P} values per step instead of ${c.P}.`;
  return {
    id: 'bidirectional', kind: 'concept', rank: 34,
    prompt: `What does bidirectional=True (rnnscope --bidirectional) add to ${an(c.cell)} layer?`,
    answer: 'A second recurrence, with its own weights, reading from the last step back; the two states are joined',
    distractors: [
      'A second layer stacked on top of the first, which reads the first layer\'s output at every step',
      'Backpropagation through time, so that the gradient can reach back to the earlier steps',
      'Each step is processed twice, so the hidden state is updated two times for every input',
    ],
    explanation: `The two directions run over the same input independently, forward from step 1 and backward from step ${c.T}, with weights `
      + `named weight_ih_l0 and weight_ih_l0_reverse; their states are concatenated. ${now} With a label per step, step t then sees the `
      + `future as well as the past: fine when the whole sequence is known, not for live prediction. Stacking is num_layers (--layers), `
      + `and every RNN is trained by backpropagation through time.`,
  };
}

// ---------------------------------------------------------------------------------------------
// Model questions: shapes and parameter counts from the parameter table.

function outputShape(c: Ctx): Draft {
  const { T, I, D, P, C, G } = c;
  const ans = [T, D * P];
  const both = D === 2 ? `, ${P} per direction, concatenated` : '';
  const steps = c.o.headOn === 'steps';
  return {
    id: 'rnn-output-shape', kind: 'model', rank: 10,
    prompt: `One sequence of ${T} steps x ${I} features goes into the ${c.cell} layer${c.o.numLayers > 1 ? ' (the first of ' + c.o.numLayers + ')' : ''} `
      + `with ${c.H} hidden units${D === 2 ? ', bidirectional' : ''}${c.o.projSize ? `, projected to ${P}` : ''}. What shape is the output sequence it gives (time first)?`,
    answer: shp(ans),
    distractors: [shp([D * P, T]), shp([T, C]), ...(c.gates > 1 ? [shp([T, G])] : []), shp([T, I]), shp([T + 1, D * P]), shp([D * P])],
    explanation: `The layer emits its hidden state h_t, ${D * P} numbers${both}, at every one of the ${T} steps: ${shp(ans)}. `
      + `The ${I} input features are mixed into the units by W_ih, so they do not survive as a dimension`
      + (c.gates > 1 ? `; the ${G} gate rows (${c.gates} gates x ${c.H}) are internal to each step` : '')
      + (steps ? `. ${shp([T, C])} is what the output layer makes of it (Linear ${D * P} -> ${C} on every step).`
        : `. ${shp([D * P])} is h_n, the last state alone, which this model's output layer reads to give ${shp([C])}.`),
  };
}

function weightShape(which: 'ih' | 'hh') {
  return (c: Ctx): Draft | null => {
    const p = c.layer0.find((e) => e.name.endsWith(`weight_${which}_l0`));
    if (!p) return null;
    const [rows, cols] = p.shape as [number, number];
    const other = c.layer0.find((e) => e.name.endsWith(`weight_${which === 'ih' ? 'hh' : 'ih'}_l0`))!;
    const gatesText = c.gates > 1 ? `${c.gates} gates x ${c.H} units = ${rows} rows (${c.o.mode === 'lstm' ? 'i, f, g, o' : 'r, z, n'}, stacked)` : `${rows} rows, one per hidden unit`;
    const colsText = which === 'ih' ? `${cols} columns, one per input feature` : `${cols} columns, one per unit of h_(t-1)`;
    return {
      id: `weight-${which}-shape`, kind: 'model', rank: which === 'ih' ? 11 : 12,
      prompt: `This model's ${c.cell} layer takes ${c.I} features and has ${c.H} hidden units${c.o.projSize ? ` (state projected to ${c.P})` : ''}. `
        + `What is the shape of ${short(p.name)}, the weight that multiplies ${which === 'ih' ? 'the input x_t' : 'the previous hidden state h_(t-1)'}, as PyTorch stores it?`,
      answer: shp(p.shape),
      distractors: [shp([cols, rows]), shp(other.shape), ...(c.gates > 1 ? [shp([c.H, cols])] : []), shp([c.T, cols]), shp([rows, c.T]), shp([rows, cols + 1])],
      explanation: `PyTorch applies it as W x, so rows are outputs and columns inputs: ${gatesText}, ${colsText}: ${shp(p.shape)}. `
        + `${short(other.name)} is ${shp(other.shape)}. Neither depends on the ${c.T} steps: the same weights serve every step.`,
    };
  };
}

function layerParameters(c: Ctx): Draft {
  const n = sum(c.layer0.map((p) => p.size));
  const weights = sum(c.layer0.filter((p) => p.name.includes('weight')).map((p) => p.size));
  const biasRows = c.G * c.D;
  const other = c.gates > 1 ? n / c.gates : n * 4;
  return {
    id: 'rnn-parameters', kind: 'model', rank: 13,
    prompt: `How many parameters does this model's ${c.o.numLayers > 1 ? 'first ' : ''}${c.cell} layer have (${c.I} features in, ${c.H} hidden units`
      + `${c.D === 2 ? ', bidirectional' : ''}${c.o.projSize ? `, projected to ${c.P}` : ''})?`,
    answer: String(n),
    distractors: [
      String(c.o.bias ? weights : n + 2 * biasRows), String(n * c.T), String(Math.round(other)), String(c.o.bias ? n - biasRows : n + biasRows), String(n + c.H),
    ],
    explanation: `${sizes(c.layer0)}: ${n} in all. `
      + (c.o.bias ? `Both biases count (b_ih and b_hh, ${c.G} each${c.D === 2 ? ' per direction' : ''}); ` : '')
      + `the weights are shared by all ${c.T} steps, so the count does not grow with the sequence (not ${n * c.T})`
      + (c.gates > 1 ? `; ${an(c.cell)} has ${c.gates} gate blocks of ${c.H} rows, ${c.gates} times a plain RNN's ${Math.round(other)}.` : '; an LSTM of the same size would have 4 times as many.'),
  };
}

function headParameters(c: Ctx): Draft | null {
  if (!c.head.length) return null;
  const n = sum(c.head.map((p) => p.size));
  const w = c.head.find((p) => p.name === 'head.weight')!;
  const [C, F] = w.shape as [number, number];
  const bias = c.head.some((p) => p.name === 'head.bias');
  return {
    id: 'head-parameters', kind: 'model', rank: 14,
    prompt: `The output layer turns the ${F} values of h_t into ${C} class scores (${c.in.data.classes.join(', ')})${c.o.headOn === 'steps' ? `, at each of the ${c.T} steps` : ', once, from the last state'}. How many parameters does it have?`,
    answer: String(n),
    distractors: [String(bias ? C * F : n + C), ...(c.o.headOn === 'steps' ? [String(n * c.T)] : []), String(C * F + F), String(F + C), String(n + 1)],
    explanation: `head.weight is ${shp(w.shape)} = ${C * F}${bias ? ` and head.bias [${C}] = ${C}` : ', no bias'}: ${n}. `
      + `The bias has one value per class (output), not per input; ${c.o.headOn === 'steps' ? `and the same layer serves all ${c.T} steps, so it is not ${n * c.T}` : 'and it reads only the last state'}.`,
  };
}

// ---------------------------------------------------------------------------------------------
// Run questions: the prediction trace, the training history, the memory comparison.

/**
 * Steps (>= 1, so h_(t-1) is not h0) and units in an order drawn from the seed and the question; the
 * question takes the first that makes a good one (not saturated, choices far enough apart).
 */
function stepsAndUnits(c: Ctx, key: string, units: number): { t: number; u: number; s: StepTrace }[] {
  const tr = c.in.trace;
  if (!tr || tr.steps.length < 2) return [];
  const all: { t: number; u: number; s: StepTrace }[] = [];
  for (let t = 1; t < tr.steps.length; t++) for (let u = 0; u < units; u++) all.push({ t, u, s: tr.steps[t]! });
  rngFor(c.seed, key).shuffle(all);
  return all;
}

/** Formatted numbers that differ from each other by at least `gap`. */
function apart(values: number[], gap: number): boolean {
  return values.every((v, i) => values.every((w, j) => i === j || Math.abs(v - w) >= gap));
}

function firstStep(c: Ctx): Draft | null {
  const cell = c.in.trace?.steps[0]?.cells[0];
  if (!cell) return null;
  const zeros = cell.hPrev.every((v) => v === 0);
  if (!zeros) return null;
  const dirNote = c.D === 2 ? ' (in the forward direction)' : '';
  return {
    id: 'h1-depends', kind: 'run', rank: 20,
    prompt: `In this model, what does the hidden state h_1${dirNote}, after the first step of a sequence, depend on?`,
    answer: 'Only x_1 and the biases: h_0 is all zeros, so W_hh h_0 adds nothing',
    distractors: [
      'x_1 and the last hidden state left over from the previous sequence',
      `All ${c.T} inputs x_1 to x_${c.T}: the layer reads the whole sequence first`,
      'Nothing: h_1 is always zeros, and memory only starts at step 2',
    ],
    explanation: `No initial state was given, so h_0 is zeros (PyTorch's default): every sequence starts fresh. In this run's trace, at `
      + `step 1, W_hh h_0 + b_hh = ${vecText(cell.hiddenPart)}, which is b_hh alone; h_1 = ${vecText(cell.h)} comes from x_1 through W_ih. `
      + `From step 2 on, h_(t-1) carries what earlier steps said.${c.D === 2 ? ` The reverse direction starts from zeros at step ${c.T} and reaches step 1 last, having read them all.` : ''}`,
  };
}

function cellUpdate(c: Ctx): Draft | null {
  if (c.o.mode !== 'rnn_tanh' && c.o.mode !== 'rnn_relu') return null;
  const relu = c.o.mode === 'rnn_relu';
  const act = relu ? (x: number) => Math.max(0, x) : Math.tanh;
  const name = relu ? 'relu' : 'tanh';
  const ok = (p: { u: number; s: StepTrace }) => {
    const cell = p.s.cells[0]!;
    const [a, b, h] = [cell.inputPart[p.u]!, cell.hiddenPart[p.u]!, cell.h[p.u]!];
    // Both parts matter, the sum is not saturated, and forgetting either part gives a visibly different answer.
    return Math.abs(a) > 0.1 && Math.abs(b) > 0.1 && Math.abs(h) < 0.9 && (!relu || h > 0) && apart([h, a + b, act(a), act(b)], 0.05) && Math.abs(h - a) >= 0.05 && Math.abs(h - b) >= 0.05;
  };
  const cands = stepsAndUnits(c, 'cell-update', c.H);
  const pick = cands.find(ok) ?? cands[0];
  if (!pick) return null;
  const { t, u, s } = pick;
  const cell = s.cells[0]!;
  const a = cell.inputPart[u]!;
  const b = cell.hiddenPart[u]!;
  const h = cell.h[u]!;
  return {
    id: 'cell-update', kind: 'run', rank: 21,
    prompt: `At step ${t + 1} of a test sequence, unit ${u + 1} of the RNN layer has W_ih x_${t + 1} + b_ih = ${f2(a)} and W_hh h_${t} + b_hh = ${f2(b)}. What is its h_${t + 1}?`,
    answer: f2(h),
    distractors: [f2(a + b), f2(act(a)), f2(act(b)), f2(act(a - b)), ...(relu ? [f2(Math.abs(a) + Math.abs(b)), f2(a * b)] : [f2(-h), f2(act(a * b))])],
    explanation: `h_${t + 1} = ${name}(W_ih x_${t + 1} + b_ih + W_hh h_${t} + b_hh) = ${name}(${f2(a)} ${plus(b)}) = ${name}(${f2(a + b)}) = ${f2(h)}. `
      + `The two parts add before the nonlinearity: the input says ${f2(a)}, the memory of steps 1 to ${t} says ${f2(b)}. `
      + `Leaving out the memory would give ${name}(${f2(a)}) = ${f2(act(a))}.`,
  };
}

const lstmRoles = (p: string, s: number): Record<string, string> => ({
  f: `It keeps ${p} of c_${s - 1} in c_${s}`,
  i: `It lets ${p} of the new candidate g into c_${s}`,
  o: `It passes ${p} of tanh(c_${s}) on as h_${s}`,
  x: `It erases ${p} of c_${s - 1} from c_${s}`,
});

const gruRoles = (p: string, s: number): Record<string, string> => ({
  z: `It keeps ${p} of h_${s - 1} in h_${s}; the rest comes from the candidate n`,
  r: `It lets ${p} of the memory term W_hn h_${s - 1} + b_hn into the candidate n`,
  x: `It replaces ${p} of h_${s - 1} with the candidate n`,
  o: `It passes ${p} of h_${s} on to the output layer`,
});

function gateAtStep(c: Ctx): Draft | null {
  if (c.o.mode !== 'lstm' && c.o.mode !== 'gru') return null;
  const cands = stepsAndUnits(c, 'gate', c.H);
  // A gate clearly open or clearly closed says more than one at 0.5.
  const pick = cands.find((p) => p.s.cells[0]!.gates && Object.values(p.s.cells[0]!.gates).every((v) => Math.abs(v[p.u]! - 0.5) > 0.15)) ?? cands[0];
  if (!pick) return null;
  const { t, u, s } = pick;
  const cell = s.cells[0]!;
  if (!cell.gates) return null;
  const g = (k: string) => cell.gates![k]![u]!;
  const S = t + 1;
  const which = c.o.mode === 'lstm' ? (['f', 'i', 'o'] as const)[rngFor(c.seed, 'gate-name').int(3)]! : (['z', 'r'] as const)[rngFor(c.seed, 'gate-name').int(2)]!;
  const v = g(which);
  const p = pct0(v);
  const roles = c.o.mode === 'lstm' ? lstmRoles(p, S) : gruRoles(p, S);
  const names: Record<string, string> = { f: 'forget gate f', i: 'input gate i', o: 'output gate o', z: 'update gate z', r: 'reset gate r' };
  let math: string;
  if (c.o.mode === 'lstm') {
    const cp = cell.cPrev![u]!;
    const cn = cell.c![u]!;
    const out = g('o') * Math.tanh(cn);
    math = `c_${S} = f * c_${S - 1} + i * g = ${f2(g('f'))} * ${fp(cp)} + ${f2(g('i'))} * ${fp(g('g'))} = ${f2(cn)}, and `
      + `${c.o.projSize ? `o * tanh(c_${S}) = ${f2(g('o'))} * tanh(${f2(cn)}) = ${f2(out)} (then projected by W_hr into h_${S})` : `h_${S} = o * tanh(c_${S}) = ${f2(g('o'))} * tanh(${f2(cn)}) = ${f2(cell.h[u]!)}`}. `
      + `Gates are sigmoids, between 0 and 1: f near 1 keeps the cell's memory and near 0 forgets it, i decides how much of the candidate `
      + `g = ${f2(g('g'))} is written, o how much of the cell is shown.`;
  } else {
    const H = c.H;
    const zt = g('z');
    const hp = cell.hPrev[u]!;
    const nIn = cell.inputPart[2 * H + u]!;
    const nHid = cell.hiddenPart[2 * H + u]!;
    math = `n = tanh(W_in x_${S} + b_in + r * (W_hn h_${S - 1} + b_hn)) = tanh(${f2(nIn)} + ${f2(g('r'))} * ${fp(nHid)}) = ${f2(g('n'))}, and `
      + `h_${S} = (1 - z) * n + z * h_${S - 1} = ${f2(1 - zt)} * ${fp(g('n'))} + ${f2(zt)} * ${fp(hp)} = ${f2(cell.h[u]!)}. `
      + `Gates are sigmoids, between 0 and 1: z near 1 keeps the old state, near 0 takes the candidate; r decides how much of the `
      + `old state goes into the candidate.`;
  }
  const others = Object.keys(roles).filter((k) => k !== which).map((k) => roles[k]!);
  return {
    id: 'gate', kind: 'run', rank: 21,
    prompt: `At step ${S} of a test sequence, unit ${u + 1}'s ${names[which]} in the ${c.cell} layer was ${f2(v)}. What did that do?`,
    answer: roles[which]!,
    distractors: others,
    explanation: `In this run: ${math}`,
  };
}

function prediction(c: Ctx): Draft | null {
  const tr = c.in.trace;
  if (!tr) return null;
  const classes = c.in.data.classes;
  let where: string;
  let z: number[];
  let p: number[];
  let target: number;
  if (tr.final) {
    ({ logits: z, probs: p, target } = tr.final);
    where = 'For a test sequence, the output layer (on the last hidden state)';
  } else {
    const cands = stepsAndUnits(c, 'prediction', 1).map((p) => p.s);
    // A step the model is not certain about makes softmax's work visible.
    const s = cands.find((x) => x.probs && Math.max(...x.probs) < 0.95 && Math.max(...x.probs) > 0.45) ?? cands[0] ?? tr.steps[0]!;
    if (!s.logits || !s.probs) return null;
    [z, p, target] = [s.logits, s.probs, s.target ?? -1];
    where = `At step ${s.t + 1} of a test sequence, the output layer`;
  }
  if (z.length < 2) return null;
  const order = z.map((_, i) => i).sort((a, b) => z[b]! - z[a]!);
  const k = order[0]!;
  const second = order[1]!;
  const last = order[order.length - 1]!;
  const say = (cls: number, prob: number) => `${classes[cls]}, with probability ${f2(prob)}`;
  const logitShare = z[k]! / sum(z.map(Math.abs));
  const distractors = [say(last, p[k]!), say(k, 1 / z.length), say(second, p[k]!), say(k, 1), say(second, p[second]!)];
  if (logitShare > 0 && logitShare < 1) distractors.splice(2, 0, say(k, logitShare));
  const denom = z.map((v) => `exp(${f2(v)})`).join(' + ');
  const verdict = target < 0 ? 'This step has no label.' : target === k ? `The true class was ${classes[target]}: right.` : `The true class was ${classes[target]}: wrong.`;
  return {
    id: 'prediction', kind: 'run', rank: 22,
    prompt: `${where} gave the logits ${z.map((v, i) => `${classes[i]} ${f2(v)}`).join(', ')}. What does the model predict, after softmax?`,
    answer: say(k, p[k]!),
    distractors,
    explanation: `softmax turns logits into probabilities: p_k = exp(z_k) / sum_j exp(z_j), so p(${classes[k]}) = exp(${f2(z[k]!)}) / (${denom}) = ${f2(p[k]!)}. `
      + `The largest logit always wins, and how far it stands above the others sets how sure the model is (${p.map((v, i) => `${classes[i]} ${f2(v)}`).join(', ')}). ${verdict}`,
  };
}

function historyText(h: readonly EpochRecord[]): string {
  return h.map((e) => `epoch ${e.epoch}: ${e.loss.toFixed(3)} / ${e.valLoss.toFixed(3)}`).join('; ');
}

function bestEpoch(c: Ctx): Draft | null {
  const h = c.in.history ?? [];
  if (h.length < 4 || h.length > 12 || h.some((e) => !Number.isFinite(e.valLoss))) return null;
  const argmin = (f: (e: EpochRecord) => number) => h.reduce((b, e) => (f(e) < f(b) ? e : b), h[0]!);
  const best = argmin((e) => e.valLoss);
  const lowTrain = argmin((e) => e.loss);
  const bestAcc = h.reduce((b, e) => (e.trainAccuracy > b.trainAccuracy ? e : b), h[0]!);
  const ep = (e: EpochRecord | number) => `Epoch ${typeof e === 'number' ? e : e.epoch}`;
  const rest = h.map((e) => e.epoch).filter((n) => n !== best.epoch).reverse();
  return {
    id: 'best-epoch', kind: 'run', rank: 23,
    prompt: `Training loss / held-out loss per epoch in this run: ${historyText(h)}. Which epoch's weights would you keep for new data (what early stopping keeps)?`,
    answer: ep(best),
    distractors: [ep(lowTrain), ep(h[h.length - 1]!), ep(bestAcc), ep(1), ...rest.map(ep)],
    explanation: `The held-out loss is measured on sequences the model was not trained on, so the epoch where it is lowest generalises best: `
      + `epoch ${best.epoch}, ${best.valLoss.toFixed(3)}. Training loss (lowest at epoch ${lowTrain.epoch}, ${lowTrain.loss.toFixed(3)}) can keep falling by fitting the `
      + `training sequences alone. With --patience, training stops once held-out loss stops improving and restores the best epoch.`,
  };
}

function lossTrend(c: Ctx): Draft | null {
  const h = c.in.history ?? [];
  if (h.length < 2 || h.some((e) => !Number.isFinite(e.loss) || !Number.isFinite(e.valLoss))) return null;
  const a = h[0]!;
  const z = h[h.length - 1]!;
  const minVal = Math.min(...h.map((e) => e.valLoss));
  const texts = {
    learning: 'It is still learning what generalises: held-out loss falls along with training loss',
    overfitting: 'It is overfitting: training loss falls while held-out loss has turned up',
    diverging: 'It is diverging: the loss is rising, so the learning rate may be too high',
    stuck: 'It is not learning: the loss has barely moved',
  };
  const dTrain = (z.loss - a.loss) / a.loss;
  const kind: keyof typeof texts = dTrain > 0.1 ? 'diverging'
    : Math.abs(dTrain) < 0.02 ? 'stuck'
      : z.valLoss > minVal * 1.05 && z.valLoss > a.valLoss * 0.9 + minVal * 0.1 ? 'overfitting' : 'learning';
  const why = {
    learning: `held-out loss went from ${a.valLoss.toFixed(3)} to ${z.valLoss.toFixed(3)}${z.valLoss > minVal ? ` (best ${minVal.toFixed(3)}, close)` : ', its lowest'}, so what the model learns carries over to sequences it has not seen`,
    overfitting: `held-out loss reached ${minVal.toFixed(3)} and then rose to ${z.valLoss.toFixed(3)} while training loss kept falling: the model is fitting the training sequences themselves`,
    diverging: `training loss rose ${Math.round(dTrain * 100)}%, from ${a.loss.toFixed(3)} to ${z.loss.toFixed(3)}`,
    stuck: `training loss moved ${Math.abs(dTrain * 100).toFixed(1)}% (${a.loss.toFixed(3)} to ${z.loss.toFixed(3)})`,
  }[kind];
  return {
    id: 'loss-trend', kind: 'run', rank: 24,
    prompt: `Over ${h.length} epochs of this run, training loss went from ${a.loss.toFixed(3)} to ${z.loss.toFixed(3)} and held-out loss `
      + `from ${a.valLoss.toFixed(3)} to ${z.valLoss.toFixed(3)}${h.length > 2 ? ` (per epoch, training / held-out: ${historyText(h)})` : ''}. What does that say?`,
    answer: texts[kind],
    distractors: (Object.keys(texts) as (keyof typeof texts)[]).filter((k) => k !== kind).map((k) => texts[k]),
    explanation: `Here ${why}. Read the two losses together: training loss shows fitting, held-out loss shows generalising; the gap `
      + `between them opening up is overfitting, a rising training loss is divergence.`,
  };
}

function memory(c: Ctx): Draft | null {
  const m = c.in.comparison;
  if (!m || ![m.withMemory, m.reset, m.chance].every(Number.isFinite)) return null;
  const unit = c.in.data.target === 'steps' ? 'steps' : 'sequences';
  const ans = m.reset;
  const candidates = [m.withMemory, (m.withMemory + ans) / 2, Math.min(0.999, m.withMemory + 0.5 * (1 - m.withMemory)), ans / 2, m.chance / 2, 0.05, 0.5, 0.95, 0.25, 0.75];
  const picked: number[] = [];
  for (const v of candidates) {
    if (v < 0 || v > 1) continue;
    if ([ans, ...picked].every((x) => Math.abs(x - v) >= 0.04)) picked.push(v);
  }
  const gain = m.withMemory - Math.max(m.reset, m.memoryless);
  const nearChance = ans - m.chance < 0.05;
  return {
    id: 'memory', kind: 'run', rank: 25,
    prompt: `The trained model got ${pct(m.withMemory)} of ${m.tested} test ${unit} right. Then its memory was taken away: the same weights, `
      + `with the hidden state reset to zero before every step. Always answering the commonest class scores ${pct(m.chance)}. What did the model score without its memory?`,
    answer: pct(ans),
    distractors: picked.map(pct),
    explanation: (m.withMemory - m.chance < 0.05
      ? `It scored ${pct(ans)}; but with its memory it was near chance too: it has not learned much yet (more epochs may help). A model of the same size `
      : nearChance
        ? `It scored ${pct(ans)}, about chance: the answer lies in earlier steps, and only the hidden state carries them. A model of the same size `
        : `It scored ${pct(ans)}, above chance: one step alone carries part of the answer, but not all of it. A model of the same size `)
      + `trained on single steps (${m.parameters} parameters) reached ${pct(m.memoryless)}. With memory ${pct(m.withMemory)}: the hidden state is `
      + `worth ${gain >= 0 ? '+' : ''}${(gain * 100).toFixed(1)} points here.`,
  };
}

function vecText(v: readonly number[], max = 8): string {
  const a = v.map(f2);
  return `[${a.length > max ? [...a.slice(0, max - 2), '...', a[a.length - 1]!].join(', ') : a.join(', ')}]`;
}
