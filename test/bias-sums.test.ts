/**
 * Bias gradients are sums over every row of a pass (T·B of them for a head on every step and for the
 * recurrent biases). Summed in float32 row by row, their error grows with the rows (a relative 1e-5 at
 * 256,000 rows, where PyTorch keeps 1e-7); summed in doubles and added once, they are the float32
 * rounding of the exact sum of the rows' gradients.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Linear, linearSpecs } from '../src/nn/linear.js';
import { ParamTable } from '../src/nn/params.js';
import { SequenceModel } from '../src/nn/model.js';
import { crossEntropy } from '../src/loss/cross-entropy.js';
import { Rng } from '../src/tensor/rng.js';

test('a Linear bias gradient over rows of 1e8, 1, -1e8, 1, ... is their exact sum', () => {
  const table = new ParamTable(linearSpecs({ inFeatures: 1, outFeatures: 1 }, ''));
  const lin = new Linear({ inFeatures: 1, outFeatures: 1 }, table, '');
  const N = 4000;
  // the 1 after each 1e8 is below half a float32 step there (8): a float32 running sum drops it
  const dy = Float32Array.from({ length: N }, (_, n) => (n % 4 === 0 ? 1e8 : n % 4 === 2 ? -1e8 : 1));
  const x = new Float32Array(N);
  table.zeroGrad();
  lin.backward(dy, 0, x, 0, 1, N, null, 0, 1, 0);
  assert.equal(table.grad[table.offsetOf('bias')], N / 2);
});

test('the head and recurrent bias gradients of 256,000 rows are the float32 rounding of their rows summed in doubles', () => {
  for (const mode of ['lstm', 'gru'] as const) {
    const T = 1000;
    const B = 256;
    const I = 2;
    const C = 3;
    const m = new SequenceModel({ mode, inputSize: I, hiddenSize: 4, numClasses: C }, { seed: 3 });
    const rng = new Rng(7);
    const x = { data: Float32Array.from({ length: T * B * I }, () => rng.normal()), shape: [T, B, I] };
    const targets = Int32Array.from({ length: T * B }, () => Math.floor(rng.random() * C));
    const r = m.forward(x);
    const d = new Float32Array(r.logits.data.length);
    crossEntropy(r.logits.data, 0, T * B, C, targets, d);
    m.table.zeroGrad();
    m.backward(d);
    const g = m.table.grad;

    /** The columns of `rows` (n x cols) summed in doubles. */
    const colSums = (rows: Float32Array | Float64Array, cols: number): Float64Array => {
      const s = new Float64Array(cols);
      for (let i = 0; i < rows.length; i++) s[i % cols]! += rows[i]!;
      return s;
    };
    const check = (name: string, want: Float64Array): void => {
      const at = m.table.offsetOf(name);
      for (let k = 0; k < want.length; k++) {
        const err = Math.abs(g[at + k]! - want[k]!) / Math.abs(want[k]!);
        // one float32 rounding of the exact sum (the double sum's own error is ~1e-11 here)
        assert.ok(err <= 2 ** -24 * 1.001, `${mode} ${name}[${k}]: relative error ${err} (${g[at + k]} against ${want[k]})`);
      }
    };
    check('head.bias', colSums(d, C));
    const dir = m.rnn.workspace(B, T).dirs[0]![0]!;
    check('rnn.bias_ih_l0', colSums(dir.dgates, dir.G));
    check('rnn.bias_hh_l0', colSums(dir.dgh ?? dir.dgates, dir.G));
  }
});
