/** `rnnscope trace`: the prediction trace of one sequence, step by step, optionally one step in detail. */
import { InvalidArgumentError, type Command } from 'commander';
import { predictionTrace } from '../../explain/predict.js';
import { runPipeline } from '../../pipeline.js';
import { drain } from '../../train/events.js';
import { ConfigError } from '../../errors.js';
import { makeOutput } from '../output.js';
import { PipelineRenderer } from '../render.js';
import { addJson, addTaskOptions, int, type CommonOpts } from '../options.js';
import { loadModelRun, pickSequence } from '../model-run.js';
import { loadData } from '../data.js';
import { isValueSubject, traceValues } from '../value-views.js';
import { traceWords } from '../../explain/text-view.js';
import type { Dataset } from '../../data/dataset.js';
import { askedSteps, rangeOf, traceSteps } from '../trace-range.js';

interface TraceOpts extends CommonOpts {
  model?: string;
  index?: number;
  id?: string;
  step?: number;
  steps?: [number, number];
}

/** "5-12" (or "5", one step) to the 1-based, inclusive range of steps to show. */
function stepRange(v: string): [number, number] {
  const m = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(v);
  const a = Number(m?.[1]);
  const b = m?.[2] === undefined ? a : Number(m[2]);
  if (!m || a < 1 || b < a) throw new InvalidArgumentError('Give steps as from-to, 1-based, such as 5-12 (or one step, 5).');
  return [a, b];
}

export function registerTrace(program: Command): void {
  const cmd = program
    .command('trace')
    .description("show how a model handles one sequence: every step's cell update, hidden state and prediction")
    .option('--model <file>', 'a model file from rnnscope train (default: train the reference pipeline first)');
  addTaskOptions(cmd);
  cmd
    .option('--index <i>', 'the sequence by position (default: the first whose label changes)', int(0))
    .option('--id <id>', 'the sequence by id')
    .option('--steps <from-to>', 'show only these steps of the trace, 1-based, such as 5-12 (default: every step)', stepRange)
    .option('--step <t>', 'also show step t (1-based) in full detail, unit by unit', int(1))
    .option('--series <file>', 'with a forecaster (--model from train --series): the series whose test part to show')
    .option('--seed <n>', 'without --model: the seed of the pipeline trained first (default 0)', int(0, 2 ** 31 - 1))

    .option('--text <string>', 'a text model: trace this string')
    .option('--text-col <name>', "a text model: the --data file's column of strings (default: the one it was trained on)");
  addJson(cmd);
  cmd.addHelpText(
    'after',
    `
Examples:
  rnnscope trace --model model.safetensors                 a sequence of the task's test split
  rnnscope trace --model model.safetensors --index 4 --step 2
  rnnscope trace --model long.safetensors --steps 5-12      steps 5 to 12 of a long sequence
  rnnscope trace --model my.safetensors --data my.csv --id walk-17
  rnnscope trace --model load.safetensors --series load.csv   a forecaster: h_t, then predicted and true values`,
  );
  cmd.action(async (o: TraceOpts) => {
    const out = makeOutput(!!o.json);
    if (o.index !== undefined && o.id !== undefined) throw new ConfigError('give --index or --id, not both');
    if (await isValueSubject(o)) return traceValues(o, out);
    let model, seqs, classes, source;
    let textOf: Pick<Dataset, 'classes' | 'text'> | null = null;
    if (o.model) {
      if (o.task)
        throw new ConfigError('--task is for training; a model file already says which task it learnt (use --data for other sequences)');
      let meta;
      ({
        model,
        meta,
        sequences: seqs,
        classes,
        source,
      } = await loadModelRun(o.model, { ...o, text: undefined, strings: o.text === undefined ? undefined : [o.text] }));
      if (meta.text) textOf = { classes, text: meta.text };
    } else {
      out.print(out.color.dim('No --model given: training the reference pipeline first (rnnscope train saves one).'));
      const { data, task, taskOptions } = await loadData(o);
      const r = drain(runPipeline({ data, task, taskOptions, insight: false, seed: o.seed ?? 0 }));
      ({ model } = r);
      seqs = r.split.test;
      classes = r.dataset.classes;
      if (r.dataset.text) textOf = r.dataset;
      source = `the test split of ${r.dataset.name}`;
    }
    const seq = pickSequence(seqs, source, o);
    const tr = predictionTrace(model, seq);
    if (o.step !== undefined && o.step > seq.length)
      throw new ConfigError(`--step ${o.step} is past the end of sequence ${seq.id}, which has ${seq.length} steps`);
    const range = askedSteps(o.steps, seq);
    const words = textOf ? traceWords(textOf, seq) : { classes };
    classes = words.classes;
    // --json carries the steps asked for, and which they are.
    out.event({
      type: 'trace',
      trace: traceSteps(tr, range),
      ...words,
      ...(words.inputs ? { inputs: rangeOf(words.inputs, range) } : {}),
      ...(range ? { steps: range } : {}),
    });
    const r = new PipelineRenderer(out);
    if (!out.json) {
      r.renderTrace(tr, classes, { ...(range ? { from: range.from, to: range.to } : {}), inputs: words.inputs });
      if (o.step !== undefined) r.renderStep(tr, o.step - 1, classes);
    }
  });
}
