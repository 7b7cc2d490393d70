import { test } from 'node:test';
import assert from 'node:assert/strict';
import { observe } from '../src/train/observe.js';
import type { EpochRecord } from '../src/train/events.js';

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

test('observe names each phase of a run from its numbers', () => {
  assert.equal(observe([rec(1, 0.9, 0.5, 0.6)], 0.34).kind, 'starts');
  assert.equal(observe([rec(1, 1.1, 0.34, 0.35)], 0.34).kind, 'no_learning');
  assert.equal(observe([rec(1, 0.9, 0.5, 0.6), rec(2, 0.6, 0.7, 0.75)], 0.34).kind, 'improving');
  assert.equal(observe([rec(1, 0.5, 0.8, 0.8), rec(2, 0.495, 0.8, 0.8)], 0.34).kind, 'plateau');
  assert.equal(observe([rec(1, 0.1, 0.98, 0.98), rec(2, 0.095, 0.99, 0.98)], 0.34).kind, 'converged');
  assert.equal(observe([rec(1, 0.5, 0.8, 0.8), rec(2, 0.7, 0.7, 0.7)], 0.34).kind, 'diverging');
  const over = [rec(1, 0.3, 0.9, 0.85, { valLoss: 0.4 }), rec(2, 0.25, 0.93, 0.82, { valLoss: 0.45 })];
  assert.equal(observe(over, 0.34).kind, 'overfitting');
  assert.match(observe(over, 0.34).text, /train accuracy rose to 0\.93 while held-out fell to 0\.82/);
});

test('observe calls gradients exploding when clipping is constant or a spike stalls the loss, and notes a harmless spike', () => {
  assert.equal(observe([rec(1, 0.9, 0.5, 0.6, { clippedFraction: 0.8 })], 0.34).kind, 'exploding');
  const stalled = [rec(1, 0.5, 0.8, 0.8), rec(2, 0.5, 0.8, 0.8, { gradNormMax: 40, gradNormMean: 2 })];
  assert.equal(observe(stalled, 0.34).kind, 'exploding');
  const harmless = observe([rec(1, 0.5, 0.8, 0.8), rec(2, 0.4, 0.85, 0.85, { gradNormMax: 40, gradNormMean: 2 })], 0.34);
  assert.equal(harmless.kind, 'improving');
  assert.match(harmless.text, /spiked to 40\.00 \(20x the mean\)/);
});
