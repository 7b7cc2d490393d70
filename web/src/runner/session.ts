/**
 * The session: the one model the page is about, its data and its training run, driven one engine
 * event at a time so the worker can play, pause, step one batch and reset between any two batches.
 * Every number it reports comes from the engine (prepare, Trainer, dataFlow, predictionTrace,
 * evaluate, compareMemory, makeQuiz). It runs in the worker, and at build time in Node for the
 * precomputed first paint.
 */
import {
  Trainer,
  applyNormalization,
  compareMemory,
  dataEvent,
  dataFlow,
  encodeRun,
  evaluate,
  interestingIndex,
  predictionTrace,
  prepare,
  readDataText,
  type Dataset,
  type MemoryComparison,
  type Prepared,
  type PredictionTrace,
  type Sequence,
  type TrainEvent,
} from '../../../src/internal.js';
import { makeQuiz, modelFacts } from '../../../src/explain/quiz/index.js';
import { columnOptions } from '../../../src/data/read.js';
import { classReport, commonestClass } from '../../../src/train/class-report.js';
import { traceWords } from '../../../src/explain/text-view.js';
import { pipelineOptions, settingsKey, taskOptions, trainConfig, type Settings } from '../settings.js';
import { makeStep, sharedBatches } from './two-threads.js';
import type { Insight, Patch, SessionSnapshot, Speed, TrainProgress } from './protocol.js';

/** Models up to this many parameters ship their weights with each update (the Math mode shows them). */
const WEIGHTS_LIMIT = 20_000;

export interface SessionInit {
  settings: Settings;
  id: number;
  /** An uploaded dataset, already read (a language model's text also gives its held-out parts). */
  data?: Dataset;
  valData?: Dataset;
  testData?: Dataset;
  traceIndex?: number | null;
  playground?: number[] | null;
  speed?: Speed;
  memory?: boolean;
}

export class Session {
  readonly p: Prepared;
  private readonly initial: Float32Array | Float64Array;
  private trainer!: Trainer;
  private gen!: Generator<TrainEvent, unknown>;
  private insightGen: Generator<TrainEvent, MemoryComparison> | null = null;
  private snap: SessionSnapshot;
  private patch: Patch = {};
  private weightsChanged = false;
  playing = false;
  /** Batches the pace allows before the next one must wait (slow and normal speeds). */
  allowance = 0;
  /** The page's mode, and whether a view it does not show was left out of the last refresh. */
  private watching = 'pipeline';
  private stale = false;

  constructor(readonly init: SessionInit) {
    const s = init.settings;
    this.p = prepare({ ...pipelineOptions(s), data: init.data, valData: init.valData, testData: init.testData });
    this.initial = this.p.model.table.data.slice();
    const test = this.p.split.test;
    const def = interestingIndex(test);
    const idx = init.traceIndex != null && init.traceIndex >= 0 && init.traceIndex < test.length ? init.traceIndex : def;
    const m = this.p.model;
    const original = this.rawOf(test[idx]!);
    const values = init.playground && init.playground.length === original.length ? init.playground : original;
    const memory = init.memory ?? true;
    this.snap = {
      id: init.id,
      key: settingsKey(s),
      settings: s,
      source: 'live',
      status: 'ready',
      data: dataEvent(this.p),
      model: {
        options: m.options,
        parameters: m.parameterCount,
        tensors: m.table.entries.map((e) => ({ name: e.name, shape: [...e.shape] })),
      },
      testCount: test.length,
      traceIndex: idx,
      defaultTraceIndex: def,
      flowInitial: dataFlow(m, test[idx]!),
      flow: dataFlow(m, test[idx]!),
      train: this.emptyProgress(),
      history: [],
      losses: [],
      trace: traceOf(m, test[idx]!, memory),
      test: null,
      report: null,
      insight: { status: 'waiting', epoch: 0, epochs: s.epochs, comparison: null },
      quiz: null,
      weights: this.weights(),
      playground: { values, original, ranges: this.ranges(), trace: playTrace(this.p, values, memory) },
      speed: init.speed ?? 'normal',
      memory,
      skipping: false,
      words: this.words(test[idx]!),
    };
    this.newTrainer();
  }

  /**
   * Reads an uploaded file as `rnnscope train --data FILE` does: the same readers and messages, less
   * the advice to give a column option, which the page does not have (it reads the named columns).
   */
  static read(name: string, text: string): Dataset {
    const o = columnOptions({});
    o.optionNames = { id: '\u0000id', step: '\u0000step', label: '\u0000label', features: '\u0000features', delimiter: '\u0000delimiter' };
    try {
      return readDataText(text, name, o);
    } catch (e) {
      if (e instanceof Error && e.message.includes('\u0000')) e.message = pageWords(e.message);
      throw e;
    }
  }

  get snapshot(): SessionSnapshot {
    return this.snap;
  }

  get id(): number {
    return this.init.id;
  }

  /** True while there is engine work left that the user asked for (training, or measuring the insight). */
  get busy(): boolean {
    return this.playing || this.insightGen !== null;
  }

  play(): void {
    if (this.ended()) return;
    this.playing = true;
    this.allowance = 1;
    this.set({ status: 'training' });
  }

  /** Trains to the end as fast as it goes; the views are recomputed only when it gets there. */
  skip(): void {
    if (this.ended()) return;
    this.play();
    this.set({ skipping: true });
  }

  /** Batches to train per second at this speed (Infinity: as fast as it goes). */
  get rate(): number {
    if (this.snap.skipping) return Infinity;
    const total = this.snap.train.batchesPerEpoch * this.snap.train.epochs;
    return this.snap.speed === 'slow' ? 4 : this.snap.speed === 'normal' ? Math.max(8, total / 20) : Infinity;
  }

  setMemory(on: boolean): void {
    if (on === this.snap.memory) return;
    this.set({ memory: on });
    this.refreshViews();
  }

  pause(): void {
    if (!this.playing) return;
    this.playing = false;
    this.set({ status: 'paused', skipping: false });
    this.refreshViews();
  }

  /** Trains one batch (handling the epoch and end events on the way), then pauses. */
  step(): void {
    this.playing = false;
    if (this.ended()) return;
    for (;;) {
      const e = this.advance();
      if (!e || e.type === 'batch') break;
    }
    if (!this.ended()) this.set({ status: 'paused' });
    this.refreshViews();
  }

  private ended(): boolean {
    return this.snap.status === 'done' || this.snap.status === 'failed';
  }

  /** The initial weights again, a fresh optimizer and the same batch order: the same run from its start. */
  reset(): void {
    this.playing = false;
    this.insightGen = null;
    this.p.model.table.data.set(this.initial);
    this.newTrainer();
    this.snap = { ...this.snap, losses: [] };
    this.set({
      status: 'ready',
      skipping: false,
      history: [],
      train: this.emptyProgress(),
      test: null,
      report: null,
      quiz: null,
      insight: { status: 'waiting', epoch: 0, epochs: this.snap.settings.epochs, comparison: null },
    });
    this.weightsChanged = true;
    this.refreshViews();
  }

  setSpeed(speed: Speed): void {
    this.set({ speed });
  }

  select(traceIndex: number | null): void {
    const test = this.p.split.test;
    const idx = traceIndex != null && traceIndex >= 0 && traceIndex < test.length ? traceIndex : this.snap.defaultTraceIndex;
    const original = this.rawOf(test[idx]!);
    this.set({
      traceIndex: idx,
      flowInitial: this.initialFlow(test[idx]!),
      flow: dataFlow(this.p.model, test[idx]!),
      trace: traceOf(this.p.model, test[idx]!, this.snap.memory),
      playground: { ...this.snap.playground, original },
      words: this.words(test[idx]!),
    });
  }

  setPlayground(values: number[] | null): void {
    const v = values && values.length === this.snap.playground.original.length ? values : this.snap.playground.original;
    this.set({ playground: { ...this.snap.playground, values: v, trace: playTrace(this.p, v, this.snap.memory) } });
  }

  /** One unit of work: one engine event of training, or of measuring the insight. False when idle. */
  work(): boolean {
    if (this.playing) {
      this.advance();
      return true;
    }
    if (this.insightGen) {
      this.advanceInsight();
      return true;
    }
    return false;
  }

  /** The patch since the last call (views recomputed if the weights changed), or null if nothing changed. */
  flush(): Patch | null {
    if (this.weightsChanged && !this.snap.skipping) this.refreshViews();
    const p = this.patch;
    this.patch = {};
    return Object.keys(p).length ? p : null;
  }

  /** The model as a .safetensors file, with what the CLI's `train` keeps beside it. */
  modelFile(): { bytes: Uint8Array; name: string } {
    const { p, snap } = this;
    const s = snap.settings;
    const bytes = encodeRun({
      prepared: p,
      trainer: this.trainer,
      task: s.data ? null : { name: s.task, options: taskOptions(s) },
      dataFile: s.data,
    });
    return { bytes, name: `rnnscope-${s.cell}-h${s.hidden}-seed${s.seed}.safetensors` };
  }

  // ---------------------------------------------------------------------------------------------

  private set(p: Patch): void {
    Object.assign(this.patch, p);
    this.snap = { ...this.snap, ...p };
  }

  private newTrainer(): void {
    const s = this.snap?.settings ?? this.init.settings;
    // The last run's generator ends first, so its step closes its helper thread.
    this.gen?.return(undefined);
    this.trainer = new Trainer(this.p.model, this.p.split.train, this.p.split.val, { ...trainConfig(s), makeStep });
    this.gen = this.trainer.run();
  }

  private emptyProgress(): TrainProgress {
    const s = this.init.settings;
    const batches = Math.ceil(this.p.split.train.length / s.batchSize);
    return {
      epochs: s.epochs,
      batchesPerEpoch: batches,
      batchSize: s.batchSize,
      trainSize: this.p.split.train.length,
      valSize: this.p.split.val.length,
      epoch: 0,
      batch: 0,
      batchesDone: 0,
      sharedBatches: 0,
      reason: null,
      message: null,
      seconds: 0,
    };
  }

  /** One training event; returns it, or null when training had ended already. */
  private advance(): TrainEvent | null {
    const r = this.gen.next();
    if (r.done) {
      this.playing = false;
      return null;
    }
    const e = r.value;
    const tr = this.snap.train;
    switch (e.type) {
      case 'train_start':
        this.set({
          train: {
            ...tr,
            epochs: e.epochs,
            batchesPerEpoch: e.batchesPerEpoch,
            batchSize: e.batchSize,
            trainSize: e.trainSize,
            valSize: e.valSize,
          },
        });
        break;
      case 'batch':
        this.snap.losses.push(e.loss);
        (this.patch.addLosses ??= []).push(e.loss);
        this.set({ train: { ...tr, epoch: e.epoch, batch: e.batch, batchesDone: tr.batchesDone + 1, sharedBatches: sharedBatches() } });
        this.weightsChanged = true;
        break;
      case 'epoch':
        this.set({ history: [...this.snap.history, e], train: { ...tr, seconds: tr.seconds + e.seconds } });
        break;
      case 'train_end':
        this.playing = false;
        this.weightsChanged = true;
        this.set({
          skipping: false,
          status: e.reason === 'nonfinite' ? 'failed' : 'done',
          train: { ...tr, reason: e.reason, message: e.message, seconds: e.seconds },
          test: evaluate(this.p.model, this.p.split.test),
          report:
            e.reason === 'nonfinite'
              ? null
              : classReport(this.p.model, this.p.split.test, commonestClass(this.p.split.train, this.p.model.options.numClasses)),
          insight: { ...this.snap.insight, status: 'running' },
        });
        if (e.reason !== 'nonfinite') this.startInsight();
        break;
    }
    return e;
  }

  private startInsight(): void {
    const { model, split } = this.p;
    this.insightGen = compareMemory(model, split.train, split.val, split.test, trainConfig(this.snap.settings), this.p.seed);
  }

  private advanceInsight(): void {
    const r = this.insightGen!.next();
    const ins = this.snap.insight;
    if (!r.done) {
      if (r.value.type === 'epoch') this.set({ insight: { ...ins, epoch: r.value.epoch, epochs: r.value.epochs } });
      return;
    }
    this.insightGen = null;
    const insight: Insight = { ...ins, status: 'done', comparison: r.value };
    this.set({ insight, quiz: this.quiz(r.value) });
  }

  /** The quiz `rnnscope quiz` asks for the same settings: about the default test sequence's trace. */
  private quiz(comparison: MemoryComparison) {
    const seq = this.p.split.test[this.snap.defaultTraceIndex]!;
    return makeQuiz(
      {
        model: modelFacts(this.p.model),
        data: this.snap.data,
        history: this.trainer.history,
        trace: predictionTrace(this.p.model, seq),
        comparison,
      },
      this.p.seed,
    );
  }

  /**
   * Recomputes what depends on the weights. While training, the data flow and the playground's trace
   * are recomputed (and sent) only when their mode is on screen: a large model's update stays small.
   */
  private refreshViews(): void {
    this.weightsChanged = false;
    const seq = this.p.split.test[this.snap.traceIndex]!;
    const all = !this.playing;
    const p: Patch = { trace: traceOf(this.p.model, seq, this.snap.memory), weights: this.weights() };
    if (all || this.watching === 'pipeline') p.flow = dataFlow(this.p.model, seq);
    if (all || this.watching === 'playground')
      p.playground = { ...this.snap.playground, trace: playTrace(this.p, this.snap.playground.values, this.snap.memory) };
    this.stale = !all && (p.flow === undefined || p.playground === undefined);
    this.set(p);
  }

  /** The mode on screen; a view left stale while training is brought up to date when it is shown. */
  watch(mode: string): void {
    this.watching = mode;
    if (this.stale) this.refreshViews();
  }

  private initialFlow(seq: Sequence) {
    const now = this.p.model.table.data.slice();
    this.p.model.table.data.set(this.initial);
    const f = dataFlow(this.p.model, seq);
    this.p.model.table.data.set(now);
    return f;
  }

  /** A text model's class names and the sequence's characters, as the CLI's trace shows them. */
  private words(seq: Sequence): SessionSnapshot['words'] {
    if (!this.p.dataset.text) return null;
    const w = traceWords(this.p.dataset, seq);
    const column = this.p.dataset.text.column;
    return { classes: w.classes, inputs: w.inputs ?? [], ...(column ? { column } : {}) };
  }

  private weights(): Record<string, number[]> | null {
    const m = this.p.model;
    if (m.parameterCount > WEIGHTS_LIMIT) return null;
    const out: Record<string, number[]> = {};
    for (const t of m.table.stateDict()) out[t.name] = Array.from(t.data);
    return out;
  }

  /** The raw (unnormalised) features of a split sequence: the dataset's own copy, found by id. */
  private rawOf(seq: Sequence): number[] {
    // a text dataset's own sequences hold their strings, not yet ids: the split's copy holds the ids
    const raw = this.p.dataset.text ? seq : (this.p.dataset.sequences.find((s) => s.id === seq.id) ?? seq);
    return Array.from(raw.x);
  }

  private ranges(): { min: number; max: number }[] {
    const I = this.p.dataset.features.length;
    const r = Array.from({ length: I }, () => ({ min: Infinity, max: -Infinity }));
    for (const s of this.p.dataset.sequences) {
      for (let k = 0; k < s.x.length; k++) {
        const f = r[k % I]!;
        const v = s.x[k]!;
        if (v < f.min) f.min = v;
        if (v > f.max) f.max = v;
      }
    }
    return r;
  }
}

/** A reader's message with its advice about the CLI's column options taken out (the page has none). */
function pageWords(message: string): string {
  return message
    .replace(/,? or give (?:its name|the separator) with \u0000\w+/g, '')
    .replace(/ \(\u0000\w+\)/g, '')
    .replace(/\u0000(\w+)/g, 'the $1 column');
}

/** The trace of a sequence, with its memory, or with h (and c) reset to zero before every step. */
function traceOf(model: Prepared['model'], seq: Sequence, memory: boolean): PredictionTrace {
  if (memory) return predictionTrace(model, seq);
  // Memory off: each step runs as a sequence of one, so it starts from the zero state (the key insight's "reset").
  const I = model.options.inputSize;
  const T = seq.length;
  const perStep = model.options.headOn === 'steps';
  const steps: PredictionTrace['steps'] = [];
  let correct = 0;
  let counted = 0;
  let last: PredictionTrace | null = null;
  for (let t = 0; t < T; t++) {
    const y = perStep ? seq.y.slice(t, t + 1) : Int32Array.of(t === T - 1 ? seq.y[0]! : -100);
    const one = predictionTrace(model, { id: `${seq.id}@${t}`, length: 1, x: seq.x.slice(t * I, (t + 1) * I), y });
    steps.push({ ...one.steps[0]!, t });
    if (perStep) {
      correct += one.correct;
      counted += one.counted;
    }
    last = one;
  }
  if (perStep) return { sequenceId: seq.id, mode: model.options.mode, projSize: model.options.projSize, steps, correct, counted };
  return {
    sequenceId: seq.id,
    mode: model.options.mode,
    projSize: model.options.projSize,
    steps,
    final: last!.final!,
    correct: last!.correct,
    counted: 1,
  };
}

/** The engine's trace of the playground's raw values (normalised with the training split's statistics). */
function playTrace(p: Prepared, values: number[], memory: boolean): PredictionTrace {
  const I = p.dataset.features.length;
  const T = values.length / I;
  const y = new Int32Array(p.dataset.target === 'steps' ? T : 1).fill(-100);
  const [seq] = applyNormalization([{ id: 'playground', length: T, x: Float32Array.from(values), y }], p.normalization);
  return traceOf(p.model, seq!, memory);
}
