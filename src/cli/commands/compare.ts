/** `rnnscope compare`: RNN, LSTM, GRU and a model without memory on the same data, one table. */
import type { Command } from 'commander';
import Table from 'cli-table3';
import { prepare } from '../../pipeline.js';
import { Trainer } from '../../train/trainer.js';
import { evaluate } from '../../train/evaluate.js';
import { compareMemory } from '../../explain/insight.js';
import { drain } from '../../train/events.js';
import type { Mode } from '../../nn/options.js';
import { makeOutput } from '../output.js';
import { addJson, addModelOptions, addTaskOptions, addTrainOptions, modelChoice, trainConfig, type CommonOpts } from '../options.js';
import { loadData } from '../data.js';
import { num, seconds } from '../../format.js';
import { ConfigError } from '../../errors.js';

const CELLS: [Mode, string][] = [['rnn_tanh', 'RNN (tanh)'], ['lstm', 'LSTM'], ['gru', 'GRU']];

export function registerCompare(program: Command): void {
  const cmd = program.command('compare').description('train RNN, LSTM, GRU and a model without memory on the same data and compare them');
  addTaskOptions(cmd);
  addModelOptions(cmd);
  addTrainOptions(cmd);
  addJson(cmd);
  cmd.addHelpText('after', `
Examples:
  rnnscope compare                                   the trend task, 8 hidden units each
  rnnscope compare --task delay --delay 12 --hidden 16 --epochs 15   where a plain RNN forgets and an LSTM holds`);
  cmd.action(async (o: CommonOpts) => {
    if (o.cell) throw new ConfigError('compare trains every cell; leave out --cell');
    const out = makeOutput(!!o.json);
    const { data, task, taskOptions } = await loadData(o);
    const cfg = trainConfig(o);
    const rows: { model: string; parameters: number; valAccuracy: number; testAccuracy: number; seconds: number }[] = [];
    let rnn = null;
    const c = out.color;
    for (const [mode, name] of CELLS) {
      const p = prepare({ data, task, taskOptions, model: { ...modelChoice(o), mode }, seed: o.seed ?? 0 });
      if (!rnn) out.print(`Task ${c.cyan(p.dataset.name)}: ${p.dataset.description}`);
      if (out.tty) process.stdout.write(c.dim(`  training ${name}...\r`));
      const t0 = performance.now();
      const trainer = new Trainer(p.model, p.split.train, p.split.val, cfg);
      drain(trainer.run()); // the table below shows the outcome
      const row = { model: name, parameters: p.model.parameterCount, valAccuracy: trainer.history.at(-1)!.valAccuracy, testAccuracy: evaluate(p.model, p.split.test).accuracy, seconds: (performance.now() - t0) / 1000 };
      rows.push(row);
      out.event({ type: 'compare_result', ...row });
      if (mode === 'rnn_tanh') rnn = p;
    }
    const m = drain(compareMemory(rnn!.model, rnn!.split.train, rnn!.split.val, rnn!.split.test, cfg, o.seed ?? 0));
    const noMem = { model: 'No memory (RNN trained on single steps)', parameters: m.parameters, valAccuracy: NaN, testAccuracy: m.memoryless, seconds: NaN };
    rows.push(noMem);
    out.event({ type: 'compare_result', ...noMem, chance: m.chance });
    if (out.json) return;
    const t = new Table({ head: ['Model', 'Parameters', 'Held-out acc', 'Test acc', 'Train time'], style: { head: c.isColorSupported ? ['cyan'] : [], border: [] } });
    for (const x of rows) t.push([x.model, x.parameters, Number.isNaN(x.valAccuracy) ? '' : num(x.valAccuracy, 3), num(x.testAccuracy, 3), Number.isNaN(x.seconds) ? '' : seconds(x.seconds)]);
    out.print(t.toString());
    const best = rows.slice(0, 3).reduce((a, b) => (b.testAccuracy > a.testAccuracy ? b : a));
    const worst = rows.slice(0, 3).reduce((a, b) => (b.testAccuracy < a.testAccuracy ? b : a));
    out.print(`Chance (always the commonest class): ${num(m.chance, 3)}. Best: ${best.model} at ${num(best.testAccuracy, 3)}; `
      + `memory is worth ${num((best.testAccuracy - m.memoryless) * 100, 1)} points over the model without it.`);
    if (best.testAccuracy - worst.testAccuracy > 0.1) {
      const why = worst.model.startsWith('RNN') && (o.task === 'delay')
        ? `: across ${o.delay ?? 3} steps a plain RNN's gradient fades step by step (vanishing gradients), while the gates of an LSTM or GRU let it pass`
        : '';
      out.print(`${worst.model} trails ${best.model} by ${num((best.testAccuracy - worst.testAccuracy) * 100, 1)} points${why}.`);
    }
  });
}
