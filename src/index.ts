/**
 * rnnscope: train, run and understand recurrent networks, with PyTorch's exact semantics.
 * The public API; every name here is documented in the README. What the explorer, the bench and the
 * tests use besides is in src/internal.ts (`rnnscope/internal`), with no promise of stability.
 */
export { DEFAULTS } from './defaults.js';
export {
  RNN,
  LSTM,
  GRU,
  Recurrent,
  type ForwardOptions,
  type RecurrentResult,
  type RecurrentGrads,
  type BackwardInput,
  type ModuleInit,
} from './nn/recurrent.js';
export { SequenceModel, type SequenceModelOptions, type ResolvedModelOptions, type ModelResult, type HeadOn } from './nn/model.js';
export { Linear, type LinearOptions } from './nn/linear.js';
export { Stream } from './nn/stream.js';
export { TokenInput, type TokenOptions, type ResolvedTokens } from './nn/embedding.js';
export { sample, nextTokenDistribution, type SampleOptions, type SampledToken } from './nn/sample.js';
export { MODES, type Mode, type RecurrentOptions } from './nn/options.js';
export { CELLS, cellOf, cellInfo, parseCell, type Cell, type CellInfo, type Gate } from './nn/cells/index.js';
export {
  crossEntropy,
  mse,
  l1,
  huber,
  smoothL1,
  regressionLoss,
  REGRESSION_LOSSES,
  softmaxRows,
  argmaxRow,
  type CrossEntropyOptions,
  type RegressionLossSpec,
} from './loss/index.js';
export * from './optim/index.js';
export { TrainStep, type StepOptions, type StepResult } from './train/step.js';
export { Trainer, type TrainConfig } from './train/trainer.js';
export { evaluate, type Evaluation } from './train/evaluate.js';
export {
  makeOptimizer,
  makeSchedule,
  OPTIMIZERS,
  type OptimizerSpec,
  type OptimizerName,
  type ScheduleSpec,
} from './train/optimizer-spec.js';
export type { TrainEvent, TrainStartEvent, BatchEvent, EpochEvent, EpochRecord, TrainEndEvent } from './train/events.js';
export type { Observation, ObservationKind } from './train/observe.js';
export { predictSequences, type Prediction } from './train/infer.js';
export { TASKS, getTask, type Task, type TaskOptions } from './data/tasks.js';
export {
  split,
  fitNormalization,
  applyNormalization,
  type Dataset,
  type Sequence,
  type Split,
  type Normalization,
  type Target,
} from './data/dataset.js';
export { Batcher, type Batch } from './data/batcher.js';
export { readDataText } from './data/read.js';
export { readCsv } from './data/csv.js';
export type { CsvOptions } from './data/csv-columns.js';
export type { ReadOptions } from './data/read-options.js';
export { readJson } from './data/json.js';
export { encodeModel, decodeModel, type ModelMeta } from './io/model.js';
export type { RunMeta } from './io/run-meta.js';
export { encodeSafetensors, decodeSafetensors } from './io/safetensors.js';
export type { Buf, DType, Tensor } from './tensor/buf.js';
export { loadWasm } from './tensor/wasm/module.js';
export { RnnscopeError, ConfigError, ShapeError, ModelFileError, DataError } from './errors.js';
export {
  runPipeline,
  prepare,
  type PipelineOptions,
  type PipelineEvent,
  type PipelineResult,
  type Prepared,
  type ModelChoice,
  type DataEvent,
  type ModelEvent,
} from './pipeline.js';
export { predictionTrace, interestingIndex, type PredictionTrace, type StepTrace, type CellStep } from './explain/predict.js';
export { dataFlow, type DataFlow, type FlowStage } from './explain/flow.js';
export { compareMemory, memoryWorth, type MemoryComparison } from './explain/insight.js';
export {
  compareCells,
  type CompareOptions,
  type CompareEvent,
  type CompareResult,
  type CompareRow,
  type Verdict,
} from './explain/compare.js';
export {
  memorySweep,
  SWEEP_DEFAULTS,
  type SweepOptions,
  type SweepEvent,
  type SweepResult,
  type SweepRun,
  type SweepPoint,
  type SweepGradient,
} from './explain/sweep.js';
export { gradientThroughTime, type GradientProfile } from './explain/gradient.js';
export { makeQuiz, type Question, type QuizInput } from './explain/quiz/index.js';
