/**
 * The cells by mode: the one registry every other place reads. Adding a cell: its Mode in ../options.ts,
 * its descriptor and reference passes in a file beside this one, a line here (and its words below);
 * for speed, its kernels in <cell>.wat and their step tables in <cell>-wasm.ts (npm run build:wasm).
 */
import { ConfigError } from '../../errors.js';
import type { Mode } from '../options.js';
import type { Cell } from './cell.js';
import type { Buf } from '../../tensor/buf.js';
import type { Dir, Workspace } from '../workspace.js';
import type { CellInfo } from './cell.js';
import { rnnRelu, rnnReluInfo, rnnTanh, rnnTanhInfo } from './rnn.js';
import { lstm, lstmInfo } from './lstm.js';
import { gru, gruInfo } from './gru.js';

export type { Cell, CellInfo, Gate } from './cell.js';

export const CELLS: Readonly<Record<Mode, Cell>> = { rnn_tanh: rnnTanh, rnn_relu: rnnRelu, lstm, gru };
/** The same cells without their kernels: what the explorer's main thread reads (a bundler leaves the kernels out). */
export const CELL_INFO: Readonly<Record<Mode, CellInfo>> = { rnn_tanh: rnnTanhInfo, rnn_relu: rnnReluInfo, lstm: lstmInfo, gru: gruInfo };

/**
 * One forward pass of a cell over a layer and direction, on the path chosen once for the pass: its
 * WebAssembly twin where that applies, else its fused JavaScript pass where that applies, else the reference.
 */
export function runForward(c: Cell, dir: Dir, ws: Workspace, p: Buf, out: Buf, ldo: number): void {
  if (c.wasm?.forward?.(dir, ws, p, out, ldo)) return;
  if (c.fused?.forward?.(dir, ws, p, out, ldo)) return;
  c.forward(dir, ws, p, out, ldo);
}

/**
 * A forward pass of a layer and direction that keeps nothing for backward: the input projection of
 * xin and the recurrence, whole in the module where the cell has such a pass; false (nothing done) elsewhere.
 */
export function runInfer(c: Cell, dir: Dir, ws: Workspace, p: Buf, xin: Buf, out: Buf, ldo: number): boolean {
  return c.wasm?.infer?.(dir, ws, p, xin, out, ldo) ?? false;
}

/** Whether runInfer runs a float32 layer of these sizes whose items all take every step (the cell's inferFits). */
export function inferFits(c: Cell, T: number, B: number, I: number, H: number, P: number, G: number): boolean {
  return c.wasm?.inferFits?.(T, B, I, H, P, G) ?? false;
}

/** The backward pass of the same, chosen the same way; the reference alone keeps dL/dh_t of every step (`ws.keepDh`). */
export function runBackward(c: Cell, dir: Dir, ws: Workspace, p: Buf, dOut: Buf, ldo: number): void {
  if (!ws.keepDh && c.wasm?.backward?.(dir, ws, p, dOut, ldo)) return;
  if (!ws.keepDh && c.fused?.backward?.(dir, ws, p, dOut, ldo)) return;
  c.backward(dir, ws, p, dOut, ldo);
}

export function cellOf(mode: Mode): Cell {
  const c = CELLS[mode];
  if (!c) throw new ConfigError(`mode must be one of ${Object.keys(CELLS).join(', ')}, got ${String(mode)}`);
  return c;
}

/** What a cell is, without its kernels. */
export function cellInfo(mode: Mode): CellInfo {
  const c = CELL_INFO[mode];
  if (!c) throw new ConfigError(`mode must be one of ${Object.keys(CELL_INFO).join(', ')}, got ${String(mode)}`);
  return c;
}

/** The words a person may use for a cell, in the CLI and in a URL: the modes themselves, and rnn, tanh and relu. */
const WORDS: Readonly<Record<string, Mode>> = {
  rnn: 'rnn_tanh',
  tanh: 'rnn_tanh',
  relu: 'rnn_relu',
  rnn_tanh: 'rnn_tanh',
  rnn_relu: 'rnn_relu',
  lstm: 'lstm',
  gru: 'gru',
};

/** The cell a word names (any case), or null: one parser for every front end. */
export function parseCell(word: string): Mode | null {
  return WORDS[word.trim().toLowerCase()] ?? null;
}

/** The words parseCell takes, for help and error messages. */
export const CELL_WORDS = 'rnn (= rnn_tanh), rnn_relu, lstm, gru';
