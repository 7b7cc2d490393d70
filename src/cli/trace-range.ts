/**
 * `trace --steps from-to`: the part of a trace the user asked for, for the text and for `--json` alike,
 * so a long sequence's JSON carries those steps only and says which they are.
 */
import type { PredictionTrace } from '../explain/predict.js';
import { ConfigError } from '../errors.js';

/** Which steps a trace carries: from and to (1-based, inclusive) of a sequence of `of` steps. */
export interface StepRange {
  from: number;
  to: number;
  of: number;
}

/** The range `--steps` asks for, clipped to the sequence's end; null without --steps. A start past the end is refused. */
export function askedSteps(steps: [number, number] | undefined, seq: { id: string; length: number }): StepRange | null {
  if (!steps) return null;
  if (steps[0] > seq.length)
    throw new ConfigError(`--steps ${steps.join('-')} starts past the end of sequence ${seq.id}, which has ${seq.length} steps`);
  return { from: steps[0], to: Math.min(steps[1], seq.length), of: seq.length };
}

/** The trace with only the steps of `range` (the whole trace without one); the sequence's own facts (final output, counts) stay. */
export function traceSteps(trace: PredictionTrace, range: StepRange | null): PredictionTrace {
  return range ? { ...trace, steps: trace.steps.filter((s) => s.t >= range.from - 1 && s.t < range.to) } : trace;
}

/** A per-step list (the input characters, a value per step) cut to the range. */
export function rangeOf<T>(list: readonly T[], range: StepRange | null): T[] {
  return range ? list.slice(range.from - 1, range.to) : [...list];
}
