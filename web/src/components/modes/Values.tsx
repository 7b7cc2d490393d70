/**
 * Every mode for a model of real-valued targets (the oscillation task, an uploaded series): the data
 * flow with values in the target's units, the error curve (RMSE), the step-through of a test window
 * (h_t and the value), a playground whose edits the engine predicts at once, the baselines, the quiz
 * about this run, the key insight, and the forecast chart of history, forecast and truth. It formats
 * what the worker sent (web/src/runner/values.ts) and computes nothing the engine knows.
 */
import { setView, valueState, view } from '../../store.js';
import type { ValueState } from '../../runner/protocol.js';
import { f2, shape, units } from '../../../../src/format.js';
import { LineChart } from '../charts/LineChart.js';
import { ValueCompare } from './ValueCompare.js';
import { ValueMath } from './ValueMath.js';
import { ValueCode } from './ValueCode.js';
import { Questions } from './Quiz.js';

function Header({ v }: { v: ValueState }) {
  const last = v.history[v.history.length - 1];
  return (
    <div class="values-head">
      <p data-testid="values-task">
        <strong>{v.name}</strong>: {v.description ? v.description.replace(/([^.])$/, '$1.') : `${v.series.length} steps of ${v.target}.`}{' '}
        Split in time: {v.sizes.train} / {v.sizes.val} / {v.sizes.test} windows of {v.window} steps (train, validation, test), none crossing
        a boundary.
      </p>
      <p class="status" data-testid="values-status" data-status={v.status} aria-live="polite">
        {v.status === 'ready'
          ? 'Initial weights: press Play to train.'
          : v.status === 'failed'
            ? v.message
            : `Epoch ${v.history.length} of ${v.epochs}${last ? `: held-out RMSE ${units(last.valRmse)}` : ''}${v.status === 'done' ? ', done.' : '…'}`}
      </p>
    </div>
  );
}

/** The range of the values drawn, with a twentieth of it (or 1 for a flat line) either side: a series of loads near 500 is not drawn from 0. */
function fittedDomain(ys: readonly number[]): [number, number] {
  const finite = ys.filter(Number.isFinite);
  if (!finite.length) return [0, 1];
  const lo = Math.min(...finite);
  const hi = Math.max(...finite);
  const pad = hi > lo ? (hi - lo) / 20 : Math.max(1, Math.abs(lo) / 20);
  return [lo - pad, hi + pad];
}

/** History (train and validation parts), truth and the model's one-step forecasts over the test part, and the forecast after the end. */
export function ForecastChart({ v }: { v: ValueState }) {
  const n = v.series.length;
  const from = Math.max(0, v.parts.b - 4 * v.window);
  const history: [number, number][] = v.series.slice(from, v.parts.b).map((y, i) => [from + i, y]);
  const truth: [number, number][] = v.series.slice(v.parts.b).map((y, i) => [v.parts.b + i, y]);
  const series = [
    { name: 'history', points: history, color: '#6b7280', width: 1.5 },
    { name: 'truth (test part)', points: truth, color: '#2563eb', width: 1.5 },
  ];
  if (v.rows) {
    const at = n - v.rows.length;
    series.push({ name: 'forecast, one step ahead', points: v.rows.map((r, i) => [at + i, r.predicted]), color: '#d97706', width: 1.5 });
  }
  if (v.forecast)
    series.push({ name: 'forecast after the end', points: v.forecast.map((r, i) => [n + i, r.value]), color: '#b91c1c', width: 2 });
  const label = (i: number) => v.labels?.[i] ?? `t=${i}`;
  const yDomain = fittedDomain(series.flatMap((s) => s.points.map((p) => p[1])));
  return (
    <div data-testid="forecast-chart" data-y-domain={yDomain.join(',')}>
      <LineChart
        title={`${v.target}: history to ${label(v.parts.b - 1)}, then the test part from ${label(v.parts.b)} to ${label(n - 1)}${v.forecast ? ` and ${v.forecast.length} steps after it` : ''}`}
        series={series}
        xLabel="step of the series"
        yLabel={v.target}
        xDomain={[from, n + (v.forecast?.length ?? 0)]}
        yDomain={yDomain}
      />
      {!v.rows && <p class="hint">The model's forecasts appear once it is trained (Play).</p>}
    </div>
  );
}

function Pipeline({ v }: { v: ValueState }) {
  return (
    <div>
      <h2>Data flow: {v.flow.stages.length} stages</h2>
      <ol class="values-flow" data-testid="values-flow">
        {v.flow.stages.map((s) => (
          <li data-stage={s.index}>
            <strong>{s.name}</strong> {shape(s.inShape)} → {shape(s.outShape)} ({s.outDims.join(' × ')})
            {s.parameterCount ? `, ${s.parameterCount} parameters` : ''}
            <br />
            <span>{s.description}</span>
            {s.index === v.flow.stages.length && (
              <p data-testid="flow-output">
                Out: <strong>{s.values.map((r) => r.map(units).join(', ')).join('; ')}</strong> ({v.target}, in its own units)
              </p>
            )}
          </li>
        ))}
      </ol>
      <ForecastChart v={v} />
    </div>
  );
}

function Training({ v }: { v: ValueState }) {
  const epochs = v.history;
  return (
    <div>
      <h2>Training: the error, in {v.target}'s units</h2>
      <div data-testid="rmse-chart">
        <LineChart
          title="RMSE per epoch: training and held-out"
          series={[
            { name: 'training RMSE', points: epochs.map((e) => [e.epoch, e.trainRmse]), dots: true },
            { name: 'held-out RMSE', points: epochs.map((e) => [e.epoch, e.valRmse]), dots: true, dashed: true },
          ]}
          xLabel="epoch"
          yLabel="RMSE"
          xDomain={[0, v.epochs]}
        />
      </div>
      <table class="values-table" data-testid="rmse-table">
        <caption>Per epoch (RMSE and MAE in {v.target}'s units)</caption>
        <thead>
          <tr>
            <th scope="col">Epoch</th>
            <th scope="col">Train RMSE</th>
            <th scope="col">Held-out RMSE</th>
            <th scope="col">MAE</th>
            <th scope="col">R²</th>
            <th scope="col">Observation</th>
          </tr>
        </thead>
        <tbody>
          {epochs.map((e) => (
            <tr>
              <td>{e.epoch}</td>
              <td>{units(e.trainRmse)}</td>
              <td data-testid="val-rmse">{units(e.valRmse)}</td>
              <td>{units(e.valMae)}</td>
              <td>{e.valR2.toFixed(3)}</td>
              <td>{e.observation}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <ForecastChart v={v} />
    </div>
  );
}

function WindowPicker({ v }: { v: ValueState }) {
  return (
    <label class="inline">
      <span>Test window</span>
      <input
        type="number"
        min={1}
        max={v.sizes.test}
        value={v.seq + 1}
        onChange={(e) => {
          const n = Number((e.currentTarget as HTMLInputElement).value) - 1;
          if (Number.isInteger(n) && n >= 0 && n < v.sizes.test) setView({ seq: n, playground: null });
        }}
        data-testid="window-picker"
      />
    </label>
  );
}

function Step({ v }: { v: ValueState }) {
  const t = v.trace;
  if (!t) return <p>Preparing…</p>;
  const step = Math.min(view.value.step, t.steps.length - 1);
  return (
    <div>
      <h2>Step-through: test window {t.id}</h2>
      <WindowPicker v={v} />
      <table class="values-table" data-testid="value-trace">
        <caption>
          Each step: the reading x_t ({v.target}) and the hidden state h_t it leaves ({v.model.options.hiddenSize} units, last layer)
        </caption>
        <thead>
          <tr>
            <th scope="col">Step</th>
            <th scope="col">x_t</th>
            <th scope="col">h_t</th>
          </tr>
        </thead>
        <tbody>
          {t.steps.map((s, i) => (
            <tr class={i === step ? 'current' : ''} onClick={() => setView({ step: i })} data-h={s.h.join(',')}>
              <td>{i + 1}</td>
              <td>{units(s.x)}</td>
              <td class="vec">[{s.h.map(f2).join(', ')}]</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p data-testid="trace-value" data-predicted={t.predicted}>
        Output layer on h_{t.steps.length}: next {v.target} <strong>{units(t.predicted)}</strong>
        {t.truth !== null && `, true ${units(t.truth)} (error ${units(t.predicted - t.truth)})`}
        {t.last !== null && `; the last value was ${units(t.last)}`}.
      </p>
    </div>
  );
}

function Playground({ v }: { v: ValueState }) {
  const t = v.trace;
  if (!t) return <p>Preparing…</p>;
  const values = view.value.playground ?? t.steps.map((s) => s.x);
  const lo = Math.min(...v.series);
  const hi = Math.max(...v.series);
  const edit = (i: number, x: number) => setView({ playground: values.map((y, j) => (j === i ? x : y)) });
  return (
    <div>
      <h2>Playground: change the window, see the forecast</h2>
      <WindowPicker v={v} />
      <p data-testid="playground-prediction" aria-live="polite">
        The model forecasts the next {v.target}: <strong>{units(v.playgroundPrediction ?? t.predicted)}</strong>
        {v.playgroundPrediction !== null && ` (the window as it was: ${units(t.predicted)})`}.
      </p>
      <button type="button" onClick={() => setView({ playground: null })} disabled={!view.value.playground}>
        ↺ The window as it was
      </button>
      <ol class="values-sliders">
        {values.map((x, i) => (
          <li>
            <label>
              <span>
                x_{i + 1} = {units(x)}
              </span>
              <input
                type="range"
                min={lo}
                max={hi}
                step={(hi - lo) / 200}
                value={x}
                onInput={(e) => edit(i, Number((e.currentTarget as HTMLInputElement).value))}
                data-testid={`slider-${i}`}
              />
            </label>
          </li>
        ))}
      </ol>
    </div>
  );
}

function Quiz({ v }: { v: ValueState }) {
  const qs = v.quiz;
  if (!qs) return <p data-testid="quiz-waiting">The questions are drawn from this run; they appear when training has finished.</p>;
  return (
    <div class="mode-quiz">
      <h2>Model Quiz: {qs.length} questions</h2>
      <Questions qs={qs} />
    </div>
  );
}

function Insight({ v }: { v: ValueState }) {
  return (
    <div>
      <h2>Key insight: what memory is worth, measured</h2>
      {v.insight ? (
        <p class="measured" data-testid="value-insight" data-gain={v.insight.gain}>
          {v.insight.text}
        </p>
      ) : (
        <p>
          Measured on the test part once training has finished: the model with memory, the same weights with the state reset, a model
          trained without memory, and the last value.
        </p>
      )}
      <ForecastChart v={v} />
    </div>
  );
}

const VIEWS = {
  pipeline: Pipeline,
  training: Training,
  step: Step,
  math: ValueMath,
  code: ValueCode,
  playground: Playground,
  compare: ValueCompare,
  quiz: Quiz,
  insight: Insight,
};

export function Values() {
  const v = valueState.value!;
  const View = VIEWS[view.value.mode];
  return (
    <div class="mode-values" data-testid="values">
      <Header v={v} />
      <View v={v} />
    </div>
  );
}
