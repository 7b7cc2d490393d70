/**
 * What the page and the worker say about a text model beyond the session: the cell pictures of
 * `rnnscope cells` and the streamed sample of `rnnscope generate`, as the engine computed them.
 */
import type { CellsReport } from '../../../src/explain/cells.js';

/** The cell pictures asked for: a text (null: the traced test sequence), a unit (null: the best), a layer and direction (0-based). */
export interface CellsRequest {
  text: string | null;
  unit: number | null;
  layer: number;
  direction: number;
}

export interface CellsState {
  /** The session the numbers are about (a new session drops them). */
  session: number;
  request: CellsRequest;
  /** The engine's report (cellsReport, as `rnnscope cells`), or null with a message when the text cannot be shown. */
  report: CellsReport | null;
  /** Each shown step's character as the trace shows it (a space as ␣). */
  shown: string[];
  /** Characters of the typed text the vocabulary lacks (read as <unk>), said beside the picture. */
  unknown: string[];
  message: string | null;
}

/** A sample from a language model, as `rnnscope generate` takes it. */
export interface GenerateRequest {
  prime: string;
  length: number;
  temperature: number;
  topK: number;
  seed: number;
  /** Tokens a second, to read them as they come; 0 draws them as fast as the model goes. */
  pace: number;
}

export interface GeneratedToken {
  /** The token as text (a space is a space) and as shown (␣), its id and the probability it was drawn with. */
  token: string;
  shown: string;
  id: number;
  p: number;
  /** The five most likely tokens of the distribution it was drawn from, after temperature and top-k. */
  top: { shown: string; p: number }[];
}

export interface GenerateState {
  session: number;
  /** Counts requests: a state of an older one is stale. */
  run: number;
  request: GenerateRequest;
  status: 'running' | 'done' | 'stopped' | 'failed';
  /** The tokens drawn since the last update, the first of them token number `from` (0-based) of the sample. */
  tokens: GeneratedToken[];
  from: number;
  /** The engine's sentence when the prime or the model cannot be sampled (e.g. unseen characters). */
  message: string | null;
}
