/** The run question on the memory comparison: what the model scored with its hidden state reset every step. */
import { memoryWorth } from '../insight.js';
import type { Ctx, Draft } from './context.js';
import { pct } from './text.js';

export function memory(c: Ctx): Draft | null {
  const m = c.in.comparison;
  if (!m || ![m.withMemory, m.reset, m.chance].every(Number.isFinite)) return null;
  const unit = c.in.data.target === 'steps' ? 'steps' : 'sequences';
  const ans = m.reset;
  const candidates = [
    m.withMemory,
    (m.withMemory + ans) / 2,
    Math.min(0.999, m.withMemory + 0.5 * (1 - m.withMemory)),
    ans / 2,
    m.chance / 2,
    0.05,
    0.5,
    0.95,
    0.25,
    0.75,
  ];
  const picked: number[] = [];
  for (const v of candidates) {
    if (v < 0 || v > 1) continue;
    if ([ans, ...picked].every((x) => Math.abs(x - v) >= 0.04)) picked.push(v);
  }
  const { gain } = memoryWorth(m);
  const nearChance = ans - m.chance < 0.05;
  return {
    id: 'memory',
    kind: 'run',
    rank: 25,
    prompt:
      `The trained model got ${pct(m.withMemory)} of ${m.tested} test ${unit} right. Then its memory was taken away: the same weights, ` +
      `with the hidden state reset to zero before every step. Always answering the commonest class scores ${pct(m.chance)}. What did the model score without its memory?`,
    answer: pct(ans),
    distractors: picked.map(pct),
    explanation:
      (m.withMemory - m.chance < 0.05
        ? `It scored ${pct(ans)}; but with its memory it was near chance too: it has not learned much yet (more epochs may help). A model of the same size `
        : nearChance
          ? `It scored ${pct(ans)}, about chance: the answer lies in earlier steps, and only the hidden state carries them. A model of the same size `
          : `It scored ${pct(ans)}, above chance: one step alone carries part of the answer, but not all of it. A model of the same size `) +
      `trained on single steps (${m.parameters} parameters) reached ${pct(m.memoryless)}. With memory ${pct(m.withMemory)}: the hidden state is ` +
      `worth ${gain >= 0 ? '+' : ''}${(gain * 100).toFixed(1)} points here.`,
  };
}
