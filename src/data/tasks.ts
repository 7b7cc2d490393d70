/**
 * Built-in tasks, generated from a seed. Each needs memory: a model that sees one step alone can do
 * little better than chance, because the answer at step t depends on earlier steps.
 */
import { Rng } from '../tensor/rng.js';
import { ConfigError } from '../errors.js';
import type { Dataset, Sequence } from './dataset.js';
import { bracketStrings } from './text-tasks.js';

export interface TaskOptions {
  /** Sequences to generate. Default 10000. */
  count?: number;
  /** Steps per sequence. Default 10 (delay: the larger of 10 and delay + 5). */
  length?: number;
  /** Features per step (at least 3 for the token tasks). Default 5. */
  features?: number;
  /** delay: how many steps back the answer lies. Default 3. */
  delay?: number;
}

export interface Task {
  name: string;
  /** One line: what the model must answer, and why one step alone cannot. */
  description: string;
  generate(seed: number, o?: TaskOptions): Dataset;
}

const tokenClasses = ['A', 'B', 'C'];

function featureNames(I: number): string[] {
  return Array.from({ length: I }, (_, i) => `f${i}`);
}

function check(o: TaskOptions, minFeatures: number): { n: number; I: number } {
  const n = o.count ?? 10000;
  const I = o.features ?? 5;
  if (!Number.isInteger(n) || n < 10) throw new ConfigError(`count must be an integer of at least 10 sequences, got ${n}`);
  if (!Number.isInteger(I) || I < minFeatures || I > 1000)
    throw new ConfigError(`features must be an integer from ${minFeatures} to 1000, got ${I}`);
  if (o.length !== undefined && (!Number.isInteger(o.length) || o.length < 2 || o.length > 10000)) {
    throw new ConfigError(`length must be an integer from 2 to 10000 steps, got ${o.length}`);
  }
  return { n, I };
}

/**
 * trend: a level moves down, stays flat or moves up inside a box (bouncing off its walls), read
 * through noisy sensors; every step's label is the direction it just moved. The level is spread evenly
 * over the box whatever the direction, so one reading alone tells nothing: it takes two or more.
 */
export const trend: Task = {
  name: 'trend',
  description: 'Is a noisy signal going down, flat or up? One reading alone cannot tell; comparing it with earlier ones can.',
  generate(seed, o = {}) {
    const { n, I } = check(o, 1);
    const T = o.length ?? 10;
    const rng = new Rng(seed);
    const seqs: Sequence[] = [];
    const wall = 4;
    for (let k = 0; k < n; k++) {
      let dir = rng.int(3) - 1;
      let level = rng.uniform(-wall, wall);
      const x = new Float32Array(T * I);
      const y = new Int32Array(T);
      for (let t = 0; t < T; t++) {
        const prev = level;
        if (t > 0) {
          level += dir * 0.5 + 0.05 * rng.normal();
          // Reflect at the walls; a moving level turns round, so the spread stays even.
          if (level > wall) [level, dir] = [2 * wall - level, -dir];
          if (level < -wall) [level, dir] = [-2 * wall - level, -dir];
        }
        y[t] = t === 0 || dir === 0 ? dir + 1 : level > prev ? 2 : 0;
        for (let i = 0; i < I; i++) x[t * I + i] = level + 0.2 * rng.normal();
      }
      seqs.push({ id: `seq-${k}`, length: T, x, y });
    }
    return {
      name: 'trend',
      description: this.description,
      features: featureNames(I),
      classes: ['down', 'flat', 'up'],
      target: 'steps',
      sequences: seqs,
    };
  },
};

/** Writes a one-hot token into features 0..2 and noise into the rest. */
function tokenStep(x: Float32Array, off: number, I: number, token: number, rng: Rng): void {
  for (let i = 0; i < I; i++) x[off + i] = i < 3 ? (i === token ? 1 : 0) : 0.5 * rng.normal();
}

/**
 * count: a stream of tokens A, B, C; at every step the label is the token seen most often so far
 * (a tie keeps the earlier leader). The current token alone is only a hint.
 */
export const count: Task = {
  name: 'count',
  description: 'Which token has been seen most often so far? The current token is only a hint; the answer needs a running count.',
  generate(seed, o = {}) {
    const { n, I } = check(o, 3);
    const T = o.length ?? 10;
    const rng = new Rng(seed);
    const seqs: Sequence[] = [];
    for (let k = 0; k < n; k++) {
      const x = new Float32Array(T * I);
      const y = new Int32Array(T);
      const counts = [0, 0, 0];
      let leader = -1;
      for (let t = 0; t < T; t++) {
        const token = rng.int(3);
        tokenStep(x, t * I, I, token, rng);
        counts[token]!++;
        if (leader < 0 || counts[token]! > counts[leader]!) leader = token;
        y[t] = leader;
      }
      seqs.push({ id: `seq-${k}`, length: T, x, y });
    }
    return {
      name: 'count',
      description: this.description,
      features: featureNames(I),
      classes: tokenClasses,
      target: 'steps',
      sequences: seqs,
    };
  },
};

/**
 * delay: a stream of tokens A, B, C; at step t the label is the token of step t - k (steps before k
 * have none). The current step says nothing about it. Raise k and a plain RNN forgets where an LSTM holds.
 */
export const delay: Task = {
  name: 'delay',
  description: 'Which token came k steps ago? The current step says nothing about it; only memory of the past does.',
  generate(seed, o = {}) {
    const { n, I } = check(o, 3);
    const k = o.delay ?? 3;
    if (!Number.isInteger(k) || k < 1 || k > 1000) throw new ConfigError(`delay must be an integer from 1 to 1000 steps, got ${k}`);
    const T = o.length ?? Math.max(10, k + 5);
    if (T <= k) throw new ConfigError(`length (${T}) must be greater than delay (${k}), or no step would have a label`);
    const rng = new Rng(seed);
    const seqs: Sequence[] = [];
    for (let s = 0; s < n; s++) {
      const x = new Float32Array(T * I);
      const y = new Int32Array(T);
      const tokens: number[] = [];
      for (let t = 0; t < T; t++) {
        const token = rng.int(3);
        tokens.push(token);
        tokenStep(x, t * I, I, token, rng);
        y[t] = t >= k ? tokens[t - k]! : -100;
      }
      seqs.push({ id: `seq-${s}`, length: T, x, y });
    }
    return {
      name: 'delay',
      description: this.description.replace('k steps', `${k} steps`),
      features: featureNames(I),
      classes: tokenClasses,
      target: 'steps',
      sequences: seqs,
    };
  },
};

/**
 * brackets: strings of letters and nested brackets, "a(b[c]d{e}f)g", read a character at a time; the
 * model predicts the next character at every step. Letters and openers are a guess, but at a closing
 * position only the partner of the innermost open bracket is right, which needs the stack of what is
 * open (src/data/text-tasks.ts). Its vocabulary is built from the training split, as for any text.
 */
export const brackets: Task = {
  name: 'brackets',
  description:
    'Which character comes next in a string of nested brackets and letters? Only the partner of the innermost open bracket may close it: that takes memory of what is open.',
  generate(seed, o = {}) {
    const strings = bracketStrings(seed, { count: o.count ?? 2000, length: o.length ?? 24 });
    const seqs: Sequence[] = strings.map((b, k) => ({
      id: `seq-${k}`,
      length: b.text.length - 1,
      x: new Float32Array(0),
      y: new Int32Array(0),
      text: b.text,
    }));
    return {
      name: 'brackets',
      description: this.description,
      features: ['token'],
      classes: [],
      target: 'steps',
      sequences: seqs,
      text: { tokenizer: 'chars', kind: 'next' },
    };
  },
};

export const TASKS: Record<string, Task> = { trend, count, delay, brackets };

export function getTask(name: string): Task {
  const t = TASKS[name];
  if (!t) throw new ConfigError(`unknown task "${name}"; built-in tasks are ${Object.keys(TASKS).join(', ')}`);
  return t;
}
