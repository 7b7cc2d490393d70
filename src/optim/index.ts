/** Optimizers over flat parameter buffers, gradient clipping and lr schedules (PyTorch 1.13 semantics). */
export type { Optimizer, OptimizerState } from './optimizer.js';
export { SGD, type SGDOptions } from './sgd.js';
export { Adam, type AdamOptions } from './adam.js';
export { AdamW, type AdamWOptions } from './adamw.js';
export { RMSprop, type RMSpropOptions } from './rmsprop.js';
export { clipGradNorm } from './clip.js';
export {
  StepLR,
  CosineAnnealingLR,
  LRSchedule,
  type StepLROptions,
  type CosineAnnealingLROptions,
  type ScheduleState,
  type HasLr,
} from './schedule.js';
