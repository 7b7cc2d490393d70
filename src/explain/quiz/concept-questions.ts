/** The concept questions: concepts.ts's wording, with this model's and this run's numbers in its slots. */
import { CONCEPTS, LESSON_QUESTION, type Concept } from './concepts.js';
import type { Ctx, Draft, Maker } from './context.js';
import { an, f2, shp, sum, vecText } from './text.js';

type Values = Record<string, string | number>;

/** The text with every {slot} filled; a slot without a value is a bug in concepts.ts, so it throws. */
function fill(text: string, v: Values): string {
  return text.replace(/\{(\w+)\}/g, (_, k: string) => {
    if (v[k] === undefined) throw new Error(`quiz concept slot {${k}} has no value`);
    return String(v[k]);
  });
}

/** One of the concept's optional sentences, filled. */
const part = (q: Concept, name: string, v: Values = {}): string => fill(q.parts![name]!, v);

/** Each concept's slot values; null when the question does not fit this model. */
const VALUES: Readonly<Record<string, (c: Ctx, q: Concept) => Values | null>> = {
  [LESSON_QUESTION]: (c, q) => {
    const tr = c.in.trace;
    const trace = tr && tr.steps.length > 1 ? part(q, 'trace', { h1: vecText(tr.steps[0]!.cells[0]!.h) }) : '';
    return { units: c.D * c.P, T: c.T, I: c.I, trace };
  },
  'shared-weights': (c) => {
    const n = sum(c.layer0.map((p) => p.size));
    const wih = c.layer0.find((p) => /weight_ih_l0$/.test(p.name))!;
    const whh = c.layer0.find((p) => /weight_hh_l0$/.test(p.name))!;
    return { n, wih: shp(wih.shape), whh: shp(whh.shape), T: c.T, nT: n * c.T, T1: c.T + 1 };
  },
  squashing: (c, q) => {
    // relu does not squash, and a projection (h = W_hr (o * tanh(c))) takes h out of (-1, 1): the question would be false for both.
    if (c.o.mode === 'rnn_relu' || c.o.projSize > 0) return null;
    const hs = c.in.trace?.steps.flatMap((s) => s.cells.flatMap((x) => x.h)) ?? [];
    const range = hs.length ? part(q, 'range', { lo: f2(Math.min(...hs)), hi: f2(Math.max(...hs)) }) : '';
    return { cell: c.cell, where: part(q, c.o.mode), range };
  },
  'held-out': (c, q) => {
    const s = c.in.data.sizes;
    return { sizes: s ? part(q, 'sizes', { val: s.val, total: s.train + s.val + s.test, test: s.test, train: s.train }) : '' };
  },
  vanishing: (c) => ({
    H: c.H,
    I: c.I,
    lstmCount: (c.o.bias ? 8 * c.H : 0) + 4 * c.H * (c.I + c.H),
    rnnCount: (c.o.bias ? 2 * c.H : 0) + c.H * (c.I + c.H),
  }),
  bidirectional: (c, q) => {
    const n = sum(c.layer0.filter((p) => !p.name.endsWith('_reverse')).map((p) => p.size));
    const now = part(q, c.o.bidirectional ? 'bidirectional' : 'unidirectional', { n, n2: 2 * n, P: c.P, P2: 2 * c.P });
    return { aCell: an(c.cell), T: c.T, now };
  },
};

function conceptQuestion(q: Concept): Maker {
  return (c): Draft | null => {
    const v = VALUES[q.id]!(c, q);
    if (!v) return null;
    return {
      id: q.id,
      kind: 'concept',
      rank: q.rank,
      prompt: fill(q.prompt, v),
      answer: fill(q.answer, v),
      distractors: q.distractors.map((d) => fill(d, v)),
      explanation: fill(q.explanation, v),
    };
  };
}

export const conceptQuestions: readonly Maker[] = CONCEPTS.map(conceptQuestion);
