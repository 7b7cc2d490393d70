/**
 * Runs one parity case (the format of tools/FIXTURES.md, written by tools/make_fixtures.py) through
 * rnnscope and returns the result in the same format: output, h_n, c_n, logits, loss, grads, grad_x,
 * grad_h0, grad_c0, and for each optimizer run the losses and parameters after its steps.
 */
import { SequenceModel } from '../src/nn/model.js';
import type { Mode } from '../src/nn/options.js';
import { fromArray, type Buf, type DType, type Tensor } from '../src/tensor/buf.js';
import { crossEntropy } from '../src/loss/cross-entropy.js';
import { Adam, AdamW, RMSprop, SGD, clipGradNorm, StepLR, CosineAnnealingLR, type Optimizer, type LRSchedule } from '../src/optim/index.js';
import { ConfigError } from '../src/errors.js';

export type Nested = number | Nested[];

export interface OptimRun {
  optimizer: Record<string, unknown> & { type: string };
  steps: number;
  clip_grad_norm?: number | null;
  scheduler?: ({ type: 'step'; step_size: number; gamma: number } | { type: 'cosine'; t_max: number; eta_min: number }) | null;
}

export interface ParityCase {
  name?: string;
  mode: Mode;
  input_size: number;
  hidden_size: number;
  num_layers?: number;
  bidirectional?: boolean;
  batch_first?: boolean;
  bias?: boolean;
  proj_size?: number;
  head_bias?: boolean;
  num_classes: number;
  head_on?: 'steps' | 'last';
  state_dict: Record<string, Nested>;
  x: Nested;
  h0?: Nested;
  c0?: Nested;
  lengths?: number[];
  targets: Nested;
  class_weights?: number[];
  dtype?: DType;
  optim_runs?: OptimRun[];
}

export interface ParityResult {
  output: Nested;
  h_n: Nested;
  c_n?: Nested;
  logits: Nested;
  loss: number;
  grads: Record<string, Nested>;
  grad_x: Nested;
  grad_h0?: Nested;
  grad_c0?: Nested;
  optim_runs?: { losses: number[]; params: Record<string, Nested> }[];
}

/** Nested lists -> flat values and shape (the shape of the first element at each depth). */
export function flatten(v: Nested): { data: number[]; shape: number[] } {
  const shape: number[] = [];
  for (let cur: Nested = v; Array.isArray(cur); cur = cur[0]!) shape.push(cur.length);
  const data: number[] = [];
  const walk = (x: Nested): void => {
    if (Array.isArray(x)) x.forEach(walk);
    else data.push(x);
  };
  walk(v);
  return { data, shape };
}

/** Flat values and shape -> nested lists. */
export function nest(data: ArrayLike<number>, shape: readonly number[], off = 0): Nested {
  if (shape.length === 0) return data[off]!;
  const [n, ...rest] = shape;
  const stride = rest.reduce((a, b) => a * b, 1);
  const out: Nested[] = [];
  for (let i = 0; i < n!; i++) out.push(nest(data, rest, off + i * stride));
  return out;
}

function toTensor(v: Nested, dtype: DType): Tensor {
  const { data, shape } = flatten(v);
  return { data: fromArray(dtype, data), shape };
}

/** The model of a case, holding the case's weights. */
export function buildModel(c: ParityCase): SequenceModel {
  const dtype = c.dtype ?? 'float32';
  const m = new SequenceModel(
    {
      mode: c.mode,
      inputSize: c.input_size,
      hiddenSize: c.hidden_size,
      numLayers: c.num_layers ?? 1,
      bidirectional: c.bidirectional ?? false,
      batchFirst: c.batch_first ?? false,
      bias: c.bias ?? true,
      projSize: c.proj_size ?? 0,
      numClasses: c.num_classes,
      headBias: c.head_bias ?? true,
      headOn: c.head_on ?? 'steps',
    },
    { dtype },
  );
  const names = new Set(m.table.entries.map((e) => e.name));
  for (const [k, v] of Object.entries(c.state_dict)) {
    const name = k.startsWith('head.') ? k : `rnn.${k}`;
    if (!names.delete(name)) throw new ConfigError(`state_dict has ${k}, which this model does not`);
    const { data, shape } = flatten(v);
    const want = m.table.get(name).shape;
    if (shape.join() !== want.join()) throw new ConfigError(`state_dict ${k} has shape [${shape}], expected [${want}]`);
    m.table.set(name, data);
  }
  if (names.size) throw new ConfigError(`state_dict is missing ${[...names].join(', ')}`);
  return m;
}

function makeOptimizer(spec: OptimRun['optimizer'], params: Buf, grads: Buf): Optimizer {
  const n = (k: string): number | undefined => spec[k] as number | undefined;
  const common = { lr: n('lr'), weightDecay: n('weight_decay') };
  switch (spec.type) {
    case 'sgd':
      return new SGD(params, grads, {
        ...common,
        lr: n('lr')!,
        momentum: n('momentum'),
        dampening: n('dampening'),
        nesterov: spec.nesterov as boolean | undefined,
      });
    case 'adam':
      return new Adam(params, grads, {
        ...common,
        betas: spec.betas as [number, number] | undefined,
        eps: n('eps'),
        amsgrad: spec.amsgrad as boolean | undefined,
      });
    case 'adamw':
      return new AdamW(params, grads, {
        ...common,
        betas: spec.betas as [number, number] | undefined,
        eps: n('eps'),
        amsgrad: spec.amsgrad as boolean | undefined,
      });
    case 'rmsprop':
      return new RMSprop(params, grads, {
        ...common,
        alpha: n('alpha'),
        eps: n('eps'),
        momentum: n('momentum'),
        centered: spec.centered as boolean | undefined,
      });
    default:
      throw new ConfigError(`optimizer type must be sgd, adam, adamw or rmsprop, got ${spec.type}`);
  }
}

/** One forward, loss and backward of the case's model; gradients are left in model.table.grad. */
function step(c: ParityCase, m: SequenceModel) {
  const dtype = c.dtype ?? 'float32';
  const x = toTensor(c.x, dtype);
  const res = m.forward(x, {
    h0: c.h0 === undefined ? undefined : toTensor(c.h0, dtype),
    c0: c.c0 === undefined ? undefined : toTensor(c.c0, dtype),
    lengths: c.lengths,
  });
  const targets = Int32Array.from(flatten(c.targets).data);
  const C = c.num_classes;
  const rows = res.logits.data.length / C;
  const dLogits = fromArray(dtype, new Array<number>(rows * C).fill(0));
  const weight = c.class_weights ? fromArray(dtype, c.class_weights) : null;
  const loss = crossEntropy(res.logits.data, 0, rows, C, targets, dLogits, { weight });
  m.table.zeroGrad();
  const g = m.backward(dLogits);
  return { res, loss, g };
}

const publicName = (name: string): string => (name.startsWith('rnn.') ? name.slice(4) : name);

function params(m: SequenceModel, ofGrad: boolean): Record<string, Nested> {
  const out: Record<string, Nested> = {};
  for (const e of m.table.entries) out[publicName(e.name)] = nest(ofGrad ? m.table.grad : m.table.data, e.shape, e.offset);
  return out;
}

export function runCase(c: ParityCase): ParityResult {
  const m = buildModel(c);
  const { res, loss, g } = step(c, m);
  const r: ParityResult = {
    output: nest(res.output.data, res.output.shape),
    h_n: nest(res.hN.data, res.hN.shape),
    logits: nest(res.logits.data, res.logits.shape),
    loss,
    grads: params(m, true),
    grad_x: nest(g.dx.data, g.dx.shape),
  };
  if (res.cN) r.c_n = nest(res.cN.data, res.cN.shape);
  if (c.h0 !== undefined) r.grad_h0 = nest(g.dh0.data, g.dh0.shape);
  if (c.c0 !== undefined && g.dc0) r.grad_c0 = nest(g.dc0.data, g.dc0.shape);
  if (c.optim_runs) {
    r.optim_runs = c.optim_runs.map((run) => {
      const mm = buildModel(c);
      const opt = makeOptimizer(run.optimizer, mm.table.data, mm.table.grad);
      const s = run.scheduler;
      const sched: LRSchedule | null = !s
        ? null
        : s.type === 'step'
          ? new StepLR(opt, { stepSize: s.step_size, gamma: s.gamma })
          : new CosineAnnealingLR(opt, { tMax: s.t_max, etaMin: s.eta_min });
      const losses: number[] = [];
      for (let i = 0; i < run.steps; i++) {
        losses.push(step(c, mm).loss);
        if (run.clip_grad_norm != null) clipGradNorm(mm.table.grad, run.clip_grad_norm);
        opt.step();
        sched?.step();
      }
      return { losses, params: params(mm, false) };
    });
  }
  return r;
}
