import { test } from 'node:test';
import assert from 'node:assert/strict';
import { prepare, runPipeline } from '../src/pipeline.js';
import { Trainer } from '../src/train/trainer.js';
import { decodeModel, encodeModel } from '../src/io/model.js';
import { TASKS } from '../src/data/tasks.js';
import { stepsAlone, chanceAccuracy } from '../src/explain/insight.js';
import type { MemoryComparison } from '../src/explain/insight.js';
import type { EpochEvent } from '../src/train/events.js';

test('the default pipeline reaches 0.85 held-out accuracy in 5 epochs, and a model without memory stays near chance', () => {
  const epochs: EpochEvent[] = [];
  let insight: MemoryComparison | null = null;
  let testAcc = NaN;
  for (const e of runPipeline()) {
    if (e.type === 'epoch') epochs.push(e);
    if (e.type === 'test') testAcc = e.evaluation.accuracy;
    if (e.type === 'insight') insight = e.comparison;
  }
  assert.equal(epochs.length, 5);
  assert.ok(epochs[4]!.valAccuracy >= 0.85, `held-out accuracy ${epochs[4]!.valAccuracy}`);
  assert.ok(testAcc >= 0.85, `test accuracy ${testAcc}`);
  assert.ok(insight, 'no insight event');
  const m = insight as MemoryComparison;
  assert.ok(m.memoryless < m.chance + 0.05, `memoryless ${m.memoryless} vs chance ${m.chance}`);
  assert.ok(m.reset < m.chance + 0.05, `reset ${m.reset} vs chance ${m.chance}`);
  assert.ok(m.withMemory - m.memoryless > 0.4, `gap ${m.withMemory - m.memoryless}`);
});

test('changing the seed changes every number of the run', () => {
  const losses = (seed: number) =>
    [...runPipeline({ seed, insight: false, taskOptions: { count: 600 }, train: { epochs: 2 } })].flatMap((e) =>
      e.type === 'epoch' ? [e.loss, e.valAccuracy] : [],
    );
  const a = losses(0);
  const b = losses(1);
  assert.deepEqual(a, losses(0));
  a.forEach((v, i) => assert.notEqual(v, b[i], `value ${i} is the same for seeds 0 and 1`));
});

test('a run resumed from a checkpoint continues exactly as the uninterrupted run', () => {
  const o = { taskOptions: { count: 800 }, seed: 3 };
  const a = prepare(o);
  for (const _ of new Trainer(a.model, a.split.train, a.split.val, { epochs: 4, seed: 3 }).run());
  const b = prepare(o);
  const first = new Trainer(b.model, b.split.train, b.split.val, { epochs: 2, seed: 3 });
  for (const _ of first.run());
  const state = JSON.parse(JSON.stringify(first.optimizer.stateDict()));
  const { model } = decodeModel(encodeModel(b.model));
  const second = new Trainer(model, b.split.train, b.split.val, { epochs: 4, seed: 3, history: first.history });
  second.optimizer.loadState(state);
  for (const _ of second.run());
  assert.deepEqual(Array.from(model.table.data), Array.from(a.model.table.data));
});

test('training stops at a non-finite loss and says at which epoch and step', () => {
  const p = prepare({ taskOptions: { count: 300 }, model: { mode: 'rnn_relu' } });
  const t = new Trainer(p.model, p.split.train, p.split.val, { epochs: 3, optimizer: { type: 'sgd', lr: 100 } });
  const events = [...t.run()];
  const end = events.at(-1)!;
  assert.equal(end.type, 'train_end');
  assert.ok(end.type === 'train_end' && end.reason === 'nonfinite', JSON.stringify(end));
  assert.match(
    (end as { message: string }).message,
    /training stopped at epoch \d+, step \d+ of \d+: the (loss|gradient norm) is (NaN|Infinity)/,
  );
  assert.ok(p.model.table.data.every(Number.isFinite), 'the weights were left non-finite');
});

test('early stopping restores the weights of the best held-out epoch', () => {
  const p = prepare({ taskOptions: { count: 300 } });
  const t = new Trainer(p.model, p.split.train, p.split.val, {
    epochs: 30,
    optimizer: { type: 'adam', lr: 0.05 },
    earlyStopping: { patience: 2 },
  });
  const events = [...t.run()];
  const end = events.at(-1)!;
  assert.ok(end.type === 'train_end');
  if (end.type !== 'train_end') return;
  const best = t.history.reduce((a, b) => (b.valLoss < a.valLoss ? b : a));
  assert.equal(end.bestEpoch, best.epoch);
  if (end.reason === 'early_stop') assert.ok(t.history.length < 30);
});

test('every built-in task generates well-formed sequences with a description, its steps alone as length-1 sequences, and no dominant class', () => {
  for (const name of Object.keys(TASKS)) {
    const raw = TASKS[name]!.generate(1, { count: 200 });
    // a text task's sequences are token ids once prepare has built the vocabulary: one per step
    const p = raw.text ? prepare({ task: name, taskOptions: { count: 200 }, seed: 1 }) : null;
    const ds = p ? { ...p.dataset, sequences: [...p.split.train, ...p.split.val, ...p.split.test], features: ['token'] } : raw;
    assert.ok(
      ds.sequences.every((s) => s.x.length === s.length * ds.features.length),
      name,
    );
    assert.ok(ds.description.length > 20, name);
    const alone = stepsAlone(ds.sequences, ds.target);
    assert.ok(alone.every((s) => s.length === 1));
    assert.ok(chanceAccuracy(ds.sequences, ds.sequences) < 0.6, `${name}: one class dominates`);
  }
});
