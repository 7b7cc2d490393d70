/**
 * The benchmark batch: generated once per configuration from a seed, then handed to every peer.
 * Features are N(0, 1), targets uniform classes: nothing to learn but the batch itself, so a falling
 * loss shows that a peer really trains (it memorises the batch).
 */
import { Rng } from '../src/tensor/rng.js';
import { SequenceModel } from '../src/nn/model.js';
import type { BenchConfig } from './configs.js';
import type { BenchData } from './peer.js';

export function makeData(c: BenchConfig, seed = 1): BenchData {
  const rng = new Rng(seed);
  // token input: one id per step, uniform over the vocabulary
  const x = new Float32Array(c.T * c.B * (c.V ? 1 : c.I));
  for (let i = 0; i < x.length; i++) x[i] = c.V ? rng.int(c.V) : rng.normal();
  const targets = new Int32Array(c.T * c.B);
  for (let i = 0; i < targets.length; i++) targets[i] = rng.int(c.C);
  // rnnscope's PyTorch-style init, exported under PyTorch's names for every peer that can load them.
  const m = new SequenceModel({ mode: c.mode, inputSize: c.I, hiddenSize: c.H, numClasses: c.C, vocabSize: c.V }, { seed });
  const params = m.table.stateDict().map((p) => ({ name: p.name, shape: p.shape, data: Float32Array.from(p.data) }));
  return { x, targets, params };
}
