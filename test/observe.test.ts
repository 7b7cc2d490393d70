import { test } from 'node:test';
import assert from 'node:assert/strict';
import { observe } from '../src/train/observe.js';
import { observeValues, type ValueEpochRecord } from '../src/train/regress.js';
import type { EpochRecord } from '../src/train/events.js';
import { jsonLines, ok, run } from './cli-helpers.js';

const rec = (epoch: number, loss: number, trainAccuracy: number, valAccuracy: number, extra: Partial<EpochRecord> = {}): EpochRecord => ({
  epoch,
  loss,
  trainAccuracy,
  valLoss: loss,
  valAccuracy,
  lr: 0.01,
  gradNormMean: 1,
  gradNormMax: 2,
  clippedFraction: 0,
  seconds: 0.1,
  ...extra,
});

/** A history from [loss, valLoss] pairs, accuracy rising slowly. */
const run3 = (pairs: [number, number][], extra: (i: number) => Partial<EpochRecord> = () => ({})): EpochRecord[] =>
  pairs.map(([loss, valLoss], i) => rec(i + 1, loss, 0.8 + i * 0.001, 0.8, { valLoss, ...extra(i) }));

test('observe names each phase of a run from its numbers', () => {
  assert.equal(observe([rec(1, 0.9, 0.5, 0.6)], 0.34, 3).kind, 'starts');
  assert.equal(observe([rec(1, 1.1, 0.34, 0.35)], 0.34, 3).kind, 'no_learning');
  assert.equal(observe([rec(1, 0.9, 0.5, 0.6), rec(2, 0.6, 0.7, 0.75)], 0.34, 3).kind, 'improving');
  assert.equal(observe([rec(1, 0.5, 0.8, 0.8), rec(2, 0.495, 0.8, 0.8)], 0.34, 3).kind, 'plateau');
  assert.equal(observe([rec(1, 0.1, 0.98, 0.98), rec(2, 0.095, 0.99, 0.98)], 0.34, 3).kind, 'converged');
});

test('a loss worse than guessing every class equally is diverging, whatever else the epoch shows', () => {
  // The run at --lr 10: loss 10-14 against ln 3 = 1.10, accuracies wobbling near chance.
  const blown = [rec(1, 10.19, 0.38, 0.4), rec(2, 11.64, 0.35, 0.44), rec(3, 12.75, 0.355, 0.355, { valLoss: 13 })];
  for (let n = 1; n <= 3; n++) assert.equal(observe(blown.slice(0, n), 0.34, 3).kind, 'diverging');
  assert.match(observe(blown, 0.34, 3).text, /worse than the 1\.099 of guessing every class equally/);
  assert.notEqual(observe(blown, 0.34, 3).kind, 'overfitting');
});

test('diverging from the trend needs three rises in a row; one rise is a setback', () => {
  const once = [rec(1, 0.5, 0.8, 0.8), rec(2, 0.4, 0.85, 0.85), rec(3, 0.48, 0.83, 0.83)];
  assert.equal(observe(once, 0.34, 3).kind, 'setback');
  assert.match(observe(once, 0.34, 3).text, /rose 20% \(0\.400 to 0\.480\)/);
  const thrice = [rec(1, 0.4, 0.8, 0.8), rec(2, 0.42, 0.8, 0.8), rec(3, 0.45, 0.8, 0.8), rec(4, 0.5, 0.8, 0.8)];
  assert.equal(observe(thrice, 0.34, 3).kind, 'diverging');
  assert.match(observe(thrice, 0.34, 3).text, /rose three epochs running, 0\.400 to 0\.500 \(\+25%\)/);
});

test('exploding gradients need the mean norm grown tenfold with a stalled loss; spikes and clipping with a falling loss are noted, not alarmed', () => {
  const grown = [rec(1, 0.6, 0.7, 0.7, { gradNormMean: 0.5 }), rec(2, 0.6, 0.7, 0.7, { gradNormMean: 8, gradNormMax: 40 })];
  assert.equal(observe(grown, 0.34, 3).kind, 'exploding');
  assert.match(observe(grown, 0.34, 3).text, /grew to 8\.00, 16 times the first epoch's/);
  const grownButFalling = [rec(1, 0.6, 0.7, 0.7, { gradNormMean: 0.5 }), rec(2, 0.4, 0.8, 0.8, { gradNormMean: 8 })];
  assert.notEqual(observe(grownButFalling, 0.34, 3).kind, 'exploding');
  const clippedStalled = [rec(1, 0.5, 0.8, 0.8), rec(2, 0.5, 0.8, 0.8, { clippedFraction: 0.95 })];
  assert.equal(observe(clippedStalled, 0.34, 3).kind, 'exploding');
  // --clip 1 while the loss falls 31%: the clipping is working.
  const clippedFalling = [rec(1, 0.61, 0.75, 0.83, { clippedFraction: 0.5 }), rec(2, 0.42, 0.83, 0.85, { clippedFraction: 1 })];
  const o = observe(clippedFalling, 0.34, 3);
  assert.equal(o.kind, 'improving');
  assert.match(o.text, /Clipping held 100% of steps to --clip/);
  // A spike on one step of an otherwise healthy epoch.
  const spike = observe([rec(1, 0.5, 0.8, 0.8), rec(2, 0.49, 0.85, 0.85, { gradNormMax: 40, gradNormMean: 2 })], 0.34, 3);
  assert.equal(spike.kind, 'improving');
  assert.match(spike.text, /spiked to 40\.00 \(20x the mean\) without derailing it/);
  const stalledSpike = observe([rec(1, 0.5, 0.8, 0.8), rec(2, 0.5, 0.8, 0.8, { gradNormMax: 40, gradNormMean: 2 })], 0.34, 3);
  assert.notEqual(stalledSpike.kind, 'exploding');
});

test('overfitting needs held-out loss up 3% from its best for three epochs while the training fit improves', () => {
  const over = run3([
    [0.5, 0.45],
    [0.4, 0.4],
    [0.35, 0.42],
    [0.3, 0.43],
    [0.25, 0.45],
  ]);
  assert.equal(observe(over, 0.34, 3).kind, 'overfitting');
  assert.match(observe(over, 0.34, 3).text, /from its best, 0\.400 at epoch 2, to 0\.450, while training loss fell to 0\.250/);
  // One epoch above the best is noise.
  assert.notEqual(observe(over.slice(0, 3), 0.34, 3).kind, 'overfitting');
  // A held-out epoch back near the best breaks the run.
  const back = run3([
    [0.5, 0.45],
    [0.4, 0.4],
    [0.35, 0.42],
    [0.3, 0.405],
    [0.25, 0.45],
  ]);
  assert.notEqual(observe(back, 0.34, 3).kind, 'overfitting');
  // A run that fits nothing (loss near ln 3) is not overfitting, however its held-out loss wobbles.
  const chaos = run3([
    [1.07, 1.05],
    [1.04, 0.885],
    [1.03, 1.08],
    [1.03, 0.94],
    [0.95, 1.09],
  ]);
  assert.notEqual(observe(chaos, 0.34, 3).kind, 'overfitting');
});

const vrec = (epoch: number, loss: number, trainRmse: number, valRmse: number): ValueEpochRecord => ({
  epoch,
  loss,
  trainRmse,
  valLoss: loss,
  valRmse,
  valMae: valRmse,
  valR2: 0.9,
  lr: 0.01,
  gradNormMean: 1,
  gradNormMax: 2,
  clippedFraction: 0,
  seconds: 0.1,
});

test('regression observations: the same evidence, in RMSE against the training mean', () => {
  const mean = 0.634;
  assert.equal(observeValues([vrec(1, 5, 1.2, 1.1)], mean).kind, 'diverging');
  const setback = [vrec(1, 0.1, 0.2, 0.2), vrec(2, 0.05, 0.15, 0.15), vrec(3, 0.06, 0.16, 0.16)];
  assert.equal(observeValues(setback, mean).kind, 'setback');
  // The 20-epoch oscillation run: a held-out RMSE 5% above its best for two epochs, then a new best.
  const noisy = [0.1316, 0.1312, 0.158, 0.138].map((v, i) => vrec(i + 1, 0.032 - i * 0.0001, 0.092 - i * 0.0001, v));
  assert.notEqual(observeValues(noisy, mean).kind, 'overfitting');
  const over = [0.13, 0.12, 0.14, 0.15, 0.16].map((v, i) => vrec(i + 1, 0.03 - i * 0.002, 0.09 - i * 0.005, v));
  assert.equal(observeValues(over, mean).kind, 'overfitting');
});

/** The observations of a run of the CLI, by epoch. */
function observations(args: string[]): { kind: string; text: string }[] {
  const r = ok(run(['train', ...args, '--out', 'm.safetensors', '--json']));
  return jsonLines(r.stdout)
    .filter((e) => e.type === 'epoch')
    .map((e) => e.observation as { kind: string; text: string });
}

test('the issue\'s runs: no alarm in a healthy 20-epoch run or under --clip 1; --lr 10 is diverging, never "overfitting"', () => {
  const healthy = observations(['--epochs', '20']); // six epochs of this run were "Exploding gradients"
  assert.deepEqual(
    healthy.filter((o) => ['exploding', 'diverging', 'overfitting'].includes(o.kind)),
    [],
  );
  const clipped = observations(['--count', '2000', '--epochs', '5', '--clip', '0.3']);
  assert.deepEqual(
    clipped.map((o) => o.kind).filter((k) => k === 'exploding'),
    [],
  );
  assert.ok(clipped.some((o) => /Clipping held/.test(o.text)));
  const blown = observations(['--count', '2000', '--epochs', '4', '--lr', '10']);
  assert.deepEqual(
    blown.map((o) => o.kind),
    ['diverging', 'diverging', 'diverging', 'diverging'],
  );
});
