/**
 * Text tasks where memory is the point and the answer can be checked.
 *
 * brackets: strings of letters and nested brackets of three kinds, "a(b[c]d{e}f)g". At a closing
 * position only one character is right, the partner of the innermost open bracket, so predicting it
 * needs the stack of what is open (its depth and kinds): a model without memory can only guess among
 * the three closers. Each string comes with the depth after every character, to find the hidden units
 * that track it.
 */
import { Rng } from '../tensor/rng.js';
import { ConfigError } from '../errors.js';

export const OPENERS = '([{';
export const CLOSERS = ')]}';
const LETTERS = 'abcdef';

export interface BracketString {
  text: string;
  /** Open brackets after each character (its own included). */
  depth: Int32Array;
}

export interface BracketOptions {
  /** Strings to make. Default 2000. */
  count?: number;
  /** The deepest nesting. Default 4. */
  maxDepth?: number;
  /** Characters before the open brackets are closed (the string is longer by the closers). Default 24. */
  length?: number;
}

/** Well-formed strings from a seed: at each position a letter, an opener (below maxDepth) or the right closer. */
export function bracketStrings(seed: number, o: BracketOptions = {}): BracketString[] {
  const count = o.count ?? 2000;
  const maxDepth = o.maxDepth ?? 4;
  const length = o.length ?? 24;
  if (!Number.isInteger(count) || count < 1) throw new ConfigError(`count must be a positive integer, got ${String(count)}`);
  if (!Number.isInteger(maxDepth) || maxDepth < 1 || maxDepth > 50)
    throw new ConfigError(`maxDepth must be an integer from 1 to 50, got ${String(maxDepth)}`);
  if (!Number.isInteger(length) || length < 2 || length > 10_000)
    throw new ConfigError(`length must be an integer from 2 to 10000, got ${String(length)}`);
  const rng = new Rng(seed);
  const out: BracketString[] = [];
  for (let k = 0; k < count; k++) {
    const stack: number[] = [];
    const chars: string[] = [];
    const depth: number[] = [];
    const emit = (c: string) => {
      chars.push(c);
      depth.push(stack.length);
    };
    for (let i = 0; i < length; i++) {
      const u = rng.random();
      if (u < 0.3 && stack.length < maxDepth) {
        const kind = rng.int(3);
        stack.push(kind);
        emit(OPENERS[kind]!);
      } else if (u < 0.55 && stack.length > 0) {
        const kind = stack.pop()!;
        emit(CLOSERS[kind]!);
      } else emit(LETTERS[rng.int(LETTERS.length)]!);
    }
    while (stack.length > 0) emit(CLOSERS[stack.pop()!]!);
    out.push({ text: chars.join(''), depth: Int32Array.from(depth) });
  }
  return out;
}

/** The positions i (0-based) whose next character is a closer: where the task checks memory. */
export function closingTargets(text: string): number[] {
  const at: number[] = [];
  const chars = Array.from(text);
  for (let i = 0; i + 1 < chars.length; i++) if (CLOSERS.includes(chars[i + 1]!)) at.push(i);
  return at;
}
