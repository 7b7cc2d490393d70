/**
 * One observation per epoch of training, drawn from the numbers of the run so far: learning starts,
 * improving, plateau, converged, overfitting, diverging, exploding gradients, a setback.
 *
 * Each alarm rests on evidence that a healthy run cannot show, not on one noisy number:
 * - diverging: the training loss is worse than a model that knows nothing (uniform guesses score ln C),
 *   or it rose three epochs running by more than 10% in all;
 * - exploding gradients: the epoch's mean gradient norm grew to 10 times the first epoch's while the
 *   loss stopped falling (clipping every step is the user's choice, and with the loss falling it is
 *   working, so it is said, not alarmed);
 * - overfitting: held-out loss above its best by 3% for three epochs running, while training loss keeps
 *   falling below what it was at that best and is well under the loss of guessing (the model fits its
 *   training data: a run that fits nothing is not overfitting);
 * - a single step's gradient spike, or one epoch whose loss rose, is a setback when the run was
 *   healthy before it, never an alarm.
 */
import type { EpochRecord } from './events.js';
import { num, wholePct } from '../format.js';

export type ObservationKind =
  'starts' | 'improving' | 'plateau' | 'converged' | 'overfitting' | 'diverging' | 'exploding' | 'setback' | 'no_learning';

export interface Observation {
  kind: ObservationKind;
  text: string;
}

const pct = wholePct;
const f2 = (v: number): string => num(v, 2);
const f3 = (v: number): string => num(v, 3);

/** Gradient growth (this epoch's mean norm over the first epoch's) that, with a stalled loss, is an explosion. */
const GROWTH = 10;

/**
 * The observation for the last record of `history`; `chance` is the accuracy of always guessing the
 * most common class, `classes` the number of classes (the loss of uniform guesses is ln(classes)).
 */
export function observe(history: readonly EpochRecord[], chance: number, classes = 0): Observation {
  const cur = history[history.length - 1]!;
  const prev = history.length > 1 ? history[history.length - 2]! : null;
  const first = history[0]!;
  const uniform = classes > 1 ? Math.log(classes) : Infinity;
  const dLoss = prev ? (cur.loss - prev.loss) / prev.loss : 0;

  // Worse than knowing nothing: the weights have been thrown far from anything useful.
  if (cur.loss > 1.5 * uniform) {
    return {
      kind: 'diverging',
      text: `Diverging: training loss ${f3(cur.loss)} is worse than the ${f3(uniform)} of guessing every class equally; the learning rate (${cur.lr}) is too high.`,
    };
  }
  const run = history.slice(-4);
  if (run.length === 4 && run.every((e, i) => i === 0 || e.loss > run[i - 1]!.loss) && cur.loss > run[0]!.loss * 1.1) {
    return {
      kind: 'diverging',
      text: `Diverging: training loss rose three epochs running, ${f3(run[0]!.loss)} to ${f3(cur.loss)} (+${pct(cur.loss / run[0]!.loss - 1)}); the learning rate may be too high.`,
    };
  }
  const growth = cur.gradNormMean / first.gradNormMean;
  if (prev && growth > GROWTH && dLoss > -0.02) {
    return {
      kind: 'exploding',
      text: `Exploding gradients: the mean gradient norm grew to ${f2(cur.gradNormMean)}, ${Math.round(growth)} times the first epoch's, and the loss stopped falling; lower the learning rate or clip (--clip 1).`,
    };
  }
  if (cur.clippedFraction > 0.9 && prev && dLoss > -0.02) {
    return {
      kind: 'exploding',
      text: `Exploding gradients: ${pct(cur.clippedFraction)} of steps were clipped and the loss stopped falling; lower the learning rate.`,
    };
  }
  const spike = cur.gradNormMax > 10 * cur.gradNormMean && cur.gradNormMax > 5;
  const spikeText = `one step's gradient spiked to ${f2(cur.gradNormMax)} (${Math.round(cur.gradNormMax / cur.gradNormMean)}x the mean)`;
  if (prev && dLoss > 0.02) {
    return {
      kind: 'setback',
      text: `Setback: training loss rose ${pct(dLoss)} (${f3(prev.loss)} to ${f3(cur.loss)})${spike ? ` as ${spikeText}` : ''}; one epoch like this is noise, several in a row are not.`,
    };
  }
  const o = observeTrend(history, chance, dLoss, uniform);
  const notes: string[] = [];
  if (spike) notes.push(`${spikeText[0]!.toUpperCase()}${spikeText.slice(1)} without derailing it.`);
  if (cur.clippedFraction > 0.5) notes.push(`Clipping held ${pct(cur.clippedFraction)} of steps to --clip.`);
  return notes.length ? { ...o, text: `${o.text} ${notes.join(' ')}` } : o;
}

function observeTrend(history: readonly EpochRecord[], chance: number, dLoss: number, uniform: number): Observation {
  const cur = history[history.length - 1]!;
  const prev = history.length > 1 ? history[history.length - 2]! : null;
  if (!prev) {
    if (cur.valAccuracy > chance + 0.05) {
      return {
        kind: 'starts',
        text: `Learning starts: held-out accuracy ${f2(cur.valAccuracy)}, above the ${f2(chance)} of always guessing the commonest class.`,
      };
    }
    return {
      kind: 'no_learning',
      text: `Not learning yet: held-out accuracy ${f2(cur.valAccuracy)} is near the ${f2(chance)} of always guessing the commonest class.`,
    };
  }
  const dVal = cur.valAccuracy - prev.valAccuracy;
  const over = overfitting(history, uniform);
  if (over) return over;
  const moved = `${dLoss <= 0 ? 'down' : 'up'} ${pct(Math.abs(dLoss))}`;
  if (cur.valAccuracy >= 0.97 && Math.abs(dLoss) < 0.1) {
    return {
      kind: 'converged',
      text: `Converged: held-out accuracy ${f2(cur.valAccuracy)}, loss ${f3(cur.loss)} barely moving (${moved}).`,
    };
  }
  if (dLoss < -0.02 || dVal > 0.01) {
    return {
      kind: 'improving',
      text: `Improving: loss ${moved} to ${f3(cur.loss)}, held-out accuracy ${dVal >= 0 ? 'up' : 'down'} ${f2(Math.abs(dVal))} to ${f2(cur.valAccuracy)}.`,
    };
  }
  if (cur.valAccuracy <= chance + 0.05) {
    return { kind: 'no_learning', text: `Not learning: held-out accuracy ${f2(cur.valAccuracy)} stays near chance (${f2(chance)}).` };
  }
  return {
    kind: 'plateau',
    text: `Plateau: loss moved ${pct(Math.abs(dLoss))} and held-out accuracy ${f2(Math.abs(dVal))}; more epochs or a higher learning rate may help.`,
  };
}

/** Held-out loss 3% above its best for the last three epochs while training loss kept falling below its level at that best. */
function overfitting(history: readonly EpochRecord[], uniform: number): Observation | null {
  const n = history.length;
  if (n < 4 || history.some((e) => !Number.isFinite(e.valLoss))) return null;
  let best = 0;
  for (let i = 1; i < n; i++) if (history[i]!.valLoss < history[best]!.valLoss) best = i;
  const b = history[best]!;
  const cur = history[n - 1]!;
  const last = history.slice(-3);
  if (best > n - 4 || last.some((e) => e.valLoss <= b.valLoss * 1.03) || cur.loss >= b.loss || cur.loss > 0.75 * uniform) return null;
  return {
    kind: 'overfitting',
    text: `Overfitting: held-out loss rose from its best, ${f3(b.valLoss)} at epoch ${b.epoch}, to ${f3(cur.valLoss)}, while training loss fell to ${f3(cur.loss)}.`,
  };
}
