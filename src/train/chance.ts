/** Chance, said once: the accuracy of always answering the commonest class of the training data. */
import type { Sequence } from '../data/dataset.js';
import { forEachLabel } from '../data/columns.js';

/** Accuracy on `test` of always answering the commonest class of `train` (the first such class on a tie); NaN when `test` has no labels. */
export function chanceAccuracy(train: readonly Sequence[], test: readonly Sequence[]): number {
  const counts = new Map<number, number>();
  forEachLabel(train, (y) => {
    if (y >= 0) counts.set(y, (counts.get(y) ?? 0) + 1);
  });
  let top = -1;
  let best = -1;
  for (const [c, n] of counts) if (n > best) [top, best] = [c, n];
  let hit = 0;
  let n = 0;
  forEachLabel(test, (y) => {
    if (y < 0) return;
    n++;
    if (y === top) hit++;
  });
  return n ? hit / n : NaN;
}
