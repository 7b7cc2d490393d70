/**
 * The epoch loop both trainers share (classes in trainer.ts, values in regress.ts): the batch order
 * and dropout seeded from (seed, epoch) alone, so a resumed run is the same run; the batches with
 * their gradient statistics; a step whose loss or gradient is not finite stops the run and puts back
 * the weights of the last good epoch; the schedule stepped once per epoch; early stopping on the
 * held-out loss with the best weights restored; and the closing train_end event. What differs (the
 * step, what an epoch measures, its event) comes in as a Task.
 */
import type { SequenceModel } from '../nn/model.js';
import type { LRSchedule } from '../optim/schedule.js';
import type { Optimizer } from '../optim/optimizer.js';
import type { BatchEvent, TrainEndEvent } from './events.js';

/** One batch's step, as the loop needs it. */
export interface StepOutcome {
  loss: number;
  gradNorm: number;
  /** Targets (or values) counted in the loss. */
  counted: number;
  /** Of those, predicted right (classes only). */
  correct?: number;
}

/** What the loop measured over an epoch's batches. */
export interface EpochSums {
  epoch: number;
  lr: number;
  /** Mean training loss, weighted by counted targets. */
  loss: number;
  /** Right / counted (NaN when the task has no classes). */
  accuracy: number;
  gradNormMean: number;
  gradNormMax: number;
  clippedFraction: number;
  /** Since the epoch began. */
  seconds: number;
}

export interface LoopTask<R extends { epoch: number; valLoss: number }, E> {
  model: SequenceModel;
  optimizer: Optimizer;
  schedule: LRSchedule | null;
  seed: number;
  /** Last epoch to train, and the epochs already trained (a resumed run goes on from the next). */
  epochs: number;
  epochsDone: number;
  batches: number;
  clipNorm: number | null | undefined;
  earlyStopping: { patience: number; minDelta?: number } | null | undefined;
  /** A new batch order for the next pass, from `seed` alone. */
  shuffle(seed: number): void;
  step(k: number): StepOutcome;
  /** The epoch's record (held-out numbers added) and the event that carries it; the loop keeps the record. */
  endEpoch(sums: EpochSums): { record: R; event: E };
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Runs the epochs; returns the records of this run's epochs (the caller keeps its own history). */
export function* epochLoop<R extends { epoch: number; valLoss: number }, E>(
  task: LoopTask<R, E>,
  history: R[],
): Generator<BatchEvent | E | TrainEndEvent, void> {
  const started = performance.now();
  const { model, batches } = task;
  const es = task.earlyStopping;
  let best = { loss: Infinity, epoch: 0, weights: null as Float32Array | Float64Array | null };
  let reason: TrainEndEvent['reason'] = 'done';
  // The weights at the end of the last good epoch, put back if a step goes non-finite.
  const lastGood = model.table.data.slice();
  let message = '';
  for (let epoch = task.epochsDone + 1; epoch <= task.epochs; epoch++) {
    const t0 = performance.now();
    const lr = task.optimizer.lr;
    task.shuffle(task.seed * 100003 + epoch);
    let lossSum = 0,
      correct = 0,
      counted = 0,
      gSum = 0,
      gMax = 0,
      clipped = 0;
    for (let k = 0; k < batches; k++) {
      const r = task.step(k);
      if (!Number.isFinite(r.loss) || !Number.isFinite(r.gradNorm)) {
        reason = 'nonfinite';
        const what = Number.isFinite(r.loss) ? 'gradient norm' : 'loss';
        message =
          `training stopped at epoch ${epoch}, step ${k + 1} of ${batches}: the ${what} is ${Number.isFinite(r.loss) ? r.gradNorm : r.loss}; ` +
          `the model keeps the weights it had ${epoch > 1 ? `after epoch ${epoch - 1}` : 'before training'}; lower the learning rate or clip gradients`;
        model.table.data.set(lastGood);
        break;
      }
      lossSum += r.loss * r.counted;
      correct += r.correct ?? NaN;
      counted += r.counted;
      gSum += r.gradNorm;
      gMax = Math.max(gMax, r.gradNorm);
      if (task.clipNorm && r.gradNorm > task.clipNorm) clipped++;
      yield { type: 'batch', epoch, batch: k + 1, batches, loss: r.loss, gradNorm: r.gradNorm };
    }
    if (reason === 'nonfinite') break;
    const { record, event } = task.endEpoch({
      epoch,
      lr,
      loss: lossSum / counted,
      accuracy: correct / counted,
      gradNormMean: gSum / batches,
      gradNormMax: gMax,
      clippedFraction: clipped / batches,
      seconds: (performance.now() - t0) / 1000,
    });
    history.push(record);
    lastGood.set(model.table.data);
    task.schedule?.step();
    yield event;
    if (es) {
      if (record.valLoss < best.loss - (es.minDelta ?? 0)) best = { loss: record.valLoss, epoch, weights: model.table.data.slice() };
      else if (epoch - best.epoch >= es.patience) {
        reason = 'early_stop';
        message = `held-out loss has not improved for ${plural(es.patience, 'epoch')} since epoch ${best.epoch}; its weights are restored`;
        break;
      }
    }
  }
  const done = history.at(-1)?.epoch ?? 0;
  let bestEpoch = done;
  if (es && best.weights && reason !== 'nonfinite') {
    model.table.data.set(best.weights);
    bestEpoch = best.epoch;
  }
  yield {
    type: 'train_end',
    reason,
    epochs: done,
    bestEpoch,
    seconds: (performance.now() - started) / 1000,
    message: message || `trained ${plural(done, 'epoch')}`,
  };
}
