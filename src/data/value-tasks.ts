/**
 * Built-in regression tasks, generated from the seed: series whose next value only the past reveals,
 * so that a model without memory and persistence (the last value) are both clearly beaten.
 */
import { Rng } from '../tensor/rng.js';
import type { Series } from './series.js';

export interface ValueTask {
  name: string;
  description: string;
  /** The windowing the main job trains it with. */
  window: number;
  horizon: number;
  season: number;
  generate(seed: number, o?: { length?: number }): Series;
}

export const VALUE_TASKS: Record<string, ValueTask> = {
  oscillation: {
    name: 'oscillation',
    description:
      'a noisy oscillation of period 10 whose amplitude drifts: its next value depends on the phase, which one reading cannot tell (going up or down?) but the last few reveal',
    window: 16,
    horizon: 1,
    season: 10,
    generate(seed, o = {}) {
      const N = o.length ?? 1500;
      const rng = new Rng(seed);
      const y = new Float64Array(N);
      let amp = 1;
      const phase = rng.uniform(0, 2 * Math.PI);
      for (let t = 0; t < N; t++) {
        amp = Math.min(1.6, Math.max(0.4, amp + 0.05 * (rng.uniform(0, 1) - 0.5)));
        y[t] = amp * Math.sin((2 * Math.PI * t) / 10 + phase) + 0.1 * rng.uniform(-1, 1);
      }
      return {
        name: 'oscillation',
        columns: ['value'],
        target: 'value',
        values: [y],
        timeCol: null,
        labels: null,
        times: null,
        step: { unit: 'index', n: 1 },
        gaps: [],
      };
    },
  },
};
