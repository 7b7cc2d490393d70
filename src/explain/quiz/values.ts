/**
 * Questions about a run of a model of real-valued targets (regression, forecasting): what its output
 * layer gives, which epoch to keep by held-out RMSE, what memory is worth in the target's units, and
 * which baseline it had to beat. Each returns null for a classifier's run (no `values` in the input).
 */
import { memoryWorth } from '../memory.js';
import { units } from '../value-views.js';
import type { Ctx, Draft, Maker } from './context.js';

function valueOutput(c: Ctx): Draft | null {
  const v = c.in.values;
  if (!v?.example) return null;
  const { predicted, truth, last } = v.example;
  const K = c.C;
  const many = c.o.headOn === 'steps';
  return {
    id: 'value-output',
    kind: 'model',
    rank: 15,
    prompt:
      `This model's output layer gives ${K} number${K === 1 ? '' : 's'} ${many ? 'at every step' : 'from the last hidden state'} ` +
      `(${c.in.data.classes.join(', ')}). For test ${many ? 'sequence' : 'window'} ${v.example.id} it gave ${units(predicted)}${truth === null ? '' : `; the true value was ${units(truth)}`}. What is that number?`,
    answer: `A value in the target's own units: the linear layer's output times the training split's standard deviation, plus its mean${last === null ? '' : ' and the last value'}`,
    distractors: [
      `A probability: softmax over ${K === 1 ? 'a single class' : `${K} classes`}, so it lies between 0 and 1`,
      "The hidden state h_n's largest unit, read off as the forecast",
      'A standardised score: the target minus its mean, divided by its standard deviation, as the loss saw it',
      'The error the model expects to make on this window',
    ],
    explanation:
      `A regression head has no softmax: Linear ${c.head.find((p) => p.name === 'head.weight')?.shape[1] ?? ''} -> ${K} gives standardised values (the loss, MSE here, is taken on those), ` +
      `and the front ends map them back with the training split's statistics (std ${v.std.map(units).join(', ')}, mean ${v.mean.map(units).join(', ')})` +
      `${last === null ? '' : `, then add the window's last value (${units(last)}), since the model learnt the change from it`}: ${units(predicted)}` +
      `${truth === null ? '.' : `, against a true ${units(truth)} (an error of ${units(predicted - truth)}).`}`,
  };
}

function bestRmseEpoch(c: Ctx): Draft | null {
  const h = c.in.values?.history ?? [];
  if (h.length < 4 || h.length > 12 || h.some((e) => !Number.isFinite(e.valRmse))) return null;
  const best = h.reduce((b, e) => (e.valRmse < b.valRmse ? e : b), h[0]!);
  const lowTrain = h.reduce((b, e) => (e.trainRmse < b.trainRmse ? e : b), h[0]!);
  const ep = (n: number) => `Epoch ${n}`;
  return {
    id: 'value-best-epoch',
    kind: 'run',
    rank: 23,
    prompt: `Training RMSE / held-out RMSE per epoch of this run, in the target's units: ${h.map((e) => `epoch ${e.epoch}: ${units(e.trainRmse)} / ${units(e.valRmse)}`).join('; ')}. Which epoch's weights would you keep for new data?`,
    answer: ep(best.epoch),
    distractors: [ep(lowTrain.epoch), ep(h[h.length - 1]!.epoch), ep(1), ...h.map((e) => ep(e.epoch)).reverse()],
    explanation:
      `The held-out RMSE is measured on windows the model never trained on, later in time than every training window: it is lowest at epoch ${best.epoch} ` +
      `(${units(best.valRmse)}). Training RMSE (lowest at epoch ${lowTrain.epoch}, ${units(lowTrain.trainRmse)}) can keep falling by fitting the training part alone.`,
  };
}

function valueMemory(c: Ctx): Draft | null {
  const i = c.in.values?.insight;
  if (!i) return null;
  const { gain, without } = memoryWorth(i, 'error');
  const wrong = [
    i.withMemory - without,
    i.memoryless - i.reset,
    ...(i.persistence === null ? [] : [i.persistence - i.withMemory + (gain === i.persistence - i.withMemory ? 0.01 : 0)]),
    i.withMemory,
    without,
    gain / 2,
    gain * 2,
  ];
  return {
    id: 'value-memory',
    kind: 'run',
    rank: 25,
    prompt:
      `On the test windows this model's RMSE is ${units(i.withMemory)}. The same weights with the hidden state reset before every step score ${units(i.reset)}; ` +
      `the same architecture trained without memory (on the last step alone) ${units(i.memoryless)}` +
      `${i.persistence === null ? '' : `; the last value alone (persistence) ${units(i.persistence)}`}. How much RMSE is the memory worth here?`,
    answer: units(gain),
    distractors: wrong.map(units),
    explanation:
      `Memory's worth is measured against the best the model does without it: the lower of ${units(i.reset)} and ${units(i.memoryless)}, ${units(without)}, ` +
      `minus ${units(i.withMemory)}: ${units(gain)} of RMSE. ${i.text}`,
  };
}

function hardestBaseline(c: Ctx): Draft | null {
  const b = c.in.values?.baselines;
  if (!b || b.length < 4) return null;
  const best = b.reduce((x, y) => (y.rmse < x.rmse ? y : x), b[0]!);
  const say = (x: { name: string; label: string }) => `${x.name} (${x.label})`;
  return {
    id: 'value-baseline',
    kind: 'run',
    rank: 26,
    prompt: `A forecaster is checked against baselines that need no learning. On this run's test split, which of them had the lowest RMSE, the one the model most needed to beat?`,
    answer: say(best),
    distractors: b.filter((x) => x !== best).map(say),
    explanation: `On the test split: ${b.map((x) => `${x.name} ${units(x.rmse)}`).join(', ')}; the model ${units(c.in.values!.modelRmse ?? NaN)}. A model that does not beat the best of these has learnt nothing a one-line rule would not give.`,
  };
}

export const valueQuestions: readonly Maker[] = [valueOutput, bestRmseEpoch, valueMemory, hardestBaseline];
