/** How the quiz writes numbers, shapes and vectors, so every question shows them the same way. */
import type { Ctx } from './context.js';

/** "an RNN", "an LSTM", "a GRU": acronyms are read letter by letter. */
export const an = (w: string): string => `${/^[AEFHILMNORSX]/.test(w) ? 'an' : 'a'} ${w}`;
export const shp = (s: readonly number[]): string => `[${s.join(', ')}]`;
export const f2 = (v: number): string => {
  const s = v.toFixed(2);
  return s === '-0.00' ? '0.00' : s;
};
/** A number after an operator: negative ones in parentheses. */
export const fp = (v: number): string => (f2(v).startsWith('-') ? `(${f2(v)})` : f2(v));
/** "+ 0.30" or "- 0.30", to follow another term. */
export const plus = (v: number): string => (f2(v).startsWith('-') ? `- ${f2(-v)}` : `+ ${f2(v)}`);
export const pct = (v: number): string => `${(v * 100).toFixed(1)}%`;
export const pct0 = (v: number): string => `${Math.round(v * 100)}%`;
export const sum = (v: readonly number[]): number => v.reduce((a, b) => a + b, 0);
/** A parameter's name without its module: "weight_ih_l0". */
export const short = (name: string): string => name.replace(/^rnn\.|^head\./, '');
export const sizes = (ps: Ctx['layer0']): string => ps.map((p) => `${short(p.name)} ${p.shape.join('x')} = ${p.size}`).join(', ');

/** "[0.12, -0.40, ..., 0.33]": a long vector shortened to its first values and its last. */
export function vecText(v: readonly number[], max = 8): string {
  const a = v.map(f2);
  return `[${a.length > max ? [...a.slice(0, max - 2), '...', a[a.length - 1]!].join(', ') : a.join(', ')}]`;
}
