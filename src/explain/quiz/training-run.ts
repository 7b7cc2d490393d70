/** Run questions on the training history: which epoch to keep, and what the two losses say. */
import type { EpochRecord } from '../../train/events.js';
import type { Ctx, Draft, Maker } from './context.js';

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
  const rest = h
    .map((e) => e.epoch)
    .filter((n) => n !== best.epoch)
    .reverse();
  return {
    id: 'best-epoch',
    kind: 'run',
    rank: 23,
    prompt: `Training loss / held-out loss per epoch in this run: ${historyText(h)}. Which epoch's weights would you keep for new data (what early stopping keeps)?`,
    answer: ep(best),
    distractors: [ep(lowTrain), ep(h[h.length - 1]!), ep(bestAcc), ep(1), ...rest.map(ep)],
    explanation:
      `The held-out loss is measured on sequences the model was not trained on, so the epoch where it is lowest generalises best: ` +
      `epoch ${best.epoch}, ${best.valLoss.toFixed(3)}. Training loss (lowest at epoch ${lowTrain.epoch}, ${lowTrain.loss.toFixed(3)}) can keep falling by fitting the ` +
      `training sequences alone. With --patience, training stops once held-out loss stops improving and restores the best epoch.`,
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
  const kind: keyof typeof texts =
    dTrain > 0.1
      ? 'diverging'
      : Math.abs(dTrain) < 0.02
        ? 'stuck'
        : z.valLoss > minVal * 1.05 && z.valLoss > a.valLoss * 0.9 + minVal * 0.1
          ? 'overfitting'
          : 'learning';
  const why = {
    learning: `held-out loss went from ${a.valLoss.toFixed(3)} to ${z.valLoss.toFixed(3)}${z.valLoss > minVal ? ` (best ${minVal.toFixed(3)}, close)` : ', its lowest'}, so what the model learns carries over to sequences it has not seen`,
    overfitting: `held-out loss reached ${minVal.toFixed(3)} and then rose to ${z.valLoss.toFixed(3)} while training loss kept falling: the model is fitting the training sequences themselves`,
    diverging: `training loss rose ${Math.round(dTrain * 100)}%, from ${a.loss.toFixed(3)} to ${z.loss.toFixed(3)}`,
    stuck: `training loss moved ${Math.abs(dTrain * 100).toFixed(1)}% (${a.loss.toFixed(3)} to ${z.loss.toFixed(3)})`,
  }[kind];
  return {
    id: 'loss-trend',
    kind: 'run',
    rank: 24,
    prompt:
      `Over ${h.length} epochs of this run, training loss went from ${a.loss.toFixed(3)} to ${z.loss.toFixed(3)} and held-out loss ` +
      `from ${a.valLoss.toFixed(3)} to ${z.valLoss.toFixed(3)}${h.length > 2 ? ` (per epoch, training / held-out: ${historyText(h)})` : ''}. What does that say?`,
    answer: texts[kind],
    distractors: (Object.keys(texts) as (keyof typeof texts)[]).filter((k) => k !== kind).map((k) => texts[k]),
    explanation:
      `Here ${why}. Read the two losses together: training loss shows fitting, held-out loss shows generalising; the gap ` +
      `between them opening up is overfitting, a rising training loss is divergence.`,
  };
}

export const trainingQuestions: readonly Maker[] = [bestEpoch, lossTrend];
