/**
 * Learning-rate schedules, as torch.optim.lr_scheduler in PyTorch 1.13. Construction sets
 * lastEpoch = 0 and keeps the optimizer's lr (PyTorch's initial step); call step() once per epoch,
 * after that epoch's optimizer steps. Like PyTorch's get_lr, each step updates the optimizer's
 * current lr recursively rather than from the closed form, so the floating-point values match
 * PyTorch's, and an lr changed by hand between epochs carries into the next one as it does there.
 */
import { ConfigError, ModelFileError } from '../errors.js';
import type { Optimizer } from './optimizer.js';

/** What a schedule needs from an optimizer. */
export type HasLr = Pick<Optimizer, 'lr'>;

/** Resumable schedule state. */
export interface ScheduleState {
  lastEpoch: number;
  baseLr: number;
}

/** What StepLR and CosineAnnealingLR share: epoch counting, base lr, resume. */
export abstract class LRSchedule {
  /** Epochs completed: 0 after construction, +1 per step(). */
  lastEpoch = 0;
  /** The optimizer's lr when the schedule was made (PyTorch's initial_lr). */
  baseLr: number;
  private lastLr: number;

  constructor(readonly optimizer: HasLr) {
    this.baseLr = optimizer.lr;
    this.lastLr = optimizer.lr;
  }

  /** Advances one epoch and sets the optimizer's lr. */
  step(): void {
    this.lastEpoch++;
    this.optimizer.lr = this.lastLr = this.nextLr(this.optimizer.lr);
  }

  /** The lr this schedule set last (PyTorch's get_last_lr()[0]). */
  getLastLr(): number {
    return this.lastLr;
  }

  stateDict(): ScheduleState {
    return { lastEpoch: this.lastEpoch, baseLr: this.baseLr };
  }

  /** Restores epoch and base lr. Load the optimizer first: its lr (saved in its state) is taken as the last lr. */
  loadState(state: ScheduleState): void {
    if (!Number.isInteger(state.lastEpoch) || state.lastEpoch < 0 || !(state.baseLr >= 0)) {
      throw new ModelFileError(
        `Schedule state needs an integer lastEpoch >= 0 and a baseLr >= 0, got ${state.lastEpoch} and ${state.baseLr}.`,
      );
    }
    this.lastEpoch = state.lastEpoch;
    this.baseLr = state.baseLr;
    this.lastLr = this.optimizer.lr;
  }

  /** The lr for epoch `lastEpoch` (already advanced) from the current lr. */
  protected abstract nextLr(lr: number): number;
}

export interface StepLROptions {
  /** Epochs between decays, a positive integer. Required. */
  stepSize: number;
  /** Factor applied to the lr every stepSize epochs. Default 0.1. */
  gamma?: number;
}

/** Multiplies the lr by gamma every stepSize epochs: lr_e = baseLr * gamma^floor(e / stepSize). */
export class StepLR extends LRSchedule {
  readonly stepSize: number;
  readonly gamma: number;

  constructor(optimizer: HasLr, opts: StepLROptions) {
    super(optimizer);
    this.stepSize = opts.stepSize;
    this.gamma = opts.gamma ?? 0.1;
    if (!Number.isInteger(this.stepSize) || this.stepSize < 1) {
      throw new ConfigError(`StepLR stepSize is ${this.stepSize}; it must be an integer >= 1.`);
    }
    if (!Number.isFinite(this.gamma)) throw new ConfigError(`StepLR gamma is ${this.gamma}; it must be a finite number.`);
  }

  protected nextLr(lr: number): number {
    return this.lastEpoch % this.stepSize === 0 ? lr * this.gamma : lr;
  }
}

export interface CosineAnnealingLROptions {
  /** Epochs of one half cosine period (from baseLr down to etaMin), a positive integer. Required. */
  tMax: number;
  /** Minimum lr. Default 0. */
  etaMin?: number;
}

/**
 * Cosine annealing (SGDR without restarts): closed form lr_e = etaMin + (baseLr - etaMin) *
 * (1 + cos(pi e / tMax)) / 2. Past tMax the lr rises again along the cosine, as PyTorch's.
 */
export class CosineAnnealingLR extends LRSchedule {
  readonly tMax: number;
  readonly etaMin: number;

  constructor(optimizer: HasLr, opts: CosineAnnealingLROptions) {
    super(optimizer);
    this.tMax = opts.tMax;
    this.etaMin = opts.etaMin ?? 0;
    if (!Number.isInteger(this.tMax) || this.tMax < 1) {
      throw new ConfigError(`CosineAnnealingLR tMax is ${this.tMax}; it must be an integer >= 1.`);
    }
    if (!Number.isFinite(this.etaMin)) throw new ConfigError(`CosineAnnealingLR etaMin is ${this.etaMin}; it must be a finite number.`);
  }

  // PyTorch 1.13 CosineAnnealingLR.get_lr, term for term (operation order matters for parity).
  protected nextLr(lr: number): number {
    const { lastEpoch: e, tMax: T, etaMin, baseLr } = this;
    if ((e - 1 - T) % (2 * T) === 0) {
      // At the bottom of the cosine the recursive ratio below would divide by zero.
      return lr + ((baseLr - etaMin) * (1 - Math.cos(Math.PI / T))) / 2;
    }
    return ((1 + Math.cos((Math.PI * e) / T)) / (1 + Math.cos((Math.PI * (e - 1)) / T))) * (lr - etaMin) + etaMin;
  }
}
