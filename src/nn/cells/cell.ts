/**
 * What a cell is, said once: its mode (PyTorch's name), how people call it, its gates in the order of
 * the rows of W_ih and W_hh, and its forward and backward passes over one layer and direction. Every
 * other place (the stack, the trace, the quiz, the CLI's and the explorer's labels) reads it from here.
 * Its fast paths (wasm, fused) are chosen once per pass by runForward/runBackward in ./index.ts.
 * docs/ARCHITECTURE.md says how to add one.
 */
import type { Buf } from '../../tensor/buf.js';
import type { Mode } from '../options.js';
import type { Dir, Workspace } from '../workspace.js';

/** One gate block of G = rows * H rows: its symbol in the equations, its name, its activation. */
export interface Gate {
  /** As in PyTorch's docs: "i", "f", "g", "o" (LSTM), "r", "z", "n" (GRU). */
  symbol: string;
  /** In words: "input gate", "cell candidate". */
  name: string;
  activation: 'sigmoid' | 'tanh';
}

/** Forward over all steps of one layer and direction: `dir.gates` holds the input side, W_ih x_t + b_ih (+ b_hh). */
export type CellForward = (dir: Dir, ws: Workspace, p: Buf, out: Buf, ldo: number) => void;
/** Backpropagation through time for the same: dh (and dc) arrive holding dL/dh_n and leave holding dL/dh_0. */
export type CellBackward = (dir: Dir, ws: Workspace, p: Buf, dOut: Buf, ldo: number) => void;

/** A fast path over a whole pass: runs it and returns true, or returns false, having done nothing, where it does not apply. */
export type FastForward = (dir: Dir, ws: Workspace, p: Buf, out: Buf, ldo: number) => boolean;
export type FastBackward = (dir: Dir, ws: Workspace, p: Buf, dOut: Buf, ldo: number) => boolean;
/**
 * A forward pass that keeps nothing for backward (`noGrad`): the input projection of `xin` (T, B, I)
 * and the recurrence together, h_t to out; it leaves the last state in dir.hcur (and dir.ccur).
 */
export type FastInfer = (dir: Dir, ws: Workspace, p: Buf, xin: Buf, out: Buf, ldo: number) => boolean;

/** A cell's fast paths, each tested against the reference (test/cells-wasm.test.ts). */
export interface CellFast {
  forward?: FastForward;
  backward?: FastBackward;
  /** A whole pass with nothing kept, for `noGrad` forward passes (same numbers as forward). */
  infer?: FastInfer;
  /**
   * Whether `infer` runs a layer of these sizes (float32 weights, every item taking every step): the
   * stack then gives the pass a lean workspace (workspace.ts). Only a memory the module cannot have
   * makes `infer` refuse such a layer after all.
   */
  inferFits?: (T: number, B: number, I: number, H: number, P: number, G: number) => boolean;
}

/** What a cell is: its names, gates and shape rules. The page's main thread needs only this. */
export interface CellInfo {
  mode: Mode;
  /** "RNN (tanh)", "LSTM", "GRU": the name with its variant. */
  label: string;
  /** "RNN", "LSTM", "GRU": the family. */
  short: string;
  /** Gate blocks in row order; empty for a plain RNN, whose one block is the pre-activation itself. */
  gates: readonly Gate[];
  /** Row blocks of W_ih and W_hh per hidden unit: G = rows * H (1, 4 or 3). */
  rows: number;
  /** Whether the cell carries c_t beside h_t (LSTM). */
  cellState: boolean;
  /**
   * Whether the W_hh side of a step is kept apart from the input side (GRU, where r multiplies it): then
   * b_hh is not folded into the input projection, and the workspace keeps gh and dgh.
   */
  hiddenApart: boolean;
  /** What one step does, in words, for the data flow: "gates i, f, g, o update ...". */
  step: string;
  /** The update as the trace names its terms (in: the input side, hid: the W_hh side): "h = tanh(W_ih x + b_ih + W_hh h_prev + b_hh)". */
  equation: string;
}

/** A cell: what it is, and its passes. */
export interface Cell extends CellInfo {
  /** The readable reference, the equations as loops; every pass no fast path takes runs here. */
  forward: CellForward;
  backward: CellBackward;
  /** The WebAssembly SIMD twin (<cell>-wasm.ts and <cell>.wat): whole float32 passes in the module. */
  wasm?: CellFast;
  /** A fused JavaScript pass, where it beats the reference (the RNN's small recurrences). */
  fused?: CellFast;
}

/** dh (B, P) += this step's rows of dOut (T, B, ldo) at column col: what every item gets from the output above at step t. */
export function addOutputGrad(dh: Buf, dOut: Buf, t: number, B: number, P: number, ldo: number, col: number): void {
  for (let b = 0; b < B; b++) {
    const o = (t * B + b) * ldo + col;
    for (let j = 0; j < P; j++) dh[b * P + j]! += dOut[o + j]!;
  }
}

/** Step t's rows of out (T, B, ldo) at column col <- h (B, P): a pass's state written to its layer's output. */
export function writeStep(out: Buf, h: Buf, t: number, B: number, P: number, ldo: number, col: number): void {
  // one direction's rows are contiguous in out: one memcpy (the loop cost 2% of an RNN H256 step)
  if (ldo === P && col === 0 && h.length === B * P && B * P > 64) {
    out.set(h, t * B * P);
    return;
  }
  for (let b = 0; b < B; b++) {
    const o = (t * B + b) * ldo + col;
    for (let j = 0; j < P; j++) out[o + j] = h[b * P + j]!;
  }
}
