/**
 * Sampling from a token model one step at a time: a prime sets the state, then each step's logits
 * give the next token's distribution (divided by a temperature, cut to the k most likely), a token
 * is drawn from it with a seeded generator and fed back. The streaming reader does the steps, so a
 * sample of N tokens costs N steps, whatever the prime's length.
 *
 * The model must read tokens (`vocabSize`), put its head on every step, and predict the next token
 * (numClasses = vocabSize). The same seed gives the same sample on every platform.
 */
import { Rng } from '../tensor/rng.js';
import { ConfigError } from '../errors.js';
import type { SequenceModel } from './model.js';

export interface SampleOptions {
  /** Ids fed first, in order; the first sampled token follows the last of them. At least one. */
  prime: readonly number[];
  /** Tokens to generate. */
  length: number;
  /** Logits are divided by it before the softmax: below 1 sharper, above 1 flatter; 0 takes the most likely (greedy). Default 1. */
  temperature?: number;
  /** Draw only among the k most likely tokens (0 = all). Default 0. */
  topK?: number;
  /** Seed of the draws. Default 0. */
  seed?: number;
  /** Ids never drawn (their logits read as -Infinity), e.g. a vocabulary's <pad> and <unk>. Default none. */
  exclude?: readonly number[];
}

export interface SampledToken {
  /** The token drawn. */
  id: number;
  /** The distribution it was drawn from, after temperature and top-k (zeros outside the k); length V. */
  probs: Float64Array;
}

/** The checked options; throws ConfigError naming what a model or option lacks. */
function check(model: SequenceModel, o: SampleOptions): { V: number; temperature: number; topK: number } {
  const m = model.options;
  if (!model.embedding) throw new ConfigError('sampling needs a model of token input (vocabSize)');
  const V = model.embedding.tokens.vocabSize;
  if (m.headOn !== 'steps' || m.numClasses !== V) {
    throw new ConfigError(
      `sampling needs a model that predicts the next token at every step (headOn "steps", numClasses = vocabSize ${V}); ` +
        `this one has headOn "${m.headOn}" and ${m.numClasses} classes`,
    );
  }
  if (o.prime.length === 0) throw new ConfigError('sampling needs a prime of at least one token to start from');
  if (!Number.isInteger(o.length) || o.length < 0) throw new ConfigError(`length must be a non-negative integer, got ${String(o.length)}`);
  const temperature = o.temperature ?? 1;
  if (!(Number.isFinite(temperature) && temperature >= 0)) {
    throw new ConfigError(`temperature must be a finite number >= 0 (0 = always the most likely), got ${String(o.temperature)}`);
  }
  const topK = o.topK ?? 0;
  if (!Number.isInteger(topK) || topK < 0 || topK > V) {
    throw new ConfigError(`topK must be an integer in [0, ${V}] (0 = all tokens), got ${String(o.topK)}`);
  }
  return { V, temperature, topK };
}

/**
 * The distribution of the next token from one step's logits: softmax(logits / temperature) over the
 * k largest logits (ties kept in id order), zeros elsewhere; temperature 0 puts all the mass on the
 * first largest logit. Computed in float64.
 */
export function nextTokenDistribution(logits: ArrayLike<number>, temperature = 1, topK = 0): Float64Array {
  const V = logits.length;
  const p = new Float64Array(V);
  let best = 0;
  for (let v = 1; v < V; v++) if (logits[v]! > logits[best]! || Number.isNaN(logits[v]!)) best = v;
  if (temperature === 0 || topK === 1) {
    p[best] = 1;
    return p;
  }
  let keep: number[] | null = null;
  if (topK > 0 && topK < V) {
    keep = Array.from({ length: V }, (_, v) => v)
      .sort((a, b) => logits[b]! - logits[a]! || a - b)
      .slice(0, topK);
  }
  const max = logits[best]!;
  let sum = 0;
  for (const v of keep ?? Array.from({ length: V }, (_, i) => i)) {
    const e = Math.exp((logits[v]! - max) / temperature);
    p[v] = e;
    sum += e;
  }
  for (let v = 0; v < V; v++) p[v]! /= sum;
  return p;
}

/** Draws from a distribution with one uniform number (inverse of the cumulative sum). */
function draw(p: Float64Array, u: number): number {
  let acc = 0;
  let last = 0;
  for (let v = 0; v < p.length; v++) {
    if (p[v]! <= 0) continue;
    acc += p[v]!;
    last = v;
    if (u < acc) return v;
  }
  return last;
}

/** Yields `length` tokens, each with the distribution it came from; the model's own stream keeps the state. */
export function* sample(model: SequenceModel, o: SampleOptions): Generator<SampledToken, void, undefined> {
  const { temperature, topK } = check(model, o);
  const rng = new Rng(o.seed ?? 0);
  const s = model.stream();
  let logits: ArrayLike<number> = [];
  for (const id of o.prime) logits = s.step(id);
  const exclude = o.exclude ?? [];
  const masked = new Float64Array(exclude.length ? model.options.numClasses : 0);
  for (let n = 0; n < o.length; n++) {
    if (exclude.length) {
      masked.set(logits);
      for (const id of exclude) masked[id] = -Infinity;
    }
    const probs = nextTokenDistribution(exclude.length ? masked : logits, temperature, topK);
    const id = draw(probs, rng.random());
    yield { id, probs };
    if (n + 1 < o.length) logits = s.step(id);
  }
}
