/** The cells by mode: the one registry every other place reads. Adding a cell is a file beside this one and a line here. */
import { ConfigError } from '../../errors.js';
import type { Mode } from '../options.js';
import type { Cell } from './cell.js';
import { rnnRelu, rnnTanh } from './rnn.js';
import { lstm } from './lstm.js';
import { gru } from './gru.js';

export type { Cell, Gate, CellForward, CellBackward } from './cell.js';

export const CELLS: Readonly<Record<Mode, Cell>> = { rnn_tanh: rnnTanh, rnn_relu: rnnRelu, lstm, gru };

export function cellOf(mode: Mode): Cell {
  const c = CELLS[mode];
  if (!c) throw new ConfigError(`mode must be one of ${Object.keys(CELLS).join(', ')}, got ${String(mode)}`);
  return c;
}

/** The words a person may use for a cell, in the CLI and in a URL: the modes themselves, and rnn, tanh and relu. */
const WORDS: Readonly<Record<string, Mode>> = { rnn: 'rnn_tanh', tanh: 'rnn_tanh', relu: 'rnn_relu', rnn_tanh: 'rnn_tanh', rnn_relu: 'rnn_relu', lstm: 'lstm', gru: 'gru' };

/** The cell a word names (any case), or null: one parser for every front end. */
export function parseCell(word: string): Mode | null {
  return WORDS[word.trim().toLowerCase()] ?? null;
}

/** The words parseCell takes, for help and error messages. */
export const CELL_WORDS = 'rnn (= rnn_tanh), rnn_relu, lstm, gru';
