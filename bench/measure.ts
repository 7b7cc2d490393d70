/**
 * The measurement of one configuration across peers:
 *   1. warm-up in rounds of 1, 2, 4, ... steps on every peer, until the slowest has run
 *      `warmupSeconds` (at least two rounds: JIT and caches settle); the last round gives each
 *      peer's time per step;
 *   2. K steps per repetition, the same K for every peer (from --steps, or so that the slowest
 *      peer's repetition lasts about `repSeconds`);
 *   3. R repetitions, peers alternating A B A B ... so drift and noise of the machine hit all alike.
 * Every peer runs the same number of steps from the same weights, so their losses can be compared.
 */
import { sequencesPerStep, type BenchConfig } from './configs.js';
import type { MemoryReport, Peer, StepFn, StepsResult } from './peer.js';
import { summarize, type Summary } from './stats.js';

export interface MeasureOptions {
  reps: number;
  warmupSeconds: number;
  repSeconds: number;
  /** Fixed steps per repetition (skips the calibration). */
  steps?: number | undefined;
  /** Called with a short progress line (to stderr). */
  progress?: (line: string) => void;
}

export interface PeerResult {
  config: string;
  peer: string;
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
  memory: MemoryReport | null;
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
    peer, step,
    res: {
      config: c.name, peer: peer.name, steps: 0, batch, warmupSteps: 0, seconds: [], seqPerSec: [],
      summary: summarize([]), lossFirst: NaN, lossLast: NaN, lossFalls: false, memory: null, error: null,
    },
  }));
  const say = o.progress ?? (() => {});

  // 1. Warm-up.
  const perStep = new Map<Live, number>();
  for (let n = 1, round = 0; ; n *= 2, round++) {
    for (const l of live) {
      const r = await runSafely(l, n);
      if (!r) continue;
      l.res.warmupSteps += n;
      perStep.set(l, r.seconds / n);
    }
    const ok = live.filter((l) => !l.res.error);
    if (ok.length === 0) return live.map((l) => l.res);
    const spent = Math.max(...ok.map((l) => l.res.warmupSteps * perStep.get(l)!));
    if (round >= 1 && spent >= o.warmupSeconds) break;
  }

  // 2. Steps per repetition.
  const slowestStep = Math.max(...live.filter((l) => !l.res.error).map((l) => perStep.get(l)!));
  const K = o.steps ?? Math.max(1, Math.round(o.repSeconds / slowestStep));
  say(`${c.name}: warm-up ${Math.max(...live.map((l) => l.res.warmupSteps))} steps, then ${o.reps} x ${K} steps per peer`);

  // 3. Repetitions, alternating peers.
  for (let rep = 0; rep < o.reps; rep++) {
    for (const l of live) {
      const r = await runSafely(l, K);
      if (!r) continue;
      l.res.steps = K;
      l.res.seconds.push(r.seconds);
      l.res.seqPerSec.push((K * batch) / r.seconds);
    }
  }
  for (const l of live) {
    l.res.summary = summarize(l.res.seqPerSec);
    l.res.lossFalls = l.res.lossLast < l.res.lossFirst;
    l.res.memory = l.peer.memory ? await l.peer.memory() : null;
  }
  return live.map((l) => l.res);
}

/** One run; a peer that fails is marked and skipped from then on, the others carry on. */
async function runSafely(l: Live, steps: number): Promise<StepsResult | null> {
  if (l.res.error) return null;
  try {
    const r = await l.step(steps);
    if (Number.isNaN(l.res.lossFirst)) l.res.lossFirst = r.lossFirst;
    l.res.lossLast = r.lossLast;
    return r;
  } catch (e) {
    l.res.error = (e as Error).message;
    return null;
  }
}
