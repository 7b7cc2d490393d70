/**
 * Compare: RNN, LSTM and GRU trained side by side in the worker on the same data with the same
 * settings, then a model without memory and chance; the accuracy gap explained from the numbers.
 */
import { currentCompare, session } from '../../store.js';
import { runCompare } from '../../runner/runner.js';
import { LineChart } from '../charts/LineChart.js';
import { Bars } from '../charts/Bars.js';
import { SERIES } from '../charts/color.js';
import { f3, seconds } from '../../../../src/format.js';
import type { CompareState } from '../../runner/protocol.js';

function explain(c: CompareState): string[] {
  const done = c.rows.filter((r) => r.testAccuracy !== null);
  if (done.length < c.rows.length) return [];
  const best = done.reduce((a, b) => (b.testAccuracy! > a.testAccuracy! ? b : a));
  const worst = done.reduce((a, b) => (b.testAccuracy! < a.testAccuracy! ? b : a));
  const out: string[] = [];
  const m = c.memoryless;
  if (m.status === 'done' && m.accuracy !== null && m.chance !== null) {
    const gain = best.testAccuracy! - m.accuracy;
    out.push(`Memory is worth ${gain >= 0 ? '+' : ''}${(gain * 100).toFixed(1)} points: the best model with memory, ${best.label}, scores ${f3(best.testAccuracy!)}; the same-sized RNN trained on single steps scores ${f3(m.accuracy)}, and always answering the commonest class ${f3(m.chance)}. One step alone does not hold the answer; the hidden state carries what came before.`);
  }
  const gap = best.testAccuracy! - worst.testAccuracy!;
  if (gap > 0.1) {
    const vanish = worst.mode.startsWith('rnn') && c.task === 'delay';
    out.push(`${worst.label} trails ${best.label} by ${(gap * 100).toFixed(1)} points${vanish
      ? `: the answer lies ${c.delay} steps back, and across those steps a plain RNN's gradient fades step by step (vanishing gradients), while the gates of an LSTM or GRU let it pass`
      : ''}.`);
  } else {
    out.push(`The three cells are within ${(gap * 100).toFixed(1)} points of each other here: this task does not need a long memory, so the plain RNN's simpler update is enough.${c.task !== 'delay' ? ' Try the delay task with k = 10 and 16 hidden units to see the gates matter.' : ''}`);
  }
  return out;
}

export function Compare() {
  const s = session.value;
  const c = currentCompare.value;
  if (!s) return <p>Preparing…</p>;
  const chance = c?.memoryless.chance ?? null;
  return (
    <div class="mode-compare">
      <h2>Compare: with and without memory, RNN vs LSTM vs GRU</h2>
      <p>Each cell trains on the same data ({s.data.name}), with the same split, hidden size ({s.settings.hidden}), epochs ({s.settings.epochs}), batches and seed, side by side in the worker. Then an RNN of the same size is trained on single steps, so it never has a memory.</p>
      {!c && <p data-testid="compare-status">Starting the comparison… <button type="button" onClick={runCompare}>Start</button></p>}
      {c && (
        <>
          <p data-testid="compare-status" data-status={c.status}>
            {c.status === 'running' ? 'Training side by side…' : c.status === 'failed' ? `Stopped: ${c.message}` : 'Done.'}
          </p>
          <table class="trace-table" data-testid="compare-table">
            <caption>Test accuracy of each model on the same held-out test split</caption>
            <thead><tr><th scope="col">Model</th><th scope="col">Parameters</th><th scope="col">Progress</th><th scope="col">Held-out acc (last epoch)</th><th scope="col">Test acc</th><th scope="col">Train time</th></tr></thead>
            <tbody>
              {c.rows.map((r) => (
                <tr data-mode={r.mode} data-test-accuracy={r.testAccuracy ?? ''}>
                  <th scope="row">{r.label}</th><td>{r.parameters}</td>
                  <td><progress max={r.batchesTotal} value={r.batchesDone} aria-label={`${r.label} batches trained`} /></td>
                  <td>{r.history.length ? f3(r.history[r.history.length - 1]!.valAccuracy) : '…'}</td>
                  <td>{r.testAccuracy === null ? '…' : f3(r.testAccuracy)}</td><td>{r.seconds ? seconds(r.seconds) : ''}</td>
                </tr>
              ))}
              <tr data-mode="memoryless" data-test-accuracy={c.memoryless.accuracy ?? ''}>
                <th scope="row">No memory (RNN trained on single steps)</th><td>{c.memoryless.parameters}</td>
                <td>{c.memoryless.status === 'done' ? 'done' : c.memoryless.status === 'running' ? 'training…' : 'waits for the three'}</td><td />
                <td>{c.memoryless.accuracy === null ? '…' : f3(c.memoryless.accuracy)}</td><td />
              </tr>
              <tr><th scope="row">Chance (always the commonest class)</th><td /><td /><td /><td>{chance === null ? '…' : f3(chance)}</td><td /></tr>
            </tbody>
          </table>
          <LineChart
            title="Training loss of every batch" testId="compare-loss" xLabel="batch" yLabel="cross-entropy"
            series={c.rows.map((r, i) => ({ name: r.label, points: r.losses.map((l, k) => [k + 1, l] as [number, number]), color: SERIES[i], width: 1.2 }))}
          />
          {c.status === 'done' && (
            <Bars
              title="Test accuracy" testId="compare-bars"
              bars={[...c.rows.map((r, i) => ({ label: r.label, value: r.testAccuracy ?? 0, color: SERIES[i] })),
                { label: 'no memory', value: c.memoryless.accuracy ?? 0, color: '#6b7a8c' }, { label: 'chance', value: chance ?? 0, color: '#9aa5b1' }]}
            />
          )}
          {explain(c).map((p) => <p class="explain">{p}</p>)}
        </>
      )}
    </div>
  );
}
