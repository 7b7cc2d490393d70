/**
 * What the page and the worker say to each other. The worker owns the models; the page sends
 * commands and receives snapshots of what the engine computed (plain JSON: numbers as the engine
 * gave them, never recomputed by a view).
 */
import type {
  CellStep,
  DataEvent,
  DataFlow,
  EpochEvent,
  Evaluation,
  MemoryComparison,
  PredictionTrace,
  ResolvedModelOptions,
} from '../../../src/internal.js';
import type { Question } from '../../../src/explain/quiz/index.js';
import type { SweepResult } from '../../../src/explain/sweep.js';
import type { Settings } from '../settings.js';
import type { ValueEpochEvent } from '../../../src/train/regress.js';
import type { Scored } from '../../../src/explain/regression-job.js';
import type { ValueInsight } from '../../../src/explain/value-views.js';
import type { ValueHead } from '../../../src/explain/value-math.js';
import type { ClassReport } from '../../../src/train/class-report.js';
import type { CellsRequest, CellsState, GenerateRequest, GenerateState } from './text-protocol.js';

export type Status = 'preparing' | 'ready' | 'training' | 'paused' | 'done' | 'failed';
/** How fast Play trains: slow (a few batches a second), normal (the whole run in about 20 s), fast (as fast as it goes). */
export type Speed = 'slow' | 'normal' | 'fast';

/** Where training stands. `batchesDone` counts every batch trained since the initial weights. */
export interface TrainProgress {
  epochs: number;
  batchesPerEpoch: number;
  batchSize: number;
  trainSize: number;
  valSize: number;
  epoch: number;
  batch: number;
  batchesDone: number;
  /** Of those, the batches shared with a second Web Worker (two threads: web/src/runner/two-threads.ts). */
  sharedBatches: number;
  /** The train_end event's reason and message, once training has ended. */
  reason: 'done' | 'early_stop' | 'nonfinite' | null;
  message: string | null;
  seconds: number;
}

export interface Insight {
  status: 'waiting' | 'running' | 'done';
  /** Epoch of the memoryless model's training, while it runs. */
  epoch: number;
  epochs: number;
  comparison: MemoryComparison | null;
}

export interface Playground {
  /** Raw (unnormalised) features, [T, I] row-major, as the user edited them. */
  values: number[];
  /** The raw values of the traced test sequence: the "reset" of the playground. */
  original: number[];
  /** Per feature, the smallest and largest raw value in the data: the drag range. */
  ranges: { min: number; max: number }[];
  /** The engine's trace of the playground sequence (normalised with the training split's statistics). */
  trace: PredictionTrace;
}

/** Everything the views show about the current model. One per settings; `id` counts sessions. */
export interface SessionSnapshot {
  id: number;
  key: string;
  settings: Settings;
  source: 'precomputed' | 'live';
  status: Status;
  data: DataEvent;
  model: { options: ResolvedModelOptions; parameters: number; tensors: { name: string; shape: number[] }[] };
  /** Sequences in the test split (what the step-through can pick from). */
  testCount: number;
  /** The test sequence traced (selectable), and the one the CLI traces (its label changes). */
  traceIndex: number;
  defaultTraceIndex: number;
  flowInitial: DataFlow;
  flow: DataFlow;
  train: TrainProgress;
  history: EpochEvent[];
  /** Every batch's training loss, in order. */
  losses: number[];
  trace: PredictionTrace;
  /** The trace the quiz asks about: the default test sequence, as `rnnscope quiz` does. */
  test: Evaluation | null;
  /** The engine's per-class report on the test split (classReport, as `rnnscope train` prints it), once trained. */
  report: ClassReport | null;
  insight: Insight;
  quiz: Question[] | null;
  /** The state dict's values by name (for the Math mode), or null for models too big to ship each update. */
  weights: Record<string, number[]> | null;
  playground: Playground;
  speed: Speed;
  /** False when the learner switched memory off: the trace and the playground reset h to zero before every step. */
  memory: boolean;
  /** True while "skip to the end" trains without showing each batch. */
  skipping: boolean;
  /** A text model: its class names (a language model's are its tokens) and the traced sequence's characters (traceWords); else null. */
  words: { classes: string[]; inputs: string[]; column?: string } | null;
}

export interface CompareRow {
  mode: ResolvedModelOptions['mode'];
  label: string;
  parameters: number;
  history: { epoch: number; loss: number; valAccuracy: number }[];
  losses: number[];
  batchesDone: number;
  batchesTotal: number;
  testAccuracy: number | null;
  /** memoryWorth of this cell (test accuracy minus the better of reset and memoryless), once measured. */
  gain: number | null;
  seconds: number;
}

export interface CompareState {
  key: string;
  status: 'running' | 'done' | 'failed';
  rows: CompareRow[];
  /** The run's own cell: its row's memory figure is the key insight's. */
  own: ResolvedModelOptions['mode'];
  /** The memoryless model (the own cell trained on single steps) and chance, measured after the three. */
  memoryless: { status: 'waiting' | 'running' | 'done'; label: string; accuracy: number | null; parameters: number; chance: number | null };
  /** The engine's sentences: what the own cell's memory is worth (lead, figure, tail) and the verdict on the gaps. */
  memory: [string, string, string] | null;
  verdict: string | null;
  task: string;
  message: string | null;
}

/** One cell of the forecasters' comparison: its progress over every seed, then its errors in the target's units. */
export interface ValueCompareRow {
  mode: ResolvedModelOptions['mode'];
  label: string;
  parameters: number;
  /** Batches trained over every seed, of `batchesTotal`. */
  batchesDone: number;
  batchesTotal: number;
  /** The first seed's training loss of every batch (MSE on the normalised target). */
  losses: number[];
  /** Held-out RMSE after the first seed's last epoch so far. */
  valRmse: number | null;
  /** Test RMSE and MAE of the first seed's model, then of every seed (as they finish). */
  rmse: number | null;
  mae: number | null;
  seedRmses: number[];
  /** Once every model is measured: the mean and sd of the RMSE over seeds, the mean MAE, and memoryWorth on errors. */
  meanRmse: number | null;
  meanMae: number | null;
  spread: number | null;
  gain: number | null;
  seconds: number;
}

/** RNN, LSTM and GRU trained on a forecaster's windows, side by side, beside the baselines (compareValueCells). */
export interface ValueCompareState {
  key: string;
  status: 'running' | 'done' | 'failed';
  target: string;
  seeds: number;
  own: ResolvedModelOptions['mode'];
  rows: ValueCompareRow[];
  memoryless: { status: 'waiting' | 'running' | 'done'; label: string; parameters: number };
  /** Persistence, seasonal naive, the training mean and the memoryless model, once measured. */
  baselines: Scored[] | null;
  /** The engine's sentences: the verdict on the gaps between cells, and the best cell against the best baseline. */
  verdict: string | null;
  beside: string | null;
  message: string | null;
}

/** The memory sweep the learner asked for (the rest of its budget is the engine's SWEEP_DEFAULTS). */
export interface SweepRequest {
  delays: number[];
  seeds: number;
  epochs: number;
  count: number;
}

/** The memory sweep as it runs in the worker, and its result (every number the engine's). */
export interface SweepState {
  request: SweepRequest;
  status: 'running' | 'done';
  cells: { mode: ResolvedModelOptions['mode']; label: string; parameters: number }[];
  batchesDone: number;
  batchesTotal: number;
  runsDone: number;
  runs: number;
  current: { k: number; label: string; seed: number } | null;
  /** The sweep's result without its runs (their profiles are summarised in `gradient`), and the verdicts in words. */
  result: (Omit<SweepResult, 'runs'> & { sentences: { k: number; level: boolean; text: string }[] }) | null;
}

export type Command =
  | {
      type: 'configure';
      settings: Settings;
      /** An upload; a text upload (a .txt file, or a table with `textCol`) carries its bytes, checked as UTF-8 as the CLI does. */
      upload?: { name: string; text: string; bytes?: ArrayBuffer; textCol?: string };
      autoplay: boolean;
      traceIndex: number | null;
      playground: number[] | null;
      speed: Speed;
      memory?: boolean;
      mode?: string;
    }
  | { type: 'play' }
  | { type: 'pause' }
  | { type: 'step' }
  | { type: 'reset' }
  | { type: 'speed'; speed: Speed }
  | { type: 'select'; traceIndex: number | null }
  | { type: 'playground'; values: number[] | null }
  | { type: 'compare' }
  | { type: 'sweep'; request: SweepRequest }
  | { type: 'download' }
  /** Trains to the end as fast as it goes, showing only the end. */
  | { type: 'skip' }
  /** The mode on screen: while training, views of other modes are recomputed only when shown. */
  | { type: 'mode'; mode: string }
  /** Memory on or off for the trace and the playground (h reset before every step when off). */
  | { type: 'memory'; on: boolean }
  /**
   * The page drew the last update (in `ms`, from applying it to after its paint): the worker may send
   * the next, no sooner than a few times that after, so drawing takes a small share of the page's time.
   */
  | { type: 'drawn'; ms?: number }
  /** The learner pressed a key or the pointer: training rests a moment so that the page answers first. */
  | { type: 'input' }
  /** A text model's cell pictures, and a sample streamed from a language model (stoppable). */
  | { type: 'cells'; request: CellsRequest }
  | { type: 'generate'; request: GenerateRequest }
  | { type: 'generate-stop' };

/** A patch replaces the named fields of the current snapshot; `losses` are appended. */
export type Patch = Partial<Omit<SessionSnapshot, 'losses'>> & { addLosses?: number[] };

/**
 * A model of real-valued targets (the oscillation task, an uploaded series): everything its modes show,
 * as the engine computed it (web/src/runner/values.ts). Posted whole under the same flow control.
 */
export interface ValueState {
  key: string;
  settings: Settings;
  status: Status;
  name: string;
  description: string;
  target: string;
  window: number;
  /** The rest of the windowing, and the training split's normalisation of the first input column and of the target (Code mode). */
  windowing: {
    horizon: number;
    season: number | null;
    columns: string[];
    timeCol: string | null;
    targetNorm: { mean: number; std: number };
    inputNorm: { mean: number; std: number };
  };
  sizes: { train: number; val: number; test: number };
  /** Where validation and test begin in the series (rows). */
  parts: { a: number; b: number };
  /** The series' time labels (null: steps are numbered) and its target's values. */
  labels: string[] | null;
  series: number[];
  model: { options: ResolvedModelOptions; parameters: number };
  epochs: number;
  history: (Omit<ValueEpochEvent, 'type' | 'observation'> & { observation: string })[];
  losses: number[];
  flow: DataFlow;
  /** The step-through's test window: the target's raw values and h_t (last layer) per step, the prediction, the truth, the last value. */
  trace: {
    id: string;
    steps: { x: number; h: number[] }[];
    predicted: number;
    truth: number | null;
    last: number | null;
    /** For Math: layer 1's record of each step, the input as the model reads it (normalised), its normalisation, and the output layer's numbers. */
    math: { cells: CellStep[]; x: number[]; inputNorm: { mean: number; std: number }; head: ValueHead };
  } | null;
  /** Every test window's one-step forecast beside the truth and the last value (once trained). */
  rows: { time: string; truth: number; predicted: number; persistence: number }[] | null;
  /** The forecast after the series' end (once trained). */
  forecast: { time: string; value: number; method: 'direct' | 'recursive' }[] | null;
  test: { model: Scored; baselines: Scored[]; reset: number } | null;
  insight: ValueInsight | null;
  quiz: Question[] | null;
  message: string | null;
  /** The test window traced, and the playground's edit of its values with the model's prediction for it. */
  seq: number;
  playground: number[] | null;
  playgroundPrediction: number | null;
}

export type WorkerEvent =
  | { type: 'session'; snapshot: SessionSnapshot }
  | { type: 'values'; state: ValueState }
  | { type: 'patch'; id: number; patch: Patch }
  | { type: 'compare'; state: CompareState }
  | { type: 'value-compare'; state: ValueCompareState }
  | { type: 'sweep'; state: SweepState }
  | { type: 'cells'; state: CellsState }
  | { type: 'generate'; state: GenerateState }
  | { type: 'upload-error'; message: string }
  | { type: 'error'; message: string }
  | { type: 'model-file'; bytes: Uint8Array; name: string };
