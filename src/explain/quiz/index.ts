/**
 * The quiz: questions drawn from a model and its run (shapes, parameter counts, what a cell or a
 * gate did at a step of the prediction trace, how training went, what taking the memory away cost)
 * and the lesson's concept questions, each with four choices and an explanation that shows the
 * numbers. Pure: no I/O and no printing, so the terminal and the web explorer ask the same questions.
 *
 * The prompt gives the numbers a question needs; the question tests what they mean. Distractors are
 * the mistakes people make (a transposed shape, a forgotten bias, one weight set per step).
 */
import { Rng } from '../../tensor/rng.js';
import type { SequenceModel } from '../../nn/model.js';
import { context, rngFor, type Draft, type Maker, type Question, type QuestionKind, type QuizInput } from './context.js';
import { LESSON_QUESTION } from './concepts.js';
import { conceptQuestions } from './concept-questions.js';
import { shapeQuestions } from './shapes-and-parameters.js';
import { traceQuestions } from './prediction-trace.js';
import { trainingQuestions } from './training-run.js';
import { memory } from './memory.js';
import { valueQuestions } from './values.js';

export type { Question, QuizInput, ValueQuizFacts } from './context.js';
export { LESSON_QUESTION } from './concepts.js';

export interface QuizOptions {
  /** Questions to ask, the lesson's own always among them. Default 8. */
  questions?: number;
}

export const quizDefaults = { questions: 8 };

/** Every question the quiz knows; each says its own place in the quiz (rank). */
const makers: readonly Maker[] = [
  ...conceptQuestions,
  ...shapeQuestions,
  ...traceQuestions,
  ...trainingQuestions,
  memory,
  ...valueQuestions,
];

/** The model part of a QuizInput, from a model. */
export function modelFacts(model: SequenceModel): QuizInput['model'] {
  return { options: model.options, parameters: model.table.entries.map((e) => ({ name: e.name, shape: [...e.shape] })) };
}

/**
 * `questions` questions (default 8, fewer only when the run has too little to ask about): the lesson's
 * question first, then a seeded mix of model, run and concept questions, in the pipeline's order.
 */
export function makeQuiz(input: QuizInput, seed: number, o: QuizOptions = {}): Question[] {
  const n = o.questions ?? quizDefaults.questions;
  const pool = ranked(input, seed);
  const first = pool.find((r) => r.q.id === LESSON_QUESTION)!;
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

interface Ranked {
  q: Question;
  rank: number;
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
  return {
    id: d.id,
    kind: d.kind,
    prompt: d.prompt,
    choices: order.map((i) => choices[i]!),
    answer: order.indexOf(0),
    explanation: d.explanation,
  };
}
