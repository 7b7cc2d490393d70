/**
 * The gradient through time, dL/dh_t of every step as the backward pass keeps it (`keepStateGrads`),
 * checked by central differences in float64: h_t is perturbed by running the sequence in two parts,
 * steps 0..t, then the rest started from h_t + e (and c_t), so the difference sees every path from h_t.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Recurrent } from '../src/nn/recurrent.js';
import { MODES, type RecurrentOptions } from '../src/nn/options.js';
import { cellOf } from '../src/nn/cells/index.js';
import { Rng } from '../src/tensor/rng.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertClose, numericGrad } from './helpers.js';

const T = 5,
  B = 2,
  I = 3,
  H = 3;

const randn = (rng: Rng, n: number) => Float64Array.from({ length: n }, () => rng.normal());

/** A random linear loss of every output and of h_n (and c_n): L = Σ w·output + u·h_n (+ v·c_n). */
function setup(o: Omit<RecurrentOptions, 'inputSize' | 'hiddenSize'>) {
  const rnn = new Recurrent({ ...o, inputSize: I, hiddenSize: H }, { seed: 5, dtype: 'float64' });
  for (let i = 0; i < rnn.table.size; i++) rnn.table.data[i] = rnn.table.data[i]! * 2.5; // out of the linear range
  const rng = new Rng(8);
  const P = rnn.stateSize;
  const x = randn(rng, T * B * I);
  const w = randn(rng, T * B * P);
  const u = randn(rng, B * P);
  const v = randn(rng, B * H);
  return { rnn, x, w, u, v, P, lstm: cellOf(o.mode).cellState };
}

for (const o of [...MODES.map((mode) => ({ mode })), { mode: 'lstm' as const, projSize: 2 }]) {
  const name = `${o.mode}${'projSize' in o ? ' with projSize' : ''}`;
  test(`dL/dh_t kept by the backward pass matches central differences at every step (${name})`, () => {
    const { rnn, x, w, u, v, P, lstm } = setup(o);
    rnn.forward({ data: x, shape: [T, B, I] });
    const g = rnn.backward({ dOutput: w, dhN: u, dcN: lstm ? v : null, keepStateGrads: true });
    assert.ok(g.dh0);
    const kept = rnn.stateGrads(0);
    assert.deepEqual(kept.shape, [T, B, P]);
    for (let t = 0; t < T - 1; t++) {
      // h_t and c_t of the whole pass, then the rest of the sequence from a perturbed h_t.
      const head = rnn.forward({ data: x.slice(0, (t + 1) * B * I), shape: [t + 1, B, I] });
      const ht = Float64Array.from(head.hN.data);
      const ct = head.cN ? Float64Array.from(head.cN.data) : null;
      const wt = w.slice(t * B * P, (t + 1) * B * P);
      const rest = x.slice((t + 1) * B * I);
      const loss = () => {
        let s = 0;
        for (let i = 0; i < wt.length; i++) s += wt[i]! * ht[i]!; // h_t's own output
        const r = rnn.forward(
          { data: rest, shape: [T - 1 - t, B, I] },
          { h0: { data: ht, shape: [1, B, P] }, c0: ct ? { data: ct, shape: [1, B, H] } : undefined },
        );
        for (let i = 0; i < r.output.data.length; i++) s += w[(t + 1) * B * P + i]! * r.output.data[i]!;
        for (let i = 0; i < u.length; i++) s += u[i]! * r.hN.data[i]!;
        if (r.cN) for (let i = 0; i < v.length; i++) s += v[i]! * r.cN.data[i]!;
        return s;
      };
      const numeric = numericGrad(loss, ht);
      assertClose(kept.data.slice(t * B * P, (t + 1) * B * P), numeric, `${name}: dL/dh_${t}`, 1e-7, 1e-6);
    }
    // The last step's is its output's weight plus dL/dh_n; the first step's flows on into dL/dh0.
    const last = Array.from({ length: B * P }, (_, i) => w[(T - 1) * B * P + i]! + u[i]!);
    assertClose(kept.data.slice((T - 1) * B * P), last, `${name}: dL/dh_${T - 1}`, 1e-12, 1e-12);
  });
}

test("keeping dL/dh_t changes no parameter gradient, and steps past an item's length keep 0", () => {
  for (const mode of MODES) {
    const { rnn, x, w, u } = setup({ mode });
    const lengths = [T, 2];
    const grads = (keep: boolean) => {
      rnn.table.zeroGrad();
      rnn.forward({ data: x, shape: [T, B, I] }, { lengths });
      rnn.backward({ dOutput: w, dhN: u, keepStateGrads: keep });
      return rnn.table.grad.slice();
    };
    assert.deepEqual(grads(true), grads(false), mode);
    assert.throws(() => rnn.stateGrads(0), /needs a backward\(\) pass with keepStateGrads/, mode);
    grads(true);
    const kept = rnn.stateGrads(0).data;
    for (let t = 2; t < T; t++) for (let j = 0; j < H; j++) assert.equal(kept[(t * B + 1) * H + j], 0, `${mode} step ${t}`);
  }
});

test("a float32 pass that keeps dL/dh_t (the reference) gives the fast path's parameter gradients", () => {
  for (const mode of MODES) {
    const rnn = new Recurrent({ mode, inputSize: 8, hiddenSize: 32 }, { seed: 2 });
    const rng = new Rng(1);
    const [Tn, Bn] = [6, 32];
    const x = Float32Array.from({ length: Tn * Bn * 8 }, () => rng.normal());
    const w = Float32Array.from({ length: Tn * Bn * 32 }, () => rng.normal());
    const grads = (keep: boolean) => {
      rnn.table.zeroGrad();
      rnn.forward({ data: x, shape: [Tn, Bn, 8] });
      rnn.backward({ dOutput: w, keepStateGrads: keep });
      return rnn.table.grad.slice();
    };
    assertClose(grads(true), grads(false), `${mode} parameter gradients`, 1e-4, 1e-4);
  }
});

interface TorchCase {
  mode: 'rnn_tanh' | 'lstm' | 'gru';
  T: number;
  B: number;
  I: number;
  H: number;
  params: Record<string, number[]>;
  x: number[];
  dOutput: number[];
  dhN: number[];
  dcN: number[] | null;
  stateGrads: number[];
}

for (const mode of ['rnn_tanh', 'lstm', 'gru'] as const) {
  test(`dL/dh_t matches PyTorch's h_t.retain_grad() on an unrolled ${mode} (float64)`, () => {
    const file = join(import.meta.dirname, '..', '..', 'test', 'fixtures', 'state-grads', `${mode}.json`);
    const c = JSON.parse(readFileSync(file, 'utf8')) as TorchCase;
    const rnn = new Recurrent({ mode, inputSize: c.I, hiddenSize: c.H }, { dtype: 'float64' });
    for (const [name, values] of Object.entries(c.params)) rnn.table.data.set(values, rnn.table.offsetOf(name));
    rnn.forward({ data: Float64Array.from(c.x), shape: [c.T, c.B, c.I] });
    rnn.backward({
      dOutput: Float64Array.from(c.dOutput),
      dhN: Float64Array.from(c.dhN),
      dcN: c.dcN ? Float64Array.from(c.dcN) : null,
      keepStateGrads: true,
    });
    assertClose(rnn.stateGrads(0).data, c.stateGrads, `${mode}: dL/dh_t against PyTorch`, 1e-10, 1e-10);
  });
}
