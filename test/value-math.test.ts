/** valueHead (the explorer's Math on a model of values): the head's numbers are the model's own, and its value is the trace's. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VALUE_TASKS } from '../src/data/value-tasks.js';
import { prepareSeries } from '../src/explain/regression-job.js';
import { valueHead } from '../src/explain/value-math.js';
import { valueSequenceTrace } from '../src/explain/value-views.js';
import { ValueTrainer } from '../src/train/regress.js';
import { drain } from '../src/train/events.js';

for (const bidirectional of [false, true])
  test(`valueHead writes out the head the model computed: W h + b is z, and z × std + mean + last is the trace's value${bidirectional ? ' (bidirectional: both final states)' : ''}`, () => {
    const task = VALUE_TASKS.oscillation!;
    const run = prepareSeries(task.generate(1, { length: 300 }), {
      window: 12,
      horizon: 1,
      season: 10,
      relative: true,
      model: { mode: 'lstm', hiddenSize: 5, numLayers: 2, bidirectional },
      seed: 1,
    });
    drain(new ValueTrainer(run.model, run.split.train, run.split.val, run.targetNorm, { epochs: 1, seed: 1 }).run());
    const w = run.split.test[3]!;
    const h = valueHead(run.model, w, run.targetNorm);
    assert.equal(h.input.length, bidirectional ? 10 : 5);
    const z = h.weight.reduce((a, wi, i) => a + wi * h.input[i]!, h.bias ?? 0);
    assert.ok(Math.abs(z - h.z) < 1e-5, `${z} vs ${h.z}`);
    assert.equal(h.value, valueSequenceTrace(run.model, w, run.targetNorm, run.outputs).predicted[0]![0]);
    assert.equal(h.offset, w.offset);
    assert.equal(h.std, run.targetNorm.std[0]);
  });
