/**
 * Compare: RNN, LSTM and GRU trained side by side in the worker on the same data with the same
 * settings, then a model without memory and chance; the engine's sentences on memory and the gaps.
 */
import { currentCompare, session } from '../../store.js';
import { runCompare } from '../../runner/runner.js';
import { LineChart } from '../charts/LineChart.js';
import { Bars } from '../charts/Bars.js';
import { SERIES } from '../charts/color.js';
import { f3, points, seconds } from '../../../../src/format.js';
import { SWEEP_DEFAULTS } from '../../../../src/explain/sweep-defaults.js';
import { runSweep } from '../../runner/runner.js';
import { sweep } from '../../runner/sweep-store.js';
import { SweepAccuracyChart, SweepGradientChart } from './SweepCharts.js';
import { useState } from 'preact/hooks';

/** Before the worker's first word on a comparison: it is starting, or the learner starts it. */
export function CompareStarting() {
  return (
    <p data-testid="compare-status">
      Starting the comparison…{' '}
      <button type="button" onClick={runCompare}>
        Start
      </button>
    </p>
  );
}

/** Every cell's training loss, batch by batch, one line each in the cells' colours (both comparisons). */
export function BatchLosses({
  rows,
  title,
  yLabel,
}: {
  rows: readonly { label: string; losses: readonly number[] }[];
  title: string;
  yLabel: string;
}) {
  return (
    <LineChart
      title={title}
      testId="compare-loss"
      xLabel="batch"
      yLabel={yLabel}
      series={rows.map((r, i) => ({
        name: r.label,
        points: r.losses.map((l, k) => [k + 1, l] as [number, number]),
        color: SERIES[i],
        width: 1.2,
      }))}
    />
  );
}

export function Compare() {
  const s = session.value;
  const c = currentCompare.value;
  if (!s) return <p>Preparing…</p>;
  const chance = c?.memoryless.chance ?? null;
  return (
    <div class="mode-compare">
      <h2>Compare: with and without memory, RNN vs LSTM vs GRU</h2>
      <p>
        Each cell trains on the same data ({s.data.name}), with the same split, hidden size ({s.settings.hidden}), epochs (
        {s.settings.epochs}), batches and seed, side by side in the worker. Then a model of the run's own cell and size is trained on single
        steps, so it never has a memory; each cell's memory is worth its accuracy minus the better of that model and the same cell with its
        hidden state reset before every step.
      </p>
      {!c && <CompareStarting />}
      {c && (
        <>
          <p data-testid="compare-status" data-status={c.status}>
            {c.status === 'running' ? 'Training side by side…' : c.status === 'failed' ? `Stopped: ${c.message}` : 'Done.'}
          </p>
          <table class="trace-table" data-testid="compare-table">
            <caption>Test accuracy of each model on the same held-out test split</caption>
            <thead>
              <tr>
                <th scope="col">Model</th>
                <th scope="col">Parameters</th>
                <th scope="col">Progress</th>
                <th scope="col">Held-out acc (last epoch)</th>
                <th scope="col">Test acc</th>
                <th scope="col">Memory worth</th>
                <th scope="col">Train time</th>
              </tr>
            </thead>
            <tbody>
              {c.rows.map((r) => (
                <tr data-mode={r.mode} data-test-accuracy={r.testAccuracy ?? ''} data-gain={r.gain ?? ''}>
                  <th scope="row">{r.label}</th>
                  <td>{r.parameters}</td>
                  <td>
                    <progress max={r.batchesTotal} value={r.batchesDone} aria-label={`${r.label} batches trained`} />
                  </td>
                  <td>{r.history.length ? f3(r.history[r.history.length - 1]!.valAccuracy) : '…'}</td>
                  <td>{r.testAccuracy === null ? '…' : f3(r.testAccuracy)}</td>
                  <td>{r.gain === null ? '…' : points(r.gain)}</td>
                  <td>{r.seconds ? seconds(r.seconds) : ''}</td>
                </tr>
              ))}
              <tr data-mode="memoryless" data-test-accuracy={c.memoryless.accuracy ?? ''}>
                <th scope="row">{c.memoryless.label}</th>
                <td>{c.memoryless.parameters}</td>
                <td>{c.memoryless.status === 'done' ? 'done' : c.memoryless.status === 'running' ? 'training…' : 'waits for the three'}</td>
                <td />
                <td>{c.memoryless.accuracy === null ? '…' : f3(c.memoryless.accuracy)}</td>
                <td />
                <td />
              </tr>
              <tr>
                <th scope="row">Chance (always the commonest class)</th>
                <td />
                <td />
                <td />
                <td>{chance === null ? '…' : f3(chance)}</td>
                <td />
                <td />
              </tr>
            </tbody>
          </table>
          <BatchLosses rows={c.rows} title="Training loss of every batch" yLabel="cross-entropy" />
          {c.status === 'done' && (
            <Bars
              title="Test accuracy"
              testId="compare-bars"
              bars={[
                ...c.rows.map((r, i) => ({ label: r.label, value: r.testAccuracy ?? 0, color: SERIES[i] })),
                { label: 'no memory', value: c.memoryless.accuracy ?? 0, color: '#6b7a8c' },
                { label: 'chance', value: chance ?? 0, color: '#9aa5b1' },
              ]}
            />
          )}
          {c.memory && (
            <p class="explain" data-testid="compare-memory">
              {c.memory[0]} <strong>{c.memory[1]}</strong> {c.memory[2]}
            </p>
          )}
          {c.verdict && (
            <p class="explain" data-testid="compare-verdict">
              {c.verdict}
            </p>
          )}
        </>
      )}
      <Sweep />
    </div>
  );
}

/** "1, 5, 10" to [1, 5, 10], or null when any part is not a whole k from 1 to 200. */
function parseKs(v: string): number[] | null {
  const ks = v
    .split(/[\s,]+/)
    .filter(Boolean)
    .map(Number);
  return ks.length && ks.every((k) => Number.isInteger(k) && k >= 1 && k <= 200) ? ks : null;
}

/** The "why LSTM" experiment: the memory sweep, run in the worker on request, and its two charts. */
function Sweep() {
  const w = sweep.value;
  const [delays, setDelays] = useState(SWEEP_DEFAULTS.delays.join(', '));
  const [seeds, setSeeds] = useState(SWEEP_DEFAULTS.seeds);
  const [epochs, setEpochs] = useState(SWEEP_DEFAULTS.epochs);
  const [count, setCount] = useState(SWEEP_DEFAULTS.count);
  const ks = parseKs(delays);
  const labels = w?.cells.map((c) => c.label) ?? [];
  const r = w?.result ?? null;
  return (
    <section class="sweep" aria-labelledby="sweep-title">
      <h3 id="sweep-title">Why LSTM: accuracy against the distance to remember</h3>
      <p>
        The delay task with one answer per sequence: the token that came k steps back. A plain RNN, an LSTM and a GRU of{' '}
        {SWEEP_DEFAULTS.hidden} hidden units each train on it with the same budget, from several seeds, for every k; each run also measures
        how much of the answer's gradient reaches every earlier step, before and after training.
      </p>
      <form
        class="sweep-form"
        onSubmit={(ev) => {
          ev.preventDefault();
          if (ks) runSweep({ delays: ks, seeds, epochs, count });
        }}
      >
        <label>
          k{' '}
          <input
            data-testid="sweep-delays"
            value={delays}
            aria-invalid={!ks}
            onInput={(ev) => setDelays((ev.target as HTMLInputElement).value)}
          />
        </label>
        <label>
          seeds{' '}
          <input
            type="number"
            min={1}
            max={10}
            data-testid="sweep-seeds"
            value={seeds}
            onInput={(ev) => setSeeds(Math.max(1, Math.min(10, Math.round(Number((ev.target as HTMLInputElement).value) || 1))))}
          />
        </label>
        <label>
          epochs{' '}
          <input
            type="number"
            min={1}
            max={100}
            data-testid="sweep-epochs"
            value={epochs}
            onInput={(ev) => setEpochs(Math.max(1, Math.min(100, Math.round(Number((ev.target as HTMLInputElement).value) || 1))))}
          />
        </label>
        <label>
          sequences{' '}
          <input
            type="number"
            min={100}
            max={20000}
            step={100}
            data-testid="sweep-count"
            value={count}
            onInput={(ev) => setCount(Math.max(100, Math.min(20000, Math.round(Number((ev.target as HTMLInputElement).value) || 100))))}
          />
        </label>
        <button type="submit" data-testid="sweep-start" disabled={!ks || w?.status === 'running'}>
          Run the sweep
        </button>
        {!ks && <span role="alert">k must be whole numbers from 1 to 200, separated by commas.</span>}
      </form>
      {w && (
        <p data-testid="sweep-status" data-status={w.status}>
          {w.status === 'running' ? (
            <>
              <progress max={w.batchesTotal} value={w.batchesDone} aria-label="sweep progress" /> run {Math.min(w.runsDone + 1, w.runs)} of{' '}
              {w.runs}
              {w.current && `: k = ${w.current.k}, ${w.current.label}, seed ${w.current.seed}`}
            </>
          ) : (
            `Done: ${w.runs} runs in ${seconds(r?.seconds ?? 0)}.`
          )}
        </p>
      )}
      {r && (
        <>
          <SweepAccuracyChart r={r} labels={labels} />
          {[...new Set([r.gradient.k, r.delays[r.delays.length - 1]!])].map((k) => (
            <p class="explain" data-testid="sweep-verdict" data-k={k}>
              At k = {k}: {r.sentences.find((x) => x.k === k)!.text}
            </p>
          ))}
          <SweepGradientChart r={r} labels={labels} />
          <table class="trace-table" data-testid="sweep-gradient-table">
            <caption>How much of the answer's gradient reaches the first step (‖∂L/∂h_0‖ / ‖∂L/∂h_k‖), at k = {r.gradient.k}</caption>
            <thead>
              <tr>
                <th scope="col">Cell</th>
                <th scope="col">Initial weights</th>
                <th scope="col">Trained</th>
              </tr>
            </thead>
            <tbody>
              {r.gradient.cells.map((c, i) => (
                <tr data-mode={c.mode} data-early-ratio={c.earlyRatio} data-late-ratio={c.lateRatio}>
                  <th scope="row">{labels[i]}</th>
                  <td>{c.earlyRatio.toExponential(1)}</td>
                  <td>{c.lateRatio.toExponential(1)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
