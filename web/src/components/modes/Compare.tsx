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
      {!c && (
        <p data-testid="compare-status">
          Starting the comparison…{' '}
          <button type="button" onClick={runCompare}>
            Start
          </button>
        </p>
      )}
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
          <LineChart
            title="Training loss of every batch"
            testId="compare-loss"
            xLabel="batch"
            yLabel="cross-entropy"
            series={c.rows.map((r, i) => ({
              name: r.label,
              points: r.losses.map((l, k) => [k + 1, l] as [number, number]),
              color: SERIES[i],
              width: 1.2,
            }))}
          />
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
    </div>
  );
}
