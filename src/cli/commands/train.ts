/**
 * `rnnscope train`: trains a model on a task or a data file and writes it as safetensors, as a
 * checkpoint after every epoch (atomically: a kill leaves the last good one), never over an existing
 * file without --force. `--resume FILE` goes on from a checkpoint: same data, same batch order.
 */
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { prepare, dataEvent, type Prepared } from '../../pipeline.js';
import { Trainer, type TrainConfig } from '../../train/trainer.js';
import { evaluate } from '../../train/evaluate.js';
import { decodeModel } from '../../io/model.js';
import { encodeRun, type RunSource } from '../../io/run-file.js';
import type { RunMeta } from '../../io/run-meta.js';
import { readModelBytes, writeFileAtomic } from '../../io/model-file.js';
import { refuseSpecial } from '../../io/write-target.js';
import type { EpochRecord } from '../../train/events.js';
import { ConfigError } from '../../errors.js';
import { makeOutput } from '../output.js';
import { PipelineRenderer } from '../render.js';
import { addJson, addModelOptions, addTaskOptions, addTrainOptions, modelChoice, trainConfig, type CommonOpts } from '../options.js';
import { loadData } from '../data.js';

interface TrainOpts extends CommonOpts {
  out?: string;
  force?: boolean;
  resume?: string;
}

/** Fails before training, not after it, when the model could not be written. */
function checkWritableDir(path: string): void {
  const dir = dirname(resolve(path));
  let st;
  try {
    st = statSync(dir);
  } catch {
    throw new ConfigError(`cannot write ${path}: the directory ${dirname(path)} does not exist`);
  }
  if (!st.isDirectory()) throw new ConfigError(`cannot write ${path}: ${dirname(path)} is not a directory`);
  try {
    accessSync(dir, constants.W_OK);
  } catch {
    throw new ConfigError(`cannot write ${path}: the directory ${dirname(path)} is not writable`);
  }
  if (existsSync(path) && statSync(path).isDirectory())
    throw new ConfigError(`cannot write ${path}: it is a directory; give a file name with --out`);
}

export function registerTrain(program: Command): void {
  const cmd = program.command('train').description('train a model and write it as a .safetensors file');
  addTaskOptions(cmd);
  addModelOptions(cmd);
  addTrainOptions(cmd);
  cmd
    .option('--out <file>', 'where to write the model (default model.safetensors; a checkpoint after every epoch)')
    .option('--force', 'overwrite --out if it exists')
    .option('--resume <file>', 'go on training from this checkpoint up to --epochs (same data and batch order)');
  addJson(cmd);
  cmd.addHelpText(
    'after',
    `
Examples:
  rnnscope train                                         the reference pipeline on the trend task -> model.safetensors
  rnnscope train --task delay --delay 8 --cell lstm --hidden 16 --epochs 20 --out lstm.safetensors
  rnnscope train --data my.csv --label-col class --target last --out my.safetensors
  rnnscope train --resume model.safetensors --epochs 10 --force   five more epochs`,
  );
  cmd.action(async (o: TrainOpts) => {
    const out = makeOutput(!!o.json);
    const path = o.out ?? 'model.safetensors';
    let resumed: { meta: RunMeta; model: ReturnType<typeof decodeModel>['model'] } | null = null;
    if (o.resume) {
      for (const k of ['cell', 'hidden', 'layers', 'bidirectional', 'dropout', 'proj'] as const) {
        if (o[k] !== undefined) throw new ConfigError(`--${k} cannot change a model being resumed; its config comes from ${o.resume}`);
      }
      const d = decodeModel(await readModelBytes(o.resume), o.resume);
      resumed = { meta: d.meta as RunMeta, model: d.model };
      if (!resumed.meta.checkpoint)
        throw new ConfigError(`${o.resume} has no training checkpoint to resume (it was not written by rnnscope train)`);
    }
    const mayOverwrite = !!o.force || (resumed !== null && o.resume === path);
    refuseSpecial(path);
    if (existsSync(path) && !mayOverwrite) {
      throw new ConfigError(`${path} already exists; pass --force to overwrite it, or --out to write elsewhere`);
    }
    checkWritableDir(path);

    const spec = resumed?.meta.taskSpec;
    const seed = o.seed ?? spec?.seed ?? resumed?.meta.train?.seed ?? 0;
    const fromTask = !o.data && !o.task && spec ? { ...o, task: spec.name, ...(spec.options as object) } : o;
    if (resumed && !o.data && !o.task && !spec)
      throw new ConfigError(`${o.resume} was trained on a data file (${resumed.meta.dataFile}); give it again with --data`);
    const { data, task, taskOptions } = await loadData(
      fromTask as CommonOpts,
      resumed ? { classes: resumed.meta.classes, features: resumed.model.options.inputSize } : undefined,
    );
    const p: Prepared = prepare({ data, task, taskOptions, model: modelChoice(o), seed });
    let model = p.model;
    // A resumed run keeps its thread count (two threads and one are the same run only to rounding).
    const threads = o.threads ?? resumed?.meta.train?.threads;
    const cfg: TrainConfig = { ...(resumed?.meta.train ?? {}), ...trainConfig({ ...o, seed, threads }) };
    if (resumed) {
      model = resumed.model;
      cfg.history = (resumed.meta.history ?? []) as EpochRecord[];
      if (o.epochs === undefined || o.epochs <= cfg.history.length) {
        throw new ConfigError(
          `${o.resume} has trained ${cfg.history.length} epoch${cfg.history.length === 1 ? '' : 's'} already; give --epochs above ${cfg.history.length} to go on`,
        );
      }
    }
    const trainer = new Trainer(model, p.split.train, p.split.val, cfg);
    if (resumed?.meta.checkpoint) {
      trainer.optimizer.loadState(resumed.meta.checkpoint.optimizer);
      if (trainer.schedule && resumed.meta.checkpoint.schedule) trainer.schedule.loadState(resumed.meta.checkpoint.schedule);
    }
    const run: RunSource = {
      prepared: p,
      trainer,
      task: data ? null : { name: task!, options: taskOptions ?? {} },
      dataFile: o.data ? basename(o.data) : null,
      normalization: resumed?.meta.normalization,
    };

    const r = new PipelineRenderer(out);
    r.handle(dataEvent(p));
    r.handle({ type: 'model', options: model.options, parameters: model.parameterCount });
    let force = mayOverwrite;
    let failed = false;
    let endMessage = '';
    for (const e of trainer.run()) {
      r.handle(e);
      if (e.type === 'epoch') {
        await writeFileAtomic(path, encodeRun(run), { force });
        force = true; // the file is ours now
      }
      if (e.type === 'train_end') {
        failed = e.reason === 'nonfinite';
        endMessage = e.message;
        if (!failed) await writeFileAtomic(path, encodeRun(run), { force });
      }
    }
    const ev = evaluate(model, p.split.test);
    r.handle({ type: 'test', evaluation: ev });
    const saved = { type: 'saved', path, epochs: trainer.history.length, parameters: model.parameterCount, testAccuracy: ev.accuracy };
    out.event(saved);
    if (failed) {
      const kept = trainer.history.length
        ? `the last good checkpoint (epoch ${trainer.history.length}) is in ${path}`
        : `no epoch finished, so no checkpoint was written`;
      process.stderr.write(`rnnscope: ${endMessage}; ${kept}.\n`);
      process.exitCode = 1;
    } else {
      out.print(
        `Saved ${path}: ${model.parameterCount} parameters, ${trainer.history.length} epochs. Next: rnnscope trace --model ${path}`,
      );
    }
  });
}
