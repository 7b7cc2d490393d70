/**
 * The gradient through time, measured: how much of the answer's error reaches each earlier step. Read
 * from the engine's own backward pass (`keepStateGrads`), on a fixed batch of sequences, so the
 * vanishing gradient of a plain RNN is seen as numbers, not told. Touches no weight and leaves the
 * parameters' gradients as they were.
 */
import { stepWidth, type SequenceModel } from '../nn/model.js';
import { alloc } from '../tensor/buf.js';
import { Batcher } from '../data/batcher.js';
import type { Sequence } from '../data/dataset.js';
import { crossEntropy } from '../loss/cross-entropy.js';

export interface GradientProfile {
  /**
   * Per step t (0 .. T-1): the mean over the items of ‖∂L/∂h_t‖, L the cross-entropy of each item's last
   * labelled step alone (its answer), h_t the top layer's state (forward direction). 0 after the answer.
   */
  loss: number[];
  /**
   * Per step t: the mean over the items of the Frobenius norm of ∂h_T/∂h_t, the product of the recurrent
   * Jacobians ∂h_(s+1)/∂h_s from t to each item's last step T (every path, through c_t too for an LSTM).
   */
  jacobian: number[];
}

/** Mean ‖·‖ per step of a (T, B, P) gradient over the items that reached that step. */
function normsPerStep(g: ArrayLike<number>, T: number, B: number, P: number, lengths: ArrayLike<number> | null): number[] {
  const out: number[] = [];
  for (let t = 0; t < T; t++) {
    let sum = 0,
      n = 0;
    for (let b = 0; b < B; b++) {
      if (lengths && t >= lengths[b]!) continue;
      let s = 0;
      for (let j = 0; j < P; j++) s += g[(t * B + b) * P + j]! ** 2;
      sum += Math.sqrt(s);
      n++;
    }
    out.push(n ? sum / n : 0);
  }
  return out;
}

/**
 * The gradient through time of `model` on the first `items` sequences of `seqs` (their padded length
 * T): both profiles of GradientProfile. Costs one backward pass for the loss and one per state unit for
 * the Jacobian, on the cells' reference passes.
 */
export function gradientThroughTime(model: SequenceModel, seqs: readonly Sequence[], items = 64): GradientProfile {
  const o = model.options;
  const batcher = new Batcher(seqs.slice(0, items), stepWidth(o), o.headOn, items);
  const { x, targets, lengths } = batcher.batch(0);
  const B = Math.min(items, seqs.length);
  const T = batcher.T;
  const C = o.numClasses;
  const P = model.rnn.stateSize;
  const L = o.numLayers;
  const top = L - 1;
  const saved = model.table.grad.slice();
  const res = model.forward(x, { lengths });
  // Each item's answer alone: its last labelled step (many-to-many), or its one label (many-to-one).
  const only = new Int32Array(targets.length).fill(-100);
  let answers = 0;
  if (o.headOn === 'steps') {
    for (let b = 0; b < B; b++) {
      for (let t = T - 1; t >= 0; t--) {
        if (targets[t * B + b]! >= 0) {
          only[t * B + b] = targets[t * B + b]!;
          answers++;
          break;
        }
      }
    }
  } else {
    only.set(targets);
    answers = B;
  }
  const rows = targets.length;
  const dLogits = alloc(model.table.dtype, rows * C);
  crossEntropy(res.logits.data, 0, rows, C, only, dLogits);
  // The mean over items becomes each item's own loss: its gradient, unscaled by the batch.
  for (let i = 0; i < dLogits.length; i++) dLogits[i]! *= answers;
  model.backward(dLogits, { keepStateGrads: true, needInputGrad: false });
  const loss = normsPerStep(model.rnn.stateGrads(top).data, T, B, P, lengths);

  // ∂h_T[j]/∂h_t for every unit j: a backward pass from dh_T = e_j; the squares summed over j.
  const D = model.rnn.directions;
  const dhN = alloc(model.table.dtype, L * D * B * P);
  const sq = new Float64Array(T * B);
  for (let j = 0; j < P; j++) {
    dhN.fill(0);
    for (let b = 0; b < B; b++) dhN[(top * D * B + b) * P + j] = 1;
    model.rnn.backward({ dhN, keepStateGrads: true, needInputGrad: false });
    const g = model.rnn.stateGrads(top).data;
    for (let r = 0; r < T * B; r++) for (let k = 0; k < P; k++) sq[r]! += g[r * P + k]! ** 2;
  }
  const jacobian: number[] = [];
  for (let t = 0; t < T; t++) {
    let sum = 0,
      n = 0;
    for (let b = 0; b < B; b++) {
      if (lengths && t >= lengths[b]!) continue;
      sum += Math.sqrt(sq[t * B + b]!);
      n++;
    }
    jacobian.push(n ? sum / n : 0);
  }
  model.table.grad.set(saved);
  return { loss, jacobian };
}
