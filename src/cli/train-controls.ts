/**
 * The controls `train` adds on top of the engine: class weights from words, weights to start from
 * (--init-from), and the split written out (--split-out).
 */
import type { Sequence, Split } from '../data/dataset.js';
import type { SequenceModel } from '../nn/model.js';
import { checkStateDict, decodeSafetensors } from '../io/safetensors.js';
import { readModelBytes } from '../io/model-file.js';
import { ConfigError, ModelFileError } from '../errors.js';
import { list } from '../data/values.js';

/**
 * --class-weights: "balanced" (n / (C * count of the class in training), scikit-learn's rule; a class
 * absent from training gets 1) or "name=weight,..." (classes not named get 1).
 */
export function classWeights(spec: string, classes: readonly string[], train: readonly Sequence[]): number[] {
  const C = classes.length;
  if (spec.trim() === 'balanced') {
    const count = new Array<number>(C).fill(0);
    let n = 0;
    for (const s of train)
      for (const y of s.y)
        if (y >= 0) {
          count[y]!++;
          n++;
        }
    return count.map((k) => (k > 0 ? n / (C * k) : 1));
  }
  const w = new Array<number>(C).fill(1);
  for (const part of spec.split(',')) {
    const m = /^\s*(.+?)\s*=\s*([^=]+?)\s*$/.exec(part);
    const v = m ? Number(m[2]) : NaN;
    if (!m || !Number.isFinite(v) || v < 0 || m[2]!.trim() === '')
      throw new ConfigError(
        `--class-weights must be balanced or class=weight pairs such as ${classes[0]}=2,${classes[1] ?? classes[0]}=1 (weights 0 or more), got ${JSON.stringify(part.trim())}`,
      );
    const k = classes.indexOf(m[1]!);
    if (k < 0)
      throw new ConfigError(`--class-weights names class ${JSON.stringify(m[1])}, which is not one of the classes (${list(classes)})`);
    w[k] = v;
  }
  return w;
}

/**
 * --init-from: the weights of `path` (a safetensors state_dict under rnnscope's names, with or without
 * rnnscope's metadata) put into `model`, whose shape comes from the options of this run.
 */
export async function initFrom(model: SequenceModel, path: string): Promise<void> {
  const file = decodeSafetensors(await readModelBytes(path), path);
  // An rnnscope model file may be given too: its optimizer state (format 2's `optimizer.*` tensors) is not weights.
  for (const name of [...file.tensors.keys()]) if (name.startsWith('optimizer.')) file.tensors.delete(name);
  try {
    checkStateDict(model.table.entries, file.tensors, path);
  } catch (e) {
    if (e instanceof ModelFileError)
      throw new ModelFileError(
        `${e.message.replace(/[.;]?$/, '')}; --init-from needs the tensors of this run's model (give the same --cell, --hidden, --layers, --bidirectional and --proj, and data with as many features and classes)`,
      );
    throw e;
  }
  for (const [name, t] of file.tensors) {
    for (let i = 0; i < t.data.length; i++) {
      if (!Number.isFinite(t.data[i]!))
        throw new ModelFileError(`${path}: tensor ${name} has ${t.data[i]} at index ${i}; weights must be finite`);
    }
    model.table.set(name, t.data);
  }
}

/** --split-out's CSV: one row per sequence, its id and the part it went to. */
export function splitCsv(split: Split): string {
  const q = (s: string) => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const rows = (['train', 'val', 'test'] as const).flatMap((part) => split[part].map((s) => `${q(s.id)},${part}`));
  return ['id,split', ...rows].join('\n') + '\n';
}
