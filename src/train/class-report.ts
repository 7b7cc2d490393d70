/**
 * Per-class precision, recall and F1 and the confusion matrix of a model on labelled sequences, as
 * scikit-learn's classification_report and confusion_matrix give them (a class never predicted has
 * precision 0, one never present recall 0, as its zero_division=0).
 */
import { forEachLabel } from '../data/columns.js';
import type { SequenceModel } from '../nn/model.js';
import type { Sequence } from '../data/dataset.js';
import { predictRows } from './infer.js';

export interface ClassScore {
  /** Class id. */
  class: number;
  precision: number;
  recall: number;
  f1: number;
  /** Labelled targets of this class. */
  support: number;
}

/** Precision, recall and F1 averaged over the classes present in the labels. */
export interface Averages {
  precision: number;
  recall: number;
  f1: number;
}

export interface ClassReport {
  /** [C][C]: rows the true class, columns the predicted one. */
  confusion: number[][];
  perClass: ClassScore[];
  /** The unweighted mean F1 over classes present in the labels (= macro.f1). */
  macroF1: number;
  /** Each score's unweighted mean over the classes present in the labels (scikit-learn's "macro avg" with those labels). */
  macro: Averages;
  /** Each score's mean weighted by support (scikit-learn's "weighted avg"). */
  weighted: Averages;
  /** Labelled targets counted. */
  support: number;
  /** Accuracy of always answering the commonest class of `train`, on the same sequences. */
  majority: number;
}

export function classReport(model: SequenceModel, seqs: readonly Sequence[], majorityClass: number): ClassReport {
  const C = model.options.numClasses;
  const confusion = Array.from({ length: C }, () => new Array<number>(C).fill(0));
  let n = 0;
  let majority = 0;
  // counted as the predictions come (predictRows), not made into an object and an array each
  predictRows(model, seqs, (_s, _t, _probs, _at, predicted, target) => {
    if (target < 0) return;
    confusion[target]![predicted]!++;
    n++;
    if (target === majorityClass) majority++;
  });
  return { ...reportOf(confusion), majority: n ? majority / n : 0 };
}

/** The scores of a confusion matrix ([C][C], rows the true class): per class, and their macro and weighted means. */
export function reportOf(confusion: number[][]): Omit<ClassReport, 'majority'> {
  const perClass = confusion.map((row, k) => {
    const tp = row[k]!;
    const support = row.reduce((a, b) => a + b, 0);
    const predicted = confusion.reduce((a, r) => a + r[k]!, 0);
    const precision = predicted ? tp / predicted : 0;
    const recall = support ? tp / support : 0;
    const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
    return { class: k, precision, recall, f1, support };
  });
  const present = perClass.filter((c) => c.support > 0);
  const mean = (weight: (c: ClassScore) => number): Averages => {
    const total = present.reduce((a, c) => a + weight(c), 0);
    const avg = (k: keyof Averages) => (total ? present.reduce((a, c) => a + weight(c) * c[k], 0) / total : 0);
    return { precision: avg('precision'), recall: avg('recall'), f1: avg('f1') };
  };
  const macro = mean(() => 1);
  const support = present.reduce((a, c) => a + c.support, 0);
  return { confusion, perClass, macroF1: macro.f1, macro, weighted: mean((c) => c.support), support };
}

/** The commonest labelled class of `seqs` (the first on a tie), or -1 without labels. */
export function commonestClass(seqs: readonly Sequence[], C: number): number {
  const count = new Array<number>(C).fill(0);
  forEachLabel(seqs, (y) => {
    if (y >= 0) count[y]!++;
  });
  let top = -1;
  for (let k = 0; k < C; k++) if (count[k]! > 0 && (top < 0 || count[k]! > count[top]!)) top = k;
  return top;
}
