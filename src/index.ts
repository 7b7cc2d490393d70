/**
 * rnnscope: train, run and understand recurrent networks, with PyTorch's exact semantics.
 * The public API; every name here is documented in the README.
 */
export { DEFAULTS } from './defaults.js';
export { num, tidy, f2, f3, f4, pct, wholePct, points, vec, rowsSample, shape, dims, seconds } from './format.js';
export { RNN, LSTM, GRU, Recurrent, recurrentSpecs, type ForwardOptions, type RecurrentResult, type RecurrentGrads, type BackwardInput, type ModuleInit } from './nn/recurrent.js';
export { SequenceModel, type SequenceModelOptions, type ResolvedModelOptions, type ModelResult, type HeadOn } from './nn/model.js';
export { Linear, type LinearOptions } from './nn/linear.js';
export { ParamTable, type ParamSpec, type ParamEntry } from './nn/params.js';
export { MODES, type Mode, type RecurrentOptions } from './nn/options.js';
export { CELLS, cellOf, parseCell, type Cell, type Gate } from './nn/cells/index.js';
export { crossEntropy, mse, softmaxRows, argmaxRow, type CrossEntropyOptions } from './loss/index.js';
export * from './optim/index.js';
export { TrainStep, countCorrect, type StepOptions, type StepResult } from './train/step.js';
export { Trainer, trainDefaults, type TrainConfig } from './train/trainer.js';
export { evaluate, type Evaluation } from './train/evaluate.js';
export { makeOptimizer, makeSchedule, OPTIMIZERS, type OptimizerSpec, type OptimizerName, type ScheduleSpec } from './train/optimizer-spec.js';
export type { TrainEvent, TrainStartEvent, BatchEvent, EpochEvent, EpochRecord, TrainEndEvent } from './train/events.js';
export { observe, type Observation, type ObservationKind } from './train/observe.js';
export { TASKS, getTask, trend, count, delay, type Task, type TaskOptions } from './data/tasks.js';
export { split, fitNormalization, applyNormalization, maxLength, type Dataset, type Sequence, type Split, type Normalization, type Target } from './data/dataset.js';
export { Batcher, type Batch } from './data/batcher.js';
export { encodeModel, decodeModel, type ModelMeta } from './io/model.js';
export { encodeRun, runMeta, type RunSource } from './io/run-file.js';
export type { RunMeta } from './io/run-meta.js';
export { encodeSafetensors, decodeSafetensors, checkStateDict } from './io/safetensors.js';
export { Rng } from './tensor/rng.js';
export { gemm, gemmRef, setGemmBackend, gemmBackend, gemmDispatch, type GemmBackend } from './tensor/gemm.js';
export { alloc, allocations, type Buf, type DType, type Tensor } from './tensor/buf.js';
export { RnnscopeError, ConfigError, ShapeError, ModelFileError, DataError } from './errors.js';
export { runPipeline, prepare, dataEvent, modelOptions, type PipelineOptions, type PipelineEvent, type PipelineResult, type Prepared, type ModelChoice, type DataEvent, type ModelEvent } from './pipeline.js';
export { predictSequences, type Prediction } from './train/infer.js';
export { predictionTrace, interestingIndex, type PredictionTrace, type StepTrace, type CellStep } from './explain/predict.js';
export { dataFlow, type DataFlow, type FlowStage } from './explain/flow.js';
export { compareMemory, memoryWorth, memoryWords, memorySentence, stepsAlone, chanceAccuracy, type MemoryComparison } from './explain/insight.js';
export { compareCells, comparedCells, memorylessLabel, verdictOf, verdictSentence, bestSentence, LEVEL_GAP, type CompareOptions, type CompareEvent, type CompareResult, type CompareRow, type Verdict } from './explain/compare.js';
export { makeQuiz, quizPool, modelFacts, parseChoice, type Question, type QuizInput } from './explain/quiz/index.js';
export { readCsv } from './data/csv.js';
export type { CsvOptions } from './data/csv-columns.js';
export type { ReadOptions } from './data/read-options.js';
export { readJson } from './data/json.js';
export { readDataText, dataFormat, columnOptions, type ColumnFlags } from './data/read.js';
export { Stream } from './nn/stream.js';
