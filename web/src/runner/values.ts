/**
 * The worker's run of a model of real-valued targets: the built-in oscillation task or an uploaded
 * series (a CSV with a date/time column, read with the CLI's reader and split chronologically). It
 * steps the engine's regression job (src/explain/value-job.ts) an event at a time, as Session steps the
 * classifier's, and keeps what every mode shows as one plain state the worker posts under its flow
 * control (one update in flight).
 */
import { VALUE_TASKS } from '../../../src/data/value-tasks.js';
import { readSeries, type Series, type Window } from '../../../src/data/series.js';
import { prepareSeries, type ValueRun } from '../../../src/explain/regression-job.js';
import { runValueJob, type ValueJobEvent } from '../../../src/explain/value-job.js';
import { valueFlow, valueSequenceTrace, windowRows } from '../../../src/explain/value-views.js';
import { forecastSeries } from '../../../src/explain/regression-forecast.js';
import { valueHead } from '../../../src/explain/value-math.js';
import { makeQuiz, modelFacts } from '../../../src/explain/quiz/index.js';
import { DataError } from '../../../src/errors.js';
import { modelChoice, settingsKey, type Settings } from '../settings.js';
import type { ValueState } from './protocol.js';

/** An uploaded file read as a series, when it is one: a time column and numbers. Null when it is not (the classifier's reader then says why). */
export function readUploadedSeries(name: string, text: string): Series | null {
  // A long-form table of sequences (an id or a label column) is the classifier's.
  const header = (text.replace(/^\ufeff/, '').split(/\r?\n/, 1)[0] ?? '')
    .toLowerCase()
    .split(',')
    .map((h) => h.trim());
  if (header.includes('id') || header.includes('label') || name.toLowerCase().endsWith('.json')) return null;
  try {
    const s = readSeries(text, name);
    return s.timeCol ? s : null;
  } catch (e) {
    if (e instanceof DataError) return null;
    throw e;
  }
}

/** The windowing of an uploaded series: a window of about a tenth of it (4 to 24 steps), one step ahead. */
function uploadWindow(N: number): number {
  return Math.max(4, Math.min(24, Math.floor(N / 10)));
}

export class ValueJob {
  readonly run: ValueRun;
  readonly settings: Settings;
  state: ValueState;
  private gen: Generator<ValueJobEvent> | null = null;
  private dirty = true;
  playing = false;

  constructor(settings: Settings, upload?: { name: string; series: Series }) {
    this.settings = settings;
    const choice = modelChoice(settings);
    const seed = settings.seed;
    let series: Series;
    let w: { window: number; horizon: number; season: number | null };
    let description: string;
    if (upload) {
      series = upload.series;
      w = { window: uploadWindow(series.values[0]!.length), horizon: 1, season: null };
      description = '';
    } else {
      const task = VALUE_TASKS.oscillation!;
      series = task.generate(seed);
      w = { window: task.window, horizon: task.horizon, season: task.season };
      description = task.description;
    }
    const run = prepareSeries(series, { ...w, relative: true, model: choice, seed });
    this.run = description ? { ...run, description } : run;
    this.state = this.fresh();
    this.retrace();
  }

  private fresh(): ValueState {
    const r = this.run;
    const s = r.series!.series;
    const y = s.values[s.columns.indexOf(s.target)]!;
    return {
      key: settingsKey(this.settings),
      settings: this.settings,
      status: 'ready',
      name: r.name,
      description: r.description,
      target: s.target,
      window: r.series!.options.window,
      windowing: {
        horizon: r.series!.options.horizon,
        season: r.series!.options.season ?? null,
        columns: s.columns,
        timeCol: s.timeCol,
        targetNorm: { mean: r.targetNorm.mean[0]!, std: r.targetNorm.std[0]! },
        inputNorm: { mean: r.normalization.mean[0]!, std: r.normalization.std[0]! },
      },
      sizes: { train: r.split.train.length, val: r.split.val.length, test: r.split.test.length },
      parts: r.series!.bounds,
      labels: s.labels,
      series: Array.from(y),
      model: { options: r.model.options, parameters: r.model.parameterCount },
      epochs: this.settings.epochs,
      history: [],
      losses: [],
      flow: valueFlow(r.model, r.split.test[0]!, r.targetNorm, r.outputs),
      trace: null,
      rows: null,
      forecast: null,
      test: null,
      insight: null,
      quiz: null,
      message: null,
      seq: 0,
      playground: null,
      playgroundPrediction: null,
    };
  }

  get busy(): boolean {
    return this.playing;
  }

  play(): void {
    if (this.state.status === 'done' || this.state.status === 'failed') return;
    if (!this.gen) {
      const { epochs, batchSize, lr } = this.settings;
      this.gen = runValueJob(this.run, {
        epochs,
        batchSize,
        optimizer: { type: 'adam', lr },
        seed: this.settings.seed,
        loss: { type: 'mse' },
      });
      // The job opens with the data and the model, already in the state.
      this.gen.next();
      this.gen.next();
    }
    this.playing = true;
    this.state = { ...this.state, status: 'training' };
    this.dirty = true;
  }

  pause(): void {
    this.playing = false;
    if (this.state.status === 'training') this.state = { ...this.state, status: 'paused' };
    this.dirty = true;
  }

  /** One event of the job; false when there is nothing to do. */
  work(): boolean {
    if (!this.playing || !this.gen) return false;
    const it = this.gen.next();
    if (it.done) {
      this.finish();
      return false;
    }
    this.take(it.value);
    return true;
  }

  private take(e: ValueJobEvent): void {
    const s = this.state;
    this.dirty = true;
    switch (e.type) {
      case 'batch':
        s.losses = [...s.losses, e.loss];
        return;
      case 'value_epoch': {
        const { type: _t, observation, ...rest } = e;
        s.history = [...s.history, { ...rest, observation: observation.text }];
        return;
      }
      case 'train_end':
        if (e.reason === 'nonfinite') {
          s.status = 'failed';
          s.message = e.message;
          this.playing = false;
        }
        return;
      case 'flow':
        s.flow = e.flow;
        return;
      case 'value_test':
        s.test = { model: e.model, baselines: e.baselines, reset: e.reset };
        return;
      case 'value_insight':
        s.insight = e;
        return;
    }
  }

  /** Training and the test are over: the forecast chart, the trace and the quiz with the trained weights. */
  private finish(): void {
    this.playing = false;
    const r = this.run;
    const s = this.state;
    const test = r.split.test as Window[];
    s.rows = windowRows(r.model, test, r.targetNorm).map(({ h: _h, ...row }) => row);
    const f = r.series!;
    const meta = {
      outputs: r.outputs,
      targetNorm: r.targetNorm,
      loss: { type: 'mse' as const },
      forecast: {
        columns: f.series.columns,
        target: f.series.target,
        window: f.options.window,
        horizon: f.options.horizon,
        timeCol: f.series.timeCol,
        season: f.options.season ?? null,
        relative: true,
      },
    };
    const ahead = f.series.columns.length === 1 ? Math.max(f.options.horizon, f.options.season ?? 12) : f.options.horizon;
    s.forecast = forecastSeries(r.model, r.normalization, meta, f.series, ahead, r.name).map((row) => ({
      time: row.time,
      value: row.value,
      method: row.method,
    }));
    s.status = s.status === 'failed' ? 'failed' : 'done';
    this.retrace();
    if (s.test && s.insight) {
      const first = s.trace!;
      s.quiz = makeQuiz(
        {
          model: modelFacts(r.model),
          data: { name: r.name, features: r.features, classes: r.outputs, target: 'last', steps: f.options.window },
          values: {
            mean: r.targetNorm.mean,
            std: r.targetNorm.std,
            history: s.history,
            example: { id: first.id, predicted: first.predicted, truth: first.truth, last: first.last },
            insight: s.insight,
            baselines: s.test.baselines,
            modelRmse: s.test.model.rmse,
          },
        },
        this.settings.seed,
      );
    }
    this.dirty = true;
  }

  /** The step-through's window (and the playground's edit of it) through the current weights. */
  private retrace(): void {
    const r = this.run;
    const s = this.state;
    const test = r.split.test as Window[];
    const w = test[Math.min(s.seq, test.length - 1)]!;
    const vt = valueSequenceTrace(r.model, w, r.targetNorm, r.outputs);
    const raw = this.rawWindow(w);
    s.trace = {
      id: w.id,
      steps: vt.trace.steps.map((st) => ({
        x: raw[st.t]!,
        h: st.cells.filter((c) => c.layer === r.model.options.numLayers - 1).flatMap((c) => c.h),
      })),
      // The Math mode's numbers: layer 1's step (what reads x), the input as the model reads it, and the head.
      math: {
        cells: vt.trace.steps.map((st) => st.cells.find((c) => c.layer === 0 && c.direction === 0)!),
        x: vt.trace.steps.map((st) => st.x[0]!),
        inputNorm: { mean: r.normalization.mean[0]!, std: r.normalization.std[0]! },
        head: valueHead(r.model, w, r.targetNorm),
      },
      predicted: vt.predicted[0]![0]!,
      truth: Number.isNaN(vt.truth[0]![0]!) ? null : vt.truth[0]![0]!,
      last: w.offset ?? null,
    };
    if (s.playground) {
      const edited = this.windowOf(s.playground, w);
      const pv = valueSequenceTrace(r.model, edited, r.targetNorm, r.outputs);
      s.playgroundPrediction = pv.predicted[0]![0]!;
    } else s.playgroundPrediction = null;
  }

  /** The target's raw values over a window (the series as it was read). */
  private rawWindow(w: Window): number[] {
    const s = this.run.series!.series;
    const y = s.values[s.columns.indexOf(s.target)]!;
    return Array.from(y.subarray(w.start, w.start + w.length));
  }

  /** A window with the target's raw values replaced by `raw` (one input column), made as cutWindows and normalised as training was. */
  private windowOf(raw: number[], w: Window): Window {
    const last = raw[raw.length - 1]!;
    const n = this.run.normalization;
    const x = Float32Array.from(raw, (v) => (v - last - n.mean[0]!) / n.std[0]!);
    return { ...w, x, offset: last, v: new Float32Array(w.v!.length).fill(NaN) };
  }

  select(seq: number | null): void {
    this.state.seq = seq ?? 0;
    this.state.playground = null;
    this.retrace();
    this.dirty = true;
  }

  /** Playground: the window's values as the learner edited them (one input column only), or null for the window as it is. */
  setPlayground(values: number[] | null): void {
    if (this.run.series!.series.columns.length !== 1) return;
    this.state.playground = values && values.length === this.state.window ? values : null;
    this.retrace();
    this.dirty = true;
  }

  flush(): ValueState | null {
    if (!this.dirty) return null;
    this.dirty = false;
    return { ...this.state };
  }
}
