/**
 * The memory sweep and the gradient through time: the engine's numbers (src/explain/sweep.ts,
 * gradient.ts) and `rnnscope compare --sweep` as a user types it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { memorySweep, type SweepEvent, type SweepResult } from '../src/explain/sweep.js';
import { gradientThroughTime } from '../src/explain/gradient.js';
import { prepare } from '../src/train/prepare.js';
import { drain } from '../src/train/events.js';
import { describeRun, jsonLines, ok, run } from './cli-helpers.js';

const TINY = { delays: [2, 4], seeds: 2, count: 100, train: { epochs: 1 } };

test('the sweep trains every cell at every k from every seed, and its points are the mean and spread of those runs', () => {
  const events: SweepEvent[] = [];
  const it = memorySweep(TINY);
  let s = it.next();
  for (; !s.done; s = it.next()) events.push(s.value);
  const r: SweepResult = s.value;
  assert.equal(r.runs.length, 2 * 2 * 3);
  assert.equal(events.filter((e) => e.type === 'sweep_run').length, 12);
  const start = events[0]!;
  assert.equal(start.type, 'sweep_start');
  const batches = events.filter((e) => e.type === 'sweep_batch');
  assert.equal(batches.length, start.type === 'sweep_start' ? start.batchesTotal : -1);
  for (const p of r.points) {
    const mine = r.runs.filter((x) => x.k === p.k && x.mode === p.mode).map((x) => x.accuracy);
    assert.deepEqual(p.accuracies, mine);
    const mean = (mine[0]! + mine[1]!) / 2;
    assert.ok(Math.abs(p.mean - mean) < 1e-12);
    assert.ok(Math.abs(p.sd - Math.abs(mine[0]! - mine[1]!) / Math.SQRT2) < 1e-12, `${p.sd}`);
  }
  for (const x of r.runs) {
    assert.equal(x.early.loss.length, x.k + 1, 'one gradient norm per step of the k + 1');
    assert.ok(x.early.loss.every((v) => v > 0 && Number.isFinite(v)));
  }
  assert.ok(r.delays.includes(r.gradient.k));
  assert.deepEqual(
    r.verdicts.map((v) => v.k),
    [2, 4],
  );
  // The same options give the same sweep, number for number.
  const again = drain(memorySweep(TINY));
  const strip = (x: SweepResult) => ({ ...x, seconds: 0, runs: x.runs.map((y) => ({ ...y, seconds: 0 })) });
  assert.deepEqual(strip(again), strip(r));
});

test("the gradient through time ends at √P for ∂h_T/∂h_T (the identity), and leaves the parameters' gradients as they were", () => {
  for (const mode of ['rnn_tanh', 'lstm', 'gru'] as const) {
    const p = prepare({ task: 'delay', taskOptions: { delay: 6, length: 7, count: 100 }, model: { mode, hiddenSize: 5 }, seed: 2 });
    p.model.table.grad.fill(0.25);
    const g = gradientThroughTime(p.model, p.split.test, 8);
    assert.equal(g.jacobian.length, 7);
    assert.ok(Math.abs(g.jacobian[6]! - Math.sqrt(5)) < 1e-5, `${mode}: ${g.jacobian[6]}`);
    assert.ok(g.loss.every((v) => v > 0));
    assert.ok(
      p.model.table.grad.every((v) => v === 0.25),
      mode,
    );
  }
});

test('rnnscope compare --sweep prints the table, the charts and the gradient ratios; --json gives every run and the result', () => {
  const args = ['compare', '--sweep', '--delays', '2,3', '--seeds', '2', '--epochs', '1', '--count', '100'];
  const r = ok(run(args));
  for (const want of [
    /Memory sweep on the delay task/,
    /Test accuracy per cell: mean ± sd over the seeds, then min-max/,
    /Gradient through time at k = [23]/,
    /‖∂L\/∂h_0‖/,
  ])
    assert.match(r.stdout, want);
  assert.doesNotMatch(r.stdout, /NaN|undefined/);
  const events = jsonLines(ok(run([...args, '--json'])).stdout);
  assert.deepEqual([...new Set(events.map((e) => e.type))], ['sweep_start', 'sweep_run', 'sweep_result']);
  assert.equal(events.filter((e) => e.type === 'sweep_run').length, 12);
  const result = events.at(-1) as unknown as SweepResult;
  assert.equal(result.points.length, 6);
  assert.equal(result.gradient.cells.length, 3);
});

test('bad sweep options get one sentence and exit code 2', () => {
  for (const [args, want] of [
    [['--delays', '0'], /--delays/],
    [['--delays', 'ten'], /"ten" is not a delay/],
    [['--delays', '9-3'], /from-to/],
    [['--data', 'x.csv'], /leave out --data/],
    [['--delay', '5'], /leave out --delay/],
  ] as const) {
    const r = run(['compare', '--sweep', ...args]);
    assert.equal(r.code, 2, describeRun(r));
    assert.match(r.stderr, want);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  }
  const r = run(['compare', '--delays', '3']);
  assert.equal(r.code, 2, describeRun(r));
  assert.match(r.stderr, /--delays is for --sweep/);
});
