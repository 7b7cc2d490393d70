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
