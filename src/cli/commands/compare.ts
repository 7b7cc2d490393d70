/** `rnnscope compare`: RNN, LSTM, GRU and a model without memory on the same data, one table (the job is src/explain/compare.ts). */
import type { Command } from 'commander';
import Table from 'cli-table3';
import { bestSentence, compareCells, comparedCells, memorylessLabel, verdictSentence } from '../../explain/compare.js';
import { checkRunFits } from '../fits.js';
import { DEFAULTS } from '../../defaults.js';
import { memorySentence } from '../../explain/insight.js';
import { cellOf } from '../../nn/cells/index.js';
import { makeOutput } from '../output.js';
import { addJson, addModelOptions, addTaskOptions, addTrainOptions, modelChoice, trainConfig, type CommonOpts } from '../options.js';
import { loadData } from '../data.js';
import { num, points, seconds } from '../../format.js';
import { ConfigError } from '../../errors.js';

export function registerCompare(program: Command): void {
  const cmd = program.command('compare').description('train RNN, LSTM, GRU and a model without memory on the same data and compare them');
  addTaskOptions(cmd);
  addModelOptions(cmd);
  addTrainOptions(cmd);
  addJson(cmd);
  cmd.addHelpText(
    'after',
    `
Examples:
  rnnscope compare                                   the trend task, 8 hidden units each
  rnnscope compare --task delay --delay 12 --hidden 16 --epochs 15   where a plain RNN forgets and an LSTM holds`,
  );
  cmd.action(async (o: CommonOpts) => {
    if (o.cell) throw new ConfigError('compare trains every cell; leave out --cell');
    const out = makeOutput(!!o.json);
    const { data, task, taskOptions } = await loadData(o);
    const c = out.color;
    const [model, train, seed] = [modelChoice(o), trainConfig(o), o.seed ?? 0];
    checkRunFits({ data, task, taskOptions, model, train, seed, modes: comparedCells(model.mode ?? DEFAULTS.cell) });
    const job = compareCells({ data, task, taskOptions, model, train, seed });
    let step = job.next();
    for (; !step.done; step = job.next()) {
      const e = step.value;
      if (e.type === 'compare_start') out.print(`Task ${c.cyan(e.task)}: ${e.description}`);
      else if (e.type === 'compare_train' && e.event.type === 'train_start' && out.tty)
        process.stdout.write(c.dim(`  training ${cellOf(e.mode).label}...\r`));
      else if (e.type === 'compare_failed') {
        process.exitCode = 1;
        out.print(c.red(e.message));
      }
    }
    const r = step.value;
    if (!r) return;
    for (const x of r.rows)
      out.event({
        type: 'compare_result',
        model: x.label,
        parameters: x.parameters,
        valAccuracy: x.valAccuracy,
        testAccuracy: x.testAccuracy,
        seconds: x.seconds,
        reset: x.reset,
        memoryGain: x.gain,
      });
    out.event({
      type: 'compare_result',
      model: memorylessLabel(r.memoryless.mode),
      parameters: r.memoryless.parameters,
      valAccuracy: NaN,
      testAccuracy: r.memoryless.accuracy,
      seconds: NaN,
      chance: r.chance,
    });
    if (out.json) return;
    const t = new Table({
      head: ['Model', 'Parameters', 'Held-out acc', 'Test acc', 'Memory worth', 'Train time'],
      style: { head: c.isColorSupported ? ['cyan'] : [], border: [] },
    });
    for (const x of r.rows)
      t.push([x.label, x.parameters, num(x.valAccuracy, 3), num(x.testAccuracy, 3), points(x.gain), seconds(x.seconds)]);
    t.push([memorylessLabel(r.memoryless.mode), r.memoryless.parameters, '', num(r.memoryless.accuracy, 3), '', '']);
    out.print(t.toString());
    out.print(`Chance (always the commonest class): ${num(r.chance, 3)}. ${bestSentence(r)}`);
    out.print(memorySentence(r.comparison, c.bold, `the ${cellOf(r.own).label}'s memory`));
    out.print(verdictSentence(r.verdict));
  });
}
