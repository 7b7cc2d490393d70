/**
 * The regression losses (MSELoss, L1Loss, HuberLoss, SmoothL1Loss) against PyTorch 1.13's fixtures in
 * test/fixtures/loss (tools/make_loss_fixtures.py): the loss and its gradient straight, with a mask,
 * and through a recurrent model whose head gives real values on every step (padded steps left out) or
 * on the last; then float64 central differences.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { huber, l1, mse, regressionLoss, smoothL1, type RegressionLossName } from '../src/loss/index.js';
import { buildModel, flatten, nest, type Nested, type ParityCase } from '../tools/parity-case.js';
import { ConfigError, ShapeError } from '../src/errors.js';
import { assertClose, numericGrad } from './helpers.js';

const dir = join(import.meta.dirname, '..', '..', 'test', 'fixtures', 'loss');

interface LossCase {
  name: string;
  kind: 'pointwise' | 'model';
  loss: RegressionLossName;
  args: { delta?: number; beta?: number };
  pred?: Nested;
  target: Nested;
  mask: Nested;
  expected: { loss: number; grad?: Nested; output?: Nested; grads?: Record<string, Nested> };
}

const cases: (LossCase & Partial<ParityCase>)[] = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as LossCase & Partial<ParityCase>);

test('the loss fixtures cover every loss, masks, several outputs, and models on steps and on the last', () => {
  for (const l of ['mse', 'l1', 'huber', 'smooth_l1']) {
    assert.ok(
      cases.some((c) => c.kind === 'pointwise' && c.loss === l && c.name.includes('masked')),
      l,
    );
    assert.ok(
      cases.some((c) => c.kind === 'model' && c.loss === l),
      l,
    );
  }
  assert.ok(cases.some((c) => c.kind === 'model' && c.head_on === 'steps'));
  assert.ok(cases.some((c) => c.kind === 'model' && c.head_on === 'last'));
});

for (const c of cases.filter((k) => k.kind === 'pointwise')) {
  test(`${c.name}: loss and gradient are PyTorch's`, () => {
    const pred = Float64Array.from(flatten(c.pred!).data);
    const target = flatten(c.target).data;
    const mask = flatten(c.mask).data;
    const d = new Float64Array(pred.length);
    const loss = regressionLoss({ type: c.loss, ...c.args })(pred, target, pred.length, d, mask);
    assertClose([loss], [c.expected.loss], 'loss', 1e-12, 1e-12);
    assertClose(d, flatten(c.expected.grad!).data, 'grad', 1e-12, 1e-12);
  });
}

for (const c of cases.filter((k) => k.kind === 'model')) {
  test(`${c.name}: a model's real-valued outputs, loss and every gradient are PyTorch's`, () => {
    const m = buildModel(c as ParityCase);
    const { data, shape } = flatten(c.x!);
    const res = m.forward({ data: Float64Array.from(data), shape }, { lengths: c.lengths });
    assertClose(res.logits.data, flatten(c.expected.output!).data, 'output', 1e-12, 1e-10);
    const d = new Float64Array(res.logits.data.length);
    const loss = regressionLoss({ type: c.loss, ...c.args })(res.logits.data, flatten(c.target).data, d.length, d, flatten(c.mask).data);
    assertClose([loss], [c.expected.loss], 'loss', 1e-12, 1e-10);
    m.table.zeroGrad();
    m.backward(d);
    for (const e of m.table.entries) {
      const name = e.name.startsWith('rnn.') ? e.name.slice(4) : e.name;
      const got = flatten(nest(m.table.grad, e.shape, e.offset)).data;
      assertClose(got, flatten(c.expected.grads![name]!).data, `grad ${name}`, 1e-12, 1e-9);
    }
  });
}

test('every regression loss gradient matches float64 central differences, with a mask', () => {
  const p = Float64Array.from([0.3, -1.7, 2.2, 0.05, -0.4, 1.1]);
  const t = [0.1, 0.2, -0.3, 0.0, 0.9, 1.0];
  const mask = [1, 1, 0, 1, 1, 1];
  for (const spec of [
    { type: 'mse' as const },
    { type: 'l1' as const },
    { type: 'huber' as const, delta: 0.7 },
    { type: 'smooth_l1' as const, beta: 0.3 },
  ]) {
    const f = regressionLoss(spec);
    const d = new Float64Array(p.length);
    f(p, t, p.length, d, mask);
    assertClose(
      d,
      numericGrad(() => f(p, t, p.length, null, mask), p),
      `${spec.type} grad`,
      1e-8,
      1e-6,
    );
    assert.equal(d[2], 0, `${spec.type}: a masked element gets no gradient`);
  }
});

test('the functions by name are the losses by spec, and HuberLoss(delta) is delta times SmoothL1Loss(beta = delta)', () => {
  const p = Float64Array.from([0.3, -1.7, 2.2, 0.05]);
  const t = [0.1, 0.2, -0.3, 0.0];
  assert.equal(mse(p, t, 4, null), regressionLoss({ type: 'mse' })(p, t, 4, null));
  assert.equal(l1(p, t, 4, null), regressionLoss({ type: 'l1' })(p, t, 4, null));
  assert.equal(huber(p, t, 4, null, null, 0.5), regressionLoss({ type: 'huber', delta: 0.5 })(p, t, 4, null));
  assert.ok(Math.abs(huber(p, t, 4, null, null, 0.5) - 0.5 * smoothL1(p, t, 4, null, null, 0.5)) < 1e-15);
});

test('a mask that keeps nothing gives NaN and a zero gradient; bad sizes and parameters are one sentence', () => {
  const d = new Float64Array(2).fill(7);
  assert.ok(Number.isNaN(l1(Float64Array.of(1, 2), [0, 0], 2, d, [0, 0])));
  assert.deepEqual([...d], [0, 0]);
  assert.throws(() => l1(Float64Array.of(1, 2), [0, 0], 2, null, [1]), ShapeError);
  assert.throws(() => regressionLoss({ type: 'huber', delta: 0 }), ConfigError);
  assert.throws(() => regressionLoss({ type: 'smooth_l1', beta: -1 }), ConfigError);
});
