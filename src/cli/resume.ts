/**
 * What `train --resume` may change and what it may not. The learning rate, the schedule, the epochs,
 * the patience and the clipping are settings of the loop, so they apply from the next epoch and the
 * trace says so; the model's shape, the optimizer and its settings, the batch size and the seed make
 * another run, so asking to change one is refused by name (never ignored).
 */
import { ConfigError } from '../errors.js';
import type { TrainConfig } from '../train/trainer.js';
import type { ScheduleSpec } from '../train/optimizer-spec.js';
import type { Trainer } from '../train/trainer.js';
import type { CommonOpts } from './options.js';
import { DEFAULTS } from '../defaults.js';

/** One setting a resumed run changes: its option, the checkpoint's value and the new one, in words. */
export interface ResumeChange {
  option: string;
  from: string;
  to: string;
}

const FIXED = ['cell', 'hidden', 'layers', 'bidirectional', 'dropout', 'proj'] as const;
const FLAG = (k: string) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

function scheduleWords(s: ScheduleSpec | null | undefined): string {
  if (!s) return 'none';
  return s.type === 'step' ? `step (every ${s.stepSize} epochs, x${s.gamma ?? DEFAULTS.gamma})` : `cosine (over ${s.tMax} epochs)`;
}

/**
 * The config of the resumed run: the checkpoint's, with the loop settings `o` gives. `done` is the
 * number of epochs trained already. Throws ConfigError for a setting that cannot change.
 */
export function resumeConfig(
  saved: TrainConfig,
  o: CommonOpts,
  done: number,
  path: string,
): { cfg: TrainConfig; changes: ResumeChange[]; lr?: number; newSchedule: boolean } {
  for (const k of FIXED) {
    if (o[k] !== undefined) throw new ConfigError(`${FLAG(k)} cannot change a model being resumed; its config comes from ${path}`);
  }
  const opt = saved.optimizer ?? { type: DEFAULTS.optimizer };
  const fixed: [keyof CommonOpts, unknown, unknown][] = [
    ['optimizer', o.optimizer, opt.type],
    ['momentum', o.momentum, opt.momentum ?? 0],
    ['nesterov', o.nesterov, opt.nesterov ?? false],
    ['weightDecay', o.weightDecay, opt.weightDecay],
    ['batchSize', o.batchSize, saved.batchSize ?? DEFAULTS.batchSize],
    ['seed', o.seed, saved.seed ?? DEFAULTS.seed],
  ];
  for (const [k, given, was] of fixed) {
    if (given !== undefined && given !== was)
      throw new ConfigError(
        `${FLAG(k)} cannot change when resuming: ${path} was trained with ${FLAG(k)} ${String(was ?? 'default')}, and its optimizer state and batch order belong to it; start a new run to change it`,
      );
  }
  if (o.epochs === undefined || o.epochs <= done) {
    throw new ConfigError(`${path} has trained ${done} epoch${done === 1 ? '' : 's'} already; give --epochs above ${done} to go on`);
  }
  const cfg: TrainConfig = { ...saved, history: undefined };
  const changes: ResumeChange[] = [];
  const change = (option: string, from: string, to: string) => {
    if (from !== to) changes.push({ option, from, to });
  };
  change('--epochs', String(saved.epochs ?? DEFAULTS.epochs), String(o.epochs));
  cfg.epochs = o.epochs;
  if (o.clip !== undefined) {
    change('--clip', saved.clipNorm ? String(saved.clipNorm) : 'off', String(o.clip));
    cfg.clipNorm = o.clip;
  }
  if (o.patience !== undefined) {
    change('--patience', saved.earlyStopping ? String(saved.earlyStopping.patience) : 'off', String(o.patience));
    cfg.earlyStopping = { patience: o.patience };
  }
  let newSchedule = false;
  if (o.schedule !== undefined || o.stepSize !== undefined || o.gamma !== undefined) {
    const kind = o.schedule ?? saved.schedule?.type ?? 'none';
    let s: ScheduleSpec | null = null;
    if (kind === 'step')
      s = {
        type: 'step',
        stepSize: o.stepSize ?? (saved.schedule?.type === 'step' ? saved.schedule.stepSize : DEFAULTS.stepSize),
        gamma: o.gamma ?? (saved.schedule?.type === 'step' ? saved.schedule.gamma : undefined) ?? DEFAULTS.gamma,
      };
    else if (kind === 'cosine') s = { type: 'cosine', tMax: o.epochs - done };
    else if (o.stepSize !== undefined || o.gamma !== undefined) throw new ConfigError('--step-size and --gamma need --schedule step');
    const [a, b] = [scheduleWords(saved.schedule), scheduleWords(s)];
    if (a !== b) {
      change('--schedule', a, `${b}${s ? `, from epoch ${done + 1}` : ''}`);
      cfg.schedule = s;
      newSchedule = true;
    }
  }
  return { cfg, changes, lr: o.lr, newSchedule };
}

/**
 * Puts the checkpoint's optimizer and schedule state into `trainer`, then the new learning rate if
 * one was given (it replaces the saved one; a kept schedule goes on from it). Returns the lr change.
 */
export function restoreState(
  trainer: Trainer,
  checkpoint: { optimizer: Parameters<Trainer['optimizer']['loadState']>[0]; schedule: { lastEpoch: number; baseLr: number } | null },
  lr: number | undefined,
  newSchedule: boolean,
): ResumeChange | null {
  trainer.optimizer.loadState(checkpoint.optimizer);
  const was = trainer.optimizer.lr;
  if (lr !== undefined) trainer.optimizer.lr = lr;
  if (trainer.schedule) {
    if (!newSchedule && checkpoint.schedule) trainer.schedule.loadState(checkpoint.schedule);
    else trainer.schedule.loadState({ lastEpoch: 0, baseLr: trainer.optimizer.lr });
  }
  return lr !== undefined && lr !== was ? { option: '--lr', from: String(was), to: String(lr) } : null;
}
