/**
 * The playground of a text model: type (or take the traced) text and see it coloured by one hidden
 * unit's value at each character, the units that track something measurable in the text with their
 * correlation, and where a unit fires most (`rnnscope cells`); and, for a language model, a sample
 * streamed in as the worker draws it (`rnnscope generate`). The worker computes every number with the
 * engine's functions (cellsReport, sample); this view draws them.
 */
import { useEffect, useState } from 'preact/hooks';
import { session } from '../../store.js';
import { cellsState } from '../../text-store.js';
import { requestCells } from '../../runner/runner.js';
import { diverging, textOn } from '../charts/color.js';
import { f2, num } from '../../../../src/format.js';
import { Generate } from './Generate.js';
import './text.css';

const show = (ch: string) => (ch === ' ' ? '␣' : ch === '\n' ? '⏎' : ch === '\t' ? '⇥' : ch);

function Cells() {
  const s = session.value!;
  const o = s.model.options;
  const [typed, setTyped] = useState('');
  const [text, setText] = useState<string | null>(null);
  const [unit, setUnit] = useState<number | null>(null);
  const [layer, setLayer] = useState(o.numLayers - 1);
  const [direction, setDirection] = useState(0);
  const c = cellsState.value;
  const st = c && c.session === s.id ? c : null;
  const r = st?.report ?? null;
  // The pictures follow the weights: asked again when training pauses or ends, or the request changes.
  const settled = s.status !== 'training';
  useEffect(() => {
    if (settled) requestCells({ text, unit, layer, direction });
  }, [s.id, settled, s.train.batchesDone, s.traceIndex, text, unit, layer, direction]);
  const color = diverging(1);
  const apply = () => setText(typed.trim() === '' ? null : typed);
  return (
    <section class="text-cells" aria-labelledby="cells-title">
      <h3 id="cells-title">Cell pictures: what single units track</h3>
      <p class="muted small">
        The text coloured by one hidden unit's value h at each character (blue below 0, red above), from the model's own forward pass, as{' '}
        <code>rnnscope cells</code> draws it.
      </p>
      <form
        class="toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          apply();
        }}
      >
        <label class="inline" for="cells-text">
          Text
        </label>
        <input
          id="cells-text"
          type="text"
          value={typed}
          placeholder={s.words!.inputs.join('').replace(/␣/g, ' ')}
          onInput={(e) => setTyped((e.currentTarget as HTMLInputElement).value)}
          data-testid="cells-text"
        />
        <button type="submit" data-testid="cells-apply">
          Colour it
        </button>
        {text !== null && (
          <button
            type="button"
            class="link"
            onClick={() => {
              setTyped('');
              setText(null);
            }}
          >
            the traced test sequence
          </button>
        )}
        {o.numLayers > 1 && (
          <label class="inline">
            Layer{' '}
            <select
              value={layer}
              onChange={(e) => setLayer(Number((e.currentTarget as HTMLSelectElement).value))}
              data-testid="cells-layer"
            >
              {Array.from({ length: o.numLayers }, (_, l) => (
                <option value={l}>{l + 1}</option>
              ))}
            </select>
          </label>
        )}
        {o.bidirectional && (
          <label class="inline">
            Direction{' '}
            <select value={direction} onChange={(e) => setDirection(Number((e.currentTarget as HTMLSelectElement).value))}>
              <option value={0}>forward</option>
              <option value={1}>reverse</option>
            </select>
          </label>
        )}
      </form>
      {st?.message && (
        <p class="error" role="alert" data-testid="cells-error">
          {st.message}
        </p>
      )}
      {!r && !st?.message && <p class="muted">Measuring the units…</p>}
      {r && (
        <>
          <p>
            <strong>
              Unit {r.unit} of {r.units}
            </strong>{' '}
            ({r.layer === o.numLayers ? 'top layer' : `layer ${r.layer} of ${o.numLayers}`}
            {o.bidirectional ? `, ${r.direction}` : ''}){unit === null ? ': the unit that tracks a quantity best' : ''}.
          </p>
          <p class="cells-text" data-testid="cells-values" data-values={JSON.stringify(r.values)} data-unit={r.unit}>
            {st!.shown.map((ch, t) => (
              <span
                class="cells-char"
                style={{ background: color(r.values[t]!), color: textOn(r.values[t]!, 1) }}
                title={`step ${t + 1}: '${ch}', h = ${num(r.values[t]!, 3)}`}
              >
                {ch}
              </span>
            ))}
          </p>
          {st!.unknown.length > 0 && (
            <p class="muted small" data-testid="cells-unknown">
              The model never saw {st!.unknown.map((u) => `'${show(u)}'`).join(', ')} in training:{' '}
              {st!.unknown.length === 1 ? 'it reads' : 'they read'} as &lt;unk&gt;.
            </p>
          )}
          <div class="cells-grid">
            <div>
              <h4>Units against what can be measured in the text</h4>
              <p class="muted small">
                Pearson r over {r.correlations[0]?.n ?? 0} steps of the {r.measuredOn} test sequences; the best unit for each quantity
                first. Click a unit to colour the text by it.
              </p>
              <table class="cells-table" data-testid="cells-correlations" data-values={JSON.stringify(r.correlations)}>
                <thead>
                  <tr>
                    <th scope="col">unit</th>
                    <th scope="col">quantity</th>
                    <th scope="col">r</th>
                  </tr>
                </thead>
                <tbody>
                  {r.correlations.map((x) => (
                    <tr class={x.unit === r.unit ? 'on' : ''}>
                      <td>
                        <button type="button" class="link" onClick={() => setUnit(x.unit - 1)} data-testid={`cells-unit-${x.unit}`}>
                          unit {x.unit}
                        </button>
                      </td>
                      <td>{x.quantity}</td>
                      <td>{num(x.r, 3)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              {!r.correlations.length && <p class="muted">No unit varies with a quantity here.</p>}
            </div>
            <div>
              <h4>Where unit {r.unit} fires most</h4>
              <p class="muted small">Its highest value in each test sequence, the top {r.fires.length}; the character in « ».</p>
              <ol class="cells-fires" data-testid="cells-fires">
                {r.fires.map((f) => (
                  <li>
                    <code>{f2(f.value)}</code> {f.sequenceId} step {f.t + 1}:{' '}
                    <span class="mono">
                      {[...f.before].map(show).join('')}«{show(f.char)}»{[...f.after].map(show).join('')}
                    </span>
                  </li>
                ))}
              </ol>
            </div>
          </div>
        </>
      )}
    </section>
  );
}

export function TextPlayground() {
  const s = session.value!;
  const lm = s.data.text?.kind === 'next';
  return (
    <div class="mode-text">
      <h2>Playground: the text through the model</h2>
      <Cells />
      {lm ? (
        <Generate />
      ) : (
        <p class="muted">
          This model classifies whole texts; generating text needs a language model (a .txt upload, or the brackets task).
        </p>
      )}
    </div>
  );
}
