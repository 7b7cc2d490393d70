/**
 * The memory sweep's two charts, drawn from the engine's numbers as the worker sent them: accuracy
 * against k per cell with a band (mean ± one standard deviation across seeds, clipped to the seeds'
 * range), and the gradient through time ‖∂L/∂h_t‖ against t on a log scale, before and after training.
 * Every point carries its numbers in data attributes, so a test reads what is drawn.
 */
import { scaleLinear, scaleLog } from 'd3-scale';
import { area, line } from 'd3-shape';
import { SERIES } from '../charts/color.js';
import { f3 } from '../../../../src/format.js';
import type { SweepState } from '../../runner/protocol.js';

type Result = NonNullable<SweepState['result']>;

const W = 560;
const H = 260;
const M = { top: 14, right: 16, bottom: 40, left: 54 };

export function SweepAccuracyChart({ r, labels }: { r: Result; labels: string[] }) {
  const k0 = r.delays[0]!,
    k1 = r.delays[r.delays.length - 1]!;
  const x = scaleLinear()
    .domain([k0, Math.max(k1, k0 + 1)])
    .range([M.left, W - M.right]);
  const y = scaleLinear()
    .domain([0, 1])
    .range([H - M.bottom, M.top]);
  type P = Result['points'][number];
  const band = area<P>()
    .x((p) => x(p.k))
    .y0((p) => y(Math.max(p.min, p.mean - p.sd)))
    .y1((p) => y(Math.min(p.max, p.mean + p.sd)));
  const mean = line<P>()
    .x((p) => x(p.k))
    .y((p) => y(p.mean));
  const chance = line<{ k: number; accuracy: number }>()
    .x((p) => x(p.k))
    .y((p) => y(p.accuracy));
  const summary = r.cells
    .map((m, i) => {
      const ps = r.points.filter((p) => p.mode === m);
      return `${labels[i]}: ${ps.map((p) => `k ${p.k} ${f3(p.mean)}`).join(', ')}`;
    })
    .join('; ');
  return (
    <figure class="chart" data-testid="sweep-accuracy">
      <figcaption>
        Test accuracy against the distance to remember, k (mean over {r.seeds.length} seeds; the band is ± one standard deviation)
      </figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`Accuracy against k. ${summary}.`}>
        {y.ticks(5).map((t) => (
          <g>
            <line x1={M.left} x2={W - M.right} y1={y(t)} y2={y(t)} class="grid" />
            <text x={M.left - 6} y={y(t) + 4} text-anchor="end" class="axis">
              {t}
            </text>
          </g>
        ))}
        {r.delays.map((k) => (
          <text x={x(k)} y={H - M.bottom + 16} text-anchor="middle" class="axis">
            {k}
          </text>
        ))}
        <text x={(M.left + W - M.right) / 2} y={H - 4} text-anchor="middle" class="axis-label">
          k, steps back to the token to remember
        </text>
        <text transform={`translate(12 ${(M.top + H - M.bottom) / 2}) rotate(-90)`} text-anchor="middle" class="axis-label">
          test accuracy
        </text>
        <path d={chance(r.chance) ?? ''} fill="none" stroke="#6b7a8c" stroke-width="1.5" stroke-dasharray="5 4" />
        {r.cells.map((m, i) => {
          const ps = r.points.filter((p) => p.mode === m);
          const color = SERIES[i % SERIES.length];
          return (
            <g data-mode={m}>
              <path d={band(ps) ?? ''} fill={color} fill-opacity="0.15" stroke="none" />
              <path d={mean(ps) ?? ''} fill="none" stroke={color} stroke-width="2" />
              {ps.map((p) => (
                <circle
                  cx={x(p.k)}
                  cy={y(p.mean)}
                  r="3.5"
                  fill={color}
                  data-k={p.k}
                  data-mean={p.mean}
                  data-sd={p.sd}
                  data-accuracies={JSON.stringify(p.accuracies)}
                >
                  <title>{`${labels[i]}, k = ${p.k}: ${f3(p.mean)} ± ${f3(p.sd)} (seeds: ${p.accuracies.map(f3).join(', ')})`}</title>
                </circle>
              ))}
            </g>
          );
        })}
      </svg>
      <ul class="legend">
        {labels.map((l, i) => (
          <li>
            <span class="swatch" style={{ borderColor: SERIES[i % SERIES.length] }} />
            {l}
          </li>
        ))}
        <li>
          <span class="swatch dashed" style={{ borderColor: '#6b7a8c' }} />
          chance
        </li>
      </ul>
    </figure>
  );
}

export function SweepGradientChart({ r, labels }: { r: Result; labels: string[] }) {
  const { k, cells } = r.gradient;
  const values = cells.flatMap((c) => [...c.early.loss, ...c.late.loss]).filter((v) => v > 0 && Number.isFinite(v));
  const lo = 10 ** Math.floor(Math.log10(Math.min(...values)));
  const hi = 10 ** Math.ceil(Math.log10(Math.max(...values)));
  const x = scaleLinear()
    .domain([0, Math.max(1, k)])
    .range([M.left, W - M.right]);
  const y = scaleLog()
    .domain([lo, Math.max(hi, lo * 10)])
    .range([H - M.bottom, M.top]);
  const path = line<number>()
    .defined((v) => v > 0)
    .x((_, t) => x(t))
    .y((v) => y(v));
  const decades: number[] = [];
  for (let d = lo; d <= hi * 1.0001; d *= 10) decades.push(d);
  const step = Math.ceil(decades.length / 7);
  return (
    <figure class="chart" data-testid="sweep-gradient">
      <figcaption>
        The gradient through time at k = {k}: ‖∂L/∂h_t‖, L the loss of the answer at step {k}, against t (log scale; dashed with the initial
        weights, solid after training; geometric mean over the seeds)
      </figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`Gradient norm against step, log scale, at k = ${k}.`}>
        {decades
          .filter((_, i) => i % step === 0)
          .map((d) => (
            <g>
              <line x1={M.left} x2={W - M.right} y1={y(d)} y2={y(d)} class="grid" />
              <text x={M.left - 6} y={y(d) + 4} text-anchor="end" class="axis">
                {d.toExponential(0)}
              </text>
            </g>
          ))}
        {x
          .ticks(6)
          .filter(Number.isInteger)
          .map((t) => (
            <text x={x(t)} y={H - M.bottom + 16} text-anchor="middle" class="axis">
              {t}
            </text>
          ))}
        <text x={(M.left + W - M.right) / 2} y={H - 4} text-anchor="middle" class="axis-label">
          step t (the token to remember is at t = 0, the answer at t = {k})
        </text>
        <text transform={`translate(12 ${(M.top + H - M.bottom) / 2}) rotate(-90)`} text-anchor="middle" class="axis-label">
          ‖∂L/∂h_t‖
        </text>
        {cells.map((c, i) => {
          const color = SERIES[i % SERIES.length];
          return (
            <g data-mode={c.mode} data-early={JSON.stringify(c.early.loss)} data-late={JSON.stringify(c.late.loss)}>
              <path d={path(c.early.loss.slice(0, k + 1)) ?? ''} fill="none" stroke={color} stroke-width="1.5" stroke-dasharray="5 4" />
              <path d={path(c.late.loss.slice(0, k + 1)) ?? ''} fill="none" stroke={color} stroke-width="2" />
            </g>
          );
        })}
      </svg>
      <ul class="legend">
        {labels.map((l, i) => (
          <li>
            <span class="swatch" style={{ borderColor: SERIES[i % SERIES.length] }} />
            {l}
          </li>
        ))}
      </ul>
    </figure>
  );
}
