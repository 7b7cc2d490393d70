/**
 * The training loop. It prints nothing: `run()` is a generator of typed events (events.ts), so the
 * terminal, --json lines and the web worker all drive and render the same run.
 */
import { Rng } from '../tensor/rng.js';
import { stepWidth, type SequenceModel } from '../nn/model.js';
import { Batcher } from '../data/batcher.js';
import { maxLength, type Sequence } from '../data/dataset.js';
import { ConfigError } from '../errors.js';
import { observe } from './observe.js';
import type { EpochEvent, EpochRecord, TrainEvent } from './events.js';
import { epochLoop } from './loop.js';
import { evaluate } from './evaluate.js';
import { chanceAccuracy } from './chance.js';
import { DEFAULTS } from '../defaults.js';
import { makeOptimizer, makeSchedule, type OptimizerSpec, type ScheduleSpec } from './optimizer-spec.js';
import { TrainStep, type StepOptions, type StepRunner } from './step.js';
import type { Optimizer } from '../optim/optimizer.js';
import type { LRSchedule } from '../optim/schedule.js';

export interface TrainConfig {
  /** Passes over the training split. Default DEFAULTS.epochs. */
  epochs?: number;
  /** Sequences per batch. Default DEFAULTS.batchSize. */
  batchSize?: number;
  /** Default DEFAULTS.optimizer with DEFAULTS.lr. */
  optimizer?: OptimizerSpec;
  /** Learning-rate schedule, stepped once per epoch. Default none. */
  schedule?: ScheduleSpec | null;
  /** Clip the gradient's total L2 norm to this. Default none. */
  clipNorm?: number | null;
  /** Stop when held-out loss has not improved for `patience` epochs, and restore the best weights. */
  earlyStopping?: { patience: number; minDelta?: number } | null;
  /** Seed of the batch order (and dropout). Default DEFAULTS.seed. */
  seed?: number;
  /** Per-class loss weights. */
  classWeights?: number[] | null;
  /** Resume: the records of the epochs already trained; training goes on from the next epoch. */
  history?: EpochRecord[];
  /**
   * Makes the per-batch step. Default: TrainStep, on this thread. In Node, `stepFactory(2)` from
   * "rnnscope/node" trains large batches on two threads (ParallelTrainStep).
   */
  makeStep?: ((model: SequenceModel, optimizer: Optimizer, o: StepOptions) => StepRunner) | null;
  /** The thread count makeStep was made for (not read here: the CLI keeps it with the model, so that --resume uses it again). */
  threads?: number;
}

export const trainDefaults = {
  epochs: DEFAULTS.epochs,
  batchSize: DEFAULTS.batchSize,
  optimizer: { type: DEFAULTS.optimizer, lr: DEFAULTS.lr } as OptimizerSpec,
};

export class Trainer {
  readonly optimizer: Optimizer;
  readonly schedule: LRSchedule | null;
  readonly history: EpochRecord[] = [];
  private readonly step: StepRunner;
  private readonly batcher: Batcher;
  private readonly seed: number;
  private readonly epochs: number;
  private readonly T: number;

  constructor(
    readonly model: SequenceModel,
    readonly train: readonly Sequence[],
    readonly val: readonly Sequence[],
    readonly config: TrainConfig = {},
  ) {
    const epochs = config.epochs ?? trainDefaults.epochs;
    const batchSize = config.batchSize ?? trainDefaults.batchSize;
    if (!Number.isInteger(epochs) || epochs < 1) throw new ConfigError(`epochs must be a positive integer, got ${epochs}`);
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new ConfigError(`batch size must be a positive integer, got ${batchSize}`);
    if (train.length === 0) throw new ConfigError('the training split is empty; give more sequences');
    const es = config.earlyStopping;
    if (es && (!Number.isInteger(es.patience) || es.patience < 1))
      throw new ConfigError(`early-stopping patience must be a positive integer, got ${es.patience}`);
    this.epochs = epochs;
    this.T = Math.max(maxLength(train), maxLength(val));
    this.optimizer = makeOptimizer(config.optimizer ?? trainDefaults.optimizer, model.table.data, model.table.grad);
    this.schedule = makeSchedule(config.schedule, this.optimizer);
    const stepOptions: StepOptions = { clipNorm: config.clipNorm, classWeights: config.classWeights };
    this.step = config.makeStep ? config.makeStep(model, this.optimizer, stepOptions) : new TrainStep(model, this.optimizer, stepOptions);
    this.batcher = new Batcher(train, stepWidth(model.options), model.options.headOn, batchSize, this.T);
    this.seed = config.seed ?? DEFAULTS.seed;
    this.history.push(...(config.history ?? []));
    if (this.epochsDone >= epochs)
      throw new ConfigError(`the checkpoint has already trained ${this.epochsDone} epochs; ask for more than ${this.epochsDone} epochs`);
  }

  /**
   * Epochs trained so far: the last record's epoch, not the record count, since a history resumed
   * from a model file keeps only some of the early epochs (src/io/history.ts).
   */
  get epochsDone(): number {
    return this.history.at(-1)?.epoch ?? 0;
  }

  /**
   * Accuracy of always answering the commonest class of the training split, on the validation split
   * (the split the observations compare it with), or on the training split when there is none.
   */
  chance(): number {
    return chanceAccuracy(this.train, this.val.length ? this.val : this.train) || 0;
  }

  /** The run's events; the step's resources (ParallelTrainStep's worker) are released however it ends. */
  *run(): Generator<TrainEvent, EpochRecord[]> {
    try {
      return yield* this.runEpochs();
    } finally {
      this.step.close?.();
    }
  }

  private *runEpochs(): Generator<TrainEvent, EpochRecord[]> {
    const batches = this.batcher.count;
    yield {
      type: 'train_start',
      epochs: this.epochs,
      batchesPerEpoch: batches,
      batchSize: this.batcher.batchSize,
      trainSize: this.train.length,
      valSize: this.val.length,
      parameters: this.model.parameterCount,
      threads: this.step.threadsFor(Math.min(this.batcher.batchSize, this.train.length), this.T),
    };
    const chance = this.chance();
    yield* epochLoop<EpochRecord, EpochEvent>(
      {
        model: this.model,
        optimizer: this.optimizer,
        schedule: this.schedule,
        seed: this.seed,
        epochs: this.epochs,
        epochsDone: this.epochsDone,
        batches,
        clipNorm: this.config.clipNorm,
        earlyStopping: this.config.earlyStopping,
        shuffle: (seed) => {
          this.batcher.shuffle(new Rng(seed));
          this.step.reseedDropout(seed);
        },
        step: (k) => {
          const b = this.batcher.batch(k);
          return this.step.run(b.x, b.targets, b.lengths);
        },
        endEpoch: ({ accuracy, ...sums }) => {
          const v = this.val.length ? evaluate(this.model, this.val, 256, this.T) : { loss: NaN, accuracy: NaN };
          const record: EpochRecord = {
            epoch: sums.epoch,
            loss: sums.loss,
            trainAccuracy: accuracy,
            valLoss: v.loss,
            valAccuracy: v.accuracy,
            lr: sums.lr,
            gradNormMean: sums.gradNormMean,
            gradNormMax: sums.gradNormMax,
            clippedFraction: sums.clippedFraction,
            seconds: sums.seconds,
          };
          const observation = observe([...this.history, record], chance, this.model.options.numClasses);
          return { record, event: { type: 'epoch', epochs: this.epochs, ...record, observation } };
        },
      },
      this.history,
    );
    return this.history;
  }
}
