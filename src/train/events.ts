/**
 * The events of a training run. The trainer prints nothing: it yields these, and every front end
 * (terminal text, --json lines, the web page) renders the same events.
 */
import type { Observation } from './observe.js';

export interface TrainStartEvent {
  type: 'train_start';
  epochs: number;
  batchesPerEpoch: number;
  batchSize: number;
  trainSize: number;
  valSize: number;
  parameters: number;
  /** Threads a full batch trains on (2: ParallelTrainStep shares it with a worker thread). */
  threads: number;
}

export interface BatchEvent {
  type: 'batch';
  epoch: number;
  /** 1-based batch within the epoch. */
  batch: number;
  batches: number;
  loss: number;
  gradNorm: number;
}

export interface EpochRecord {
  epoch: number;
  /** Mean training loss over the epoch's batches (weighted by counted targets). */
  loss: number;
  trainAccuracy: number;
  valLoss: number;
  valAccuracy: number;
  /** Learning rate used during this epoch. */
  lr: number;
  gradNormMean: number;
  gradNormMax: number;
  /** Fraction of steps whose gradient was clipped (0 without clipping). */
  clippedFraction: number;
  seconds: number;
}

export interface EpochEvent extends EpochRecord {
  type: 'epoch';
  epochs: number;
  observation: Observation;
}

export interface TrainEndEvent {
  type: 'train_end';
  /** "done": all epochs ran; "early_stop": held-out loss stopped improving; "nonfinite": see message. */
  reason: 'done' | 'early_stop' | 'nonfinite';
  epochs: number;
  /** Epoch whose weights the model holds at the end (the best one when early stopping restored it). */
  bestEpoch: number;
  seconds: number;
  message: string;
}

export type TrainEvent = TrainStartEvent | BatchEvent | EpochEvent | TrainEndEvent;

/** Runs an event generator to its end, ignoring the events, and returns what it returns. */
export function drain<R>(gen: Generator<unknown, R>): R {
  let r = gen.next();
  while (!r.done) r = gen.next();
  return r.value;
}
