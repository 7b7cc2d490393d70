/** Run questions on the prediction trace: what a cell, a gate or the output layer did at one step. */
import type { StepTrace } from '../predict.js';
import { rngFor, type Ctx, type Draft, type Maker } from './context.js';
import { f2, fp, pct0, plus, sum, vecText } from './text.js';

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
    id: 'h1-depends',
    kind: 'run',
    rank: 20,
    prompt: `In this model, what does the hidden state h_1${dirNote}, after the first step of a sequence, depend on?`,
    answer: 'Only x_1 and the biases: h_0 is all zeros, so W_hh h_0 adds nothing',
    distractors: [
      'x_1 and the last hidden state left over from the previous sequence',
      `All ${c.T} inputs x_1 to x_${c.T}: the layer reads the whole sequence first`,
      'Nothing: h_1 is always zeros, and memory only starts at step 2',
    ],
    explanation:
      `No initial state was given, so h_0 is zeros (PyTorch's default): every sequence starts fresh. In this run's trace, at ` +
      `step 1, W_hh h_0 + b_hh = ${vecText(cell.hiddenPart)}, which is b_hh alone; h_1 = ${vecText(cell.h)} comes from x_1 through W_ih. ` +
      `From step 2 on, h_(t-1) carries what earlier steps said.${c.D === 2 ? ` The reverse direction starts from zeros at step ${c.T} and reaches step 1 last, having read them all.` : ''}`,
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
    return (
      Math.abs(a) > 0.1 &&
      Math.abs(b) > 0.1 &&
      Math.abs(h) < 0.9 &&
      (!relu || h > 0) &&
      apart([h, a + b, act(a), act(b)], 0.05) &&
      Math.abs(h - a) >= 0.05 &&
      Math.abs(h - b) >= 0.05
    );
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
    id: 'cell-update',
    kind: 'run',
    rank: 21,
    prompt: `At step ${t + 1} of a test sequence, unit ${u + 1} of the RNN layer has W_ih x_${t + 1} + b_ih = ${f2(a)} and W_hh h_${t} + b_hh = ${f2(b)}. What is its h_${t + 1}?`,
    answer: f2(h),
    distractors: [
      f2(a + b),
      f2(act(a)),
      f2(act(b)),
      f2(act(a - b)),
      ...(relu ? [f2(Math.abs(a) + Math.abs(b)), f2(a * b)] : [f2(-h), f2(act(a * b))]),
    ],
    explanation:
      `h_${t + 1} = ${name}(W_ih x_${t + 1} + b_ih + W_hh h_${t} + b_hh) = ${name}(${f2(a)} ${plus(b)}) = ${name}(${f2(a + b)}) = ${f2(h)}. ` +
      `The two parts add before the nonlinearity: the input says ${f2(a)}, the memory of steps 1 to ${t} says ${f2(b)}. ` +
      `Leaving out the memory would give ${name}(${f2(a)}) = ${f2(act(a))}.`,
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
  const pick =
    cands.find((p) => p.s.cells[0]!.gates && Object.values(p.s.cells[0]!.gates).every((v) => Math.abs(v[p.u]! - 0.5) > 0.15)) ?? cands[0];
  if (!pick) return null;
  const { t, u, s } = pick;
  const cell = s.cells[0]!;
  if (!cell.gates) return null;
  const g = (k: string) => cell.gates![k]![u]!;
  const S = t + 1;
  const which =
    c.o.mode === 'lstm'
      ? (['f', 'i', 'o'] as const)[rngFor(c.seed, 'gate-name').int(3)]!
      : (['z', 'r'] as const)[rngFor(c.seed, 'gate-name').int(2)]!;
  const v = g(which);
  const p = pct0(v);
  const roles = c.o.mode === 'lstm' ? lstmRoles(p, S) : gruRoles(p, S);
  const gate = c.spec.gates.find((x) => x.symbol === which)!;
  let math: string;
  if (c.o.mode === 'lstm') {
    const cp = cell.cPrev![u]!;
    const cn = cell.c![u]!;
    const out = g('o') * Math.tanh(cn);
    math =
      `c_${S} = f * c_${S - 1} + i * g = ${f2(g('f'))} * ${fp(cp)} + ${f2(g('i'))} * ${fp(g('g'))} = ${f2(cn)}, and ` +
      `${c.o.projSize ? `o * tanh(c_${S}) = ${f2(g('o'))} * tanh(${f2(cn)}) = ${f2(out)} (then projected by W_hr into h_${S})` : `h_${S} = o * tanh(c_${S}) = ${f2(g('o'))} * tanh(${f2(cn)}) = ${f2(cell.h[u]!)}`}. ` +
      `Gates are sigmoids, between 0 and 1: f near 1 keeps the cell's memory and near 0 forgets it, i decides how much of the candidate ` +
      `g = ${f2(g('g'))} is written, o how much of the cell is shown.`;
  } else {
    const H = c.H;
    const zt = g('z');
    const hp = cell.hPrev[u]!;
    const nIn = cell.inputPart[2 * H + u]!;
    const nHid = cell.hiddenPart[2 * H + u]!;
    math =
      `n = tanh(W_in x_${S} + b_in + r * (W_hn h_${S - 1} + b_hn)) = tanh(${f2(nIn)} + ${f2(g('r'))} * ${fp(nHid)}) = ${f2(g('n'))}, and ` +
      `h_${S} = (1 - z) * n + z * h_${S - 1} = ${f2(1 - zt)} * ${fp(g('n'))} + ${f2(zt)} * ${fp(hp)} = ${f2(cell.h[u]!)}. ` +
      `Gates are sigmoids, between 0 and 1: z near 1 keeps the old state, near 0 takes the candidate; r decides how much of the ` +
      `old state goes into the candidate.`;
  }
  const others = Object.keys(roles)
    .filter((k) => k !== which)
    .map((k) => roles[k]!);
  return {
    id: 'gate',
    kind: 'run',
    rank: 21,
    prompt: `At step ${S} of a test sequence, unit ${u + 1}'s ${gate.name} ${gate.symbol} in the ${c.cell} layer was ${f2(v)}. What did that do?`,
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
  const verdict =
    target < 0
      ? 'This step has no label.'
      : target === k
        ? `The true class was ${classes[target]}: right.`
        : `The true class was ${classes[target]}: wrong.`;
  return {
    id: 'prediction',
    kind: 'run',
    rank: 22,
    prompt: `${where} gave the logits ${z.map((v, i) => `${classes[i]} ${f2(v)}`).join(', ')}. What does the model predict, after softmax?`,
    answer: say(k, p[k]!),
    distractors,
    explanation:
      `softmax turns logits into probabilities: p_k = exp(z_k) / sum_j exp(z_j), so p(${classes[k]}) = exp(${f2(z[k]!)}) / (${denom}) = ${f2(p[k]!)}. ` +
      `The largest logit always wins, and how far it stands above the others sets how sure the model is (${p.map((v, i) => `${classes[i]} ${f2(v)}`).join(', ')}). ${verdict}`,
  };
}

export const traceQuestions: readonly Maker[] = [firstStep, cellUpdate, gateAtStep, prediction];
