/** The main job (no command): the lesson, made real with this run's numbers. */
import type { Command } from 'commander';
import { runPipeline } from '../../pipeline.js';
import { makeOutput } from '../output.js';
import { dataFlags, shellWord } from '../interrupt.js';
import { PipelineRenderer } from '../render.js';
import { addJson, addModelOptions, addTaskOptions, addTrainOptions, int, modelChoice, trainConfig, type CommonOpts } from '../options.js';
import { loadData } from '../data.js';
import { addTextOptions } from '../text-options.js';
import { VALUE_TASKS } from '../../data/value-tasks.js';
import { tourValues } from './train-values.js';

/** The main job's prediction trace, heading to summary, fits in this many lines (a screen). */
const TRACE_LINES = 30;

export function registerTour(program: Command): void {
  const cmd = program
    .command('tour', { isDefault: true })
    .description("train the seed's pipeline and show its data flow, training trace, prediction trace and key insight (the default)");
  addTaskOptions(cmd);
  addTextOptions(cmd);
  addModelOptions(cmd);
  addTrainOptions(cmd);
  cmd.option('--trace-index <i>', 'which test sequence to trace (default: the first whose label changes)', int(0));
  addJson(cmd);
  cmd.addHelpText(
    'after',
    `
Examples:
  rnnscope                                   the reference pipeline on the trend task, every view
  rnnscope --seed 7                          the same with other data, weights and batch order
  rnnscope --cell lstm --hidden 16           an LSTM instead
  rnnscope --task count --epochs 8           another built-in task
  rnnscope --data examples/sine-direction.csv --epochs 20
  rnnscope --task brackets --cell lstm --hidden 32 --epochs 10   a text task: the views show characters
  rnnscope --json | head -3                  the same events as JSON lines`,
  );
  cmd.action(async (o: CommonOpts & { traceIndex?: number }) => {
    if (o.task && o.task in VALUE_TASKS) return tourValues(o);
    const out = makeOutput(!!o.json);
    const { data, task, taskOptions, valData, testData, split } = await loadData(o);
    const args = quizArgs(process.argv.slice(2));
    // The trace of every step would fill several screens: one screen here, and the command for the rest.
    const r = new PipelineRenderer(out, {
      budget: TRACE_LINES,
      more: () => [
        `rnnscope train${args.map((w) => ` ${w}`).join('')} --out run.safetensors`,
        `rnnscope trace --model run.safetensors${dataFlags(o)
          .map((w) => ` ${w}`)
          .join('')} --id ${shellWord(traceId)}`,
      ],
    });
    let traceId = '';
    const gen = runPipeline({
      data,
      task,
      taskOptions,
      valData,
      testData,
      split,
      model: modelChoice(o),
      train: trainConfig(o),
      seed: o.seed ?? 0,
      traceIndex: o.traceIndex,
    });
    for (let it = gen.next(); !it.done; it = gen.next()) {
      if (it.value.type === 'trace') traceId = it.value.trace.sequenceId;
      r.handle(it.value);
    }
    r.finish(args);
  });
}

/** The main job's options that the quiz takes too (every one but --trace-index and the command word), quoted for a shell. */
function quizArgs(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = argv[0] === 'tour' ? 1 : 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--trace-index') {
      i++;
      continue;
    }
    if (a.startsWith('--trace-index=')) continue;
    out.push(shellWord(a));
  }
  return out;
}
