/**
 * A matrix as coloured cells (rows x columns), e.g. the hidden state over time: rows are units,
 * columns are steps. The highlighted column is the current step; clicking a column selects it.
 * Screen readers get the same numbers as a table.
 */
import { useState } from 'preact/hooks';
import { diverging, maxAbs, textOn } from './color.js';
import { f2 } from '../../../../src/format.js';

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
}

export function HeatMap({ rows, rowLabel, colLabel, title, domain, highlight, onSelect, showValues, testId }: Props) {
  const R = rows.length;
  const C = rows[0]?.length ?? 0;
  const m = domain ?? maxAbs(rows);
  const color = diverging(m);
  const cw = C > 30 ? 14 : 34;
  const ch = R > 32 ? 8 : 22;
  const left = 64;
  const top = 22;
  const W = left + C * cw + 4;
  const H = top + R * ch + 4;
  const values = showValues ?? (cw >= 30 && ch >= 20);
  // The same numbers as a table, built on request (a table per heat map would double the page's size).
  const [table, setTable] = useState(false);
  return (
    <figure class="heatmap" data-testid={testId}>
      <figcaption>{title}</figcaption>
      <svg
        viewBox={`0 0 ${W} ${H}`}
        width={W}
        style={{ maxWidth: '100%', height: 'auto' }}
        role="img"
        aria-label={`${title}: ${R} rows by ${C} columns; the button below shows the values as a table`}
      >
        {Array.from({ length: C }, (_, c) => (
          <text x={left + c * cw + cw / 2} y={top - 7} text-anchor="middle" class={c === highlight ? 'axis strong' : 'axis'}>
            {colLabel(c)}
          </text>
        ))}
        {rows.map((row, r) => (
          <g key={r}>
            <text x={left - 6} y={top + r * ch + ch / 2 + 4} text-anchor="end" class="axis">
              {rowLabel(r)}
            </text>
            {row.map((v, c) => (
              <g key={c} onClick={onSelect ? () => onSelect(c) : undefined} class={onSelect ? 'clickable' : undefined}>
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
      <button type="button" class="link small-link" aria-expanded={table} onClick={() => setTable(!table)}>
        {table ? 'Hide the table of values' : 'Show the values as a table'}
      </button>
      {table && (
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
      )}
    </figure>
  );
}
