/**
 * Gradient checks by central differences in float64: for every cell and option, the analytic
 * gradient of a random linear function of every result (output, h_n, c_n, logits) must match.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Recurrent, type ForwardOptions } from '../src/nn/recurrent.js';
import { SequenceModel } from '../src/nn/model.js';
import { MODES, type RecurrentOptions } from '../src/nn/options.js';
import { cellOf } from '../src/nn/cells/index.js';
import { Rng } from '../src/tensor/rng.js';
import { diff, numericGrad } from './helpers.js';

const T = 4,
  B = 3,
  I = 3,
  H = 3;

function randn(rng: Rng, n: number): Float64Array {
  const a = new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.normal();
  return a;
}

interface Case {
  name: string;
  o: Omit<RecurrentOptions, 'inputSize' | 'hiddenSize'>;
  h0?: boolean;
  lengths?: number[];
  unbatched?: boolean;
}

const cases: Case[] = [];
// every registered cell, so a new one is checked with no change here
for (const mode of MODES) {
  cases.push({ name: `${mode}`, o: { mode } });
  cases.push({ name: `${mode} two layers bidirectional with h0`, o: { mode, numLayers: 2, bidirectional: true }, h0: true });
  cases.push({ name: `${mode} batch-first with lengths`, o: { mode, batchFirst: true, bidirectional: true }, lengths: [4, 1, 2] });
  cases.push({ name: `${mode} without bias, unbatched`, o: { mode, bias: false, numLayers: 2 }, unbatched: true, h0: true });
}
cases.push({
  name: 'lstm with projSize, two layers, bidirectional, lengths and h0',
  o: { mode: 'lstm', projSize: 2, numLayers: 2, bidirectional: true },
  h0: true,
  lengths: [2, 4, 3],
});

/** Checks d(sum of weighted results)/d(every parameter, x, h0, c0) against central differences. */
function checkRecurrent(c: Case, corrupt = 1): number {
  const rnn = new Recurrent({ ...c.o, inputSize: I, hiddenSize: H }, { seed: 3, dtype: 'float64' });
  const rng = new Rng(11);
  // scale weights up a little so the nonlinearities leave their linear range
  for (let i = 0; i < rnn.table.size; i++) rnn.table.data[i] = rnn.table.data[i]! * 2.5;
  const { numLayers = 1, bidirectional = false, projSize = 0, batchFirst = false } = c.o;
  const LD = numLayers * (bidirectional ? 2 : 1);
  const P = projSize || H;
  const xShape = c.unbatched ? [T, I] : batchFirst ? [B, T, I] : [T, B, I];
  const bb = c.unbatched ? 1 : B;
  const x = randn(rng, T * bb * I);
  const h0 = randn(rng, LD * bb * P);
  const c0 = randn(rng, LD * bb * H);
  const lstm = cellOf(c.o.mode).cellState;
  const sh = (s: number) => (c.unbatched ? [LD, s] : [LD, bb, s]);
  const f: () => ForwardOptions = () => ({
    h0: c.h0 ? { data: h0, shape: sh(P) } : undefined,
    c0: c.h0 && lstm ? { data: c0, shape: sh(H) } : undefined,
    lengths: c.lengths,
  });
  const res0 = rnn.forward({ data: x, shape: xShape }, f());
  const wOut = randn(rng, res0.output.data.length);
  const wH = randn(rng, res0.hN.data.length);
  const wC = res0.cN ? randn(rng, res0.cN.data.length) : null;
  const loss = (): number => {
    const r = rnn.forward({ data: x, shape: xShape }, f());
    let s = 0;
    for (let i = 0; i < wOut.length; i++) s += wOut[i]! * r.output.data[i]!;
    for (let i = 0; i < wH.length; i++) s += wH[i]! * r.hN.data[i]!;
    if (wC) for (let i = 0; i < wC.length; i++) s += wC[i]! * r.cN!.data[i]!;
    return s;
  };
  loss();
  rnn.table.zeroGrad();
  const g = rnn.backward({ dOutput: wOut, dhN: wH, dcN: wC });
  const analytic = {
    params: Float64Array.from(rnn.table.grad, (v) => v * corrupt),
    x: Float64Array.from(g.dx.data),
    h0: Float64Array.from(g.dh0.data),
    c0: g.dc0 ? Float64Array.from(g.dc0.data) : null,
  };
  let worst = -Infinity;
  const probe = (what: string, target: Float64Array, a: ArrayLike<number>) => {
    const num = numericGrad(loss, target, 1e-6);
    const d = diff(a, num, 1e-6, 1e-5);
    if (corrupt === 1) assert.ok(d.excess <= 0, `${c.name}: d/d${what}[${d.index}] is ${d.a}, central difference ${d.b}`);
    worst = Math.max(worst, d.excess);
  };
  probe('params', rnn.table.data as Float64Array, analytic.params);
  probe('x', x, analytic.x);
  if (c.h0) probe('h0', h0, analytic.h0);
  if (c.h0 && analytic.c0) probe('c0', c0, analytic.c0);
  return worst;
}

for (const c of cases) {
  test(`backward of ${c.name} matches central differences`, () => {
    checkRecurrent(c);
  });
}

test('the gradient check fails on a gradient that is 1% wrong', () => {
  const worst = checkRecurrent({ name: 'lstm', o: { mode: 'lstm' } }, 1.01);
  assert.ok(worst > 0, 'a 1% error in the parameter gradients went unnoticed');
});

for (const headOn of ['steps', 'last'] as const) {
  test(`SequenceModel backward with the head on ${headOn} matches central differences`, () => {
    const m = new SequenceModel(
      { mode: 'gru', inputSize: I, hiddenSize: H, numClasses: 2, bidirectional: true, numLayers: 2, headOn, batchFirst: true },
      { seed: 5, dtype: 'float64' },
    );
    const rng = new Rng(7);
    const x = randn(rng, B * T * I);
    const lengths = [3, 4, 1];
    const w = randn(rng, headOn === 'steps' ? B * T * 2 : B * 2);
    const loss = () => {
      const r = m.forward({ data: x, shape: [B, T, I] }, { lengths });
      let s = 0;
      for (let i = 0; i < w.length; i++) s += w[i]! * r.logits.data[i]!;
      return s;
    };
    loss();
    m.table.zeroGrad();
    const g = m.backward(w);
    const gx = Float64Array.from(g.dx.data);
    const gp = Float64Array.from(m.table.grad);
    const dp = diff(gp, numericGrad(loss, m.table.data as Float64Array), 1e-6, 1e-5);
    assert.ok(dp.excess <= 0, `param ${dp.index}: ${dp.a} vs ${dp.b}`);
    const dx = diff(gx, numericGrad(loss, x), 1e-6, 1e-5);
    assert.ok(dx.excess <= 0, `x ${dx.index}: ${dx.a} vs ${dx.b}`);
  });
}
