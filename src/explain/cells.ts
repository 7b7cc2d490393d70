/**
 * What single hidden units of a text model track: each unit's value at every character, its
 * correlation with quantities one can measure in the text (bracket depth, distance since the last
 * opening bracket, position in a word), and where in the data it fires most (LSTMVis's "match similar
 * patterns", in a small form). Every number comes from the model's own forward pass, at the layer and
 * direction asked for (by default the top layer's forward direction, as the trace records it).
 */
import type { SequenceModel } from '../nn/model.js';
import type { Sequence } from '../data/dataset.js';
import { forwardOne } from './forward-one.js';
import { CLOSERS, OPENERS } from '../data/text-tasks.js';

/** Which cell of the stack the units belong to: a layer (0-based) and a direction (0 forward, 1 reverse). */
export interface UnitsAt {
  layer: number;
  direction: number;
}

/** The top layer's forward direction: what the trace records and the default of every function here. */
export const topForward = (model: SequenceModel): UnitsAt => ({ layer: model.options.numLayers - 1, direction: 0 });

/** h_t of one layer and direction at each step (by time, also for the reverse direction): [T][H]. */
export function unitValues(model: SequenceModel, seq: Sequence, at: UnitsAt = topForward(model)): number[][] {
  const { step } = forwardOne(model, seq);
  return Array.from({ length: seq.length }, (_, t) => Array.from(step(at.layer, at.direction, t).h));
}

/** A quantity measured after each character (NaN where it is undefined). */
export type Quantity = (chars: readonly string[]) => number[];

/** The measurable quantities of the built-in text task, by name. */
export const QUANTITIES: Record<string, Quantity> = {
  /** Brackets open after the character. */
  depth: (chars) => {
    let d = 0;
    return chars.map((c) => (d += OPENERS.includes(c) ? 1 : CLOSERS.includes(c) ? -1 : 0));
  },
  /** Characters since the last opening bracket (0 on it); undefined before the first. */
  'since opening': (chars) => {
    let last = -1;
    return chars.map((c, i) => {
      if (OPENERS.includes(c)) last = i;
      return last < 0 ? NaN : i - last;
    });
  },
  /** Position inside a run of letters (1 on its first); 0 outside one. */
  'position in word': (chars) => {
    let k = 0;
    return chars.map((c) => (k = /\p{L}/u.test(c) ? k + 1 : 0));
  },
};

export interface UnitCorrelation {
  unit: number;
  quantity: string;
  /** Pearson correlation over every step where the quantity is defined. */
  r: number;
  /** Steps it is computed over. */
  n: number;
}

function pearson(a: number[], b: number[]): number {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i]!;
    mb += b[i]!;
  }
  ma /= n;
  mb /= n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (a[i]! - ma) * (b[i]! - mb);
    saa += (a[i]! - ma) ** 2;
    sbb += (b[i]! - mb) ** 2;
  }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : NaN;
}

/** The characters a sequence reads, one per step (its text's first `length`). */
export function stepChars(seq: Sequence): string[] {
  return Array.from(seq.text ?? '').slice(0, seq.length);
}

/**
 * Each unit against each quantity over the sequences, most correlated (by |r|) first; a quantity
 * that never varies is left out.
 */
export function unitCorrelations(
  model: SequenceModel,
  seqs: readonly Sequence[],
  quantities = QUANTITIES,
  at: UnitsAt = topForward(model),
): UnitCorrelation[] {
  const names = Object.keys(quantities);
  const q: number[][] = names.map(() => []);
  let H = 0;
  const h: number[][] = [];
  for (const s of seqs) {
    const vals = unitValues(model, s, at);
    const chars = stepChars(s);
    const meas = names.map((n) => quantities[n]!(chars));
    H = vals[0]?.length ?? H;
    vals.forEach((row, t) => {
      h.push(row);
      names.forEach((_, k) => q[k]!.push(meas[k]![t]!));
    });
  }
  const out: UnitCorrelation[] = [];
  names.forEach((name, k) => {
    const rows = q[k]!.map((v, i) => [v, i] as const).filter(([v]) => Number.isFinite(v));
    const qs = rows.map(([v]) => v);
    for (let u = 0; u < H; u++) {
      const r = pearson(
        rows.map(([, i]) => h[i]![u]!),
        qs,
      );
      if (Number.isFinite(r)) out.push({ unit: u, quantity: name, r, n: rows.length });
    }
  });
  return out.sort((a, b) => Math.abs(b.r) - Math.abs(a.r) || a.unit - b.unit);
}

export interface Firing {
  sequenceId: string;
  /** 0-based step. */
  t: number;
  value: number;
  /** Up to 12 characters before the step, the step's own, up to 4 after. */
  before: string;
  char: string;
  after: string;
}

/** Where a unit takes its highest values across the sequences, highest first (one per sequence at most). */
export function topFirings(
  model: SequenceModel,
  seqs: readonly Sequence[],
  unit: number,
  n = 5,
  at: UnitsAt = topForward(model),
): Firing[] {
  const best: Firing[] = [];
  for (const s of seqs) {
    const vals = unitValues(model, s, at);
    let t = 0;
    for (let k = 1; k < vals.length; k++) if (vals[k]![unit]! > vals[t]![unit]!) t = k;
    const chars = Array.from(s.text ?? '');
    if (!vals.length) continue;
    best.push({
      sequenceId: s.id,
      t,
      value: vals[t]![unit]!,
      before: chars.slice(Math.max(0, t - 12), t).join(''),
      char: chars[t] ?? '',
      after: chars.slice(t + 1, t + 5).join(''),
    });
  }
  return best.sort((a, b) => b.value - a.value).slice(0, n);
}

/** What `rnnscope cells` shows (and its `cells` event carries), as one object: units 1-based. */
export interface CellsReport {
  /** 1-based layer, and the direction, of the units measured. */
  layer: number;
  direction: 'forward' | 'reverse';
  /** The unit coloured (1-based) and how many the cell has. */
  unit: number;
  units: number;
  /** The shown text's characters, one per step, and the unit's value at each. */
  text: string;
  values: number[];
  /** The best unit for each quantity, then the next five best overall (units 1-based). */
  correlations: UnitCorrelation[];
  /** Where the unit fires most in the measured sequences. */
  fires: Firing[];
  /** Sequences the units were measured on. */
  measuredOn: number;
}

/**
 * The cell pictures of one unit on one text, with the units measured over `data`: without a unit, the
 * one that tracks a quantity best. The CLI's `cells` and the explorer's both show this.
 */
export function cellsReport(
  model: SequenceModel,
  shown: Sequence,
  data: readonly Sequence[],
  o: { unit?: number; at?: UnitsAt } = {},
): CellsReport {
  const at = o.at ?? topForward(model);
  const corr = unitCorrelations(model, data, undefined, at);
  const unit = o.unit ?? corr[0]?.unit ?? 0;
  const rows = unitValues(model, shown, at);
  // the best unit for each quantity, then the next best overall
  const firstOf = new Map<string, UnitCorrelation>();
  for (const x of corr) if (!firstOf.has(x.quantity)) firstOf.set(x.quantity, x);
  const best = [...firstOf.values()];
  const listed = [...best, ...corr.filter((c) => !best.includes(c)).slice(0, 5)];
  return {
    layer: at.layer + 1,
    direction: at.direction ? 'reverse' : 'forward',
    unit: unit + 1,
    units: rows[0]?.length ?? model.rnn.stateSize,
    text: stepChars(shown).join(''),
    values: rows.map((row) => row[unit]!),
    correlations: listed.map((c) => ({ ...c, unit: c.unit + 1 })),
    fires: topFirings(model, data, unit, 5, at),
    measuredOn: data.length,
  };
}
