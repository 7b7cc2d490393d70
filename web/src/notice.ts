/**
 * "What to notice": one line beside a view, read off this run's own numbers (the trace, the history),
 * so the sentence changes as the model learns. Pure: the views pass in what they show.
 */
import { f2, f3 } from '../../src/format.js';
import type { EpochEvent, PredictionTrace } from '../../src/internal.js';

const signed = (v: number) => (v > 0 ? `+${f2(v)}` : f2(v));

/** The hidden unit that ends furthest from zero, and the step from which it stays near its last value. */
export function hiddenNotice(tr: PredictionTrace, ci: number): string {
  const T = tr.steps.length;
  const H = tr.steps[0]?.cells[ci]?.h.length ?? 0;
  if (!T || !H) return '';
  let best = 0;
  for (let u = 1; u < H; u++) if (Math.abs(tr.steps[T - 1]!.cells[ci]!.h[u]!) > Math.abs(tr.steps[T - 1]!.cells[ci]!.h[best]!)) best = u;
  const end = tr.steps[T - 1]!.cells[ci]!.h[best]!;
  let from = T - 1;
  while (from > 0 && Math.abs(tr.steps[from - 1]!.cells[ci]!.h[best]! - end) < 0.15) from--;
  const where = from === 0 ? 'from the first step' : from < T - 1 ? `from step ${from + 1} on` : 'only at the last step';
  return `Unit ${best + 1} ends furthest from zero, at ${signed(end)}, and is near that value ${where}: it holds something about this sequence.`;
}

/** Where the prediction changes along the sequence (a label per step), or what it ends on. */
export function predictionNotice(tr: PredictionTrace, classes: readonly string[]): string {
  const name = (k: number | undefined) => (k === undefined ? '?' : (classes[k] ?? `class ${k}`));
  if (tr.final) {
    const f = tr.final;
    return `It reads all ${tr.steps.length} steps, then says ${name(f.predicted)} with probability ${f2(f.probs[f.predicted]!)}${f.target >= 0 ? (f.predicted === f.target ? ' (right)' : ` (the label is ${name(f.target)})`) : ''}.`;
  }
  const changes: string[] = [];
  for (let t = 1; t < tr.steps.length; t++) {
    const a = tr.steps[t - 1]!.predicted;
    const b = tr.steps[t]!.predicted;
    if (a !== b) changes.push(`${name(a)} → ${name(b)} at step ${t + 1}`);
  }
  const right = tr.counted ? ` It is right on ${tr.correct} of ${tr.counted} labelled steps.` : '';
  if (!changes.length) return `The prediction is ${name(tr.steps[0]?.predicted)} at every step.${right}`;
  return `The prediction changes ${changes.slice(0, 3).join(', ')}${changes.length > 3 ? ` and ${changes.length - 3} more times` : ''}.${right}`;
}

/** What the training so far shows. */
export function trainingNotice(history: readonly EpochEvent[], batches: number, losses: readonly number[]): string {
  if (!batches) return 'Nothing is trained yet: the weights are random. Press Play and watch the loss fall.';
  if (!history.length) {
    const k = Math.min(10, losses.length);
    const first = losses.slice(0, k);
    const last = losses.slice(-k);
    const mean = (a: readonly number[]) => a.reduce((s, v) => s + v, 0) / a.length;
    return `After ${batches} batches the loss went from ${f3(mean(first))} (the first ${k}) to ${f3(mean(last))} (the last ${k}).`;
  }
  const first = history[0]!;
  const last = history[history.length - 1]!;
  const gap = last.trainAccuracy - last.valAccuracy;
  return `Held-out accuracy ${history.length > 1 ? `went from ${f3(first.valAccuracy)} after epoch 1 to ${f3(last.valAccuracy)} after epoch ${last.epoch}` : `is ${f3(last.valAccuracy)} after epoch 1`}; ${
    Math.abs(gap) < 0.02
      ? 'train and held-out agree, so it is not memorising the training set'
      : gap > 0
        ? `train is ${f3(gap)} higher: some of what it learned does not carry to new data`
        : 'held-out is even a little higher than train'
  }.`;
}
