/**
 * A text model as a person reads it, for every mode: class names (a language model's are its
 * characters, ␣ for a space), each step's input as its character, and the first layer's input as
 * the weights see it (the one-hot vector, or the embedding's row). All from the session's snapshot
 * (traceWords in the worker); a model of features keeps its own names.
 */
import type { SessionSnapshot } from '../../runner/protocol.js';

/** The names of the classes: a text model's as the trace shows them, else the data's. */
export const classNames = (s: SessionSnapshot): string[] => s.words?.classes ?? s.data.classes;

/** Step t's input character (a text model), or null (a model of features). */
export const inputChar = (s: SessionSnapshot, t: number): string | null => s.words?.inputs[t] ?? null;

/**
 * What the first layer reads at a step of a token model, from its id: the one-hot vector of V, or
 * the id's row of embedding.weight (null when the weights are not shipped); features as they are.
 */
export function firstLayerInput(s: SessionSnapshot, x: number[]): number[] | null {
  const o = s.model.options;
  if (o.vocabSize === undefined) return x;
  const id = x[0]!;
  if (!o.embeddingDim) return Array.from({ length: o.vocabSize }, (_, v) => (v === id ? 1 : 0));
  return s.weights?.['embedding.weight']?.slice(id * o.embeddingDim, (id + 1) * o.embeddingDim) ?? null;
}
