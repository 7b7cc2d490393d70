/**
 * Several models trained in turn or side by side, one engine event at a time: what the comparison of
 * classifiers (compare.ts) and of forecasters (value-compare.ts) share. A model's trainer is made on its
 * first step, so one after another only one is alive at a time; side by side, the model furthest behind
 * goes next, so the progress bars move together.
 */
import type { Mode } from '../nn/options.js';
import type { TrainEndEvent } from '../train/events.js';
import { ConfigError } from '../errors.js';

/** One model of a comparison: a cell trained from one seed (with whatever else its kind keeps beside it). */
export interface Entrant {
  mode: Mode;
  seed: number;
  /** A further seed's run (`seeds` > 1), not the row's own. */
  extra: boolean;
  /** Batches in its whole training. */
  total: number;
  /** Its training, started on its first step. */
  train(): Generator<{ type: string }, unknown>;
  /** Its test scores, once trained; then its trainer is let go. */
  score(): unknown;
}

type EventOf<W extends Entrant> = W extends { train(): Generator<infer E, unknown> } ? E : never;

export type RaceEvent<W extends Entrant> =
  | { type: 'train'; who: W; event: EventOf<W>; seconds: number }
  | { type: 'done'; who: W; result: ReturnType<W['score']>; seconds: number }
  | { type: 'failed'; who: W; message: string };

/** Seeds per cell: an integer from 1 to 100. */
export function checkSeeds(seeds: number): number {
  if (!Number.isInteger(seeds) || seeds < 1 || seeds > 100) throw new ConfigError(`seeds must be an integer from 1 to 100, got ${seeds}`);
  return seeds;
}

/** Each cell from `seed`, then each again from seed + 1, ... (`seeds` rounds): the entrants of a comparison, in training order. */
export function entrants<X extends Omit<Entrant, 'mode' | 'seed' | 'extra'>>(
  cells: readonly Mode[],
  seed: number,
  seeds: number,
  make: (mode: Mode, seed: number) => X,
): (X & Pick<Entrant, 'mode' | 'seed' | 'extra'>)[] {
  const out: (X & Pick<Entrant, 'mode' | 'seed' | 'extra'>)[] = [];
  for (let i = 0; i < checkSeeds(seeds); i++)
    for (const mode of cells) out.push({ ...make(mode, seed + i), mode, seed: seed + i, extra: i > 0 });
  return out;
}

/**
 * Trains every entrant to its end and scores it: yields each training event, then each entrant's result,
 * with the seconds it spent training alone. Stops at the first model whose loss is no longer finite
 * (and returns false).
 */
export function* race<W extends Entrant>(all: readonly W[], sideBySide: boolean): Generator<RaceEvent<W>, boolean> {
  const lanes = all.map((who) => ({ who, gen: null as Generator<{ type: string }, unknown> | null, done: 0, seconds: 0, over: false }));
  for (;;) {
    const open = lanes.filter((l) => !l.over);
    const l = sideBySide ? open.sort((a, b) => a.done / a.who.total - b.done / b.who.total)[0] : open[0];
    if (!l) return true;
    l.gen ??= l.who.train();
    const t0 = performance.now();
    const it = l.gen.next();
    l.seconds += (performance.now() - t0) / 1000;
    if (it.done) continue;
    const e = it.value;
    if (e.type === 'batch') l.done++;
    yield { type: 'train', who: l.who, event: e as EventOf<W>, seconds: l.seconds };
    if (e.type !== 'train_end') continue;
    const end = e as TrainEndEvent;
    if (end.reason === 'nonfinite') {
      yield { type: 'failed', who: l.who, message: end.message };
      return false;
    }
    l.over = true;
    l.done = l.who.total;
    l.gen = null;
    yield { type: 'done', who: l.who, result: l.who.score() as ReturnType<W['score']>, seconds: l.seconds };
  }
}
