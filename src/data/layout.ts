/**
 * Wide CSV files: one row per sequence and a column per step. Read as long form they would be many
 * one-step sequences, a model with nothing to remember; so they are detected and either refused with
 * how to reshape them, or (layout "wide") turned into sequences of one feature per step.
 */
import { DataError } from '../errors.js';
import type { Dataset } from './dataset.js';
import { lengthAt, sequenceCount } from './columns.js';
import { baseName, list } from './values.js';

export type Layout = 'auto' | 'long' | 'wide';

/** Feature columns from which a file of one-step sequences looks wide rather than tabular. */
export const WIDE_MIN_COLUMNS = 5;

/** `ds` as read in long form, checked for (or read as) the wide layout. */
export function applyLayout(ds: Dataset, source: string, layout: Layout = 'auto', optionName = 'the layout option'): Dataset {
  if (layout === 'long') return ds;
  const n = sequenceCount(ds);
  let oneRow = true;
  for (let k = 0; k < n && oneRow; k++) oneRow = lengthAt(ds, k) === 1;
  if (layout === 'wide') {
    const long = ds.sequences.find((s) => s.length > 1);
    if (long)
      throw new DataError(
        `${source} is not wide: sequence ${JSON.stringify(long.id)} has ${long.length} rows, but a wide file has one row per sequence and a column per step; leave out ${optionName} wide to read it in long form`,
      );
    return widen(ds, source);
  }
  if (oneRow && n >= 2 && ds.features.length >= WIDE_MIN_COLUMNS) {
    throw new DataError(
      `${source} looks wide: every sequence has one row, with ${ds.features.length} number columns (${list(ds.features, 6)}), so read in long form each would be a single step with nothing to remember; ` +
        `if each row is one sequence with a column per step, pass ${optionName} wide, or reshape it to one row per step (pandas: df.melt(id_vars=["id", "label"], var_name="step")); if the rows really are one-step sequences, pass ${optionName} long`,
    );
  }
  return ds;
}

/** One row per sequence -> one feature ("value") per step, the columns in header order as steps. */
function widen(ds: Dataset, source: string): Dataset {
  const T = ds.features.length;
  return {
    ...ds, // (its columns, if any, are not enumerable: not carried over)
    description: `${ds.sequences.length} sequence${ds.sequences.length === 1 ? '' : 's'} of ${T} step${T === 1 ? '' : 's'} from ${baseName(source)} (wide: a column per step).`,
    features: ['value'],
    target: 'last',
    // [1, T] row-major is [T, 1]: the same buffer.
    sequences: ds.sequences.map((s) => ({ id: s.id, length: T, x: s.x, y: s.y.subarray(0, 1), steps: [...ds.features] })),
    stepColumn: undefined,
  };
}
