/**
 * Refuses, before anything is generated or allocated, a run that cannot fit: in this machine's memory
 * (os.totalmem, or the container's limit), or in a model file (MAX_FILE_BYTES). The estimate is
 * src/train/footprint.ts; the sentence gives it, and what to make smaller.
 */
import { totalmem } from 'node:os';
import { getTask, type TaskOptions } from '../data/tasks.js';
import type { Dataset } from '../data/dataset.js';
import { sequenceCount } from '../data/columns.js';
import { modelOptions, type ModelChoice } from '../train/prepare.js';
import { estimateRun, type Footprint } from '../train/footprint.js';
import type { TrainConfig } from '../train/trainer.js';
import { MAX_FILE_BYTES } from '../io/safetensors.js';
import { ConfigError } from '../errors.js';
import { DEFAULTS } from '../defaults.js';
import type { Mode } from '../nn/options.js';

export interface FitChoice {
  data?: Dataset;
  task?: string;
  taskOptions?: TaskOptions;
  model: ModelChoice;
  train: TrainConfig;
  seed: number;
  /** The cells trained side by side (compare); default the model's own. */
  modes?: Mode[];
  /** The run writes a model file (train). */
  writesFile?: boolean;
}

/** The memory a run may use: the machine's, or the container's when it sets a lower limit. */
export function memoryLimit(): number {
  const constrained = (process as { constrainedMemory?: () => number | undefined }).constrainedMemory?.();
  return constrained && constrained > 0 ? Math.min(constrained, totalmem()) : totalmem();
}

/** Throws ConfigError, one sentence with the estimate, when the run cannot fit; returns the estimate otherwise. */
export function checkRunFits(c: FitChoice, limit = memoryLimit()): Footprint {
  // The data's shape without generating it: a task's first 10 sequences tell its features, classes and length.
  const sample = c.data ?? getTask(c.task ?? DEFAULTS.task).generate(c.seed, { ...c.taskOptions, count: 10 });
  const cols = c.data?.columns;
  const sequences = c.data ? sequenceCount(c.data) : (c.taskOptions?.count ?? 10000);
  const steps = cols ? cols.maxLength() : sample.sequences.reduce((m, s) => Math.max(m, s.length), 0);
  const totalSteps = cols ? cols.start[cols.size]! : c.data ? c.data.sequences.reduce((n, s) => n + s.length, 0) : sequences * steps;
  const t = c.train;
  const each = (c.modes ?? [c.model.mode ?? DEFAULTS.cell]).map((mode) =>
    estimateRun({
      sequences,
      steps,
      totalSteps,
      model: modelOptions(sample, { ...c.model, mode }),
      batchSize: t.batchSize ?? DEFAULTS.batchSize,
      optimizer: t.optimizer?.type ?? DEFAULTS.optimizer,
      earlyStopping: !!t.earlyStopping,
      threads: t.threads ?? 1,
      columns: cols !== undefined,
    }),
  );
  const sum = (k: keyof Footprint) => each.reduce((n, f) => n + f[k], 0);
  const total: Footprint = {
    parameters: Math.max(...each.map((f) => f.parameters)),
    data: sum('data'),
    model: sum('model'),
    file: Math.max(...each.map((f) => f.file)),
    passes: sum('passes'),
    total: sum('total'),
  };
  if (total.total > limit) {
    const parts = [
      ['the data', total.data],
      ['the model and its optimizer', total.model],
      ['a batch with its WebAssembly memory', total.passes],
    ] as const;
    const biggest = [...parts].sort((a, b) => b[1] - a[1])[0]!;
    const advice =
      biggest[0] === 'the data'
        ? c.data
          ? 'use a smaller data file'
          : 'use fewer sequences (--count) or shorter ones (--length)'
        : biggest[0] === 'the model and its optimizer'
          ? 'use fewer --hidden units or --layers'
          : 'use a smaller --batch-size, shorter sequences or a smaller model';
    throw new ConfigError(
      `this run needs about ${gb(total.total)} of memory (${parts.map(([w, b]) => `${w} ${gb(b)}`).join(', ')}), more than the ${gb(limit)} this machine has; ${advice}`,
    );
  }
  if (c.writesFile && total.file > MAX_FILE_BYTES) {
    throw new ConfigError(
      `this model has ${total.parameters.toLocaleString('en-US')} parameters, and its checkpoint (weights and optimizer state) would take ${gb(total.file)}, above the 2 GiB a model file can hold; use fewer --hidden units or --layers`,
    );
  }
  return total;
}

function gb(bytes: number): string {
  return bytes >= 1e9 ? `${(bytes / 1e9).toFixed(1)} GB` : `${Math.ceil(bytes / 1e6)} MB`;
}
