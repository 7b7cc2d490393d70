/** Horizontal bars for a few named values in [0, 1] (accuracies, probabilities), each with its number. */
import { SERIES } from './color.js';
import { f3 } from '../../../../src/format.js';

export interface Bar {
  label: string;
  value: number;
  color?: string;
  note?: string;
}

export function Bars({
  bars,
  title,
  testId,
  format = f3,
}: {
  bars: Bar[];
  title: string;
  testId?: string;
  format?: (v: number) => string;
}) {
  return (
    <figure class="bars" data-testid={testId}>
      <figcaption>{title}</figcaption>
      <ul>
        {bars.map((b, i) => (
          <li data-value={b.value}>
            <span class="bar-label">{b.label}</span>
            <span class="bar-track" aria-hidden="true">
              <span
                class="bar-fill"
                style={{ width: `${Math.max(0, Math.min(1, b.value)) * 100}%`, background: b.color ?? SERIES[i % SERIES.length] }}
              />
            </span>
            <span class="bar-value">{format(b.value)}</span>
            {b.note && <span class="bar-note">{b.note}</span>}
          </li>
        ))}
      </ul>
    </figure>
  );
}
