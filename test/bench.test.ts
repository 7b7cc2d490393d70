/**
 * The bench's own logic (no timing is asserted: speed is claimed from `npm run bench`, never from a
 * test): each peer gets its own steps per repetition, the CPU's vector extension is read from
 * /proc/cpuinfo's flags, and a busy machine is warned about.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CONFIGS } from '../bench/configs.js';
import { measureConfig } from '../bench/measure.js';
import type { Peer, StepFn } from '../bench/peer.js';
import { busyWarning, vectorExtension } from '../bench/report.js';

/** A peer whose step "takes" `perStep` seconds on a virtual clock: nothing sleeps. */
function fakePeer(name: string, perStep: number): { peer: Peer; step: StepFn; calls: number[] } {
  const calls: number[] = [];
  const peer: Peer = {
    name,
    available: async () => ({ ok: true, version: '0', notes: [] }),
    setup: async () => step,
    teardown: async () => {},
  };
  const step: StepFn = async (steps) => {
    calls.push(steps);
    return { seconds: steps * perStep, lossFirst: 1, lossLast: 0.5 };
  };
  return { peer, step, calls };
}

test('each peer is timed on its own steps per repetition, at least the minimum, so a slow peer beside it cannot leave the fast one timed on one step', async () => {
  const config = CONFIGS.find((c) => c.task === 'train')!;
  const fast = fakePeer('fast', 0.001);
  const slow = fakePeer('slow', 0.5);
  const res = await measureConfig(config, [fast, slow], { reps: 3, warmupSeconds: 1, repSeconds: 1, minSteps: 10 });
  const byName = new Map(res.map((r) => [r.peer, r]));
  // about a second's worth each: 1000 steps of 1 ms, and the slow peer's 2 steps raised to the minimum of 10
  assert.equal(byName.get('fast')!.steps, 1000);
  assert.equal(byName.get('slow')!.steps, 10);
  assert.equal(byName.get('fast')!.seconds.length, 3);
  assert.ok(
    byName.get('slow')!.seconds.every((s) => s >= 5),
    'a slow repetition lasts its 10 steps',
  );
});

test('--steps fixes the steps per repetition for every peer', async () => {
  const config = CONFIGS.find((c) => c.task === 'train')!;
  const a = fakePeer('a', 0.001);
  const b = fakePeer('b', 0.01);
  const res = await measureConfig(config, [a, b], { reps: 2, warmupSeconds: 0.1, repSeconds: 1, steps: 7 });
  assert.deepEqual(
    res.map((r) => r.steps),
    [7, 7],
  );
});

test('the vector extension comes from the flags of /proc/cpuinfo', () => {
  const info = (flags: string) => `processor\t: 0\nmodel name\t: Some CPU\nflags\t\t: ${flags}\n\nprocessor\t: 1\nflags\t\t: fpu\n`;
  assert.equal(vectorExtension(info('fpu sse4_2 avx avx2 fma avx512f avx512bw')), 'AVX-512');
  assert.equal(vectorExtension(info('fpu sse4_2 avx avx2 fma')), 'AVX2');
  assert.equal(vectorExtension(info('fpu sse4_2')), 'SSE4.2');
  assert.equal(vectorExtension('no flags here'), 'unknown');
});

test('a busy machine is warned about, a quiet one is not', () => {
  assert.equal(busyWarning({ load: 0.4, loadEnd: 0.9, cores: 2 }), null);
  assert.match(busyWarning({ load: 0.4, loadEnd: 3.1, cores: 2 }) ?? '', /busy \(1-minute load up to 3\.10 on 2 cores\)/);
  assert.match(busyWarning({ load: 1.5, cores: 2 }) ?? '', /rerun on a quiet machine/);
});
