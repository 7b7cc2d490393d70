/** `rnnscope flow`: the data flow of a model, with shapes on every arrow and parameters per stage. */
import type { Command } from 'commander';
import { dataFlow } from '../../explain/flow.js';
import { prepare } from '../../pipeline.js';
import { interestingIndex } from '../../explain/predict.js';
import { ConfigError } from '../../errors.js';
import { makeOutput } from '../output.js';
import { PipelineRenderer, describeModel } from '../render.js';
import { addJson, addModelOptions, addTaskOptions, int, modelChoice, type CommonOpts } from '../options.js';
import { loadModelRun, pickSequence } from '../model-run.js';
import { loadData } from '../data.js';
import { flowValues, isValueSubject } from '../value-views.js';

export function registerFlow(program: Command): void {
  const cmd = program
    .command('flow')
    .description('show the data flow of a model: every stage, its shapes and parameters, and the values that flow')
    .option('--model <file>', 'a trained model file (default: a fresh model with its initial weights)');
  addTaskOptions(cmd);
  addModelOptions(cmd);
  cmd
    .option('--index <i>', 'the sequence whose values are shown, by position', int(0))
    .option('--id <id>', 'the sequence by id')
    .option('--series <file>', 'with a forecaster (--model from train --series): the series whose test part to show')
    .option('--seed <n>', 'without --model: seed of the data and the initial weights (default 0)', int(0, 2 ** 31 - 1));
  addJson(cmd);
  cmd.addHelpText(
    'after',
    `
Examples:
  rnnscope flow                                     the reference pipeline: 10 x 5 -> RNN 8 -> 10 x 3
  rnnscope flow --cell lstm --layers 2 --bidirectional
  rnnscope flow --model model.safetensors --index 3`,
  );
  cmd.action(async (o: CommonOpts & { model?: string; index?: number; id?: string; series?: string }) => {
    const out = makeOutput(!!o.json);
    if (o.index !== undefined && o.id !== undefined) throw new ConfigError('give --index or --id, not both');
    if (await isValueSubject(o)) return flowValues(o, out);
    let model, seqs, source, weights: 'initial' | 'trained';
    if (o.model) {
      for (const k of ['cell', 'hidden', 'layers', 'bidirectional', 'dropout', 'proj'] as const) {
        if (o[k] !== undefined) throw new ConfigError(`--${k} describes a new model; ${o.model} has its own config`);
      }
      ({ model, sequences: seqs, source } = await loadModelRun(o.model, o));
      weights = 'trained';
    } else {
      const { data, task, taskOptions } = await loadData(o);
      const p = prepare({ data, task, taskOptions, model: modelChoice(o), seed: o.seed ?? 0 });
      ({ model } = p);
      seqs = p.split.test;
      source = `the test split of ${p.dataset.name}`;
      weights = 'initial';
    }
    const seq = pickSequence(seqs, source, o.id === undefined && o.index === undefined ? { index: interestingIndex(seqs) } : o);
    const flow = dataFlow(model, seq);
    out.event({ type: 'flow', flow, weights });
    if (!out.json) {
      out.print(`Model: ${describeModel(model.options)}, ${model.parameterCount} parameters.`);
      new PipelineRenderer(out).renderFlow(flow, weights);
    }
  });
}
