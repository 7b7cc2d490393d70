/**
 * The training history a model file keeps: bounded, so that writing a checkpoint costs the same at
 * epoch 10 and at epoch 100,000 (the full history rewritten every epoch once made checkpointing 500
 * times slower than training by epoch 6,000), and free of wall-clock times, so that the same command
 * writes the same bytes.
 *
 * Kept: the last HISTORY_TAIL epochs in full (the recent curve, and what the next epoch's observation
 * compares with), and before them every stride-th epoch, stride the smallest power of two that keeps
 * at most HISTORY_SPREAD of them: the shape of the whole run, at a coarser grain. Strides only grow,
 * and a larger one picks a subset of a smaller one's epochs, so a run resumed from a file keeps the
 * same history, and writes the same file, as the same run without a stop.
 */

export const HISTORY_TAIL = 64;
export const HISTORY_SPREAD = 64;

/** At most HISTORY_TAIL + HISTORY_SPREAD records of `history` (sorted by epoch), in O(HISTORY_SPREAD log n). */
export function historyForFile<R extends { epoch: number; seconds?: number }>(history: readonly R[]): Omit<R, 'seconds'>[] {
  const tailStart = Math.max(0, history.length - HISTORY_TAIL);
  const before = tailStart > 0 ? history[tailStart - 1]!.epoch : 0; // epochs up to here are thinned
  let stride = 1;
  while (Math.floor(before / stride) > HISTORY_SPREAD) stride *= 2;
  const kept: R[] = [];
  for (let epoch = stride; epoch <= before; epoch += stride) {
    const i = findEpoch(history, epoch, tailStart);
    if (i >= 0) kept.push(history[i]!);
  }
  for (let i = tailStart; i < history.length; i++) kept.push(history[i]!);
  return kept.map(({ seconds: _seconds, ...rest }) => rest);
}

/** The index of `epoch` among history[0, end), or -1: a binary search, the records being sorted. */
function findEpoch(history: readonly { epoch: number }[], epoch: number, end: number): number {
  let lo = 0,
    hi = end;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (history[mid]!.epoch < epoch) lo = mid + 1;
    else hi = mid;
  }
  return lo < end && history[lo]!.epoch === epoch ? lo : -1;
}
