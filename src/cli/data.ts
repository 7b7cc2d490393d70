/** The data a command works on: a built-in task (generated from the random seed) or the user's file. */
import type { Dataset, SplitKind } from '../data/dataset.js';
import type { TaskOptions } from '../data/tasks.js';
import { columnOptions } from '../data/read.js';
import { ConfigError } from '../errors.js';
import type { CommonOpts } from './options.js';

export interface DataChoice {
  data?: Dataset;
  /** --val-data and --test-data, read with the main file's columns and classes. */
  valData?: Dataset;
  testData?: Dataset;
  /** --split: random (default), ordered, or group (by --split group:COLUMN). */
  split?: SplitKind;
  task?: string;
  taskOptions: TaskOptions;
}

export async function loadData(o: CommonOpts, expect?: { classes?: string[]; features?: number }): Promise<DataChoice> {
  if (o.text !== undefined || o.textCol !== undefined) return (await import('./text-options.js')).loadTextData(o);
  if (o.tokens !== undefined || o.embedding !== undefined) {
    const task = o.task ?? 'trend';
    if (task !== 'brackets')
      throw new ConfigError(
        `--tokens and --embedding are for text (--text, --text-col, --task brackets), not --${o.data ? 'data without --text-col' : `task ${task}`}`,
      );
    if (o.tokens === 'words')
      throw new ConfigError('--task brackets is read a character at a time; --tokens words is for --text and --text-col');
  }
  const taskOptions: TaskOptions = { count: o.count, length: o.length, delay: o.delay };
  if (o.data && o.task) throw new ConfigError('give either --task or --data, not both');
  if (o.target !== undefined && o.target !== 'steps' && o.target !== 'last')
    throw new ConfigError(`--target must be steps or last, got ${JSON.stringify(o.target)} (a column to forecast is for train --series)`);
  if (o.delay !== undefined && (o.task ?? 'trend') !== 'delay') throw new ConfigError('--delay is for --task delay');
  if (!o.data) {
    for (const k of ['idCol', 'stepCol', 'labelCol', 'features', 'target', 'delimiter', 'layout', 'valData', 'testData'] as const) {
      if (o[k] !== undefined)
        throw new ConfigError(`--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} is for --data files, not built-in tasks`);
    }
    return { task: o.task ?? 'trend', taskOptions };
  }
  for (const k of ['count', 'length'] as const) {
    if (o[k] !== undefined) throw new ConfigError(`--${k} is for built-in tasks, not --data files`);
  }
  // A large file says that it is being read, with a bar on a terminal.
  const { readDataWithProgress: readDataFile } = await import('./progress.js');
  const { kind, column } = parseSplit(o.split);
  const data = await readDataFile(o.data, {
    ...columnOptions(o),
    group: column,
    target: o.target as 'steps' | 'last' | undefined,
    classes: expect?.classes,
    featureCount: expect?.features,
  });
  // The other files: the main file's feature columns by name, its classes and its target.
  const more = async (path: string | undefined) =>
    path === undefined
      ? undefined
      : readDataFile(path, {
          ...columnOptions(o),
          ...(o.layout !== 'wide' ? { features: data.features } : {}),
          target: data.target,
          classes: data.classes,
          featureCount: data.features.length,
        });
  return { data, taskOptions, split: kind, valData: await more(o.valData), testData: await more(o.testData) };
}

/** Refuses options that make no difference here, rather than ignoring them silently. */
export function refuse(o: CommonOpts, keys: (keyof CommonOpts)[], why: string): void {
  for (const k of keys) {
    if (o[k] !== undefined) throw new ConfigError(`--${String(k).replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} ${why}`);
  }
}

/** --split's value: random, ordered, or group:COLUMN. */
export function parseSplit(v: string | undefined): { kind: SplitKind; column?: string } {
  if (v === undefined || v === 'random' || v === 'ordered') return { kind: v ?? 'random' };
  const m = /^group:(.+)$/.exec(v);
  if (m) return { kind: 'group', column: m[1]!.trim() };
  throw new ConfigError(
    `--split must be random, ordered or group:COLUMN (a column naming each sequence's group), got ${JSON.stringify(v)}`,
  );
}
