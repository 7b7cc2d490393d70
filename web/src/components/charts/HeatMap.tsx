/**
 * A matrix as coloured cells (rows x columns), e.g. the hidden state over time: rows are units,
 * columns are steps. The highlighted column is the current step; clicking a column selects it.
 * Rows that are hidden units and columns that are steps follow the linked highlight: the unit or
 * step under the pointer is outlined in every view on screen. A large matrix (a large model's state)
 * is drawn on a canvas, so it stays cheap to redraw while training. Screen readers get the same
 * numbers as a table, on request.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { diverging, maxAbs, paintCells, textOn } from './color.js';
import { f2 } from '../../../../src/format.js';
import { hover } from '../../store.js';

interface Props {
  /** rows[r][c]. */
  rows: number[][];
  rowLabel: (r: number) => string;
  colLabel: (c: number) => string;
  title: string;
  /** Fixed colour range +-domain (default: the largest magnitude). */
  domain?: number;
  highlight?: number;
  onSelect?: (c: number) => void;
  /** Write each value in its cell (when cells are big enough). */
  showValues?: boolean;
  testId?: string;
  /** What rows and columns are, for the linked highlight: hidden units, steps, or neither. */
  link?: { rows?: 'unit'; cols?: 'step' };
}

/** Above this many rows the matrix is drawn on a canvas. */
const SVG_ROWS_UP_TO = 32;

export function HeatMap({ rows, rowLabel, colLabel, title, domain, highlight, onSelect, showValues, testId, link }: Props) {
  const R = rows.length;
  const C = rows[0]?.length ?? 0;
  const m = domain ?? maxAbs(rows);
  const color = diverging(m);
  const cw = C > 30 ? 14 : 34;
  const ch = R > SVG_ROWS_UP_TO ? 5 : 22;
  const left = 64;
  const top = 22;
  const W = left + C * cw + 4;
  const H = top + R * ch + 4;
  const values = showValues ?? (cw >= 30 && ch >= 20);
  // The same numbers as a table, built on request (a table per heat map would double the page's size).
  const [table, setTable] = useState(false);
  const hv = hover.value;
  const hlRow = link?.rows && hv.unit !== null && hv.unit < R ? hv.unit : null;
  const hlCol = link?.cols && hv.step !== null && hv.step < C ? hv.step : null;
  const point = (r: number | null, c: number | null) => {
    if (!link) return;
    const unit = link.rows ? r : hover.peek().unit;
    const step = link.cols ? c : hover.peek().step;
    if (unit !== hover.peek().unit || step !== hover.peek().step) hover.value = { unit, step };
  };
  const label = `${title}: ${R} rows by ${C} columns; the button below shows the values as a table`;
  return (
    <figure class="heatmap" data-testid={testId}>
      <figcaption>{title}</figcaption>
      <div class="scroll-x" tabIndex={0} role="group" aria-label={title}>
        {R > SVG_ROWS_UP_TO ? (
          <CanvasMap {...{ rows, W, H, left, top, cw, ch, m, highlight, hlRow, hlCol, colLabel, rowLabel, onSelect, point, label }} />
        ) : (
          <svg
            viewBox={`0 0 ${W} ${H}`}
            width={W}
            style={{ maxWidth: '100%', height: 'auto' }}
            role="img"
            aria-label={label}
            onMouseLeave={() => point(null, null)}
          >
            {Array.from({ length: C }, (_, c) => (
              <text
                x={left + c * cw + cw / 2}
                y={top - 7}
                text-anchor="middle"
                class={c === highlight || c === hlCol ? 'axis strong' : 'axis'}
              >
                {colLabel(c)}
              </text>
            ))}
            {rows.map((row, r) => (
              <g key={r}>
                <text x={left - 6} y={top + r * ch + ch / 2 + 4} text-anchor="end" class={r === hlRow ? 'axis strong' : 'axis'}>
                  {rowLabel(r)}
                </text>
                {row.map((v, c) => (
                  <g
                    key={c}
                    onClick={onSelect ? () => onSelect(c) : undefined}
                    onMouseEnter={link ? () => point(r, c) : undefined}
                    class={onSelect ? 'clickable' : undefined}
                  >
                    <rect x={left + c * cw} y={top + r * ch} width={cw - 1} height={ch - 1} fill={color(v)}>
                      <title>{`${rowLabel(r)}, ${colLabel(c)}: ${f2(v)}`}</title>
                    </rect>
                    {values && (
                      <text x={left + c * cw + cw / 2} y={top + r * ch + ch / 2 + 4} text-anchor="middle" class="cell" fill={textOn(v, m)}>
                        {f2(v)}
                      </text>
                    )}
                  </g>
                ))}
              </g>
            ))}
            {hlRow !== null && (
              <rect
                x={left - 1.5}
                y={top + hlRow * ch - 1.5}
                width={C * cw + 2}
                height={ch + 2}
                fill="none"
                stroke="#7a3fa0"
                stroke-width="2"
                class="link-hl"
              />
            )}
            {hlCol !== null && hlCol !== highlight && (
              <rect
                x={left + hlCol * cw - 1.5}
                y={top - 1.5}
                width={cw + 2}
                height={R * ch + 2}
                fill="none"
                stroke="#7a3fa0"
                stroke-width="2"
                class="link-hl"
              />
            )}
            {highlight !== undefined && highlight < C && (
              <rect
                x={left + highlight * cw - 1.5}
                y={top - 1.5}
                width={cw + 2}
                height={R * ch + 2}
                fill="none"
                stroke="#111"
                stroke-width="2.5"
              />
            )}
          </svg>
        )}
      </div>
      <button type="button" class="link small-link" aria-expanded={table} onClick={() => setTable(!table)}>
        {table ? 'Hide the table of values' : 'Show the values as a table'}
      </button>
      {table && (
        <div class="scroll-x" tabIndex={0} role="group" aria-label={`${title}, as a table`}>
          <table class="values-table">
            <caption class="sr-only">{title}</caption>
            <thead>
              <tr>
                <th scope="col" />{' '}
                {Array.from({ length: C }, (_, c) => (
                  <th scope="col">{colLabel(c)}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map((row, r) => (
                <tr>
                  <th scope="row">{rowLabel(r)}</th>
                  {row.map((v) => (
                    <td>{f2(v)}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </figure>
  );
}

interface CanvasProps {
  rows: number[][];
  W: number;
  H: number;
  left: number;
  top: number;
  cw: number;
  ch: number;
  /** The colour range, +-m. */
  m: number;
  highlight?: number;
  hlRow: number | null;
  hlCol: number | null;
  colLabel: (c: number) => string;
  rowLabel: (r: number) => string;
  onSelect?: (c: number) => void;
  point: (r: number | null, c: number | null) => void;
  label: string;
}

function CanvasMap({ rows, W, H, left, top, cw, ch, m, highlight, hlRow, hlCol, colLabel, rowLabel, onSelect, point, label }: CanvasProps) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const ctx = ref.current?.getContext('2d');
    if (!ctx) return;
    ctx.clearRect(0, 0, W, H);
    ctx.font = '11px system-ui, sans-serif';
    ctx.fillStyle = '#3d4754';
    ctx.textAlign = 'center';
    const C = rows[0]?.length ?? 0;
    for (let c = 0; c < C; c++) ctx.fillText(colLabel(c), left + c * cw + cw / 2, top - 7);
    ctx.textAlign = 'right';
    // Every eighth unit is labelled: the rows are too thin for each.
    for (let r = 0; r < rows.length; r += 8) ctx.fillText(rowLabel(r), left - 6, top + r * ch + 8);
    paintCells(ctx, left, top, rows, cw, ch, m);
    ctx.lineWidth = 2;
    ctx.strokeStyle = '#7a3fa0';
    if (hlRow !== null) ctx.strokeRect(left - 1, top + hlRow * ch - 1, C * cw + 1, ch + 1);
    if (hlCol !== null) ctx.strokeRect(left + hlCol * cw - 1, top - 1, cw + 1, rows.length * ch + 1);
    if (highlight !== undefined && highlight < C) {
      ctx.strokeStyle = '#111';
      ctx.strokeRect(left + highlight * cw - 1, top - 1, cw + 1, rows.length * ch + 1);
    }
  }, [rows, W, H, m, highlight, hlRow, hlCol]);
  const at = (e: MouseEvent): [number, number] => {
    const box = (e.currentTarget as HTMLCanvasElement).getBoundingClientRect();
    const x = ((e.clientX - box.left) / box.width) * W;
    const y = ((e.clientY - box.top) / box.height) * H;
    return [Math.floor((y - top) / ch), Math.floor((x - left) / cw)];
  };
  const C = rows[0]?.length ?? 0;
  const inside = ([r, c]: [number, number]) => r >= 0 && r < rows.length && c >= 0 && c < C;
  return (
    <canvas
      ref={ref}
      width={W}
      height={H}
      style={{ maxWidth: '100%', height: 'auto' }}
      role="img"
      aria-label={label}
      class={onSelect ? 'clickable' : undefined}
      onClick={(e) => {
        const p = at(e);
        if (onSelect && inside(p)) onSelect(p[1]);
      }}
      onMouseMove={(e) => {
        const p = at(e);
        if (inside(p)) point(p[0], p[1]);
      }}
      onMouseLeave={() => point(null, null)}
    />
  );
}
