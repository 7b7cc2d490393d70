/** `rnnscope compare`: RNN, LSTM, GRU and a model without memory on the same data, one table (the job is src/explain/compare.ts). */
import { InvalidArgumentError, type Command } from 'commander';
import { bestSentence, compareCells, comparedCells, memorylessLabel, verdictSentence } from '../../explain/compare.js';
import { checkRunFits } from '../fits.js';
import { memorySentence } from '../../explain/insight.js';
import { cellOf } from '../../nn/cells/index.js';
import { makeOutput } from '../output.js';
import { fitTable } from '../layout.js';
import { StatusLine } from '../progress.js';
import { addJson, addModelOptions, addTaskOptions, addTrainOptions, modelChoice, trainConfig, type CommonOpts } from '../options.js';
import { loadData } from '../data.js';
import { num, points, seconds } from '../../format.js';
import { ConfigError } from '../../errors.js';
import { DEFAULTS } from '../../defaults.js';
import { memorySweep, SWEEP_DEFAULTS } from '../../explain/sweep.js';
import { SweepRenderer } from '../sweep-render.js';
import { int } from '../options.js';

interface CompareOpts extends CommonOpts {
  seeds?: number;
  sweep?: boolean;
  delays?: number[];
}

/** "1,5,10" or "2-40:2" (from-to, every step) to a list of k. */
function parseDelays(v: string): number[] {
  const range = /^\s*(\d+)\s*-\s*(\d+)\s*(?::\s*(\d+)\s*)?$/.exec(v);
  const ks: number[] = [];
  if (range) {
    const [a, b, step] = [Number(range[1]), Number(range[2]), Number(range[3] ?? 1)];
    if (!(a >= 1 && b >= a && b <= 1000 && step >= 1))
      throw new InvalidArgumentError('A range must be from-to[:step] with 1 <= from <= to <= 1000.');
    for (let k = a; k <= b; k += step) ks.push(k);
  } else {
    for (const part of v.split(',')) {
      const k = Number(part.trim());
      if (!/^\s*\d+\s*$/.test(part) || k < 1 || k > 1000)
        throw new InvalidArgumentError(
          `"${part.trim()}" is not a delay; give integers from 1 to 1000, comma-separated, or a range like 2-40:2.`,
        );
      ks.push(k);
    }
  }
  if (ks.length > 100) throw new InvalidArgumentError(`That is ${ks.length} delays; a sweep takes at most 100.`);
  return ks;
}

/** `compare --sweep`: the memory sweep, its own budget (the sweep's defaults unless given). */
function sweep(o: CompareOpts): void {
  for (const [flag, given] of [
    ['--data', o.data],
    ['--task', o.task],
    ['--delay', o.delay],
    ['--length', o.length],
    ['--layers', o.layers],
    ['--bidirectional', o.bidirectional],
    ['--proj', o.proj],
  ] as const)
    if (given !== undefined)
      throw new ConfigError(`--sweep runs the delay task with sequences of k + 1 steps for every k of --delays; leave out ${flag}`);
  const out = makeOutput(!!o.json);
  const train = trainConfig({ ...o, epochs: o.epochs ?? SWEEP_DEFAULTS.epochs, batchSize: o.batchSize ?? SWEEP_DEFAULTS.batchSize });
  // Small models train fastest on one thread; the sweep's default learning rate is its own.
  const job = memorySweep({
    delays: o.delays,
    seeds: o.seeds,
    seed: o.seed ?? 0,
    hiddenSize: o.hidden,
    count: o.count,
    train: {
      ...train,
      makeStep: null,
      optimizer: { ...train.optimizer!, lr: o.lr ?? (o.optimizer === 'sgd' ? DEFAULTS.sgdLr : SWEEP_DEFAULTS.lr) },
    },
  });
  const view = new SweepRenderer(out);
  let step = job.next();
  for (; !step.done; step = job.next()) view.handle(step.value);
  view.finish(step.value);
}

export function registerCompare(program: Command): void {
  const cmd = program.command('compare').description('train RNN, LSTM, GRU and a model without memory on the same data and compare them');
  addTaskOptions(cmd);
  addModelOptions(cmd);
  addTrainOptions(cmd);
  addJson(cmd);
  cmd
    .option(
      '--seeds <n>',
      'train every cell from n seeds (seed, seed + 1, ...) and weigh the gaps against their spread (default 1; --sweep 3)',
      int(1, 100),
    )
    .option(
      '--sweep',
      `the memory sweep: accuracy against the distance k to remember on the delay task, and the gradient through time; its own budget unless given: --hidden ${SWEEP_DEFAULTS.hidden}, --count ${SWEEP_DEFAULTS.count}, --epochs ${SWEEP_DEFAULTS.epochs}, --lr ${SWEEP_DEFAULTS.lr}, one thread`,
    )
    .option(
      '--delays <list>',
      `--sweep: the distances k, comma-separated, or a range from-to[:step] (default ${SWEEP_DEFAULTS.delays.join(',')})`,
      parseDelays,
    );
  cmd.addHelpText(
    'after',
    `
Examples:
  rnnscope compare                                   the trend task, 8 hidden units each
  rnnscope compare --task delay --delay 10 --hidden 16 --epochs 10 --seeds 3   where a plain RNN forgets, three seeds each
  rnnscope compare --sweep                           accuracy against k = ${SWEEP_DEFAULTS.delays.join(', ')}, ${SWEEP_DEFAULTS.seeds} seeds, and the gradient through time
  rnnscope compare --sweep --delays 2-40:2 --seeds 5 --epochs 20   a longer sweep`,
  );
  cmd.action(async (o: CompareOpts) => {
    if (o.cell) throw new ConfigError('compare trains every cell; leave out --cell');
    if (o.sweep) return sweep(o);
    if (o.delays) throw new ConfigError('--delays is for --sweep');
    const out = makeOutput(!!o.json);
    const { data, task, taskOptions } = await loadData(o);
    const c = out.color;
    const [model, train, seed] = [modelChoice(o), trainConfig(o), o.seed ?? 0];
    checkRunFits({ data, task, taskOptions, model, train, seed, modes: comparedCells(model.mode ?? DEFAULTS.cell) });
    const job = compareCells({ data, task, taskOptions, model, train, seed, seeds: o.seeds });
    let step = job.next();
    // "training LSTM..." is rewritten in place and erased before anything else is printed.
    const status = new StatusLine();
    for (; !step.done; step = job.next()) {
      const e = step.value;
      if (e.type === 'compare_start') out.print(`Task ${c.cyan(e.task)}: ${e.description}`);
      else if (e.type === 'compare_train' && e.event.type === 'train_start' && !out.json)
        status.show(c.dim(`  training ${cellOf(e.mode).label}...`));
      else if (e.type === 'compare_failed') {
        status.clear();
        process.exitCode = 1;
        out.print(c.red(e.message));
      }
    }
    status.clear();
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
        seedAccuracies: x.seedAccuracies,
        meanAccuracy: x.meanAccuracy,
        spread: x.spread,
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
    const many = (o.seeds ?? 1) > 1;
    const rows = r.rows.map((x) => [
      x.label,
      x.parameters,
      num(x.valAccuracy, 3),
      many ? `${num(x.testAccuracy, 3)} (${o.seeds} seeds: ${num(x.meanAccuracy, 3)} ± ${num(x.spread, 3)})` : num(x.testAccuracy, 3),
      points(x.gain),
      seconds(x.seconds),
    ]);
    rows.push([memorylessLabel(r.memoryless.mode), r.memoryless.parameters, '', num(r.memoryless.accuracy, 3), '', '']);
    const head = ['Model', 'Parameters', 'Held-out acc', 'Test acc', 'Memory worth', 'Train time'];
    out.print(fitTable(head, rows, out.width, { color: c.isColorSupported, flex: 0, flexMin: 16 }));
    out.print(`Chance (always the commonest class): ${num(r.chance, 3)}. ${bestSentence(r)}`);
    out.print(memorySentence(r.comparison, c.bold, `the ${cellOf(r.own).label}'s memory`));
    out.print(verdictSentence(r.verdict) + (r.verdict.band === null && !r.verdict.level ? ' (--seeds 3 measures it.)' : ''));
  });
}
