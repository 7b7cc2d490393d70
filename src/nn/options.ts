/**
 * Options of the recurrent stack, with PyTorch's names (camelCased) and meaning, validated once.
 * Dimension letters used across src/nn: T steps, B batch, I input features, H hidden units,
 * P state size (projSize, or H without projection), D directions, G gate rows (H, 4H, 3H).
 */
import { ConfigError } from '../errors.js';

export type Mode = 'rnn_tanh' | 'rnn_relu' | 'lstm' | 'gru';
export const MODES: readonly Mode[] = ['rnn_tanh', 'rnn_relu', 'lstm', 'gru'];

export interface RecurrentOptions {
  /** Cell: "rnn_tanh", "rnn_relu", "lstm" or "gru". */
  mode: Mode;
  /** Features per step of the input, I. */
  inputSize: number;
  /** Hidden units per layer and direction, H. */
  hiddenSize: number;
  /** Stacked layers; layer k > 0 reads layer k-1's output. Default 1. */
  numLayers?: number;
  /** Learn b_ih and b_hh. Default true. */
  bias?: boolean;
  /** Input and output are [B, T, F] instead of [T, B, F]; h0/c0/h_n/c_n never are. Default false. */
  batchFirst?: boolean;
  /** Dropout probability on every layer's output but the last, in training only. Default 0. */
  dropout?: number;
  /** Run a second direction from the last step back; outputs are concatenated. Default false. */
  bidirectional?: boolean;
  /** LSTM only: project h_t to this size with weight_hr (0 = none). Must be < hiddenSize. Default 0. */
  projSize?: number;
}

export interface ResolvedOptions {
  mode: Mode;
  inputSize: number;
  hiddenSize: number;
  numLayers: number;
  bias: boolean;
  batchFirst: boolean;
  dropout: number;
  bidirectional: boolean;
  projSize: number;
}

export const defaults = { numLayers: 1, bias: true, batchFirst: false, dropout: 0, bidirectional: false, projSize: 0 };

function positiveInt(name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
    throw new ConfigError(`${name} must be a positive integer, got ${String(v)}`);
  }
  return v;
}

/** Checks every option and fills in defaults; throws ConfigError naming the option and its valid range. */
export function resolveOptions(o: RecurrentOptions): ResolvedOptions {
  if (!MODES.includes(o.mode)) throw new ConfigError(`mode must be one of ${MODES.join(', ')}, got ${String(o.mode)}`);
  const r: ResolvedOptions = {
    mode: o.mode,
    inputSize: positiveInt('inputSize', o.inputSize),
    hiddenSize: positiveInt('hiddenSize', o.hiddenSize),
    numLayers: positiveInt('numLayers', o.numLayers ?? defaults.numLayers),
    bias: o.bias ?? defaults.bias,
    batchFirst: o.batchFirst ?? defaults.batchFirst,
    dropout: o.dropout ?? defaults.dropout,
    bidirectional: o.bidirectional ?? defaults.bidirectional,
    projSize: o.projSize ?? defaults.projSize,
  };
  if (typeof r.dropout !== 'number' || !(r.dropout >= 0 && r.dropout <= 1)) {
    throw new ConfigError(`dropout must be a probability in [0, 1], got ${String(o.dropout)}`);
  }
  if (!Number.isInteger(r.projSize) || r.projSize < 0) {
    throw new ConfigError(`projSize must be a non-negative integer, got ${String(o.projSize)}`);
  }
  if (r.projSize > 0 && r.mode !== 'lstm') throw new ConfigError(`projSize is only supported by lstm, not ${r.mode}`);
  if (r.projSize >= r.hiddenSize) {
    throw new ConfigError(`projSize must be smaller than hiddenSize (${r.hiddenSize}), got ${r.projSize}`);
  }
  for (const k of ['bias', 'batchFirst', 'bidirectional'] as const) {
    if (typeof r[k] !== 'boolean') throw new ConfigError(`${k} must be true or false, got ${String(o[k])}`);
  }
  return r;
}
