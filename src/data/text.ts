/**
 * Text as token sequences: the tokenisers (characters, words), the vocabulary built from the training
 * split, and the cutting of one long text into next-token chunks split by position.
 *
 * The vocabulary's rule, stated once: ids 0 and 1 are reserved, `<pad>` (padding, never a target) and
 * `<unk>` (every token the training split never had); the training split's tokens follow, by count
 * (most frequent first) and then by code point, so the same text gives the same ids everywhere.
 * A model file keeps the list, so `predict` and `generate` encode new text exactly as training did.
 *
 * Characters are Unicode code points (Array.from), not grapheme clusters: "é" typed as e + a
 * combining accent is two tokens, as in most character models.
 */
import { DataError } from '../errors.js';

export type Tokenizer = 'chars' | 'words';
export const TOKENIZERS: readonly Tokenizer[] = ['chars', 'words'];

export const PAD = '<pad>';
export const UNK = '<unk>';
export const PAD_ID = 0;
export const UNK_ID = 1;

/** Words: runs of letters, marks, digits and inner apostrophes or hyphens; every other non-space character alone. */
const WORD = /[\p{L}\p{M}\p{N}]+(?:['’-][\p{L}\p{M}\p{N}]+)*|[^\s]/gu;

/** The tokens of a text: code points, or words and punctuation. */
export function tokenize(text: string, how: Tokenizer): string[] {
  if (how === 'chars') return Array.from(text);
  return text.match(WORD) ?? [];
}

/** How tokens join back into text: characters as they are, words with a space between. */
export function detokenize(tokens: readonly string[], how: Tokenizer): string {
  return tokens.join(how === 'chars' ? '' : ' ');
}

export interface VocabularyJSON {
  tokenizer: Tokenizer;
  /** Every token by id: `<pad>`, `<unk>`, then the training split's. */
  tokens: string[];
}

export class Vocabulary {
  private readonly index: Map<string, number>;

  private constructor(
    readonly tokenizer: Tokenizer,
    /** Tokens by id. */
    readonly tokens: readonly string[],
  ) {
    this.index = new Map(tokens.map((t, i) => [t, i]));
  }

  /**
   * From the training split's texts: `<pad>`, `<unk>`, then each token seen at least `minCount`
   * times, most frequent first, ties by code point. At most `maxSize` ids in all, when given.
   */
  static build(texts: Iterable<string>, tokenizer: Tokenizer, o: { minCount?: number; maxSize?: number } = {}): Vocabulary {
    const counts = new Map<string, number>();
    for (const text of texts) for (const t of tokenize(text, tokenizer)) counts.set(t, (counts.get(t) ?? 0) + 1);
    counts.delete(PAD);
    counts.delete(UNK);
    const minCount = o.minCount ?? 1;
    let kept = [...counts]
      .filter(([, n]) => n >= minCount)
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
      .map(([t]) => t);
    if (o.maxSize !== undefined) kept = kept.slice(0, Math.max(0, o.maxSize - 2));
    if (kept.length === 0) throw new DataError('the training text has no tokens to build a vocabulary from');
    return new Vocabulary(tokenizer, [PAD, UNK, ...kept]);
  }

  /** From a model file's list; throws DataError unless it is one this class could have built. */
  static fromJSON(j: VocabularyJSON): Vocabulary {
    if (!TOKENIZERS.includes(j.tokenizer))
      throw new DataError(`the vocabulary's tokenizer must be chars or words, got ${String(j.tokenizer)}`);
    if (!Array.isArray(j.tokens) || j.tokens[PAD_ID] !== PAD || j.tokens[UNK_ID] !== UNK) {
      throw new DataError(`a vocabulary's first two tokens must be ${PAD} and ${UNK}`);
    }
    if (new Set(j.tokens).size !== j.tokens.length) throw new DataError('a vocabulary lists a token twice');
    return new Vocabulary(j.tokenizer, [...j.tokens]);
  }

  toJSON(): VocabularyJSON {
    return { tokenizer: this.tokenizer, tokens: [...this.tokens] };
  }

  get size(): number {
    return this.tokens.length;
  }

  /** The id of one token; `<unk>`'s for a token the training split never had. */
  id(token: string): number {
    return this.index.get(token) ?? UNK_ID;
  }

  /** A text's ids, and how many of its tokens were unknown. */
  encode(text: string): { ids: Int32Array; unknown: number } {
    const toks = tokenize(text, this.tokenizer);
    const ids = new Int32Array(toks.length);
    let unknown = 0;
    toks.forEach((t, i) => {
      const id = this.id(t);
      if (id === UNK_ID) unknown++;
      ids[i] = id;
    });
    return { ids, unknown };
  }

  /** The text of some ids (`<pad>` left out, `<unk>` shown as such). */
  decode(ids: ArrayLike<number>): string {
    const out: string[] = [];
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      if (id === PAD_ID) continue;
      out.push(this.tokens[id] ?? UNK);
    }
    return detokenize(out, this.tokenizer);
  }

  /** One token as a person reads it on a terminal or a page: "␣" for a space, "⏎" for a newline, "⇥" for a tab. */
  show(id: number): string {
    const t = this.tokens[id] ?? UNK;
    return t === ' ' ? '␣' : t === '\n' ? '⏎' : t === '\t' ? '⇥' : t;
  }
}

export interface TextChunks {
  /** Token ids of each chunk (inputs), and of the token after each (targets): the same length. */
  x: Int32Array[];
  y: Int32Array[];
}

/**
 * A long token stream cut into chunks of `length` inputs, each with the next token as the target at
 * every step (a character language model's data), split by position: the first part trains, the next
 * validates, the last tests, and no chunk crosses a boundary (nor reads its target from across one).
 */
export function chunkByPosition(
  ids: Int32Array,
  length: number,
  o: { valFrac?: number; testFrac?: number } = {},
): { train: TextChunks; val: TextChunks; test: TextChunks } {
  if (!Number.isInteger(length) || length < 1) throw new DataError(`the chunk length must be a positive integer, got ${String(length)}`);
  const valFrac = o.valFrac ?? 0.1;
  const testFrac = o.testFrac ?? 0.1;
  const n = ids.length;
  const testStart = Math.round(n * (1 - testFrac));
  const valStart = Math.round(n * (1 - testFrac - valFrac));
  const cut = (from: number, to: number): TextChunks => {
    const x: Int32Array[] = [];
    const y: Int32Array[] = [];
    // a chunk needs length inputs and the token after its last one, all inside [from, to)
    for (let s = from; s + length + 1 <= to; s += length) {
      x.push(ids.slice(s, s + length));
      y.push(ids.slice(s + 1, s + length + 1));
    }
    return { x, y };
  };
  const parts = { train: cut(0, valStart), val: cut(valStart, testStart), test: cut(testStart, n) };
  if (parts.train.x.length === 0) {
    throw new DataError(
      `the text is too short for chunks of ${length} tokens: its training part has ${valStart} tokens, and a chunk needs ${length + 1}`,
    );
  }
  return parts;
}
