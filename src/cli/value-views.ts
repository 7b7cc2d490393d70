/**
 * `trace`, `flow` and `quiz` on a model of real-valued targets: a regression model file (--model; a
 * forecaster's series with --series, a table's sequences with --data, a built-in task's test part
 * regenerated from its seed) or a built-in regression task trained here (--task oscillation). The
 * commands call in here first; the classifier's path is theirs.
 */
import { decodeModel } from '../io/model.js';
import { readModelBytes } from '../io/model-file.js';
import type { RunMeta } from '../io/run-meta.js';
import type { SequenceModel } from '../nn/model.js';
import { applyNormalization, maxLength, type Sequence } from '../data/dataset.js';
import { normalizeTargets, type TargetNormalization } from '../data/regression.js';
import { chronologicalSplit, cutWindows, readSeries, type Series, type Window } from '../data/series.js';
import { VALUE_TASKS } from '../data/value-tasks.js';
import { columnOptions, readTextFile as readText } from '../data/read.js';
import { drain } from '../train/events.js';
import { ValueTrainer, type ValueEpochRecord, type ValueTrainConfig } from '../train/regress.js';
import { valueFlow, valueSequenceTrace, windowRows, units, type ValueInsight } from '../explain/value-views.js';
import { runValueJob } from '../explain/value-job.js';
import { makeQuiz, modelFacts, type Question, type ValueQuizFacts } from '../explain/quiz/index.js';
import { ConfigError } from '../errors.js';
import { vec } from '../format.js';
import type { Output } from './output.js';
import { PipelineRenderer, describeModel } from './render.js';
import { ValueRenderer } from './render-values.js';
import { trainConfig, type CommonOpts } from './options.js';
import { pickSequence } from './model-run.js';
import { valueRun } from './commands/train-values.js';
import { askedSteps, rangeOf, traceSteps } from './trace-range.js';

export interface ValueViewOpts extends CommonOpts {
  model?: string;
  series?: string;
  index?: number;
  id?: string;
  step?: number;
  steps?: [number, number];
}

/** The model file's regression metadata, or null for a classifier (the file is decoded again by the command's own path). */
async function regressionFile(path: string): Promise<{ model: SequenceModel; meta: RunMeta } | null> {
  const { model, meta } = decodeModel(await readModelBytes(path), path);
  return (meta as RunMeta).regression ? { model, meta: meta as RunMeta } : null;
}

/** Whether the command is about a model of values: a regression model file, or a built-in regression task to train. */
export async function isValueSubject(o: ValueViewOpts): Promise<boolean> {
  if (o.model) return (await regressionFile(o.model)) !== null;
  if (o.series) throw new ConfigError('--series goes with --model (a forecaster from rnnscope train --series)');
  return !!o.task && o.task in VALUE_TASKS;
}

interface Subject {
  model: SequenceModel;
  tn: TargetNormalization;
  outputs: string[];
  /** Sequences as the model reads them: inputs normalised, targets standardised. */
  seqs: Sequence[];
  source: string;
  name: string;
  /** Training's facts, when the model was trained here. */
  history: ValueEpochRecord[];
  /** The test RMSE of the model and of the baselines. */
  test: { model: number; baselines: { name: string; label: string; rmse: number }[] } | null;
  insight: ValueInsight | null;
}

/** A series' windows as the forecaster reads them: its test part when the series splits, else every window. */
function seriesWindows(series: Series, f: NonNullable<NonNullable<RunMeta['regression']>['forecast']>, source: string) {
  const o = { window: f.window, horizon: f.horizon, season: f.season, relative: f.relative };
  const ws = cutWindows(series, o);
  try {
    return { ws: chronologicalSplit(ws, series.values[0]!.length, o).test, where: `the test part of ${source}` };
  } catch {
    return { ws, where: `every window of ${source}` };
  }
}

async function fromFile(path: string, o: ValueViewOpts): Promise<Subject> {
  const { model, meta } = (await regressionFile(path))!;
  const reg = meta.regression!;
  const tn = reg.targetNorm;
  const norm = meta.normalization!;
  // What training measured, as the file keeps it: the history and the test errors beside the baselines.
  const kept = Object.entries(reg.test ?? {});
  const test: Subject['test'] = kept.length
    ? {
        model: reg.test!.model?.rmse ?? NaN,
        baselines: kept.filter(([n]) => n !== 'model').map(([name, m]) => ({ name, label: name, rmse: m.rmse })),
      }
    : null;
  const history = ((meta.history ?? []) as unknown as ValueEpochRecord[]).filter((e) => Number.isFinite(e.valRmse));
  const base = { model, tn, outputs: reg.outputs, history, test, insight: null, name: meta.task ?? 'data' };
  const f = reg.forecast;
  if (f) {
    if (o.data) throw new ConfigError(`${path} is a forecaster; give it a series with --series FILE, not --data`);
    let series: Series;
    let source: string;
    const task = meta.taskSpec && VALUE_TASKS[meta.taskSpec.name];
    if (o.series) {
      series = readSeries(await readText(o.series), o.series, {
        columns: f.columns,
        target: f.target,
        timeCol: f.timeCol ?? undefined,
        delimiter: o.delimiter,
      });
      source = o.series;
    } else if (task) {
      series = task.generate(meta.taskSpec!.seed, meta.taskSpec!.options as { length?: number });
      source = `${task.name} (seed ${meta.taskSpec!.seed})`;
    } else throw new ConfigError(`${path} is a forecaster trained on ${meta.dataFile ?? 'a series'}; give the series with --series FILE`);
    const { ws, where } = seriesWindows(series, f, source);
    return { ...base, seqs: normalizeTargets(applyNormalization(ws, norm), tn), source: where };
  }
  if (o.series) throw new ConfigError(`--series is for a forecaster; ${path} reads sequences: give them with --data`);
  if (!o.data)
    throw new ConfigError(
      `${path} was trained on a data file${meta.dataFile ? ` (${meta.dataFile})` : ''}; give the sequences with --data`,
    );
  const { readDataText } = await import('../data/read.js');
  const K = reg.outputs.length;
  const ds = readDataText(await readText(o.data), o.data, {
    ...columnOptions({ ...o, labelCol: o.labelCol ?? (K === 1 && reg.outputs[0] !== 'value' ? reg.outputs[0] : undefined) }),
    target: model.options.headOn,
    featureCount: model.options.inputSize,
    requireLabels: false,
    regression: true,
  });
  const seqs = applyNormalization(ds.sequences, norm).map((s) => {
    const v = new Float32Array((model.options.headOn === 'steps' ? s.length : 1) * K).fill(NaN);
    if (K === 1) s.v?.forEach((x, r) => (v[r] = (x - tn.mean[0]!) / tn.std[0]!));
    return { ...s, v };
  });
  return { ...base, seqs, source: o.data };
}

/** A built-in regression task's run: trained here (`train`), or with its initial weights. */
async function fromTask(o: ValueViewOpts, train: 'trained' | 'initial' | 'job'): Promise<Subject> {
  const { run } = await valueRun(o);
  const { makeStep: _m, threads: _t, ...base } = trainConfig(o);
  const config: ValueTrainConfig = { ...base, loss: { type: 'mse' } };
  const s: Subject = {
    model: run.model,
    tn: run.targetNorm,
    outputs: run.outputs,
    seqs: run.split.test,
    source: `the test part of ${run.name} (seed ${run.seed})`,
    name: run.name,
    history: [],
    test: null,
    insight: null,
  };
  if (train === 'trained')
    drain(new ValueTrainer(run.model, run.split.train, run.split.val, run.targetNorm, { seed: run.seed, ...config }).run());
  if (train === 'job')
    for (const e of runValueJob(run, config)) {
      if (e.type === 'value_epoch') s.history.push(e);
      else if (e.type === 'value_test') s.test = { model: e.model.rmse, baselines: e.baselines };
      else if (e.type === 'value_insight') s.insight = e;
      else if (e.type === 'train_end' && e.reason === 'nonfinite')
        throw new ConfigError(`${e.message.replace(/\.$/, '')}; the quiz needs a trained model (try a lower --lr)`);
    }
  return s;
}

const subject = (o: ValueViewOpts, train: 'trained' | 'initial' | 'job') => (o.model ? fromFile(o.model, o) : fromTask(o, train));

/** `rnnscope trace` on a regression model: one sequence's h_t step by step, then the predicted and true values; a forecaster's consecutive test windows too. */
export async function traceValues(o: ValueViewOpts, out: Output): Promise<void> {
  if (!o.model)
    out.print(out.color.dim(`No --model given: training a model on ${o.task} first (rnnscope train --task ${o.task} saves one).`));
  const s = await subject(o, 'trained');
  if (!s.seqs.length) throw new ConfigError(`${s.source} has no sequences to trace`);
  const seq = pickSequence(s.seqs, s.source, o);
  if (o.step !== undefined && o.step > seq.length)
    throw new ConfigError(`--step ${o.step} is past the end of sequence ${seq.id}, which has ${seq.length} steps`);
  const range = askedSteps(o.steps, seq);
  const vt = valueSequenceTrace(s.model, seq, s.tn, s.outputs);
  const at = s.seqs.indexOf(seq);
  const rows = (seq as Window).persistence ? windowRows(s.model, (s.seqs as Window[]).slice(at, at + 24), s.tn) : null;
  const perStep = s.model.options.headOn === 'steps';
  out.event({
    type: 'value_sequence_trace',
    ...vt,
    trace: traceSteps(vt.trace, range),
    ...(perStep ? { predicted: rangeOf(vt.predicted, range), truth: rangeOf(vt.truth, range) } : {}),
    ...(range ? { steps: range } : {}),
    source: s.source,
  });
  const target = s.outputs[0]!.replace(/ t\+1$/, '');
  if (rows) out.event({ type: 'value_trace', target, rows });
  if (out.json) return;
  const c = out.color;
  const K = s.outputs.length;
  const valueText = (p: number[], t: number[]) =>
    s.outputs
      .map((n, k) => `${n} ${c.bold(units(p[k]!))}${Number.isNaN(t[k]!) ? '' : `, true ${units(t[k]!)} (error ${units(p[k]! - t[k]!)})`}`)
      .join('; ');
  const part = range ? `steps ${range.from}-${range.to} of ${seq.length}` : `${seq.length} steps`;
  out.print(c.bold(`Prediction trace — ${seq.id} of ${s.source}, ${part}`) + c.dim(' (x as the model reads it: standardised)'));
  for (const st of traceSteps(vt.trace, range).steps) {
    const h = st.cells.filter((cell) => cell.layer === s.model.options.numLayers - 1).flatMap((cell) => cell.h);
    out.print(`  step ${String(st.t + 1).padStart(String(seq.length).length)}  x ${vec(st.x, 2, 3)}  h_${st.t + 1} ${vec(h, 2, 5)}`);
    if (perStep) out.print(`      -> ${valueText(vt.predicted[st.t]!, vt.truth[st.t]!)}`);
  }
  if (!perStep) out.print(`  Output layer on h_${seq.length}: ${valueText(vt.predicted[0]!, vt.truth[0]!)}`);
  if (K > 1 && !perStep) out.print(c.dim(`  (${K} outputs: the next ${K} values at once)`));
  if (rows) new ValueRenderer(out).handle({ type: 'value_trace', target, rows });
  if (o.step !== undefined) new PipelineRenderer(out).renderStep(vt.trace, o.step - 1, []);
}

/** `rnnscope flow` on a regression model: the stages, the output one giving values in the target's units. */
export async function flowValues(o: ValueViewOpts, out: Output): Promise<void> {
  const s = await subject(o, 'initial');
  const seq = pickSequence(s.seqs, s.source, o.id === undefined && o.index === undefined ? { index: 0 } : o);
  const flow = valueFlow(s.model, seq, s.tn, s.outputs);
  const weights = o.model ? 'trained' : 'initial';
  out.event({ type: 'flow', flow, weights });
  if (!out.json) {
    out.print(
      `Model: ${describeModel(s.model.options).replace(/-> (\d+) on/, '-> $1 value(s) on')}, ${s.model.parameterCount} parameters.`,
    );
    new PipelineRenderer(out).renderFlow(flow, weights);
  }
}

/** The quiz's questions about a regression run (a model file, or a built-in regression task trained here with every view). */
export async function valueQuiz(o: ValueViewOpts, seed: number, n: number): Promise<{ questions: Question[]; about: string }> {
  const s = await subject(o, 'job');
  const seq = s.seqs[0];
  let example: ValueQuizFacts['example'];
  if (seq) {
    const vt = valueSequenceTrace(s.model, seq, s.tn, s.outputs);
    const row = s.model.options.headOn === 'steps' ? seq.length - 1 : 0;
    const truth = vt.truth[row]![0]!;
    example = { id: seq.id, predicted: vt.predicted[row]![0]!, truth: Number.isNaN(truth) ? null : truth, last: seq.offset ?? null };
  }
  const values: ValueQuizFacts = {
    mean: s.tn.mean,
    std: s.tn.std,
    history: s.history,
    example,
    insight: s.insight,
    baselines: s.test?.baselines,
    modelRmse: s.test?.model,
  };
  const data = {
    name: s.name,
    features: Array.from({ length: s.model.options.inputSize }, (_, i) => `f${i}`),
    classes: s.outputs,
    target: s.model.options.headOn,
    steps: maxLength(s.seqs),
  };
  const questions = makeQuiz({ model: modelFacts(s.model), data, values }, seed, { questions: n });
  return { questions, about: `${describeModel(s.model.options)}; ${o.model ?? `task ${s.name}, seed ${seed}`}, on ${s.source}` };
}
