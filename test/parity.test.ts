/**
 * Parity with PyTorch 1.13: every fixture in test/fixtures/parity (made by tools/make_fixtures.py
 * with PyTorch itself) is run through rnnscope; shapes first, then every tensor within 1e-5
 * (absolute plus relative) for float32 cases, 1e-10 for float64.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { flatten, runCase, type Nested, type ParityCase, type ParityResult } from '../tools/parity-case.js';
import { assertClose } from './helpers.js';

const dir = join(import.meta.dirname, '..', '..', 'test', 'fixtures', 'parity');
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort();

interface Fixture extends ParityCase {
  expected: Omit<ParityResult, 'optim_runs'>;
  optim_runs?: (NonNullable<ParityCase['optim_runs']>[number] & { expected_losses: number[]; expected_params: Record<string, Nested> })[];
}

/** The largest |rnnscope - PyTorch| seen, by cell and dtype, over every tensor of every fixture: printed at the end. */
const largest = new Map<string, number>();
let current = '';

function compare(actual: Nested | undefined, expected: Nested, what: string, tol: number): void {
  assert.ok(actual !== undefined, `${what} is missing from rnnscope's result`);
  const a = flatten(actual);
  const e = flatten(expected);
  assert.deepEqual(a.shape, e.shape, `${what}: shape [${a.shape}], PyTorch has [${e.shape}]`);
  assertClose(a.data, e.data, what, tol, tol);
  let m = largest.get(current) ?? 0;
  for (let i = 0; i < e.data.length; i++) m = Math.max(m, Math.abs(a.data[i]! - e.data[i]!));
  largest.set(current, m);
}

after(() => {
  for (const [key, m] of [...largest].sort()) console.log(`# ${key}: largest |rnnscope - PyTorch| over its fixtures ${m.toExponential(2)}`);
});

test('the parity fixtures cover every cell and option', () => {
  const cases = files.map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as Fixture);
  for (const mode of ['rnn_tanh', 'rnn_relu', 'lstm', 'gru']) {
    const of = cases.filter((c) => c.mode === mode);
    assert.ok(
      of.some((c) => (c.num_layers ?? 1) > 1),
      `${mode}: no two-layer case`,
    );
    assert.ok(
      of.some((c) => c.bidirectional),
      `${mode}: no bidirectional case`,
    );
    assert.ok(
      of.some((c) => c.batch_first),
      `${mode}: no batch_first case`,
    );
    assert.ok(
      of.some((c) => c.bias === false),
      `${mode}: no case without bias`,
    );
    assert.ok(
      of.some((c) => c.h0 !== undefined),
      `${mode}: no case with h0`,
    );
    assert.ok(
      of.some((c) => flatten(c.x).shape.length === 2),
      `${mode}: no unbatched case`,
    );
    assert.ok(
      of.some((c) => c.lengths),
      `${mode}: no variable-length case`,
    );
    assert.ok(
      of.some((c) => c.head_on === 'last'),
      `${mode}: no many-to-one case`,
    );
    assert.ok(
      of.some((c) => c.optim_runs?.length),
      `${mode}: no optimizer runs`,
    );
  }
  assert.ok(
    cases.some((c) => (c.proj_size ?? 0) > 0),
    'no projSize case',
  );
  assert.ok(
    cases.some((c) => c.c0 !== undefined),
    'no case with c0',
  );
});

for (const f of files) {
  test(`${f.replace(/\.json$/, '')} matches PyTorch`, () => {
    const c = JSON.parse(readFileSync(join(dir, f), 'utf8')) as Fixture;
    const tol = c.dtype === 'float64' ? 1e-10 : 1e-5;
    current = `${c.mode} ${c.dtype ?? 'float32'}`;
    const r = runCase(c);
    const e = c.expected;
    compare(r.output, e.output, 'output', tol);
    compare(r.h_n, e.h_n, 'h_n', tol);
    if (e.c_n !== undefined) compare(r.c_n, e.c_n, 'c_n', tol);
    compare(r.logits, e.logits, 'logits', tol);
    compare(r.loss, e.loss, 'loss', tol);
    assert.deepEqual(Object.keys(r.grads).sort(), Object.keys(e.grads).sort(), 'parameter names');
    for (const [k, v] of Object.entries(e.grads)) compare(r.grads[k], v, `grad of ${k}`, tol);
    compare(r.grad_x, e.grad_x, 'grad_x', tol);
    if (e.grad_h0 !== undefined) compare(r.grad_h0, e.grad_h0, 'grad_h0', tol);
    if (e.grad_c0 !== undefined) compare(r.grad_c0, e.grad_c0, 'grad_c0', tol);
    (c.optim_runs ?? []).forEach((run, i) => {
      const got = r.optim_runs![i]!;
      const what = `optimizer run ${i} (${run.optimizer.type}${run.clip_grad_norm != null ? ', clipped' : ''}${run.scheduler ? `, ${run.scheduler.type} schedule` : ''})`;
      compare(got.losses, run.expected_losses, `${what} losses`, tol);
      for (const [k, v] of Object.entries(run.expected_params)) compare(got.params[k], v, `${what} ${k}`, tol);
    });
  });
}
