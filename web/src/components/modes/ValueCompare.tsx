/**
 * Compare on a model of values: RNN, LSTM and GRU of the run's size trained side by side in the worker
 * on the same windows with the same budget, from several seeds, their test RMSE and MAE beside
 * persistence, the seasonal naive value, the training mean and the own cell without memory, and the
 * engine's sentences on the gaps (web/src/runner/value-compare.ts). Then this run's own model against
 * the same baselines.
 */
import { useEffect } from 'preact/hooks';
import type { ValueState } from '../../runner/protocol.js';
import { runCompare } from '../../runner/runner.js';
import { BatchLosses, CompareStarting } from './Compare.js';
import { valueCompare } from '../../runner/value-compare-store.js';
import { seconds, units } from '../../../../src/format.js';

/** The settings a comparison was asked for, so that a page that redraws does not ask twice. */
let asked = '';

export function ValueCompare({ v }: { v: ValueState }) {
  const c = valueCompare.value?.key === v.key ? valueCompare.value : null;
  useEffect(() => {
    if (!c && asked !== v.key) {
      asked = v.key;
      runCompare();
    }
  }, [v.key, c]);
  const st = v.settings;
  return (
    <div class="mode-compare">
      <h2>Compare: RNN vs LSTM vs GRU, and the baselines a forecaster checks first</h2>
      <p>
        Each cell ({st.hidden} hidden units) trains on the same windows of {v.name}, with the same split, epochs ({st.epochs}), batches and
        learning rate, side by side in the worker
        {c ? `, from ${c.seeds} seeds each (the weights and the batch order change; the series does not)` : ''}. Errors are in {v.target}'s
        units on the test windows; lower is better.
      </p>
      {!c && <CompareStarting />}
      {c && (
        <>
          <p data-testid="compare-status" data-status={c.status}>
            {c.status === 'running'
              ? c.memoryless.status === 'running'
                ? 'Training the model without memory…'
                : 'Training side by side…'
              : c.status === 'failed'
                ? `Stopped: ${c.message}`
                : 'Done.'}
          </p>
          <table class="values-table" data-testid="value-compare">
            <caption>Test errors of each cell and baseline on the same test windows</caption>
            <thead>
              <tr>
                <th scope="col">Model</th>
                <th scope="col">Parameters</th>
                <th scope="col">Progress</th>
                <th scope="col">RMSE</th>
                <th scope="col">MAE</th>
                <th scope="col">RMSE over {c.seeds} seeds</th>
                <th scope="col">Memory worth</th>
                <th scope="col">Train time</th>
              </tr>
            </thead>
            <tbody>
              {c.rows.map((r) => (
                <tr
                  data-mode={r.mode}
                  data-rmse={r.rmse ?? ''}
                  data-mae={r.mae ?? ''}
                  data-mean-rmse={r.meanRmse ?? ''}
                  data-spread={r.spread ?? ''}
                >
                  <th scope="row">{r.label}</th>
                  <td>{r.parameters}</td>
                  <td>
                    <progress max={r.batchesTotal} value={r.batchesDone} aria-label={`${r.label} batches trained, every seed`} />
                  </td>
                  <td>{r.rmse === null ? '…' : units(r.rmse)}</td>
                  <td>{r.mae === null ? '…' : units(r.mae)}</td>
                  <td>{r.meanRmse === null || r.spread === null ? '…' : `${units(r.meanRmse)} ± ${units(r.spread)}`}</td>
                  <td>{r.gain === null ? '…' : units(r.gain)}</td>
                  <td>{r.seconds ? seconds(r.seconds) : ''}</td>
                </tr>
              ))}
              {c.baselines ? (
                c.baselines.map((b) => (
                  <tr data-name={b.name} data-rmse={b.rmse} data-mae={b.mae}>
                    <th scope="row">{b.name === 'memoryless' ? c.memoryless.label : b.name}</th>
                    <td>{b.name === 'memoryless' ? c.memoryless.parameters : 0}</td>
                    <td>{b.label}</td>
                    <td>{units(b.rmse)}</td>
                    <td>{units(b.mae)}</td>
                    <td />
                    <td />
                    <td />
                  </tr>
                ))
              ) : (
                <tr>
                  <th scope="row">{c.memoryless.label} and the baselines</th>
                  <td>{c.memoryless.parameters}</td>
                  <td colSpan={6}>{c.memoryless.status === 'running' ? 'training…' : 'measured once the cells are trained'}</td>
                </tr>
              )}
            </tbody>
          </table>
          <p class="muted">
            RMSE and MAE: the first seed's model. Memory worth: the better of the same weights with the state reset before every step and
            the model without memory, minus the cell's RMSE (positive when memory helps).
          </p>
          <BatchLosses rows={c.rows} title="Training loss of every batch (first seed; MSE of the normalised target)" yLabel="MSE" />
          {c.verdict && (
            <p class="explain" data-testid="compare-verdict">
              {c.verdict}
            </p>
          )}
          {c.beside && (
            <p class="explain" data-testid="compare-beside">
              {c.beside}
            </p>
          )}
        </>
      )}
      <RunBaselines v={v} />
    </div>
  );
}

/** This run's own model beside the baselines, as the main job measured it once training finished. */
function RunBaselines({ v }: { v: ValueState }) {
  const t = v.test;
  if (!t)
    return (
      <p data-testid="compare-waiting">
        This run's own model is measured against the baselines on the test part once it has been trained (Play).
      </p>
    );
  const rows = [t.model, ...t.baselines];
  return (
    <>
      <h3>This run's model beside the baselines (test part)</h3>
      <table class="values-table" data-testid="baselines">
        <caption>Errors in {v.target}'s units on the test windows; lower is better</caption>
        <thead>
          <tr>
            <th scope="col">Who</th>
            <th scope="col">What</th>
            <th scope="col">RMSE</th>
            <th scope="col">MAE</th>
            <th scope="col">R²</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr data-name={r.name} data-rmse={r.rmse}>
              <th scope="row">{r.name}</th>
              <td>{r.label}</td>
              <td>{units(r.rmse)}</td>
              <td>{units(r.mae)}</td>
              <td>{r.r2.toFixed(3)}</td>
            </tr>
          ))}
          <tr data-name="reset" data-rmse={t.reset}>
            <th scope="row">reset</th>
            <td>the same weights, the state reset before every step</td>
            <td>{units(t.reset)}</td>
            <td />
            <td />
          </tr>
        </tbody>
      </table>
    </>
  );
}
