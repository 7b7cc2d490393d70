/**
 * The text rendering of a regression run's events (value_data, the training events, value_epoch,
 * value_test): the split in time, the error per epoch in the target's units, and the test errors
 * beside the baselines. It formats what the events carry and computes nothing the engine knows.
 */
import type { Output } from './output.js';
import asciichart from 'asciichart';
import type { ValueDataEvent, ValueTestEvent, ValueTraceEvent } from '../explain/regression-job.js';
import type { ValueTrainEvent } from '../train/regress.js';
import type { SequenceModel } from '../nn/model.js';
import { describeModel, PipelineRenderer } from './render.js';
import type { ValueJobEvent } from '../explain/value-job.js';
import { seconds } from '../format.js';
import { fitTable } from './layout.js';

import { units } from '../explain/value-views.js';
export { units };

export type ValueEvent =
  | ValueDataEvent
  | ValueTrainEvent
  | ValueTraceEvent
  | ValueTestEvent
  | ValueJobEvent
  | { type: 'model'; options: SequenceModel['options']; parameters: number };

export class ValueRenderer {
  constructor(private readonly out: Output) {}

  handle(e: ValueEvent): void {
    this.out.event(e);
    if (this.out.json) return;
    const p = (s = '') => this.out.print(s);
    const b = this.out.color.bold;
    switch (e.type) {
      case 'value_data': {
        p(b(`Data: ${e.name}`) + ` — ${e.description}`);
        const s = e.series;
        if (s) {
          p(
            `Split in time: train ${s.parts.train} to before ${s.parts.val}, validation to before ${s.parts.test}, test to ${s.parts.end}: ` +
              `${e.sizes.train} / ${e.sizes.val} / ${e.sizes.test} windows of ${s.window} steps, none crossing a boundary.`,
          );
          if (s.gaps.length)
            p(
              `Gaps: ${s.gaps.reduce((n, g) => n + g.missing, 0)} missing steps in ${s.gaps.length} gaps (` +
                s.gaps
                  .slice(0, 4)
                  .map((g) => `${g.missing} after ${g.after}`)
                  .join(', ') +
                `${s.gaps.length > 4 ? ', ...' : ''}); windows run over them as if the rows were consecutive.`,
            );
        } else p(`Split at random: ${e.sizes.train} / ${e.sizes.val} / ${e.sizes.test} sequences; outputs ${e.outputs.join(', ')}.`);
        return;
      }
      case 'model':
        return p(`Model: ${describeModel(e.options).replace(/-> (\d+) on/, '-> $1 value(s) on')}, ${e.parameters} parameters.`);
      case 'train_start':
        p();
        p(b(`Training — ${e.epochs} epochs of ${e.batchesPerEpoch} batches of ${e.batchSize}; errors in the target's units`));
        return;
      case 'batch':
        return;
      case 'value_epoch':
        return p(
          `  epoch ${String(e.epoch).padStart(String(e.epochs).length)}/${e.epochs}  loss ${e.loss.toFixed(4)}  train RMSE ${units(e.trainRmse)}  ` +
            `held-out RMSE ${units(e.valRmse)} MAE ${units(e.valMae)} R² ${e.valR2.toFixed(3)}  ${e.observation.text}`,
        );
      case 'train_end':
        return p(`  ${e.message} in ${seconds(e.seconds)}${e.reason === 'early_stop' ? ` (weights of epoch ${e.bestEpoch})` : ''}.`);
      case 'value_trace': {
        p();
        p(b(`Prediction trace — the next ${e.target} of the first ${e.rows.length} test windows: true, predicted, and the last value`));
        for (const r of e.rows.slice(0, 8))
          p(
            `  ${r.time.padEnd(12)} true ${units(r.truth).padStart(9)}  predicted ${units(r.predicted).padStart(9)}  last value ${units(r.persistence).padStart(9)}`,
          );
        if (e.rows.length > 8) p(`  ... (${e.rows.length - 8} more in --json)`);
        p(`  true (plain) and predicted (${this.out.color.yellow('yellow')}):`);
        p(
          asciichart.plot([e.rows.map((r) => r.predicted), e.rows.map((r) => r.truth)], {
            height: 8,
            colors: this.out.color.isColorSupported ? [asciichart.yellow, asciichart.default] : undefined,
            format: (x: number) => units(x).padStart(9),
          }),
        );
        return;
      }
      case 'flow':
        return new PipelineRenderer(this.out).renderFlow(e.flow, e.weights);
      case 'value_insight':
        p();
        p(b('Key insight — what memory is worth, measured'));
        return p(`  ${e.text}`);
      case 'value_test': {
        p();
        p(b(`Test split, in the target's units (${e.model.count} values)`));
        const rows = [e.model, ...e.baselines].map((r) => [r.name, r.label, units(r.rmse), units(r.mae), r.r2.toFixed(3)]);
        p(fitTable(['', 'what', 'RMSE', 'MAE', 'R²'], rows, this.out.width, { flex: 1 }));
        const persistence = e.baselines.find((x) => x.name === 'persistence');
        const memoryless = e.baselines.find((x) => x.name === 'memoryless')!;
        p(
          `Memory is worth ${units(e.memoryGain)} of RMSE here: with it ${units(e.model.rmse)}, without it ${units(memoryless.rmse)}` +
            (persistence ? `; the last value alone scores ${units(persistence.rmse)}.` : '.'),
        );
        return;
      }
    }
  }
}
