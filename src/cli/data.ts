/** The data a command works on: a built-in task (generated from the random seed) or the user's file. */
import type { Dataset } from '../data/dataset.js';
import type { TaskOptions } from '../data/tasks.js';
import { columnOptions } from '../data/read.js';
import { ConfigError } from '../errors.js';
import type { CommonOpts } from './options.js';

export interface DataChoice {
  data?: Dataset;
  task?: string;
  taskOptions: TaskOptions;
}

export async function loadData(o: CommonOpts, expect?: { classes?: string[]; features?: number }): Promise<DataChoice> {
  const taskOptions: TaskOptions = { count: o.count, length: o.length, delay: o.delay };
  if (o.data && o.task) throw new ConfigError('give either --task or --data, not both');
  if (o.delay !== undefined && (o.task ?? 'trend') !== 'delay') throw new ConfigError('--delay is for --task delay');
  if (!o.data) {
    for (const k of ['idCol', 'stepCol', 'labelCol', 'features', 'target', 'delimiter', 'layout'] as const) {
      if (o[k] !== undefined)
        throw new ConfigError(`--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} is for --data files, not built-in tasks`);
    }
    return { task: o.task ?? 'trend', taskOptions };
  }
  for (const k of ['count', 'length'] as const) {
    if (o[k] !== undefined) throw new ConfigError(`--${k} is for built-in tasks, not --data files`);
  }
  const { readDataFile } = await import('../data/read.js');
  const data = await readDataFile(o.data, {
    ...columnOptions(o),
    target: o.target,
    classes: expect?.classes,
    featureCount: expect?.features,
  });
  return { data, taskOptions };
}

/** Refuses options that make no difference here, rather than ignoring them silently. */
export function refuse(o: CommonOpts, keys: (keyof CommonOpts)[], why: string): void {
  for (const k of keys) {
    if (o[k] !== undefined) throw new ConfigError(`--${String(k).replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} ${why}`);
  }
}
