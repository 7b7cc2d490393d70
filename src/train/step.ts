/**
 * One training step: forward, cross-entropy (mean over every counted step and item), backward,
 * optional gradient clipping, optimizer update. Its buffers are made on the first step for a
 * (batch, length) and reused, so steady-state training allocates no buffers.
 */
import { alloc, type Buf, type Tensor } from '../tensor/buf.js';
import { stepWidth, type ResolvedModelOptions, type SequenceModel } from '../nn/model.js';
import type { Optimizer } from '../optim/optimizer.js';
import { clipGradNorm, totalNorm } from '../optim/clip.js';
import { argmaxRow, crossEntropy } from '../loss/cross-entropy.js';
import { ConfigError } from '../errors.js';

export interface StepOptions {
  /** Clip the total gradient norm to this value (PyTorch's clip_grad_norm_). Default: no clipping. */
  clipNorm?: number | null;
  /** Per-class loss weights, length numClasses. Default: none. */
  classWeights?: ArrayLike<number> | null;
  /** Target value that counts for nothing (padding). Default -100. */
  ignoreIndex?: number;
}

export interface StepResult {
  /** Mean cross-entropy of the batch before the update. */
  loss: number;
  /** Total L2 norm of the gradient before clipping. */
  gradNorm: number;
  /** Counted targets the model got right, and targets counted. */
  correct: number;
  counted: number;
}

/** What the trainer runs per batch: TrainStep on this thread, or ParallelTrainStep (src/node) across threads. */
export interface StepRunner {
  run(x: Tensor, targets: Int32Array, lengths?: ArrayLike<number> | null): StepResult;
  reseedDropout(seed: number): void;
  /** Threads a batch of B sequences of T steps runs on (TrainStep: 1). */
  threadsFor(B: number, T: number): number;
  /** Releases what the runner holds beyond this thread (ParallelTrainStep's worker). */
  close?(): void;
}

export class TrainStep implements StepRunner {
  private dLogits = new Map<number, Buf>();
  private readonly loss: LossSpec;
  private readonly clipNorm: number | null;

  constructor(
    readonly model: SequenceModel,
    readonly optimizer: Optimizer,
    o: StepOptions = {},
  ) {
    if (optimizer.params !== model.table.data)
      throw new ConfigError('the optimizer must be built over model.table.data and model.table.grad');
    const C = model.options.numClasses;
    if (o.classWeights && o.classWeights.length !== C) {
      throw new ConfigError(`classWeights has ${o.classWeights.length} entries, expected one per class (${C})`);
    }
    this.loss = { weight: o.classWeights ? Float64Array.from(o.classWeights) : null, ignoreIndex: o.ignoreIndex ?? -100 };
    this.clipNorm = o.clipNorm ?? null;
    if (this.clipNorm !== null && !(this.clipNorm > 0)) throw new ConfigError(`clipNorm must be a positive number, got ${this.clipNorm}`);
  }

  /**
   * Trains on one batch: x in the model's layout, targets laid out like its logits without classes.
   * When the loss or the gradient is not finite, the weights are left unchanged (the caller stops).
   */
  run(x: Tensor, targets: Int32Array, lengths?: ArrayLike<number> | null): StepResult {
    const m = this.model;
    // (forward() and the loss check the values as they go: no second pass over them here)
    checkBatch(m, x, targets, lengths, this.loss, false);
    m.table.zeroGrad();
    const r = accumulateGradients(m, x, targets, lengths, this.dLogits, this.loss, 1);
    const g = m.table.grad;
    const gradNorm = this.clipNorm !== null ? clipGradNorm(g, this.clipNorm) : totalNorm(g, 2);
    // A non-finite loss or gradient would poison every weight: leave them as they were.
    if (Number.isFinite(r.loss) && Number.isFinite(gradNorm)) this.optimizer.step();
    return { loss: r.loss, gradNorm, correct: r.correct, counted: r.counted };
  }

  threadsFor(): number {
    return 1;
  }

  /** Restarts the dropout masks' random stream (the trainer does so per seed and epoch). */
  reseedDropout(seed: number): void {
    this.model.rnn.reseedDropout(seed);
  }
}

/** How the loss counts targets: class weights (null: all 1) and the target value to skip. */
export interface LossSpec {
  weight: Buf | null;
  ignoreIndex: number;
}

/** Sum of the class weights of the counted targets (their number, without weights). */
export function targetWeight(targets: Int32Array, loss: LossSpec): number {
  let s = 0;
  for (let i = 0; i < targets.length; i++) {
    const y = targets[i]!;
    if (y !== loss.ignoreIndex) s += loss.weight === null ? 1 : loss.weight[y]!;
  }
  return s;
}

/**
 * A batch's steps T and items B by the model's layout, as forward() reads it: features [T, B, I]
 * batched and [T, I] one sequence; a token model's ids [T, B] or [T, B, 1] batched and [T] one
 * sequence ([B, T] and [B, T, 1] batch-first).
 */
export function batchDims(o: ResolvedModelOptions, x: Tensor): { T: number; B: number; batched: boolean } {
  const s = x.shape;
  const batched = o.vocabSize !== undefined ? s.length === 2 || s.length === 3 : s.length === 3;
  const B = batched ? (o.batchFirst ? s[0]! : s[1]!) : 1;
  const T = batched && o.batchFirst ? s[1]! : s[0]!;
  return { T, B, batched };
}

/**
 * Throws the error a step gives a batch it cannot take (forward()'s for the input and lengths, the
 * step's for the target count, the loss's for a target out of range), before any work. A step that
 * splits batches checks the whole batch with it, so the error names the batch the caller passed;
 * `values` false leaves the input's values and the targets' range to forward() and the loss, which
 * check them as they go when they see the whole batch.
 */
export function checkBatch(
  m: SequenceModel,
  x: Tensor,
  targets: Int32Array,
  lengths: ArrayLike<number> | null | undefined,
  loss: LossSpec,
  values = true,
): void {
  if (batchFits(m.options, x, targets, lengths, loss.ignoreIndex, values)) return;
  // Something is wrong: forward() and the loss say what, in their own words (no dropout, no gradient).
  const logits = m.forward(x, { lengths }).logits.data;
  const C = m.options.numClasses;
  const rows = logits.length / C;
  if (targets.length !== rows)
    throw new ConfigError(
      `targets has ${targets.length} entries, expected ${rows} (one per ${m.options.headOn === 'steps' ? 'step and item' : 'item'})`,
    );
  crossEntropy(logits, 0, rows, C, targets, null, loss);
}

/** Whether forward() and the loss take the batch: its shape, lengths, target count, and (`values`) finite inputs and targets in range. */
function batchFits(
  o: ResolvedModelOptions,
  x: Tensor,
  targets: Int32Array,
  lengths: ArrayLike<number> | null | undefined,
  ignoreIndex: number,
  values: boolean,
): boolean {
  const rank = x.shape.length;
  const I = stepWidth(o); // a token model reads one id per step
  const shapeFits =
    o.vocabSize !== undefined
      ? rank === 1 || rank === 2 || (rank === 3 && x.shape[2] === 1)
      : (rank === 2 || rank === 3) && x.shape[rank - 1] === I;
  if (!shapeFits) return false;
  const { T, B, batched } = batchDims(o, x);
  if (!(T >= 1 && B >= 1) || x.data.length !== T * B * I) return false;
  if (targets.length !== (o.headOn === 'steps' ? T : 1) * B || !Number.isInteger(ignoreIndex)) return false;
  if (values) {
    const xd = x.data;
    let bad = 0;
    // v - v is 0 for a finite v and NaN otherwise: one sum, no branch per value
    for (let i = 0; i < xd.length; i++) bad += xd[i]! - xd[i]!;
    if (bad !== 0) return false;
    if (o.vocabSize !== undefined)
      for (let i = 0; i < xd.length; i++) if (!(Number.isInteger(xd[i]!) && xd[i]! >= 0 && xd[i]! < o.vocabSize)) return false;
    for (let i = 0; i < targets.length; i++) {
      const y = targets[i]!;
      if (y !== ignoreIndex && (y < 0 || y >= o.numClasses)) return false;
    }
  }
  if (lengths) {
    if (!batched || lengths.length !== B) return false;
    for (let b = 0; b < B; b++) {
      const n = lengths[b]!;
      if (!Number.isInteger(n) || n < 1 || n > T) return false;
    }
  }
  return true;
}

/**
 * Forward (training mode), the mean cross-entropy of this batch, and backward, ADDING scale * dL/dθ
 * to model.table.grad (the caller zeroes it). A batch split across threads passes each part the
 * share of the whole batch's target weight it holds, so the parts' gradients sum to the whole's.
 * The batch is one checkBatch passed. `dLogits` caches the gradient buffer per row count.
 */
export function accumulateGradients(
  m: SequenceModel,
  x: Tensor,
  targets: Int32Array,
  lengths: ArrayLike<number> | null | undefined,
  dLogits: Map<number, Buf>,
  loss: LossSpec,
  scale: number,
): { loss: number; correct: number; counted: number } {
  const res = m.forward(x, { lengths, training: true });
  const C = m.options.numClasses;
  const logits = res.logits.data;
  const rows = logits.length / C;
  let d = dLogits.get(rows);
  if (!d) {
    d = alloc(m.table.dtype, rows * C);
    dLogits.set(rows, d);
  }
  const value = crossEntropy(logits, 0, rows, C, targets, d, loss);
  const { correct, counted } = countCorrect(logits, rows, C, targets, loss.ignoreIndex);
  // A part whose counted targets all weigh 0 has a 0/0 gradient of its own mean; its share is 0.
  if (scale === 0) d.fill(0);
  else if (scale !== 1) for (let i = 0; i < d.length; i++) d[i] = d[i]! * scale;
  m.backward(d, { needInputGrad: false });
  return { loss: value, correct, counted };
}

/** Rows whose arg-max logit is the target, among rows whose target is not ignored. */
export function countCorrect(
  logits: Buf,
  rows: number,
  C: number,
  targets: Int32Array,
  ignoreIndex = -100,
): { correct: number; counted: number } {
  let correct = 0;
  let counted = 0;
  for (let r = 0; r < rows; r++) {
    const y = targets[r]!;
    if (y === ignoreIndex) continue;
    counted++;
    if (argmaxRow(logits, r * C, C) === y) correct++;
  }
  return { correct, counted };
}
