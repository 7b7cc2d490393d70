/**
 * The Compare mode's job for a forecaster: the engine's comparison of cells on its windows
 * (compareValueCells) stepped one event at a time, side by side, from several seeds, its events folded
 * into the state the page shows.
 */
import {
  compareValueCells,
  baselineSentence,
  type ValueCompareEvent,
  type ValueCompareResult,
} from '../../../src/explain/value-compare.js';
import { verdictSentence } from '../../../src/explain/compare.js';
import type { Series, WindowOptions } from '../../../src/data/series.js';
import { modelChoice, settingsKey, type Settings } from '../settings.js';
import type { ValueCompareRow, ValueCompareState } from './protocol.js';
import { RaceJob } from './job.js';

/** Seeds per cell: enough for a spread (the three cells of a small forecaster train from 3 seeds in a few seconds). */
export const VALUE_COMPARE_SEEDS = 3;

export class ValueCompareJob extends RaceJob<ValueCompareRow, ValueCompareState, ValueCompareEvent, ValueCompareResult> {
  protected readonly job: Generator<ValueCompareEvent, ValueCompareResult | null>;
  protected state: ValueCompareState;

  constructor(
    readonly settings: Settings,
    series: Series,
    window: WindowOptions,
  ) {
    super();
    const { epochs, batchSize, lr, seed } = settings;
    this.job = compareValueCells({
      series,
      window,
      model: modelChoice(settings),
      seed,
      seeds: VALUE_COMPARE_SEEDS,
      train: { epochs, batchSize, optimizer: { type: 'adam', lr }, loss: { type: 'mse' } },
      sideBySide: true,
    });
    const start = this.job.next().value as Extract<ValueCompareEvent, { type: 'value_compare_start' }>;
    this.state = {
      key: settingsKey(settings),
      status: 'running',
      target: start.target,
      seeds: start.seeds,
      own: start.own,
      rows: start.cells.map((c): ValueCompareRow => ({
        mode: c.mode,
        label: c.label,
        parameters: c.parameters,
        batchesDone: 0,
        batchesTotal: c.batchesTotal * start.seeds,
        losses: [],
        valRmse: null,
        rmse: null,
        mae: null,
        seedRmses: [],
        meanRmse: null,
        meanMae: null,
        spread: null,
        gain: null,
        seconds: 0,
      })),
      memoryless: { status: 'waiting', ...start.memoryless },
      baselines: null,
      verdict: null,
      beside: null,
      message: null,
    };
  }

  /** A batch or epoch of the model furthest behind (from any seed), or a model's test. */
  protected onCell(e: ValueCompareEvent, row: ValueCompareRow): void {
    if (e.type === 'value_compare_train') {
      if (e.event.type === 'batch') {
        row.batchesDone++;
        if (e.seed === this.settings.seed) row.losses.push(e.event.loss);
      } else if (e.event.type === 'value_epoch' && e.seed === this.settings.seed) row.valRmse = e.event.valRmse;
      if (e.seed === this.settings.seed) row.seconds = e.seconds;
    } else if (e.type === 'value_compare_cell') {
      Object.assign(row, { rmse: e.rmse, mae: e.mae, seedRmses: [...row.seedRmses, e.rmse] });
    } else if (e.type === 'value_compare_seed') {
      row.seedRmses = [...row.seedRmses, e.rmse];
    }
  }

  protected override copy(): ValueCompareState {
    return { ...this.state, rows: this.state.rows.map((r) => ({ ...r, losses: [...r.losses], seedRmses: [...r.seedRmses] })) };
  }

  protected finish(r: ValueCompareResult): void {
    for (const x of r.rows)
      Object.assign(this.rowOf(x.mode), {
        rmse: x.rmse,
        mae: x.mae,
        seedRmses: x.seedRmses,
        meanRmse: x.meanRmse,
        meanMae: x.meanMae,
        spread: x.spread,
        gain: x.gain,
        batchesDone: this.rowOf(x.mode).batchesTotal,
      });
    this.state.memoryless = { ...this.state.memoryless, status: 'done' };
    this.state.baselines = r.baselines;
    this.state.verdict = verdictSentence(r.verdict);
    this.state.beside = baselineSentence(r);
    this.state.status = 'done';
  }
}
