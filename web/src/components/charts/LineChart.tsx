/**
 * Lines over a shared x axis (loss per batch, accuracy per epoch), drawn with d3-scale and d3-shape.
 * The chart is an image to screen readers, with its series summarised in the label.
 */
import { scaleLinear } from 'd3-scale';
import { line } from 'd3-shape';
import { SERIES } from './color.js';
import { f3 } from '../../../../src/format.js';

export interface Series {
  name: string;
  points: [number, number][];
  color?: string;
  dashed?: boolean;
  /** Draw a dot on every point (few points, e.g. one per epoch). */
  dots?: boolean;
  /** Line width (default 2); thin for dense, noisy series. */
  width?: number;
}

interface Props {
  title: string;
  series: Series[];
  xLabel: string;
  yLabel: string;
  xDomain?: [number, number];
  yDomain?: [number, number];
  /** A horizontal reference line, e.g. the accuracy bar or chance. */
  rule?: { y: number; label: string };
  testId?: string;
}

const W = 560;
const H = 240;
const M = { top: 14, right: 16, bottom: 38, left: 50 };

export function LineChart({ title, series, xLabel, yLabel, xDomain, yDomain, rule, testId }: Props) {
  const all = series.flatMap((s) => s.points);
  const xs = all.map((p) => p[0]);
  const ys = all.map((p) => p[1]).filter(Number.isFinite);
  const x = scaleLinear()
    .domain(xDomain ?? [Math.min(...xs, 0), Math.max(...xs, 1)])
    .range([M.left, W - M.right]);
  const y = scaleLinear()
    .domain(yDomain ?? [Math.min(...ys, rule?.y ?? Infinity, 0), Math.max(...ys, rule?.y ?? -Infinity, 0.1)])
    .nice()
    .range([H - M.bottom, M.top]);
  const path = line<[number, number]>()
    .defined((p) => Number.isFinite(p[1]))
    .x((p) => x(p[0]))
    .y((p) => y(p[1]));
  const summary = series
    .map((s) => {
      const last = s.points[s.points.length - 1];
      return last ? `${s.name}: ${s.points.length} points, last ${f3(last[1])}` : `${s.name}: no points yet`;
    })
    .join('; ');
  return (
    <figure class="chart" data-testid={testId}>
      <figcaption>{title}</figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`${title}. ${summary}.`}>
        {y.ticks(5).map((t) => (
          <g>
            <line x1={M.left} x2={W - M.right} y1={y(t)} y2={y(t)} class="grid" />
            <text x={M.left - 6} y={y(t) + 4} text-anchor="end" class="axis">
              {+t.toFixed(3)}
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
          {xLabel}
        </text>
        <text transform={`translate(12 ${(M.top + H - M.bottom) / 2}) rotate(-90)`} text-anchor="middle" class="axis-label">
          {yLabel}
        </text>
        {rule && (
          <g>
            <line x1={M.left} x2={W - M.right} y1={y(rule.y)} y2={y(rule.y)} class="rule" />
            <text x={W - M.right - 4} y={y(rule.y) - 5} text-anchor="end" class="axis">
              {rule.label}
            </text>
          </g>
        )}
        {series.map((s, i) => (
          <g>
            <path
              d={path(s.points) ?? ''}
              fill="none"
              stroke={s.color ?? SERIES[i % SERIES.length]}
              stroke-width={s.width ?? 2}
              stroke-dasharray={s.dashed ? '6 4' : undefined}
            />
            {s.dots && s.points.map((p) => <circle cx={x(p[0])} cy={y(p[1])} r="3.5" fill={s.color ?? SERIES[i % SERIES.length]} />)}
          </g>
        ))}
      </svg>
      <ul class="legend">
        {series.map((s, i) => (
          <li>
            <span class={s.dashed ? 'swatch dashed' : 'swatch'} style={{ borderColor: s.color ?? SERIES[i % SERIES.length] }} />
            {s.name}
          </li>
        ))}
      </ul>
    </figure>
  );
}
