/**
 * A text model's jobs in the worker, beside its session: the cell pictures (cellsReport, what
 * `rnnscope cells` prints) and a sample drawn one token at a time by the engine's streaming sampler
 * (sample, what `rnnscope generate` writes), which the tick loop advances between batches and the
 * learner may stop. Every number is the engine's; the page only draws them.
 */
import { ConfigError, RnnscopeError, sample, type Prepared, type SampledToken, type Sequence } from '../../../src/internal.js';
import { cellsReport } from '../../../src/explain/cells.js';
import { primeIds } from '../../../src/explain/text-view.js';
import { encodeTexts } from '../../../src/data/text-data.js';
import { tokenize, UNK_ID, Vocabulary } from '../../../src/data/text.js';
import type { WorkerEvent } from './protocol.js';
import type { CellsRequest, CellsState, GenerateRequest, GenerateState } from './text-protocol.js';

/** The page offers samples up to this long (the CLI takes more; every token is posted). */
export const GENERATE_MAX = 2000;

export class TextJobs {
  readonly vocab: Vocabulary;
  private gen: Generator<SampledToken, void, undefined> | null = null;
  private generated: GenerateState | null = null;
  private pictures: CellsState | null = null;
  private changed = { cells: false, generate: false };
  private runs = 0;
  /** Tokens of the running sample already posted, and when the next one is due (a paced sample). */
  private posted = 0;
  private due = 0;

  constructor(
    private readonly p: Prepared,
    private readonly session: number,
    /** The test sequence the session traces (the pictures' text when none is typed). */
    private readonly traced: () => Sequence,
  ) {
    const t = p.dataset.text!;
    this.vocab = Vocabulary.fromJSON({ tokenizer: t.tokenizer, tokens: t.vocabulary ?? [] });
  }

  /** True while a sample has a token to draw now. */
  get busy(): boolean {
    return this.gen !== null && this.waitMs() === 0;
  }

  /** Milliseconds until a paced sample's next token (0: now, or no sample running). */
  waitMs(): number {
    return this.gen ? Math.max(0, this.due - performance.now()) : 0;
  }

  /** The cell pictures for a request, from the model's weights now (measured over the test split, as `cells` measures a task's). */
  cells(request: CellsRequest): void {
    const state: CellsState = { session: this.session, request, report: null, shown: [], unknown: [], message: null };
    try {
      const shown = request.text === null ? this.traced() : this.encode(request.text);
      const o = this.p.model.options;
      const at = {
        layer: Math.min(Math.max(0, request.layer), o.numLayers - 1),
        direction: o.bidirectional && request.direction === 1 ? 1 : 0,
      };
      const units = this.p.model.rnn.stateSize;
      const unit = request.unit !== null && request.unit >= 0 && request.unit < units ? request.unit : undefined;
      state.report = cellsReport(this.p.model, shown, this.p.split.test, { unit, at });
      state.shown = Array.from(shown.x.subarray(0, shown.length), (id) => this.vocab.show(id));
      if (request.text !== null)
        state.unknown = [...new Set(tokenize(request.text, this.vocab.tokenizer).filter((t) => this.vocab.id(t) === UNK_ID))];
    } catch (e) {
      if (!(e instanceof RnnscopeError)) throw e;
      state.message = e.message;
    }
    this.pictures = state;
    this.changed.cells = true;
  }

  /** A typed text as the model reads it (a language model reads all but its last token, which it predicts). */
  private encode(text: string): Sequence {
    const kind = this.p.dataset.text!.kind;
    const n = tokenize(text, this.vocab.tokenizer).length;
    const unit = this.vocab.tokenizer === 'chars' ? 'character' : 'word';
    if (n < (kind === 'next' ? 2 : 1))
      throw new ConfigError(
        kind === 'next'
          ? `the text has fewer than 2 ${unit}s; a language model needs one to read and one to predict`
          : `the text has no ${unit}s; type some`,
      );
    return encodeTexts([{ id: 'typed', length: n, x: new Float32Array(0), y: new Int32Array(0), text }], this.vocab, kind).seqs[0]!;
  }

  /** Starts a sample (a new one replaces a running one); the prime is checked as `generate --prime` is. */
  generate(request: GenerateRequest): void {
    const length = Math.max(1, Math.min(GENERATE_MAX, Math.floor(request.length)));
    const state: GenerateState = {
      session: this.session,
      run: ++this.runs,
      request: { ...request, length },
      status: 'running',
      tokens: [],
      from: 0,
      message: null,
    };
    this.gen = null;
    this.posted = 0;
    this.due = 0;
    try {
      const prime = primeIds(this.vocab, request.prime, 'the prime');
      const gen = sample(this.p.model, {
        prime,
        length,
        temperature: request.temperature,
        topK: request.topK,
        seed: request.seed,
        exclude: [0, UNK_ID],
      });
      this.gen = gen;
    } catch (e) {
      if (!(e instanceof RnnscopeError)) throw e;
      state.status = 'failed';
      state.message = e.message;
    }
    this.generated = state;
    this.changed.generate = true;
  }

  stop(): void {
    if (!this.gen || !this.generated) return;
    this.gen = null;
    this.generated = { ...this.generated, status: 'stopped' };
    this.changed.generate = true;
  }

  /** Draws one token of the running sample; false when there is none to draw. */
  work(): boolean {
    const g = this.gen;
    const state = this.generated;
    if (!g || !state || this.waitMs() > 0) return false;
    if (state.request.pace > 0) this.due = performance.now() + 1000 / state.request.pace;
    let r: IteratorResult<SampledToken, void>;
    try {
      r = g.next();
    } catch (e) {
      if (!(e instanceof RnnscopeError)) throw e;
      this.gen = null;
      this.generated = { ...state, status: 'failed', message: e.message };
      this.changed.generate = true;
      return false;
    }
    if (r.done) {
      this.gen = null;
      this.generated = { ...state, status: 'done' };
    } else {
      const { id, probs } = r.value;
      const top = Array.from(probs.keys())
        .filter((k) => probs[k]! > 0)
        .sort((a, b) => probs[b]! - probs[a]! || a - b)
        .slice(0, 5)
        .map((k) => ({ shown: this.vocab.show(k), p: probs[k]! }));
      state.tokens.push({ token: this.vocab.tokens[id]!, shown: this.vocab.show(id), id, p: probs[id]!, top });
      if (state.tokens.length >= state.request.length) {
        this.gen = null;
        this.generated = { ...state, status: 'done' };
      }
    }
    this.changed.generate = true;
    return true;
  }

  /** What changed since the last call, as events for the page. */
  flush(): WorkerEvent[] {
    const out: WorkerEvent[] = [];
    if (this.changed.cells && this.pictures) out.push({ type: 'cells', state: this.pictures });
    if (this.changed.generate && this.generated) {
      // only the tokens the page has not had: a long sample costs each update its new tokens, not all of them
      const g = this.generated;
      out.push({ type: 'generate', state: { ...g, tokens: g.tokens.slice(this.posted), from: this.posted } });
      this.posted = g.tokens.length;
    }
    this.changed = { cells: false, generate: false };
    return out;
  }
}
