/**
 * Training and evaluation with real-valued targets: batches of values with a mask (padded steps and
 * steps without a value count for nothing), the training step with a regression loss (MSELoss, L1Loss,
 * HuberLoss, SmoothL1Loss), evaluation in the target's units (RMSE, MAE, R²), and the training loop
 * as a generator of events, as the classification trainer is.
 */
import { alloc, type Buf, type Tensor } from '../tensor/buf.js';
import { Rng } from '../tensor/rng.js';
import type { SequenceModel } from '../nn/model.js';
import type { Optimizer } from '../optim/optimizer.js';
import { clipGradNorm, totalNorm } from '../optim/clip.js';
import { regressionLoss, TORCH_NAMES, type RegressionLoss, type RegressionLossSpec } from '../loss/regression.js';
import { maxLength, type Sequence, type Target } from '../data/dataset.js';
import { SequenceBatches } from '../data/batcher.js';
import { denormalize, regressionMetrics, type RegressionMetrics, type TargetNormalization } from '../data/regression.js';
import { ConfigError } from '../errors.js';
import { DEFAULTS } from '../defaults.js';
import { makeOptimizer, makeSchedule } from './optimizer-spec.js';
import type { TrainConfig } from './trainer.js';
import type { BatchEvent, TrainEndEvent, TrainStartEvent } from './events.js';
import type { LRSchedule } from '../optim/schedule.js';
import { epochLoop } from './loop.js';

/** A batch: x [T, B, I], values and mask laid out as the head's output ([T, B, K] or [B, K]), lengths [B]. */
export interface ValueBatch {
  x: Tensor;
  values: Float32Array;
  mask: Uint8Array;
  lengths: Int32Array | null;
  items: Sequence[];
}

/** Batches of real-valued targets (K per row), padded to T (the longest sequence unless given). */
export class ValueBatcher extends SequenceBatches<ValueBatch> {
  constructor(
    seqs: readonly Sequence[],
    I: number,
    readonly K: number,
    target: Target,
    batchSize: number,
    T?: number,
  ) {
    super(seqs, I, target, batchSize, T);
  }

  batch(k: number): ValueBatch {
    const { T, I, K } = this;
    const B = this.sizeOf(k);
    const x = new Float32Array(T * B * I); // (T, B, I)
    const rows = this.target === 'steps' ? T * B : B;
    const values = new Float32Array(rows * K); // (T, B, K) or (B, K)
    const mask = new Uint8Array(rows * K);
    const lengths = new Int32Array(B);
    const { items, ragged } = this.gather(k, x, lengths);
    items.forEach((s, j) => {
      const put = (row: number, src: number) => {
        for (let c = 0; c < K; c++) {
          const v = s.v![src * K + c]!;
          if (Number.isNaN(v)) continue;
          values[row * K + c] = v;
          mask[row * K + c] = 1;
        }
      };
      if (this.target === 'steps') for (let t = 0; t < s.length; t++) put(t * B + j, t);
      else put(j, 0);
    });
    return { x: { data: x, shape: [T, B, I] }, values, mask, lengths: ragged ? lengths : null, items };
  }
}

export interface ValueStepResult {
  loss: number;
  gradNorm: number;
  /** Values counted. */
  counted: number;
}

/** One training step on a batch of values: forward, the loss over the kept values, backward, clipping, update. */
export class ValueStep {
  private readonly loss: RegressionLoss;
  private readonly d = new Map<number, Buf>();

  constructor(
    readonly model: SequenceModel,
    readonly optimizer: Optimizer,
    loss: RegressionLossSpec,
    readonly clipNorm: number | null = null,
  ) {
    this.loss = regressionLoss(loss);
  }

  run(b: ValueBatch): ValueStepResult {
    const m = this.model;
    m.table.zeroGrad();
    const out = m.forward(b.x, { lengths: b.lengths, training: true }).logits.data;
    let d = this.d.get(out.length);
    if (!d) this.d.set(out.length, (d = alloc(m.table.dtype, out.length)));
    const loss = this.loss(out, b.values, out.length, d, b.mask);
    m.backward(d, { needInputGrad: false });
    const g = m.table.grad;
    const gradNorm = this.clipNorm !== null ? clipGradNorm(g, this.clipNorm) : totalNorm(g, 2);
    if (Number.isFinite(loss) && Number.isFinite(gradNorm)) this.optimizer.step();
    let counted = 0;
    for (let i = 0; i < b.mask.length; i++) counted += b.mask[i]!;
    return { loss, gradNorm, counted };
  }
}

/** Predictions of `model` over `seqs` in the target's units, beside the truth (NaN where there is none), K per row. */
export interface ValuePredictions {
  /** Per sequence, its rows of K predicted values (one row per step, or one), in the target's units (its offset added). */
  pred: Float64Array[];
  truth: Float64Array[];
  /** The same, standardised, as the model and the loss see them. */
  predZ: Float64Array[];
  truthZ: Float64Array[];
}

/** Runs `model` (eval mode) over `seqs` and returns its values in the target's units. */
export function predictValues(model: SequenceModel, seqs: readonly Sequence[], tn: TargetNormalization, T?: number): ValuePredictions {
  const o = model.options;
  const K = o.numClasses;
  const batcher = new ValueBatcher(seqs, o.inputSize, K, o.headOn, 256, T);
  const pred: Float64Array[] = [];
  const truth: Float64Array[] = [];
  const predZ: Float64Array[] = [];
  const truthZ: Float64Array[] = [];
  for (let k = 0; k < batcher.count; k++) {
    const b = batcher.batch(k);
    const out = model.forward(b.x, { lengths: b.lengths, noGrad: true }).logits.data;
    const B = b.items.length;
    b.items.forEach((s, j) => {
      const rows = o.headOn === 'steps' ? s.length : 1;
      const p = new Float64Array(rows * K);
      const t = new Float64Array(rows * K);
      const pz = new Float64Array(rows * K);
      const tz = new Float64Array(rows * K);
      const off = s.offset ?? 0;
      for (let r = 0; r < rows; r++) {
        const row = o.headOn === 'steps' ? r * B + j : j;
        for (let c = 0; c < K; c++) {
          pz[r * K + c] = out[row * K + c]!;
          tz[r * K + c] = s.v ? s.v[r * K + c]! : NaN;
          p[r * K + c] = denormalize(pz[r * K + c]!, c, tn) + off;
          t[r * K + c] = denormalize(tz[r * K + c]!, c, tn) + off;
        }
      }
      pred.push(p);
      truth.push(t);
      predZ.push(pz);
      truthZ.push(tz);
    });
  }
  return { pred, truth, predZ, truthZ };
}

function concat(parts: Float64Array[]): Float64Array {
  const out = new Float64Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) (out.set(p, o), (o += p.length));
  return out;
}

/** The model's RMSE, MAE and R² over `seqs`, in the target's units, and its loss there (standardised units, as trained). */
export function evaluateValues(
  model: SequenceModel,
  seqs: readonly Sequence[],
  tn: TargetNormalization,
  loss: RegressionLossSpec,
  T?: number,
): RegressionMetrics & { loss: number } {
  const r = predictValues(model, seqs, tn, T);
  const [p, t, pz, tz] = [concat(r.pred), concat(r.truth), concat(r.predZ), concat(r.truthZ)];
  const mask = Uint8Array.from(t, (v) => (Number.isNaN(v) ? 0 : 1));
  return { ...regressionMetrics(p, t), loss: regressionLoss(loss)(pz, tz, pz.length, null, mask) };
}

/** What one epoch of a regression run measured; RMSE and MAE are in the target's units. */
export interface ValueEpochRecord {
  epoch: number;
  /** Mean training loss (standardised units), weighted by counted values. */
  loss: number;
  trainRmse: number;
  valLoss: number;
  valRmse: number;
  valMae: number;
  valR2: number;
  lr: number;
  gradNormMean: number;
  gradNormMax: number;
  clippedFraction: number;
  seconds: number;
}

export interface ValueEpochEvent extends ValueEpochRecord {
  type: 'value_epoch';
  epochs: number;
  /** The held-out RMSE of always answering the training mean, the first baseline to beat. */
  meanRmse: number;
  observation: { kind: string; text: string };
}

export type ValueTrainEvent = TrainStartEvent | BatchEvent | ValueEpochEvent | TrainEndEvent;

export interface ValueTrainConfig extends Omit<TrainConfig, 'classWeights' | 'history' | 'makeStep' | 'threads'> {
  loss?: RegressionLossSpec;
}

/** The training loop for real-valued targets, as Trainer's: batch order from (seed, epoch), early stopping, a non-finite stop. */
export class ValueTrainer {
  readonly optimizer: Optimizer;
  readonly schedule: LRSchedule | null;
  readonly history: ValueEpochRecord[] = [];
  readonly loss: RegressionLossSpec;
  private readonly step: ValueStep;
  private readonly batcher: ValueBatcher;
  private readonly T: number;

  constructor(
    readonly model: SequenceModel,
    readonly train: readonly Sequence[],
    readonly val: readonly Sequence[],
    readonly tn: TargetNormalization,
    readonly config: ValueTrainConfig = {},
  ) {
    const epochs = config.epochs ?? DEFAULTS.epochs;
    const batchSize = config.batchSize ?? DEFAULTS.batchSize;
    if (!Number.isInteger(epochs) || epochs < 1) throw new ConfigError(`epochs must be a positive integer, got ${epochs}`);
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new ConfigError(`batch size must be a positive integer, got ${batchSize}`);
    if (train.length === 0) throw new ConfigError('the training split is empty; give more sequences');
    this.loss = config.loss ?? { type: 'mse' };
    this.T = Math.max(maxLength(train), maxLength(val));
    this.optimizer = makeOptimizer(config.optimizer ?? { type: DEFAULTS.optimizer, lr: DEFAULTS.lr }, model.table.data, model.table.grad);
    this.schedule = makeSchedule(config.schedule, this.optimizer);
    this.step = new ValueStep(model, this.optimizer, this.loss, config.clipNorm ?? null);
    const o = model.options;
    this.batcher = new ValueBatcher(train, o.inputSize, o.numClasses, o.headOn, batchSize, this.T);
  }

  /** PyTorch's name of the loss being minimised. */
  get lossName(): string {
    return TORCH_NAMES[this.loss.type];
  }

  *run(): Generator<ValueTrainEvent, ValueEpochRecord[]> {
    const cfg = this.config;
    const epochs = cfg.epochs ?? DEFAULTS.epochs;
    const batches = this.batcher.count;
    yield {
      type: 'train_start',
      epochs,
      batchesPerEpoch: batches,
      batchSize: this.batcher.batchSize,
      trainSize: this.train.length,
      valSize: this.val.length,
      parameters: this.model.parameterCount,
      threads: 1,
    };
    const meanRmse = this.val.length ? meanBaseline(this.val, this.tn, trainingMean(this.train, this.tn)).rmse : NaN;
    yield* epochLoop<ValueEpochRecord, ValueEpochEvent>(
      {
        model: this.model,
        optimizer: this.optimizer,
        schedule: this.schedule,
        seed: cfg.seed ?? DEFAULTS.seed,
        epochs,
        epochsDone: 0,
        batches,
        clipNorm: cfg.clipNorm,
        earlyStopping: cfg.earlyStopping,
        shuffle: (seed) => {
          this.batcher.shuffle(new Rng(seed));
          this.model.rnn.reseedDropout(seed);
        },
        step: (k) => this.step.run(this.batcher.batch(k)),
        endEpoch: (sums) => {
          const v = this.val.length
            ? evaluateValues(this.model, this.val, this.tn, this.loss, this.T)
            : { loss: NaN, rmse: NaN, mae: NaN, r2: NaN, count: 0 };
          const record: ValueEpochRecord = {
            epoch: sums.epoch,
            loss: sums.loss,
            trainRmse: evaluateValues(this.model, this.train, this.tn, this.loss, this.T).rmse,
            valLoss: v.loss,
            valRmse: v.rmse,
            valMae: v.mae,
            valR2: v.r2,
            lr: sums.lr,
            gradNormMean: sums.gradNormMean,
            gradNormMax: sums.gradNormMax,
            clippedFraction: sums.clippedFraction,
            seconds: sums.seconds,
          };
          const observation = observeValues([...this.history, record], meanRmse);
          return { record, event: { type: 'value_epoch', epochs, ...record, meanRmse, observation } };
        },
      },
      this.history,
    );
    return this.history;
  }
}

/** The training split's mean of each output, in the target's units (offsets added back). */
export function trainingMean(train: readonly Sequence[], tn: TargetNormalization): number[] {
  const K = tn.mean.length;
  const sum = new Float64Array(K);
  const n = new Float64Array(K);
  for (const s of train)
    s.v!.forEach((z, i) => {
      if (Number.isNaN(z)) return;
      sum[i % K]! += denormalize(z, i % K, tn) + (s.offset ?? 0);
      n[i % K]!++;
    });
  return Array.from(sum, (v, k) => v / n[k]!);
}

/** Always answering `mean` (the training mean of each output, in units), scored on `seqs` in the target's units. */
export function meanBaseline(seqs: readonly Sequence[], tn: TargetNormalization, mean: readonly number[]): RegressionMetrics {
  const K = tn.mean.length;
  const pred: number[] = [];
  const truth: number[] = [];
  for (const s of seqs)
    s.v!.forEach((z, i) => {
      pred.push(mean[i % K]!);
      truth.push(denormalize(z, i % K, tn) + (s.offset ?? 0));
    });
  return regressionMetrics(pred, truth);
}

/**
 * The observation of a regression epoch, from its numbers: learning starts (below the mean's error),
 * improving, plateau, overfitting, diverging, a setback, or not learning (no better than the training
 * mean). The alarms need evidence a healthy run cannot show (as in observe.ts): diverging is a training
 * error 1.5 times the training mean's, or a loss that rose three epochs running by more than 10% in all;
 * overfitting is held-out RMSE 3% above its best for three epochs while training RMSE kept falling below
 * its level there; one epoch whose loss rose is a setback.
 */
export function observeValues(history: readonly ValueEpochRecord[], meanRmse: number): { kind: string; text: string } {
  const n = history.length;
  const cur = history[n - 1]!;
  const prev = n > 1 ? history[n - 2]! : null;
  const f = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(1) : v.toPrecision(3));
  const vsMean = `the training mean's ${f(meanRmse)}`;
  if (cur.trainRmse > 1.5 * meanRmse)
    return {
      kind: 'diverging',
      text: `Diverging: training RMSE ${f(cur.trainRmse)} is worse than predicting ${vsMean}; the learning rate (${cur.lr}) is too high.`,
    };
  if (!prev) {
    return cur.valRmse < 0.95 * meanRmse
      ? { kind: 'starts', text: `Learning starts: held-out RMSE ${f(cur.valRmse)}, below ${vsMean}.` }
      : { kind: 'no_learning', text: `Not learning yet: held-out RMSE ${f(cur.valRmse)} is no better than ${vsMean}.` };
  }
  const dLoss = (cur.loss - prev.loss) / prev.loss;
  const run = history.slice(-4);
  if (run.length === 4 && run.every((e, i) => i === 0 || e.loss > run[i - 1]!.loss) && cur.loss > run[0]!.loss * 1.1)
    return {
      kind: 'diverging',
      text: `Diverging: training loss rose three epochs running, by ${(100 * (cur.loss / run[0]!.loss - 1)).toFixed(0)}%; the learning rate may be too high.`,
    };
  if (dLoss > 0.02)
    return {
      kind: 'setback',
      text: `Setback: training loss rose ${(100 * dLoss).toFixed(0)}% this epoch; one epoch like this is noise, several in a row are not.`,
    };
  let best = 0;
  for (let i = 1; i < n; i++) if (history[i]!.valRmse < history[best]!.valRmse) best = i;
  const b = history[best]!;
  const fits = cur.trainRmse < 0.75 * meanRmse; // a run that fits nothing is not overfitting
  if (fits && best <= n - 4 && history.slice(-3).every((e) => e.valRmse > b.valRmse * 1.03) && cur.trainRmse < b.trainRmse)
    return {
      kind: 'overfitting',
      text: `Overfitting: held-out RMSE rose from its best, ${f(b.valRmse)} at epoch ${b.epoch}, to ${f(cur.valRmse)}, while training RMSE fell to ${f(cur.trainRmse)}.`,
    };
  if (cur.valRmse >= 0.95 * meanRmse)
    return { kind: 'no_learning', text: `Not learning: held-out RMSE ${f(cur.valRmse)} stays near ${vsMean}.` };
  if (cur.valRmse < prev.valRmse * 0.99)
    return {
      kind: 'improving',
      text: `Improving: held-out RMSE down to ${f(cur.valRmse)} (R² ${cur.valR2.toFixed(2)}), against ${vsMean}.`,
    };
  return {
    kind: 'plateau',
    text: `Plateau: held-out RMSE ${f(cur.valRmse)} barely moved; more epochs or a higher learning rate may help.`,
  };
}
