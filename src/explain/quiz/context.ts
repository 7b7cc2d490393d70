/**
 * What every question is made from: the quiz's types, the run's facts gathered once (Ctx), and the
 * per-question random streams. A leaf module, so the question files and index.ts share it without a cycle.
 */
import { Rng } from '../../tensor/rng.js';
import { cellOf, type Cell } from '../../nn/cells/index.js';
import type { ResolvedModelOptions } from '../../nn/model.js';
import type { EpochRecord } from '../../train/events.js';
import type { PredictionTrace } from '../predict.js';
import type { MemoryComparison } from '../insight.js';
import type { ValueInsight } from '../value-views.js';

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
  /** A model of real-valued targets: its run's facts (the classifier's history, trace and comparison are then absent). */
  values?: ValueQuizFacts | null;
}

/** What a regression run knows, for its questions (src/explain/quiz/values.ts). */
export interface ValueQuizFacts {
  mean: number[];
  std: number[];
  history?: readonly { epoch: number; trainRmse: number; valRmse: number }[];
  /** One test sequence or window: the model's first value there, the truth (null without), the last value added back (null when not relative). */
  example?: { id: string; predicted: number; truth: number | null; last: number | null };
  insight?: ValueInsight | null;
  baselines?: { name: string; label: string; rmse: number }[];
  modelRmse?: number;
}

/** A question with its answer and distractors in any order, before shuffling. */
export interface Draft {
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

/** A question maker: a draft from the run's facts, or null when the run has nothing to ask it with. */
export type Maker = (c: Ctx) => Draft | null;

type Sized = { name: string; shape: number[]; size: number };

export interface Ctx {
  seed: number;
  in: QuizInput;
  o: ResolvedModelOptions;
  /** The cell's descriptor: its gates in row order. */
  spec: Cell;
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
  layer0: Sized[];
  head: Sized[];
}

export function context(input: QuizInput, seed: number): Ctx {
  const o = input.model.options;
  const spec = cellOf(o.mode);
  const H = o.hiddenSize;
  const sized = (p: { name: string; shape: number[] }): Sized => ({
    name: p.name,
    shape: p.shape,
    size: p.shape.reduce((a, b) => a * b, 1),
  });
  return {
    seed,
    in: input,
    o,
    spec,
    cell: spec.label,
    T: input.trace?.steps.length ?? input.data.steps,
    I: o.inputSize,
    H,
    P: o.projSize || H,
    D: o.bidirectional ? 2 : 1,
    G: spec.rows * H,
    C: o.numClasses,
    gates: spec.rows,
    layer0: input.model.parameters.filter((p) => /^rnn\..*_l0(_reverse)?$/.test(p.name)).map(sized),
    head: input.model.parameters.filter((p) => p.name.startsWith('head.')).map(sized),
  };
}

/** A random stream for one question and one seed, so a question does not change with which others are asked. */
export function rngFor(seed: number, key: string): Rng {
  let h = 0x811c9dc5; // FNV-1a
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return new Rng((seed ^ h) >>> 0);
}
