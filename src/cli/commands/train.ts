/**
 * `rnnscope train`: trains a model on a task or a data file and writes it as safetensors, as a
 * checkpoint after every epoch (atomically: a kill leaves the last good one), never over an existing
 * file without --force. `--resume FILE` goes on from a checkpoint: same data, same batch order.
 */
import { basename } from 'node:path';
import type { Command } from 'commander';
import { prepare, dataEvent, type Prepared } from '../../pipeline.js';
import { Trainer, type TrainConfig } from '../../train/trainer.js';
import { evaluate } from '../../train/evaluate.js';
import { classReport, commonestClass } from '../../train/class-report.js';
import { classReportLines } from '../class-report-text.js';
import { decodeModel } from '../../io/model.js';
import { encodeRun, type RunSource } from '../../io/run-file.js';
import type { RunMeta } from '../../io/run-meta.js';
import { readModelBytes, writeFileAtomic } from '../../io/model-file.js';
import { checkOutPath } from '../out-path.js';
import type { EpochRecord, TrainEndEvent } from '../../train/events.js';
import { ConfigError } from '../../errors.js';
import { makeOutput } from '../output.js';
import { PipelineRenderer, plural } from '../render.js';
import {
  addDataControlOptions,
  addJson,
  addModelOptions,
  addTaskOptions,
  addTrainOptions,
  modelChoice,
  trainConfig,
  type CommonOpts,
} from '../options.js';
import { loadData, refuse } from '../data.js';
import { addTextOptions } from '../text-options.js';
import { classWeights, initFrom, splitCsv } from '../train-controls.js';
import { num } from '../../format.js';
import { restoreState, resumeConfig } from '../resume.js';
import { catchInterrupt, dataFlags, shellWord } from '../interrupt.js';
import { checkRunFits } from '../fits.js';
import { addValueOptions, refuseValueOptions } from '../value-options.js';
import { trainValues, type ValueOpts } from './train-values.js';
import { VALUE_TASKS } from '../../data/value-tasks.js';

interface TrainOpts extends CommonOpts {
  out?: string;
  force?: boolean;
  resume?: string;
}

export function registerTrain(program: Command): void {
  const cmd = program.command('train').description('train a model and write it as a .safetensors file');
  addTaskOptions(cmd);
  addTextOptions(cmd);
  addModelOptions(cmd);
  addTrainOptions(cmd);
  addDataControlOptions(cmd);
  cmd
    .option('--out <file>', 'where to write the model (default model.safetensors; a checkpoint after every epoch)')
    .option('--force', 'overwrite --out if it exists')
    .option('--resume <file>', 'go on training from this checkpoint up to --epochs (same data and batch order)');
  addValueOptions(cmd);
  addJson(cmd);
  cmd.addHelpText(
    'after',
    `
Examples:
  rnnscope train                                         the reference pipeline on the trend task -> model.safetensors
  rnnscope train --task delay --delay 8 --cell lstm --hidden 16 --epochs 20 --out lstm.safetensors
  rnnscope train --data my.csv --label-col class --target last --out my.safetensors
  rnnscope train --resume model.safetensors --epochs 10 --force   five more epochs
  rnnscope train --data prices.csv --label-col price --regression  real-valued labels
  rnnscope train --data names.csv --text-col name --label-col gender --cell lstm --out names.safetensors
  rnnscope train --text book.txt --length 100 --cell lstm --hidden 128 --out book.safetensors   a character model
  rnnscope train --series co2.csv --target CO2 --window 24 --horizon 3 --season 12 --cell gru --out co2.safetensors`,
  );
  cmd.action(async (o: TrainOpts & ValueOpts) => {
    if (o.series || o.regression || (o.task && o.task in VALUE_TASKS)) return trainValues(o);
    refuseValueOptions(o);
    const out = makeOutput(!!o.json);
    const path = o.out ?? 'model.safetensors';
    let resumed: { meta: RunMeta; model: ReturnType<typeof decodeModel>['model'] } | null = null;
    if (o.resume) {
      const d = decodeModel(await readModelBytes(o.resume), o.resume);
      resumed = { meta: d.meta as RunMeta, model: d.model };
      if (!resumed.meta.checkpoint)
        throw new ConfigError(`${o.resume} has no training checkpoint to resume (it was not written by rnnscope train)`);
    }
    const mayOverwrite = !!o.force || (resumed !== null && o.resume === path);
    // before training, not after it: a symbolic link, device or FIFO is refused even with --force
    checkOutPath(path, { force: mayOverwrite });
    if (o.splitOut) checkOutPath(o.splitOut, { force: !!o.force, option: '--split-out' });
    if (resumed) refuse(o, ['initFrom', 'classWeights'], `cannot change a run being resumed; it comes from ${o.resume}`);

    const spec = resumed?.meta.taskSpec;
    const seed = o.seed ?? spec?.seed ?? resumed?.meta.train?.seed ?? 0;
    const fromTask = !o.data && !o.task && spec ? { ...o, task: spec.name, ...(spec.options as object) } : o;
    if (resumed && !o.data && !o.task && !o.text && !spec)
      throw new ConfigError(`${o.resume} was trained on a data file (${resumed.meta.dataFile}); give it again with --data`);
    const { data, task, taskOptions, split, valData, testData } = await loadData(
      fromTask as CommonOpts,
      resumed ? { classes: resumed.meta.classes, features: resumed.model.options.inputSize } : undefined,
    );
    // a resumed text model keeps its vocabulary
    if (data?.text && resumed?.meta.text) data.text = { ...data.text, vocabulary: resumed.meta.text.vocabulary };
    {
      // before anything is made
      const threads = o.threads ?? resumed?.meta.train?.threads;
      const cfg: TrainConfig = { ...(resumed?.meta.train ?? {}), ...trainConfig({ ...o, seed, threads }) };
      const choice = resumed ? { ...resumed.model.options } : modelChoice(o);
      checkRunFits({ data, task, taskOptions, model: choice, train: cfg, seed, writesFile: true });
    }
    const p: Prepared = prepare({
      data,
      task,
      taskOptions,
      model: modelChoice(o),
      seed,
      split,
      valData,
      testData,
      normalize: o.normalize,
    });
    let model = p.model;
    if (o.initFrom) await initFrom(model, o.initFrom);
    // A resumed run keeps its thread count (two threads and one are the same run only to rounding).
    const threads = o.threads ?? resumed?.meta.train?.threads;
    let cfg: TrainConfig;
    let resume: ReturnType<typeof resumeConfig> | null = null;
    if (resumed) {
      model = resumed.model;
      const history = (resumed.meta.history ?? []) as EpochRecord[];
      resume = resumeConfig(resumed.meta.train ?? {}, o, history.at(-1)?.epoch ?? 0, o.resume!); // a file's history keeps only some early epochs
      const { makeStep } = trainConfig({ threads });
      cfg = { ...resume.cfg, history, makeStep, threads: trainConfig({ threads }).threads };
      if (resume.lr !== undefined) cfg.optimizer = { ...(cfg.optimizer ?? { type: 'adam' }), lr: resume.lr };
    } else {
      cfg = trainConfig({ ...o, seed, threads });
      if (o.classWeights) cfg.classWeights = classWeights(o.classWeights, p.dataset.classes, p.split.train);
    }
    const trainer = new Trainer(model, p.split.train, p.split.val, cfg);
    if (resumed?.meta.checkpoint) {
      const lrChange = restoreState(trainer, resumed.meta.checkpoint, resume!.lr, resume!.newSchedule);
      if (lrChange) resume!.changes.unshift(lrChange);
    }
    const run: RunSource = {
      prepared: p,
      trainer,
      task: data ? null : { name: task!, options: taskOptions ?? {} },
      dataFile: (o.data ?? o.text) !== undefined ? basename((o.data ?? o.text)!) : null,
      normalization: resumed?.meta.normalization,
    };

    if (o.splitOut) await writeFileAtomic(o.splitOut, new TextEncoder().encode(splitCsv(p.split)), { force: !!o.force });
    const r = new PipelineRenderer(out);
    r.handle(dataEvent(p));
    r.handle({ type: 'model', options: model.options, parameters: model.parameterCount });
    if (resumed) {
      const done = resumed.meta.history?.length ?? 0;
      out.event({ type: 'resume', from: o.resume, epochs: done, changes: resume!.changes });
      const what = resume!.changes.map((c) => `${c.option} ${c.from} -> ${c.to}`).join(', ');
      out.print(`Resuming ${o.resume} after epoch ${done}${what ? `; changed: ${what}` : ''}.`);
    }
    let force = mayOverwrite;
    let failed = false;
    let endMessage = '';
    let best = { loss: Infinity, epoch: 0, weights: null as Float32Array | Float64Array | null };
    const stop = catchInterrupt();
    let ended = false;
    const started = performance.now();
    for (const e of trainer.run()) {
      if (stop.signal) break; // between batches: the last checkpoint on disk is whole
      r.handle(e);
      if (e.type === 'batch') await stop.turn();
      if (e.type === 'epoch') {
        if (o.keep === 'best' && e.valLoss < best.loss) best = { loss: e.valLoss, epoch: e.epoch, weights: model.table.data.slice() };
        await writeFileAtomic(path, encodeRun(run), { force });
        force = true; // the file is ours now
      }
      if (e.type === 'train_end') {
        ended = true;
        failed = e.reason === 'nonfinite';
        endMessage = e.message;
        // --keep best: the epoch with the lowest validation loss, as early stopping would restore it.
        if (!failed && best.weights && best.epoch !== e.bestEpoch) {
          model.table.data.set(best.weights);
          out.event({ type: 'kept', epoch: best.epoch, valLoss: best.loss });
          out.print(`  Kept epoch ${best.epoch}, the best validation loss (${num(best.loss, 4)}), as --keep best asks.`);
        }
        if (!failed) await writeFileAtomic(path, encodeRun(run), { force });
      }
    }
    stop.dispose();
    if (stop.signal && !ended) {
      const done = trainer.epochsDone;
      r.handle({
        type: 'train_end',
        reason: 'interrupted',
        epochs: done,
        bestEpoch: done,
        seconds: (performance.now() - started) / 1000,
        message: `interrupted (${stop.signal}) during epoch ${done + 1}`,
        // The CLI's own end: the engine's TrainEndEvent (and the explorer) never sees it.
      } as unknown as TrainEndEvent);
      const total = trainer.config.epochs ?? done + 1;
      const again = ['rnnscope', 'train', '--resume', shellWord(path), '--epochs', String(total), ...dataFlags(o)].join(' ');
      const ours =
        done > ((resumed?.meta.history as EpochRecord[] | undefined)?.at(-1)?.epoch ?? 0) || (resumed !== null && o.resume === path);
      out.event({ type: 'interrupted', signal: stop.signal, epochs: done, path: ours ? path : null, resume: ours ? again : null });
      process.stderr.write(
        ours && done > 0
          ? `rnnscope: stopped by ${stop.signal}; ${done} finished epoch${done === 1 ? ' is' : 's are'} saved in ${path}. Go on with:\n  ${again}\n`
          : `rnnscope: stopped by ${stop.signal} before an epoch finished; nothing was saved.\n`,
      );
      process.exitCode = stop.signal === 'SIGINT' ? 130 : 143;
      return;
    }
    const ev = evaluate(model, p.split.test);
    r.handle({ type: 'test', evaluation: ev });
    if (p.dataset.text?.kind === 'next' && p.split.test.length) {
      // a language model: its loss per token, in nats and bits, is what compares with other tools
      out.event({ type: 'text_test', nats: ev.loss, bits: ev.loss / Math.LN2, tokens: ev.counted });
      if (!out.json)
        out.print(
          `  Loss per ${p.dataset.text.tokenizer === 'chars' ? 'character' : 'word'} on the test part: ${num(ev.loss, 4)} nats (${num(ev.loss / Math.LN2, 3)} bits), over ${ev.counted}.`,
        );
    } else if (p.split.test.length) {
      const report = classReport(model, p.split.test, commonestClass(p.split.train, model.options.numClasses));
      out.event({ type: 'class_report', split: 'test', classes: p.dataset.classes, ...report });
      if (!out.json) for (const line of classReportLines(report, p.dataset.classes, out.width)) out.print(line);
    }
    const saved = { type: 'saved', path, epochs: trainer.epochsDone, parameters: model.parameterCount, testAccuracy: ev.accuracy };
    out.event(saved);
    if (failed) {
      const kept = trainer.epochsDone
        ? `the last good checkpoint (epoch ${trainer.epochsDone}) is in ${path}`
        : `no epoch finished, so no checkpoint was written`;
      process.stderr.write(`rnnscope: ${endMessage}; ${kept}.\n`);
      process.exitCode = 1;
    } else {
      out.print(
        `Saved ${path}: ${plural(model.parameterCount, 'parameter')}, ${plural(trainer.epochsDone, 'epoch')}. Next: rnnscope trace --model ${path}`,
      );
    }
  });
}
