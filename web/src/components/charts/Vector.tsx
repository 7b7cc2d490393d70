/**
 * One vector of the engine's numbers as a row of coloured boxes with their values (x_t, W_ih x_t + b_ih,
 * a gate, h_t). The exact values ride along in data-values, so a test can compare them with the engine.
 * A long vector (a large model's state) is one canvas strip instead of a box per value, so a page
 * showing many of them stays cheap to draw while the model trains. Boxes of hidden units follow the
 * linked highlight: the unit under the pointer is outlined in every view.
 */
import { useEffect, useRef } from 'preact/hooks';
import { diverging, paintCells, textOn } from './color.js';
import { f2 } from '../../../../src/format.js';
import { hover } from '../../store.js';

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
  /** The values are hidden units (h, c, a gate): hovering one highlights that unit everywhere. */
  units?: boolean;
}

/** Above this many values a vector is drawn as a strip. */
const BOXES_UP_TO = 32;

function Strip({
  values,
  domain,
  hl,
  onUnit,
}: {
  values: readonly number[];
  domain: number;
  hl: number | null;
  onUnit?: (u: number | null) => void;
}) {
  const ref = useRef<HTMLCanvasElement>(null);
  const w = 6;
  const h = 18;
  useEffect(() => {
    const c = ref.current;
    const ctx = c?.getContext('2d');
    if (!c || !ctx) return;
    ctx.clearRect(0, 0, c.width, c.height);
    paintCells(ctx, 0, 0, [values], w, h + 1, domain);
    if (hl !== null && hl < values.length) {
      ctx.strokeStyle = '#111';
      ctx.lineWidth = 2;
      ctx.strokeRect(hl * w, 1, w - 1, h - 2);
    }
  }, [values, domain, hl]);
  return (
    <canvas
      ref={ref}
      class="strip"
      width={values.length * w}
      height={h}
      onMouseMove={
        onUnit &&
        ((e) => {
          const box = (e.currentTarget as HTMLCanvasElement).getBoundingClientRect();
          onUnit(Math.min(values.length - 1, Math.max(0, Math.floor(((e.clientX - box.left) / box.width) * values.length))));
        })
      }
      onMouseLeave={onUnit && (() => onUnit(null))}
    />
  );
}

const setUnit = (unit: number | null) => (hover.value = { ...hover.peek(), unit });

export function Vector({ label, description, values, domain = 1, testId, highlight, names, units }: Props) {
  const color = diverging(domain);
  const hl = units && hover.value.unit !== null ? hover.value.unit : (highlight ?? null);
  return (
    <div class="vector" data-testid={testId} data-values={JSON.stringify(values)}>
      <span class="vector-label" title={description}>
        {label}
      </span>
      {values.length > BOXES_UP_TO ? (
        <div
          class="vector-strip"
          role="img"
          aria-label={`${description ?? label}: ${values.length} values, from ${f2(Math.min(...values))} to ${f2(Math.max(...values))}`}
        >
          <Strip values={values} domain={domain} hl={hl} onUnit={units ? setUnit : undefined} />
        </div>
      ) : (
        <ol class="vector-cells" aria-label={`${description ?? label}: ${values.map(f2).join(', ')}`}>
          {values.map((v, i) => (
            <li
              class={i === hl ? 'hl' : undefined}
              style={{ background: color(v), color: textOn(v, domain) }}
              title={`${names?.[i] ?? `unit ${i + 1}`}: ${v}`}
              aria-hidden="true"
              onMouseEnter={units ? () => setUnit(i) : undefined}
              onMouseLeave={units ? () => setUnit(null) : undefined}
            >
              {names && <span class="vector-name">{names[i]}</span>}
              {f2(v)}
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
