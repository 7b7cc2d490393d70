/**
 * `rnnscope/internal`: the public API and the pieces the explorer, the bench and the tests use besides
 * (formatting, kernels and their switches, the parts of the views). No promise of stability: what a
 * user needs is in src/index.ts and the README.
 */
export * from './index.js';
export { num, tidy, f2, f3, f4, pct, wholePct, points, vec, rowsSample, shape, dims, seconds } from './format.js';
export { recurrentSpecs } from './nn/recurrent.js';
export { ParamTable, type ParamSpec, type ParamEntry } from './nn/params.js';
export { countCorrect } from './train/step.js';
export { trainDefaults } from './train/trainer.js';
export { observe } from './train/observe.js';
export { trend, count, delay } from './data/tasks.js';
export { maxLength } from './data/dataset.js';
export { dataFormat, columnOptions, type ColumnFlags } from './data/read.js';
export { encodeRun, runMeta, type RunSource } from './io/run-file.js';
export { checkStateDict } from './io/safetensors.js';
export { Rng } from './tensor/rng.js';
export { gemm, gemmRef, setGemmBackend, gemmBackend, gemmDispatch, type GemmBackend } from './tensor/gemm.js';
export { alloc, allocations } from './tensor/buf.js';
export { dataEvent, modelOptions } from './pipeline.js';
export { memoryWords, memorySentence, stepsAlone, chanceAccuracy } from './explain/insight.js';
export { comparedCells, memorylessLabel, verdictOf, verdictSentence, bestSentence } from './explain/compare.js';
export { quizPool, modelFacts, parseChoice } from './explain/quiz/index.js';
export { VALUE_TASKS } from './data/value-tasks.js';
export { readSeries } from './data/series.js';
export { prepareSeries, runValues } from './explain/regression-job.js';
