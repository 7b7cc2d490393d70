/**
 * One vector of the engine's numbers as a row of coloured boxes with their values (x_t, W_ih x_t + b_ih,
 * a gate, h_t). The exact values ride along in data-values, so a test can compare them with the engine.
 */
import { diverging, textOn } from './color.js';
import { f2 } from '../../../../src/format.js';

interface Props {
  label: string;
  /** What the label means, for screen readers and the tooltip. */
  description?: string;
  values: readonly number[];
  /** Colour range +-domain (default 1: activations). */
  domain?: number;
  testId?: string;
  highlight?: number;
  names?: readonly string[];
}

export function Vector({ label, description, values, domain = 1, testId, highlight, names }: Props) {
  const color = diverging(domain);
  return (
    <div class="vector" data-testid={testId} data-values={JSON.stringify(values)}>
      <span class="vector-label" title={description}>
        {label}
      </span>
      <ol class="vector-cells" aria-label={`${description ?? label}: ${values.map(f2).join(', ')}`}>
        {values.map((v, i) => (
          <li
            class={i === highlight ? 'hl' : undefined}
            style={{ background: color(v), color: textOn(v, domain) }}
            title={`${names?.[i] ?? `unit ${i + 1}`}: ${v}`}
            aria-hidden="true"
          >
            {names && <span class="vector-name">{names[i]}</span>}
            {f2(v)}
          </li>
        ))}
      </ol>
    </div>
  );
}
