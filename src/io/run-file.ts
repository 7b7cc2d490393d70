/**
 * The one builder of a run's model file: the weights and the RunMeta of a prepared run and its
 * trainer. `rnnscope train` writes it after every epoch; the explorer's download is the same file.
 */
import type { Prepared } from '../train/prepare.js';
import type { Trainer } from '../train/trainer.js';
import type { TaskOptions } from '../data/tasks.js';
import type { Normalization } from '../data/dataset.js';
import type { SequenceModel } from '../nn/model.js';
import { encodeModel } from './model.js';
import type { RunMeta } from './run-meta.js';
import { historyForFile } from './history.js';

export interface RunSource {
  prepared: Prepared;
  trainer: Trainer;
  /** The built-in task by name with its options, or null for the person's own data. */
  task: { name: string; options: TaskOptions } | null;
  /** The data file's name, when the data came from one. */
  dataFile?: string | null;
  /** The statistics the model was trained with, when they came from elsewhere (a resumed file). */
  normalization?: Normalization;
}

/**
 * What the model file keeps beside the weights: enough to resume, inspect and explain the run again.
 * Its size does not grow with the epochs (history.ts), and it holds no wall-clock time.
 */
export function runMeta(s: RunSource): RunMeta {
  const { prepared: p, trainer } = s;
  const text = p.dataset.text;
  return {
    classes: p.dataset.classes,
    // a text model reads token ids: no features by name, no normalisation; its vocabulary instead
    ...(text ? { text } : { features: p.dataset.features, normalization: s.normalization ?? p.normalization }),
    target: p.dataset.target,
    task: p.dataset.name,
    taskSpec: s.task ? { name: s.task.name, options: { ...s.task.options }, seed: p.seed } : null,
    dataFile: s.dataFile ?? null,
    train: { ...trainer.config, history: undefined },
    history: historyForFile(trainer.history),
    checkpoint: {
      epoch: trainer.epochsDone,
      // The live buffers: encodeModel stores them as tensors, with no copy into the JSON.
      optimizer: trainer.optimizer.stateViews(),
      schedule: trainer.schedule?.stateDict() ?? null,
    },
  };
}

/** The .safetensors bytes of `model` (the trainer's model unless given) with the run's RunMeta. */
export function encodeRun(s: RunSource, model: SequenceModel = s.trainer.model): Uint8Array {
  return encodeModel(model, runMeta(s));
}
