/** Small helpers the trace views share: which gate is which, and a cell's label. */
import { cellInfo } from '../../../../src/nn/cells/index.js';
import type { CellStep, Mode, PredictionTrace } from '../../../../src/internal.js';
import { setStep, view } from '../../store.js';
import { typing } from '../../keys.js';

/** The cell's gates as the views name them (symbol and words), or undefined for a plain RNN, which has none. */
export function gatesOf(mode: Mode): { name: string; label: string }[] | undefined {
  const gates = cellInfo(mode).gates;
  return gates.length ? gates.map((g) => ({ name: g.symbol, label: g.name })) : undefined;
}

export function cellLabel(c: CellStep, layers: number, directions: number): string {
  return `layer ${c.layer + 1}${directions > 1 ? (c.direction ? ', reverse' : ', forward') : ''}`.replace(
    /^layer 1$/,
    layers > 1 ? 'layer 1' : 'the cell',
  );
}

/** Splits a G-long pre-activation into its gates' H-long parts. */
export function perGate(v: readonly number[], gates: number): number[][] {
  const H = v.length / gates;
  return Array.from({ length: gates }, (_, k) => v.slice(k * H, (k + 1) * H));
}

export function cellIndex(trace: PredictionTrace): number {
  const n = trace.steps[0]?.cells.length ?? 1;
  return Math.min(view.value.cell, n - 1);
}

/** What the trace views show now: the step, the layer and direction, and that cell's gates. */
export function currentStep(tr: PredictionTrace) {
  const T = tr.steps.length;
  const t = Math.min(view.value.step, T - 1);
  const ci = cellIndex(tr);
  const st = tr.steps[t]!;
  return { T, t, ci, st, cell: st.cells[ci]!, gates: gatesOf(tr.mode) };
}

/** Arrow keys, Home and End step through time (unless a form control has the key). */
export function stepKeys(e: KeyboardEvent, T: number): void {
  if (typing(e) || e.altKey || e.ctrlKey || e.metaKey) return;
  const t = view.value.step;
  const to = e.key === 'ArrowRight' ? t + 1 : e.key === 'ArrowLeft' ? t - 1 : e.key === 'Home' ? 0 : e.key === 'End' ? T - 1 : null;
  if (to === null) return;
  e.preventDefault();
  setStep(to);
}
