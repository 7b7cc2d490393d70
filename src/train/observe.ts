/**
 * One observation per epoch of training, drawn from the numbers of the run so far: learning starts,
 * improving, plateau, converged, overfitting, diverging, exploding gradients.
 */
import type { EpochRecord } from './events.js';
import { num, wholePct } from '../format.js';

export type ObservationKind = 'starts' | 'improving' | 'plateau' | 'converged' | 'overfitting' | 'diverging' | 'exploding' | 'no_learning';

export interface Observation {
  kind: ObservationKind;
  text: string;
}

const pct = wholePct;
const f2 = (v: number): string => num(v, 2);
const f3 = (v: number): string => num(v, 3);

/** The observation for the last record of `history`; `chance` is the accuracy of always guessing the most common class. */
export function observe(history: readonly EpochRecord[], chance: number): Observation {
  const cur = history[history.length - 1]!;
  const prev = history.length > 1 ? history[history.length - 2]! : null;
  const spike = cur.gradNormMax > 10 * cur.gradNormMean && cur.gradNormMax > 5;
  const lossFell = prev !== null && cur.loss < prev.loss * 0.98;
  // Clipping most steps, or a spike while the loss stops falling, is trouble; a spike on the way down is noted.
  if (cur.clippedFraction > 0.5 || (spike && !lossFell)) {
    const what =
      cur.clippedFraction > 0
        ? `${pct(cur.clippedFraction)} of steps had their gradient clipped`
        : `the gradient norm peaked at ${f2(cur.gradNormMax)}, ${f2(cur.gradNormMax / cur.gradNormMean)} times its mean`;
    return { kind: 'exploding', text: `Exploding gradients: ${what}; lower the learning rate or clip harder.` };
  }
  const note = spike
    ? ` One step's gradient spiked to ${f2(cur.gradNormMax)} (${Math.round(cur.gradNormMax / cur.gradNormMean)}x the mean) without derailing it.`
    : '';
  const o = observeTrend(history, chance);
  return note ? { ...o, text: o.text + note } : o;
}

function observeTrend(history: readonly EpochRecord[], chance: number): Observation {
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
  const dLoss = (cur.loss - prev.loss) / prev.loss;
  const dVal = cur.valAccuracy - prev.valAccuracy;
  const dTrain = cur.trainAccuracy - prev.trainAccuracy;
  if (dLoss > 0.1) {
    return {
      kind: 'diverging',
      text: `Diverging: training loss rose ${pct(dLoss)} (${f3(prev.loss)} to ${f3(cur.loss)}); the learning rate may be too high.`,
    };
  }
  if (dTrain > 0 && dVal < -0.01 && cur.valLoss > prev.valLoss) {
    return {
      kind: 'overfitting',
      text: `Overfitting: train accuracy rose to ${f2(cur.trainAccuracy)} while held-out fell to ${f2(cur.valAccuracy)}.`,
    };
  }
  if (cur.valAccuracy >= 0.97 && Math.abs(dLoss) < 0.1) {
    return {
      kind: 'converged',
      text: `Converged: held-out accuracy ${f2(cur.valAccuracy)}, loss ${f3(cur.loss)} barely moving (${dLoss <= 0 ? '-' : '+'}${pct(Math.abs(dLoss))}).`,
    };
  }
  if (dLoss < -0.02 || dVal > 0.01) {
    return {
      kind: 'improving',
      text: `Improving: loss down ${pct(-dLoss)} to ${f3(cur.loss)}, held-out accuracy ${dVal >= 0 ? 'up' : 'down'} ${f2(Math.abs(dVal))} to ${f2(cur.valAccuracy)}.`,
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
