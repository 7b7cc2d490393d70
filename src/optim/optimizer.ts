/**
 * What every optimizer shares. Parameters live in one flat buffer and gradients in another of
 * the same layout; PyTorch's update rules are element-wise, so one loop over the flat buffer is
 * exactly torch.optim with model.parameters() in one param group. State buffers are allocated
 * once in the constructor so that step() allocates nothing.
 */
import { alloc, dtypeOf, type Buf } from '../tensor/buf.js';
import { ConfigError, ModelFileError, ShapeError } from '../errors.js';

export interface Optimizer {
  /** Learning rate used by the next step(); schedules change it between epochs. */
  lr: number;
  /** The flat parameter buffer updated in place by step(). */
  readonly params: Buf;
  /** The flat gradient buffer, same layout as params; read by step() and never changed. */
  readonly grads: Buf;
  /** Number of step() calls so far (PyTorch's state['step']). */
  readonly stepCount: number;
  /** Applies one update to params from grads. */
  step(): void;
  /** A plain, JSON-friendly copy of everything needed to resume. */
  stateDict(): OptimizerState;
  /** The same state with the live buffers themselves, not copies: for writing a checkpoint at once. */
  stateViews(): OptimizerState;
  /** Restores a stateDict() of the same kind of optimizer over the same number of parameters. */
  loadState(state: OptimizerState): void;
}

/** Resumable optimizer state. Buffer names are PyTorch's state keys (exp_avg, momentum_buffer, ...). */
export interface OptimizerState {
  kind: string;
  step: number;
  lr: number;
  buffers: Record<string, ArrayLike<number>>;
}

/** Checks that params and grads share one layout. */
export function checkBuffers(kind: string, params: Buf, grads: Buf): void {
  if (params.length !== grads.length) {
    throw new ShapeError(`${kind} params have ${params.length} elements but grads have ${grads.length}; they must share one layout.`);
  }
}

/** A zeroed state buffer with the dtype and layout of params. */
export function stateBuf(params: Buf): Buf {
  return alloc(dtypeOf(params), params.length);
}

/**
 * Rounds an update's scalars to the buffer's precision. PyTorch's CPU kernels cast a Python scalar
 * (lr, beta, 1 - lr * wd) to the tensor's dtype before using it; doing the same cuts the drift
 * from PyTorch over 30 float32 AdamW steps from ~2e-6 to ~1 ulp.
 */
export function scalarRounder(params: Buf): (x: number) => number {
  return params instanceof Float32Array ? Math.fround : (x: number) => x;
}

/** Throws PyTorch's "Invalid <what>: <value>" as a ConfigError unless `ok`; `valid` says what would be. */
export function check(ok: boolean, what: string, value: unknown, valid: string): void {
  if (!ok) throw new ConfigError(`Invalid ${what}: ${String(value)}; it must be ${valid}.`);
}

/** Checks the options every optimizer has; negated comparisons so NaN is rejected too. */
export function checkCommon(lr: number, weightDecay: number): void {
  check(lr >= 0, 'learning rate', lr, '>= 0');
  check(weightDecay >= 0, 'weight_decay value', weightDecay, '>= 0');
}

/** Copies named buffers into a state object. */
export function saveState(kind: string, step: number, lr: number, buffers: Record<string, Buf>): OptimizerState {
  const out: Record<string, number[]> = {};
  for (const [name, b] of Object.entries(buffers)) out[name] = Array.from(b);
  return { kind, step, lr, buffers: out };
}

/**
 * Copies a saved state into existing buffers after checking all of it fits (so a bad state changes
 * nothing). Returns the step count; the caller restores lr (a plain field).
 */
export function restoreState(kind: string, state: OptimizerState, buffers: Record<string, Buf>): number {
  if (state.kind !== kind) {
    throw new ModelFileError(`Optimizer state is for ${state.kind}, but it is being loaded into ${kind}.`);
  }
  if (!Number.isInteger(state.step) || state.step < 0) {
    throw new ModelFileError(`Optimizer state step is ${state.step}; it must be an integer >= 0.`);
  }
  if (!(state.lr >= 0)) {
    throw new ModelFileError(`Optimizer state lr is ${state.lr}; it must be a number >= 0.`);
  }
  for (const [name, b] of Object.entries(buffers)) {
    const src = state.buffers[name];
    if (src === undefined || src.length !== b.length) {
      throw new ModelFileError(`Optimizer state buffer ${name} has ${src?.length ?? 'no'} elements; ${kind} expects ${b.length}.`);
    }
  }
  for (const [name, b] of Object.entries(buffers)) b.set(state.buffers[name]!);
  return state.step;
}

/**
 * What every optimizer here keeps the same way: its step count, its learning rate, and its state
 * buffers by PyTorch's keys, saved and restored as one stateDict.
 */
export abstract class FlatOptimizer implements Optimizer {
  abstract lr: number;
  protected steps = 0;

  protected constructor(
    protected readonly kind: string,
    readonly params: Buf,
    readonly grads: Buf,
  ) {
    checkBuffers(kind, params, grads);
  }

  get stepCount(): number {
    return this.steps;
  }

  abstract step(): void;

  /** State buffers by PyTorch's state keys. */
  protected abstract buffers(): Record<string, Buf>;

  stateDict(): OptimizerState {
    return saveState(this.kind, this.steps, this.lr, this.buffers());
  }

  stateViews(): OptimizerState {
    return { kind: this.kind, step: this.steps, lr: this.lr, buffers: this.buffers() };
  }

  loadState(state: OptimizerState): void {
    this.steps = restoreState(this.kind, state, this.buffers());
    this.lr = state.lr;
  }
}
