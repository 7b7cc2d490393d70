/**
 * All UI state, in one place (Transformer Explainer's store): the settings, what the learner is
 * looking at, and the latest snapshot of the model the runner received from the worker. Components
 * read these signals and call the setters below; only the runner (runner/runner.ts) talks to the
 * worker, and only the worker runs the engine.
 */
import { batch, computed, signal } from '@preact/signals';
import { DEFAULTS, type Settings } from './settings.js';
import type { CompareState, SessionSnapshot, Speed, ValueState } from './runner/protocol.js';

export const MODES = [
  { id: 'pipeline', label: 'Pipeline', hint: 'the data flow, shapes on every arrow' },
  { id: 'training', label: 'Training', hint: 'live loss and accuracy, play, pause, step' },
  { id: 'step', label: 'Step-through', hint: 'the prediction trace, one step at a time' },
  { id: 'math', label: 'Math', hint: "the cell's equations with this step's numbers" },
  { id: 'code', label: 'Code', hint: 'the same model in PyTorch and in rnnscope' },
  { id: 'playground', label: 'Playground', hint: 'edit the input, see the hidden state change' },
  { id: 'compare', label: 'Compare', hint: 'with and without memory; RNN vs LSTM vs GRU' },
  { id: 'quiz', label: 'Quiz', hint: 'questions about this model and run' },
  { id: 'insight', label: 'Key insight', hint: 'what the memory is worth, measured' },
] as const;

export type ModeId = (typeof MODES)[number]['id'];

export interface ViewState {
  mode: ModeId;
  /** Test sequence traced (index into the test split), or null for the default (its label changes). */
  seq: number | null;
  /** Step shown by the step-through and the math, 0-based. */
  step: number;
  /** Which cell of a step (layer and direction, in the trace's order). */
  cell: number;
  /** Hidden unit the math expands, and which gate's sums it writes out (LSTM, GRU). */
  unit: number;
  gate: number;
  /** Playground: the feature being edited, and whether all features move together. */
  feature: number;
  together: boolean;
  /** Playground: the edited raw values, or null for the traced test sequence as it is. */
  playground: number[] | null;
  /** Pipeline: show the values with the initial or the current weights. */
  weights: 'initial' | 'trained';
}

export const DEFAULT_VIEW: ViewState = {
  mode: 'pipeline',
  seq: null,
  step: 0,
  cell: 0,
  unit: 0,
  gate: 0,
  feature: 0,
  together: true,
  playground: null,
  weights: 'trained',
};

export const settings = signal<Settings>(DEFAULTS);
export const view = signal<ViewState>(DEFAULT_VIEW);
export const session = signal<SessionSnapshot | null>(null);
/** A model of values (the oscillation task, an uploaded series): its state replaces the session's. */
export const valueState = signal<ValueState | null>(null);
export const compare = signal<CompareState | null>(null);
export const speed = signal<Speed>('normal');
/** Memory on (the model as trained) or off (h reset to zero before every step) in the trace and playground. */
export const memory = signal(true);
/** The hidden unit or step the pointer is on, highlighted in every view on screen (null: none). */
export const hover = signal<{ unit: number | null; step: number | null }>({ unit: null, step: null });
/** The last upload's error, in the CLI's words; null when the last upload was read. */
export const uploadError = signal<string | null>(null);
/** True from asking the worker for a new session until it arrives (the views still show the old one). */
export const pending = signal(false);
/** A one-line message for the whole page (e.g. an engine error, or a link that needs its file). */
export const notice = signal<string | null>(null);
/** Quiz answers by question id (reset when the questions change). */
export const answers = signal<Record<string, number>>({});

/** The compare state if it is about the current settings. */
export const currentCompare = computed(() => {
  const c = compare.value;
  const s = session.value;
  return c && s && c.key === s.key ? c : null;
});

export function setView(p: Partial<ViewState>): void {
  view.value = { ...view.value, ...p };
}

export function setMode(mode: ModeId): void {
  setView({ mode });
}

/** New settings start a new session: the trace, step and playground go back to their defaults. */
export function setSettings(p: Partial<Settings>): void {
  batch(() => {
    settings.value = { ...settings.value, ...p };
    setView({ seq: null, step: 0, cell: 0, unit: 0, gate: 0, feature: 0, playground: null });
    answers.value = {};
  });
}

export function setStep(step: number): void {
  const s = session.value;
  const T = s?.trace.steps.length ?? 1;
  setView({ step: Math.max(0, Math.min(T - 1, step)) });
}

export function answer(id: string, choice: number): void {
  if (answers.value[id] !== undefined) return;
  answers.value = { ...answers.value, [id]: choice };
}
