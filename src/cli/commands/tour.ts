/** The main job (no command): the lesson, made real with this run's numbers. */
import type { Command } from 'commander';
import { runPipeline } from '../../pipeline.js';
import { makeOutput } from '../output.js';
import { shellWord } from '../interrupt.js';
import { PipelineRenderer } from '../render.js';
import { addJson, addModelOptions, addTaskOptions, addTrainOptions, int, modelChoice, trainConfig, type CommonOpts } from '../options.js';
import { loadData } from '../data.js';
import { addTextOptions } from '../text-options.js';
import { VALUE_TASKS } from '../../data/value-tasks.js';
import { tourValues } from './train-values.js';

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
    const r = new PipelineRenderer(out);
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
    for (let it = gen.next(); !it.done; it = gen.next()) r.handle(it.value);
    r.finish(quizArgs(process.argv.slice(2)));
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
