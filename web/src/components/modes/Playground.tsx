/**
 * Playground: edit the input sequence (drag a step's value, use the arrow keys on it, or pick a preset)
 * and the engine traces the edited sequence at once: the hidden state over time and every prediction.
 */
import { session, setView, view } from '../../store.js';
import { MemorySwitch } from './MemorySwitch.js';
import { Notice } from '../Lesson.js';
import { hiddenNotice, predictionNotice } from '../../notice.js';
import { HeatMap } from '../charts/HeatMap.js';
import { SERIES } from '../charts/color.js';
import { f2 } from '../../../../src/format.js';
import { scaleLinear } from 'd3-scale';
import { TextPlayground } from './TextPlayground.js';

const W = 560;
const H = 220;
const M = { top: 12, right: 14, bottom: 30, left: 46 };
const round = (v: number) => Math.round(v * 1000) / 1000;

type Preset = { name: string; make: (t: number, T: number, lo: number, hi: number) => number };
const PRESETS: Preset[] = [
  { name: 'rising', make: (t, T, lo, hi) => lo + (hi - lo) * (0.25 + (0.5 * t) / (T - 1)) },
  { name: 'falling', make: (t, T, lo, hi) => lo + (hi - lo) * (0.75 - (0.5 * t) / (T - 1)) },
  { name: 'flat', make: (_t, _T, lo, hi) => (lo + hi) / 2 },
  { name: 'up, then down', make: (t, T, lo, hi) => lo + (hi - lo) * (0.25 + 0.5 * (1 - Math.abs((2 * t) / (T - 1) - 1))) },
  { name: 'zigzag', make: (t, _T, lo, hi) => lo + (hi - lo) * (t % 2 ? 0.6 : 0.4) },
];

function Editor({
  values,
  T,
  I,
  ranges,
  feature,
  together,
  names,
}: {
  names: readonly string[];
  values: number[];
  T: number;
  I: number;
  ranges: { min: number; max: number }[];
  feature: number;
  together: boolean;
}) {
  const r = ranges[feature]!;
  const pad = (r.max - r.min) * 0.05 || 1;
  const y = scaleLinear()
    .domain([r.min - pad, r.max + pad])
    .range([H - M.bottom, M.top]);
  const x = (t: number) => M.left + ((W - M.left - M.right) * (t + 0.5)) / T;
  const set = (t: number, v: number) => {
    const next = [...values];
    const clamped = Math.max(r.min - pad, Math.min(r.max + pad, v));
    const delta = clamped - values[t * I + feature]!;
    for (let i = 0; i < I; i++) {
      if (i === feature || together) next[t * I + i] = round(values[t * I + i]! + delta);
    }
    setView({ playground: next });
  };
  const fromPointer = (e: PointerEvent) => {
    const svg = e.currentTarget as SVGSVGElement;
    const box = svg.getBoundingClientRect();
    const px = ((e.clientX - box.left) / box.width) * W;
    const py = ((e.clientY - box.top) / box.height) * H;
    const t = Math.max(0, Math.min(T - 1, Math.floor(((px - M.left) / (W - M.left - M.right)) * T)));
    set(t, y.invert(py));
  };
  const step = (r.max - r.min) / 40;
  return (
    <svg
      viewBox={`0 0 ${W} ${H}`}
      class="editor"
      data-testid="editor"
      onPointerDown={(e) => {
        (e.currentTarget as SVGSVGElement).setPointerCapture(e.pointerId);
        fromPointer(e);
      }}
      onPointerMove={(e) => e.buttons & 1 && fromPointer(e)}
    >
      {y.ticks(5).map((v) => (
        <g>
          <line x1={M.left} x2={W - M.right} y1={y(v)} y2={y(v)} class="grid" />
          <text x={M.left - 6} y={y(v) + 4} text-anchor="end" class="axis">
            {v}
          </text>
        </g>
      ))}
      {Array.from({ length: I }, (_, i) => i)
        .filter((i) => i !== feature)
        .map((i) => (
          <polyline
            points={Array.from({ length: T }, (_, t) => `${x(t)},${y(values[t * I + i]!)}`).join(' ')}
            fill="none"
            stroke="#b8c2cf"
            stroke-width="1.5"
          />
        ))}
      <polyline
        points={Array.from({ length: T }, (_, t) => `${x(t)},${y(values[t * I + feature]!)}`).join(' ')}
        fill="none"
        stroke={SERIES[0]}
        stroke-width="2.5"
      />
      {Array.from({ length: T }, (_, t) => {
        const v = values[t * I + feature]!;
        return (
          <g>
            <text x={x(t)} y={H - 10} text-anchor="middle" class="axis">
              {t + 1}
            </text>
            <circle
              cx={x(t)}
              cy={y(v)}
              r="9"
              class="handle"
              tabindex={0}
              role="slider"
              data-testid={`handle-${t}`}
              aria-label={`step ${t + 1}, ${names[feature]}`}
              aria-valuemin={+(r.min - pad).toFixed(2)}
              aria-valuemax={+(r.max + pad).toFixed(2)}
              aria-valuenow={+v.toFixed(3)}
              aria-valuetext={f2(v)}
              onKeyDown={(e) => {
                const d =
                  e.key === 'ArrowUp'
                    ? step
                    : e.key === 'ArrowDown'
                      ? -step
                      : e.key === 'PageUp'
                        ? step * 5
                        : e.key === 'PageDown'
                          ? -step * 5
                          : 0;
                if (!d) return;
                e.preventDefault();
                e.stopPropagation();
                set(t, v + d);
              }}
            />
          </g>
        );
      })}
    </svg>
  );
}

export function Playground() {
  const s = session.value;
  if (!s) return <p>Preparing…</p>;
  // a text model's playground: type a text, see its cells; sample from a language model
  if (s.words) return <TextPlayground />;
  const v = view.value;
  const pg = s.playground;
  const I = s.data.features.length;
  const values = v.playground ?? pg.values;
  const T = values.length / I;
  const feature = Math.min(v.feature, I - 1);
  const tr = pg.trace;
  const ci = Math.min(v.cell, tr.steps[0]!.cells.length - 1);
  const hRows = Array.from({ length: tr.steps[0]!.cells[ci]!.h.length }, (_, u) => tr.steps.map((x) => x.cells[ci]!.h[u]!));
  const preset = (p: Preset) => {
    const next = values.map((_, k) => {
      const t = Math.floor(k / I);
      const r = pg.ranges[k % I]!;
      return round(p.make(t, T, r.min, r.max));
    });
    setView({ playground: next });
  };
  const classes = s.data.classes;
  return (
    <div class="mode-playground">
      <h2>Playground: change the input, watch the memory</h2>
      <p>
        Drag a point up or down (or focus it and use the arrow keys). The model traces the edited sequence at once: the hidden state below
        and the prediction at every step follow.
      </p>
      <div class="toolbar" role="group" aria-label="Edit the sequence">
        <label class="inline">
          Feature{' '}
          <select value={feature} onChange={(e) => setView({ feature: Number((e.currentTarget as HTMLSelectElement).value) })}>
            {s.data.features.map((f, i) => (
              <option value={i}>{f}</option>
            ))}
          </select>
        </label>
        {I > 1 && (
          <label class="inline check">
            <input
              type="checkbox"
              checked={v.together}
              onChange={(e) => setView({ together: (e.currentTarget as HTMLInputElement).checked })}
            />{' '}
            move all features together
          </label>
        )}
        <span class="spacer" />
        <span>Presets:</span>
        <button type="button" class="small" onClick={() => setView({ playground: null })} data-testid="preset-test">
          the test sequence ({s.trace.sequenceId})
        </button>
        {PRESETS.map((p) => (
          <button type="button" class="small" onClick={() => preset(p)} data-testid={`preset-${p.name.split(',')[0]}`}>
            {p.name}
          </button>
        ))}
      </div>
      <Editor values={values} T={T} I={I} ranges={pg.ranges} feature={feature} together={v.together} names={s.data.features} />
      <MemorySwitch />
      <Notice text={`${predictionNotice(tr, classes)} ${hiddenNotice(tr, ci)}`} testId="notice-playground" />
      <div class="scroll-x" tabIndex={0} role="group" aria-label="Predictions at each step">
        <table class="predictions" data-testid="predictions">
          <caption>The model's prediction at each step of the edited sequence</caption>
          <tbody>
            <tr>
              <th scope="row">step</th>
              {tr.steps.map((x) => (
                <td>{x.t + 1}</td>
              ))}
            </tr>
            {tr.steps[0]!.probs ? (
              <>
                <tr>
                  <th scope="row">predicted</th>
                  {tr.steps.map((x) => (
                    <td class={`cls cls-${x.predicted}`} data-probs={JSON.stringify(x.probs)}>
                      {classes[x.predicted!]}
                    </td>
                  ))}
                </tr>
                <tr>
                  <th scope="row">probability</th>
                  {tr.steps.map((x) => (
                    <td>{f2(x.probs![x.predicted!]!)}</td>
                  ))}
                </tr>
              </>
            ) : (
              tr.final && (
                <tr>
                  <th scope="row">predicted</th>
                  <td colSpan={T} data-probs={JSON.stringify(tr.final.probs)}>
                    {classes[tr.final.predicted]} ({f2(tr.final.probs[tr.final.predicted]!)})
                  </td>
                </tr>
              )
            )}
          </tbody>
        </table>
      </div>
      <HeatMap
        rows={hRows}
        rowLabel={(u) => `unit ${u + 1}`}
        colLabel={(c) => `${c + 1}`}
        domain={1}
        title="Hidden state h_t of the edited sequence (units x steps)"
        testId="pg-heatmap"
        link={{ rows: 'unit', cols: 'step' }}
      />
    </div>
  );
}
