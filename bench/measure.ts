/**
 * The measurement of one configuration across peers:
 *   1. warm-up in rounds of 1, 2, 4, ... steps on every peer, until the slowest has run
 *      `warmupSeconds` (at least two rounds: JIT and caches settle) and its last round alone a
 *      quarter of that; the last round gives each peer's time per step;
 *   2. each peer's own steps per repetition K: from --steps, or so that its repetition lasts about
 *      `repSeconds` and at least `minSteps` steps, calibrated with up to three more rounds of that
 *      peer while its estimate keeps falling. (One K for all, set by the slowest peer, timed the
 *      larger models on one step per repetition when TF.js ran beside them: their ratios swung
 *      from x0.6 to x1.3 between runs.)
 *   3. R repetitions, peers alternating A B A B ... so drift and noise of the machine hit all alike,
 *      each after K/10 untimed steps;
 * Every peer starts from the same weights on the same batch, so the first losses (training) or the
 * last logits (inference, streaming: whole cycles of T steps) are compared in the notes; the last
 * losses come after different step counts and only say whether the loss falls.
 */
import { sequencesPerStep, unitOf, type BenchConfig } from './configs.js';
import type { MemoryReport, Peer, StepFn, StepsResult } from './peer.js';
import { summarize, type Summary } from './stats.js';

export interface MeasureOptions {
  reps: number;
  warmupSeconds: number;
  repSeconds: number;
  /** Fixed steps per repetition for every peer (skips the calibration). */
  steps?: number | undefined;
  /** The fewest steps a calibrated repetition has (default 10). */
  minSteps?: number;
  /** Called with a short progress line (to stderr). */
  progress?: (line: string) => void;
}

export interface PeerResult {
  config: string;
  peer: string;
  /** The peer's label in the table (its name unless it has one). */
  label: string;
  /** What the rate counts: sequences, or time steps for "stream". */
  unit: 'seq' | 'step';
  /** Steps per repetition and sequences per step. */
  steps: number;
  batch: number;
  warmupSteps: number;
  /** Seconds of each repetition, in order. */
  seconds: number[];
  /** Sequences per second of each repetition, and their summary. */
  seqPerSec: number[];
  summary: Summary;
  /** Loss at the very first step and at the very last. */
  lossFirst: number;
  lossLast: number;
  lossFalls: boolean;
  /** "infer" / "stream": the sum of the logits of the very last call (NaN for training). */
  check: number;
  memory: MemoryReport | null;
  /** How the peer ran this configuration, when it differs (Peer.notes). */
  notes: string[];
  error: string | null;
}

interface Live {
  peer: Peer;
  step: StepFn;
  res: PeerResult;
}

export async function measureConfig(c: BenchConfig, peers: { peer: Peer; step: StepFn }[], o: MeasureOptions): Promise<PeerResult[]> {
  const batch = sequencesPerStep(c);
  const live: Live[] = peers.map(({ peer, step }) => ({
    peer,
    step,
    res: emptyResult(c.name, peer.name, peer.label ?? peer.name, unitOf(c), batch),
  }));
  const say = o.progress ?? (() => {});

  // 1. Warm-up. It ends when the slowest peer has spent warmupSeconds and its last round alone
  // lasted a quarter of that: the time per step that sets K then comes from a round long enough
  // not to be one JIT pause or one preemption by another process.
  const perStep = new Map<Live, number>();
  for (let n = 1, round = 0; ; n *= 2, round++) {
    let longestRound = 0;
    for (const l of live) {
      const r = await runSafely(l, n);
      if (!r) continue;
      l.res.warmupSteps += n;
      perStep.set(l, r.seconds / n);
      longestRound = Math.max(longestRound, r.seconds);
    }
    const ok = live.filter((l) => !l.res.error);
    if (ok.length === 0) return live.map((l) => l.res);
    const spent = Math.max(...ok.map((l) => l.res.warmupSteps * perStep.get(l)!));
    if (round >= 1 && spent >= o.warmupSeconds && longestRound >= o.warmupSeconds / 4) break;
  }

  // 2. Steps per repetition, per peer. A warm-up round can be slow for one-time reasons (a library
  // compiling its kernels on first use, another process taking the core), which makes K too small
  // and the repetitions too short to time. So, while a peer's step is short, calibrate it: it runs
  // m steps, m for about a quarter of a repetition, until its estimate stops falling.
  const minSteps = o.minSteps ?? 10;
  for (const l of live) {
    for (let i = 0; i < 3 && o.steps === undefined && !l.res.error && perStep.get(l)! < o.repSeconds / 4; i++) {
      const before = perStep.get(l)!;
      const m = Math.max(1, Math.round(o.repSeconds / 4 / before));
      const r = await runSafely(l, m);
      if (!r) break;
      l.res.warmupSteps += m;
      perStep.set(l, r.seconds / m);
      if (r.seconds / m >= 0.7 * before) break;
    }
  }
  if (live.every((l) => l.res.error)) return live.map((l) => l.res);
  // (streaming feeds x[i mod T]: whole cycles of T keep every peer at the same phase, so the last
  // logits still compare: the state after many cycles is the same orbit whatever the count)
  const cycle = c.task === 'stream' ? c.T : 1;
  const stepsOf = (l: Live): number =>
    o.steps ?? Math.max(Math.ceil(minSteps / cycle), Math.round(o.repSeconds / perStep.get(l)! / cycle)) * cycle;
  say(
    `${c.name}: warm-up ${Math.max(...live.map((l) => l.res.warmupSteps))} steps, then ${o.reps} x ` +
      (o.steps
        ? `${o.steps} steps per peer`
        : `about ${o.repSeconds} s (at least ${minSteps} steps) per peer: ${live
            .filter((l) => !l.res.error)
            .map((l) => `${l.peer.name} ${stepsOf(l)}`)
            .join(', ')} steps`),
  );

  // 3. Repetitions, alternating peers. Each starts with a tenth of its steps untimed: the first steps
  // after another process had the core (cold caches, a JIT tier-up, a GC owed) are not the peer's
  // speed, and in a repetition of a few milliseconds they were a third of the spread.
  for (let rep = 0; rep < o.reps; rep++) {
    for (const l of live) {
      const k = stepsOf(l);
      if (!(await runSafely(l, Math.max(1, Math.round(k / 10))))) continue;
      const r = await runSafely(l, k);
      if (!r) continue;
      l.res.steps = k;
      l.res.seconds.push(r.seconds);
      l.res.seqPerSec.push((k * batch) / r.seconds);
    }
  }
  for (const l of live) {
    l.res.summary = summarize(l.res.seqPerSec);
    l.res.lossFalls = l.res.lossLast < l.res.lossFirst;
    if (l.res.error) continue;
    try {
      l.res.memory = l.peer.memory ? await l.peer.memory() : null;
      l.res.notes = l.peer.notes ? await l.peer.notes() : [];
    } catch (e) {
      l.res.notes = [`memory/notes unavailable: ${(e as Error).message}`];
    }
  }
  return live.map((l) => l.res);
}

/** One run; a peer that fails is marked and skipped from then on, the others carry on. */
async function runSafely(l: Live, steps: number): Promise<StepsResult | null> {
  if (l.res.error) return null;
  try {
    const r = await l.step(steps);
    if (l.res.warmupSteps === 0 && l.res.seconds.length === 0) l.res.lossFirst = r.lossFirst;
    l.res.lossLast = r.lossLast;
    l.res.check = r.check ?? NaN;
    return r;
  } catch (e) {
    l.res.error = (e as Error).message;
    return null;
  }
}

/** A peer's result before its first repetition, or in place of them when `error` says why there are none. */
export function emptyResult(
  config: string,
  peer: string,
  label: string,
  unit: PeerResult['unit'],
  batch: number,
  error: string | null = null,
): PeerResult {
  return {
    config,
    peer,
    label,
    unit,
    steps: 0,
    batch,
    warmupSteps: 0,
    seconds: [],
    seqPerSec: [],
    summary: summarize([]),
    lossFirst: NaN,
    lossLast: NaN,
    lossFalls: false,
    check: NaN,
    memory: null,
    notes: [],
    error,
  };
}
