/** The options both data readers (CSV and JSON) take, and the check of them. */
import { ConfigError } from '../errors.js';
import type { Target } from './dataset.js';
import { list } from './values.js';

/** Options both readers take. */
export interface ReadOptions {
  /**
   * Class names, index = class id (a trained model's classes); a label outside them is an error.
   * Default: the labels found. All integers 0, 1, ...: class id = the integer, as PyTorch expects
   * (classes "0".."max", gaps kept). Otherwise the distinct labels sorted (numerically if all numbers).
   */
  classes?: readonly string[];
  /** Features per step the caller expects (a model's input size). Default: any count. */
  featureCount?: number;
  /**
   * 'steps': a class per step (a step with an empty label gets -100 and is skipped by the loss).
   * 'last': one class per sequence; a sequence's labelled steps must agree.
   * 'auto' (default): 'last' when every sequence has exactly one labelled step and some sequence has
   * more than one step (a label on the last row only), else 'steps'.
   */
  target?: Target | 'auto';
  /** When false, a file without labels reads as unlabelled (every target -100), for prediction. Default true. */
  requireLabels?: boolean;
  /**
   * Labels are real numbers (a regression target), not classes: each sequence's `v` holds them, and
   * `classes` is empty. Default false.
   */
  regression?: boolean;
  /** Most steps one sequence may have. Default 100000. */
  maxSteps?: number;
  /** The dataset's name. Default: the source's file name without its extension. */
  name?: string;
  /**
   * CSV only. 'long': one row per step. 'wide': one row per sequence, a column per step (one feature
   * per step). 'auto' (default): long, but a file whose every sequence has one row and five or more
   * number columns is refused as looking wide, with how to reshape it.
   */
  layout?: 'auto' | 'long' | 'wide';
  /** How messages name the column options, e.g. { label: "--label-col" } for a CLI. Default: "the label option". */
  optionNames?: Partial<Record<'id' | 'step' | 'label' | 'features' | 'delimiter' | 'layout', string>>;
}

/** Most steps one sequence may have, unless ReadOptions.maxSteps says otherwise. */
export const MAX_STEPS = 100_000;

/** Rejects options a caller got wrong (these are programming or CLI mistakes, not data mistakes). */
export function checkOptions(o: ReadOptions): void {
  if (o.target !== undefined && !['steps', 'last', 'auto'].includes(o.target))
    throw new ConfigError(`target must be "steps", "last" or "auto", got ${JSON.stringify(o.target)}`);
  for (const key of ['featureCount', 'maxSteps'] as const) {
    const v = o[key];
    if (v !== undefined && (!Number.isSafeInteger(v) || v < 1)) throw new ConfigError(`${key} must be a positive integer, got ${v}`);
  }
  if (o.classes !== undefined && (o.classes.length === 0 || new Set(o.classes).size !== o.classes.length)) {
    throw new ConfigError(`classes must be a non-empty list of distinct names, got ${list(o.classes)}`);
  }
}

/** How a message names one of the column options. */
export function optionName(o: ReadOptions, role: keyof NonNullable<ReadOptions['optionNames']>): string {
  return o.optionNames?.[role] ?? `the ${role} option`;
}
