/** Which columns of a CSV header are the id, the step, the label and the features. */
import { DataError } from '../errors.js';
import { checkFeatureCount } from './assemble.js';
import { optionName, type ReadOptions } from './read-options.js';
import { list, quote } from './values.js';

/** Options of readCsv: which columns are which. Column names given here must match the header exactly. */
export interface CsvOptions extends ReadOptions {
  /** The sequence id column. Default: the first of id, sequence, seq, sequence_id, seq_id (any case). */
  id?: string;
  /**
   * The step column: integers counting up by one within each sequence, from any start. null: no step
   * column (a column named t stays a feature). Default: the first of step, t, time, timestep (any
   * case); without one, steps are the rows in file order.
   */
  step?: string | null;
  /** The label column. Default: the first of label, class, y, target (any case). */
  label?: string;
  /** Feature columns, in input order. Default: every column but id, step and label, in header order. */
  features?: readonly string[];
  /** A column naming each sequence's group (constant within a sequence), for a split that keeps groups whole. Default: none. */
  group?: string;
  /** 'model': the features are a trained model's, matched by name (messages say so). */
  featuresFrom?: 'model';
  /** Field separator. Default ",". */
  delimiter?: string;
}

const defaults = {
  id: ['id', 'sequence', 'seq', 'sequence_id', 'seq_id'],
  step: ['step', 't', 'time', 'timestep'],
  label: ['label', 'class', 'y', 'target'],
};

/** Column indices; -1 for a step or label column the file does not have. */
export interface Columns {
  id: number;
  /** -1: no step column. */
  step: number;
  /** -1: no label column (only when labels are not required). */
  label: number;
  /** -1: no group column. */
  group: number;
  features: number[];
}

export function resolveColumns(header: string[], headerLine: number, source: string, o: CsvOptions): Columns {
  const empty = header.indexOf('');
  if (empty >= 0)
    throw new DataError(
      `${source} line ${headerLine}: header column ${empty + 1} has no name; every column needs a name (remove a trailing separator if there is one)`,
    );
  // One map of name to column, built once: a search per column made wide headers quadratic.
  const column = new Map<string, number>();
  header.forEach((h, c) => {
    const d = column.get(h);
    if (d !== undefined)
      throw new DataError(
        `${source} line ${headerLine}: column ${quote(h)} appears twice in the header (columns ${d + 1} and ${c + 1}); column names must be unique`,
      );
    column.set(h, c);
  });
  const other = header.length === 1 ? /[;\t|]/.exec(header[0]!)?.[0] : undefined;
  if (other !== undefined) {
    const sep = other === '\t' ? 'tabs' : `"${other}"`;
    throw new DataError(
      `${source} line ${headerLine}: the header is one column, ${quote(header[0]!)}, so the fields seem separated by ${sep} rather than by "${o.delimiter ?? ','}"; save the file with commas, or give the separator with ${optionName(o, 'delimiter')}`,
    );
  }
  const lower = header.map((h) => h.toLowerCase());
  // The first name of the list that is a column (so "label" wins over a feature named "y").
  const find = (given: string | undefined, names: string[]) =>
    given !== undefined ? header.indexOf(given) : (names.map((n) => lower.indexOf(n)).find((c) => c >= 0) ?? -1);
  const missing = (role: 'id' | 'step' | 'label', given: string | undefined, names: string[]) => {
    return given !== undefined
      ? new DataError(`${source} has no column ${quote(given)} (${optionName(o, role)}); its columns are ${list(header)}`)
      : new DataError(
          `${source} has no ${role} column: its columns are ${list(header)}, and none is named ${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}; name the column "${names[0]}", or give its name with ${optionName(o, role)}`,
        );
  };
  const id = find(o.id, defaults.id);
  if (id < 0) throw missing('id', o.id, defaults.id);
  const label = find(o.label, defaults.label);
  if (label < 0 && (o.label !== undefined || (o.requireLabels ?? true))) throw missing('label', o.label, defaults.label);
  const step = o.step === null ? -1 : find(o.step, defaults.step);
  if (step < 0 && typeof o.step === 'string') throw missing('step', o.step, defaults.step);
  const group = o.group === undefined ? -1 : header.indexOf(o.group);
  if (o.group !== undefined && group < 0)
    throw new DataError(`${source} has no column ${quote(o.group)} (the group of --split group:COLUMN); its columns are ${list(header)}`);
  const roles = new Map<number, string>();
  for (const [role, c] of [
    ['id', id],
    ['step', step],
    ['label', label],
    ['group', group],
  ] as const) {
    if (c < 0) continue;
    const other = roles.get(c);
    if (other !== undefined)
      throw new DataError(
        `${source}: column ${quote(header[c]!)} is given as both the ${other} and the ${role} column; each needs its own column`,
      );
    roles.set(c, role);
  }
  let features: number[];
  if (o.features !== undefined) {
    features = o.features.map((f) => {
      const c = column.get(f) ?? -1;
      if (c < 0 && o.featuresFrom === 'model')
        throw new DataError(
          `${source} has no column ${quote(f)}, a feature the model was trained on (${list(o.features!)}); its columns are ${list(header)}; rename the column, or give the file's columns in the model's order with ${optionName(o, 'features')}`,
        );
      if (c < 0) throw new DataError(`${source} has no feature column ${quote(f)}; its columns are ${list(header)}`);
      const role = roles.get(c);
      if (role !== undefined) throw new DataError(`${source}: column ${quote(f)} is the ${role} column, so it cannot also be a feature`);
      return c;
    });
  } else {
    features = header.map((_, c) => c).filter((c) => !roles.has(c));
  }
  if (features.length === 0) {
    throw new DataError(
      `${source} has no feature columns: its columns are ${list(header)}; add at least one column holding a number per step`,
    );
  }
  checkFeatureCount(
    features.length,
    features.map((c) => header[c]!),
    source,
    o,
    'feature column',
  );
  return { id, step, label, group, features };
}
