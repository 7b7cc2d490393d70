import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SequenceModel } from '../src/nn/model.js';
import { Recurrent } from '../src/nn/recurrent.js';
import { predictionTrace } from '../src/explain/predict.js';
import { dataFlow } from '../src/explain/flow.js';
import { trend } from '../src/data/tasks.js';
import { assertClose } from './helpers.js';

const seq = trend.generate(2, { count: 10 }).sequences[3]!;
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

for (const mode of ['rnn_tanh', 'rnn_relu', 'lstm', 'gru'] as const) {
  test(`the ${mode} prediction trace holds the model's own numbers, and its parts add up to each update`, () => {
    const m = new SequenceModel({ mode, inputSize: 5, hiddenSize: 4, numClasses: 3, numLayers: 2, bidirectional: true }, { seed: 1 });
    const tr = predictionTrace(m, seq);
    const out = m.forward({ data: seq.x, shape: [seq.length, 5] });
    assert.equal(tr.steps.length, seq.length);
    for (const s of tr.steps) {
      assert.equal(s.cells.length, 4);
      const top = s.cells.filter((c) => c.layer === 1);
      assertClose([...top[0]!.h, ...top[1]!.h], Array.from(out.output.data.subarray(s.t * 8, s.t * 8 + 8)), `h at step ${s.t}`);
      assertClose(s.logits!, Array.from(out.logits.data.subarray(s.t * 3, s.t * 3 + 3)), `logits at step ${s.t}`);
      assert.ok(Math.abs(s.probs!.reduce((a, b) => a + b, 0) - 1) < 1e-9);
      for (const c of s.cells) {
        const pre = c.inputPart.map((v, k) => v + c.hiddenPart[k]!);
        if (mode === 'rnn_tanh') assertClose(c.h, pre.map(Math.tanh), 'tanh(sum)');
        if (mode === 'rnn_relu')
          assertClose(
            c.h,
            pre.map((v) => Math.max(0, v)),
            'relu(sum)',
          );
        if (mode === 'lstm') {
          const H = 4;
          assertClose(c.gates!.i!, pre.slice(0, H).map(sigmoid), 'i');
          assertClose(c.gates!.f!, pre.slice(H, 2 * H).map(sigmoid), 'f');
          assertClose(c.gates!.g!, pre.slice(2 * H, 3 * H).map(Math.tanh), 'g');
          assertClose(
            c.c!,
            c.c!.map((_, j) => c.gates!.f![j]! * c.cPrev![j]! + c.gates!.i![j]! * c.gates!.g![j]!),
            'c',
          );
          assertClose(
            c.h,
            c.c!.map((v, j) => c.gates!.o![j]! * Math.tanh(v)),
            'h = o tanh(c)',
          );
        }
        if (mode === 'gru') {
          const H = 4;
          const r = c.inputPart.slice(0, H).map((v, j) => sigmoid(v + c.hiddenPart[j]!));
          assertClose(c.gates!.r!, r, 'r');
          const n = r.map((rv, j) => Math.tanh(c.inputPart[2 * H + j]! + rv * c.hiddenPart[2 * H + j]!));
          assertClose(c.gates!.n!, n, 'n');
          assertClose(
            c.h,
            n.map((nv, j) => (1 - c.gates!.z![j]!) * nv + c.gates!.z![j]! * c.hPrev[j]!),
            'h',
          );
        }
      }
    }
  });
}

test('the data flow has a stage per layer with real shapes, and its parameter counts add up to the model', () => {
  const m = new SequenceModel({ mode: 'gru', inputSize: 5, hiddenSize: 6, numClasses: 3, numLayers: 2, bidirectional: true }, { seed: 1 });
  const f = dataFlow(m, seq);
  assert.deepEqual(
    f.stages.map((s) => s.name),
    ['Input sequence', 'GRU layer 1', 'GRU layer 2', 'Output layer'],
  );
  assert.deepEqual(
    f.stages.map((s) => s.outShape),
    [
      [10, 5],
      [10, 12],
      [10, 12],
      [10, 3],
    ],
  );
  assert.deepEqual(f.stages[2]!.inShape, [10, 12]);
  assert.equal(
    f.stages.reduce((a, s) => a + s.parameterCount, 0),
    m.parameterCount,
  );
  for (const s of f.stages) assert.equal(s.values.length, 10);
  for (const row of f.stages[3]!.values) assert.ok(Math.abs(row.reduce((a, b) => a + b, 0) - 1) < 1e-9);
});

test('stepRecord reads any batch item of the last pass as a pass of that item alone would, and refuses steps it did not run', () => {
  for (const mode of ['lstm', 'gru', 'rnn_tanh'] as const) {
    const r = new Recurrent({ mode, inputSize: 3, hiddenSize: 4, numLayers: 2, bidirectional: true }, { seed: 2 });
    assert.throws(() => r.stepRecord(0, 0, 0), /forward\(\) pass first/);
    const T = 5,
      B = 3;
    const x = Float32Array.from({ length: T * B * 3 }, (_, i) => Math.sin(i * 0.7));
    r.forward({ data: x, shape: [T, B, 3] });
    const batched = [0, 1].flatMap((l) => [0, 1].map((d) => r.stepRecord(l, d, 2, 1)));
    const one = Float32Array.from({ length: T * 3 }, (_, i) => x[(Math.floor(i / 3) * B + 1) * 3 + (i % 3)]!);
    r.forward({ data: one, shape: [T, 3] });
    const alone = [0, 1].flatMap((l) => [0, 1].map((d) => r.stepRecord(l, d, 2)));
    for (let k = 0; k < 4; k++) {
      const a = batched[k]!,
        b = alone[k]!;
      assertClose(a.x, b.x, `${mode} x`);
      assertClose(a.hPrev, b.hPrev, `${mode} h_(t-1)`);
      assertClose(a.h, b.h, `${mode} h_t`);
      assertClose([...a.inputPart, ...a.hiddenPart], [...b.inputPart, ...b.hiddenPart], `${mode} halves`);
      assert.deepEqual(
        Object.keys(a.gates),
        r.cell.gates.map((g) => g.symbol),
      );
      for (const s of Object.keys(a.gates)) assertClose(a.gates[s]!, b.gates[s]!, `${mode} gate ${s}`);
      if (a.c) assertClose(a.c, b.c!, `${mode} c_t`);
    }
    assert.throws(() => r.stepRecord(2, 0, 0), /no step 0 of item 0 in layer 2/);
    assert.throws(() => r.stepRecord(0, 0, 5), /no step 5/);
  }
});
