/**
 * `trace --steps from-to --json` (issue 12): the JSON carries only the steps asked for and says which
 * range it carries, for a classifier and for a forecaster, as the text does; without --steps, every step.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ok, run, tempDir } from './cli-helpers.js';

/** The JSON lines of a run, by type. */
function events(stdout: string): Record<string, unknown>[] {
  return stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

interface TraceJson {
  trace: { steps: { t: number }[]; final?: unknown };
  steps?: { from: number; to: number; of: number };
  predicted?: number[][];
}

const ts = (e: TraceJson) => e.trace.steps.map((s) => s.t + 1);

test('trace --json --steps 4-6 carries steps 4 to 6 of a classifier and says so; without --steps every step', () => {
  const dir = tempDir();
  ok(run(['train', '--count', '300', '--epochs', '1', '--length', '12', '--out', 'm.safetensors'], { cwd: dir }));
  const part = events(ok(run(['trace', '--model', 'm.safetensors', '--steps', '4-6', '--json'], { cwd: dir })).stdout);
  const e = part.find((x) => x.type === 'trace') as unknown as TraceJson;
  assert.deepEqual(ts(e), [4, 5, 6]);
  assert.deepEqual(e.steps, { from: 4, to: 6, of: 12 });
  // A range past the end is cut at the end, and says where.
  const tail = events(ok(run(['trace', '--model', 'm.safetensors', '--steps', '10-40', '--json'], { cwd: dir })).stdout);
  const t = tail.find((x) => x.type === 'trace') as unknown as TraceJson;
  assert.deepEqual(ts(t), [10, 11, 12]);
  assert.deepEqual(t.steps, { from: 10, to: 12, of: 12 });
  const whole = events(ok(run(['trace', '--model', 'm.safetensors', '--json'], { cwd: dir })).stdout);
  const w = whole.find((x) => x.type === 'trace') as unknown as TraceJson;
  assert.equal(w.trace.steps.length, 12);
  assert.equal(w.steps, undefined);
});

test("trace --json --steps 3-5 carries steps 3 to 5 of a forecaster's window, and its text says which", () => {
  const dir = tempDir();
  ok(run(['train', '--task', 'oscillation', '--epochs', '1', '--out', 'f.safetensors'], { cwd: dir }));
  const part = events(ok(run(['trace', '--model', 'f.safetensors', '--steps', '3-5', '--json'], { cwd: dir })).stdout);
  const e = part.find((x) => x.type === 'value_sequence_trace') as unknown as TraceJson;
  assert.deepEqual(ts(e), [3, 4, 5]);
  assert.deepEqual(e.steps, { from: 3, to: 5, of: 16 });
  // One value for the window (the head reads the last state), whatever the range.
  assert.equal(e.predicted!.length, 1);
  const text = ok(run(['trace', '--model', 'f.safetensors', '--steps', '3-5'], { cwd: dir })).stdout;
  assert.match(text, /steps 3-5 of\s+16/);
  assert.deepEqual(
    [...text.matchAll(/^ {2}step +(\d+) /gm)].map((m) => Number(m[1])),
    [3, 4, 5],
  );
  const past = run(['trace', '--model', 'f.safetensors', '--steps', '17-20'], { cwd: dir });
  assert.equal(past.code, 2);
  assert.match(past.stderr, /past the end of sequence .* which has 16 steps/);
});
