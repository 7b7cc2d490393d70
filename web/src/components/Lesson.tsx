/**
 * The lesson's small helpers shared by the modes: plain-language tooltips for the jargon, a "what to
 * notice" line, the note a bidirectional model needs where its result is shown, and "Next", which
 * follows the lesson's order (data flow, training, prediction trace, quiz, insight).
 */
import type { ComponentChildren } from 'preact';
import { MODES, session, setMode, view, type ModeId } from '../store.js';

const TERMS = {
  'pre-activation':
    'The sum a cell computes before squashing it: weights times the input, plus weights times the last hidden state, plus biases.',
  logits: 'The raw scores the output layer gives each class, before softmax turns them into probabilities.',
  softmax: 'Turns scores into probabilities that add up to 1: e to each score, divided by the sum of them all.',
  'held-out': 'Data the model never trains on (the validation split), so its accuracy there shows what it learned, not what it memorised.',
  epoch: 'One pass over every training sequence. Training here runs several epochs.',
  'hidden state': "The cell's memory: a vector h_t it passes from one step to the next.",
  batch: 'A few sequences trained on together; the weights change once per batch.',
} as const;

export function Term({ k, children }: { k: keyof typeof TERMS; children?: ComponentChildren }) {
  return (
    <span class="term" tabIndex={0}>
      {children ?? k}
      <span class="tip" role="tooltip">
        {TERMS[k]}
      </span>
    </span>
  );
}

export function Notice({ text, testId }: { text: string; testId?: string }) {
  if (!text) return null;
  return (
    <p class="notice-line" data-testid={testId}>
      <strong>What to notice:</strong> {text}
    </p>
  );
}

/** Said wherever a bidirectional model's result is shown: its answer at step t has read the steps after t. */
export function BiNote() {
  const s = session.value;
  if (!s?.model.options.bidirectional) return null;
  return (
    <p class="bi-note" data-testid="bi-note">
      This model is bidirectional: its reverse direction reads the sequence from the end, so its answer at each step has already seen the
      steps after it. It reads the future, so its accuracy here says more about that than about memory.
    </p>
  );
}

const LESSON: ModeId[] = ['pipeline', 'training', 'step', 'quiz', 'insight'];

/** The next mode in the lesson's order; from a mode outside it, the next lesson mode after it in the tabs. */
function nextMode(mode: ModeId): ModeId | null {
  const i = LESSON.indexOf(mode);
  if (i >= 0) return LESSON[i + 1] ?? null;
  const at = MODES.findIndex((m) => m.id === mode);
  return LESSON.find((l) => MODES.findIndex((m) => m.id === l) > at) ?? null;
}

export function Next() {
  const to = nextMode(view.value.mode);
  if (!to) return null;
  const m = MODES.find((x) => x.id === to)!;
  return (
    <p class="next">
      <button
        type="button"
        class="secondary"
        data-testid="next"
        onClick={() => {
          setMode(to);
          requestAnimationFrame(() => {
            document.getElementById('panel')?.focus();
            document.getElementById('panel')?.scrollIntoView({ block: 'start' });
          });
        }}
      >
        Next: {m.label} →
      </button>{' '}
      <span class="muted">{m.hint}</span>
    </p>
  );
}
