/**
 * One training step: forward, cross-entropy (mean over every counted step and item), backward,
 * optional gradient clipping, optimizer update. Its buffers are made on the first step for a
 * (batch, length) and reused, so steady-state training allocates no buffers.
 */
import { alloc, type Buf, type Tensor } from '../tensor/buf.js';
import type { SequenceModel } from '../nn/model.js';
import type { Optimizer } from '../optim/optimizer.js';
import { clipGradNorm, totalNorm } from '../optim/clip.js';
import { crossEntropy } from '../loss/cross-entropy.js';
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

export class TrainStep {
  private dLogits = new Map<number, Buf>();
  private readonly weight: Buf | null;
  private readonly ignoreIndex: number;
  private readonly clipNorm: number | null;

  constructor(readonly model: SequenceModel, readonly optimizer: Optimizer, o: StepOptions = {}) {
    if (optimizer.params !== model.table.data) throw new ConfigError('the optimizer must be built over model.table.data and model.table.grad');
    const C = model.options.numClasses;
    if (o.classWeights && o.classWeights.length !== C) {
      throw new ConfigError(`classWeights has ${o.classWeights.length} entries, expected one per class (${C})`);
    }
    this.weight = o.classWeights ? Float64Array.from(o.classWeights) : null;
    this.ignoreIndex = o.ignoreIndex ?? -100;
    this.clipNorm = o.clipNorm ?? null;
    if (this.clipNorm !== null && !(this.clipNorm > 0)) throw new ConfigError(`clipNorm must be a positive number, got ${this.clipNorm}`);
  }

  /**
   * Trains on one batch: x in the model's layout, targets laid out like its logits without classes.
   * When the loss or the gradient is not finite, the weights are left unchanged (the caller stops).
   */
  run(x: Tensor, targets: Int32Array, lengths?: ArrayLike<number> | null): StepResult {
    const m = this.model;
    const res = m.forward(x, { lengths, training: true });
    const C = m.options.numClasses;
    const logits = res.logits.data;
    const rows = logits.length / C;
    if (targets.length !== rows) throw new ConfigError(`targets has ${targets.length} entries, expected ${rows} (one per ${m.options.headOn === 'steps' ? 'step and item' : 'item'})`);
    let d = this.dLogits.get(rows);
    if (!d) {
      d = alloc(m.table.dtype, rows * C);
      this.dLogits.set(rows, d);
    }
    const loss = crossEntropy(logits, 0, rows, C, targets, d, { weight: this.weight, ignoreIndex: this.ignoreIndex });
    const { correct, counted } = countCorrect(logits, rows, C, targets, this.ignoreIndex);
    m.table.zeroGrad();
    m.backward(d, { needInputGrad: false });
    const g = m.table.grad;
    const gradNorm = this.clipNorm !== null ? clipGradNorm(g, this.clipNorm) : totalNorm(g, 2);
    // A non-finite loss or gradient would poison every weight: leave them as they were.
    if (Number.isFinite(loss) && Number.isFinite(gradNorm)) this.optimizer.step();
    return { loss, gradNorm, correct, counted };
  }
}

/** Rows whose arg-max logit is the target, among rows whose target is not ignored. */
export function countCorrect(logits: Buf, rows: number, C: number, targets: Int32Array, ignoreIndex = -100): { correct: number; counted: number } {
  let correct = 0;
  let counted = 0;
  for (let r = 0; r < rows; r++) {
    const y = targets[r]!;
    if (y === ignoreIndex) continue;
    counted++;
    let best = 0;
    for (let c = 1; c < C; c++) if (logits[r * C + c]! > logits[r * C + best]!) best = c;
    if (best === y) correct++;
  }
  return { correct, counted };
}
