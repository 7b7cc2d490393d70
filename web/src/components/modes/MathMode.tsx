/**
 * Math: the cell's equations (KaTeX, loaded when this mode first opens), then the same equations for
 * one unit at this step with the trace's numbers, each dot product written out term by term with the
 * model's own weights, and the output layer's softmax.
 */
import { cellInfo } from '../../../../src/nn/cells/index.js';
import { useEffect, useState } from 'preact/hooks';
import { session, setView, view } from '../../store.js';
import { StepControls } from './StepControls.js';
import { currentStep } from './trace-view.js';
import { classNames, firstLayerInput } from './text-words.js';
import { OUTPUT_EQUATION, dot, equations, instance, softmaxLine } from './math-tex.js';

type Katex = typeof import('katex').default;
let katexPromise: Promise<Katex> | null = null;

function loadKatex(): Promise<Katex> {
  katexPromise ??= Promise.all([import('katex'), import('katex/dist/katex.min.css')]).then(([m]) => m.default);
  return katexPromise;
}

export function Tex({ tex, label, testId }: { tex: string; label: string; testId?: string }) {
  const [k, setK] = useState<Katex | null>(null);
  useEffect(() => {
    let live = true;
    void loadKatex().then((m) => live && setK(() => m));
    return () => {
      live = false;
    };
  }, []);
  if (!k)
    return (
      <pre class="tex-fallback" aria-label={label}>
        {tex}
      </pre>
    );
  return (
    <div
      class="tex"
      tabIndex={0}
      role="math"
      aria-label={label}
      data-testid={testId}
      dangerouslySetInnerHTML={{ __html: k.renderToString(tex, { displayMode: true, throwOnError: false, output: 'htmlAndMathml' }) }}
    />
  );
}

export function MathMode() {
  const s = session.value;
  if (!s) return <p>Preparing…</p>;
  const tr = s.trace;
  const { T, t, st, cell: c, gates } = currentStep(tr);
  const H = c.h.length;
  const j = Math.min(view.value.unit, H - 1);
  const k = gates ? Math.min(view.value.gate, gates.length - 1) : 0;
  const suffix = `_l${c.layer}${c.direction ? '_reverse' : ''}`;
  const w = s.weights;
  // The layer's input at this step: x_t for layer 1, else the layer below's h_t (both directions).
  // a token model's first layer reads the id's one-hot vector or embedding row
  const input = (c.layer === 0 ? firstLayerInput(s, st.x) : st.cells.filter((x) => x.layer === c.layer - 1).flatMap((x) => x.h)) ?? [];
  const row = (name: string, width: number) => w?.[name]?.slice((k * H + j) * width, (k * H + j + 1) * width);
  const wih = row(`rnn.weight_ih${suffix}`, input.length);
  const whh = row(`rnn.weight_hh${suffix}`, c.hPrev.length);
  const bih = w?.[`rnn.bias_ih${suffix}`]?.[k * H + j] ?? null;
  const bhh = w?.[`rnn.bias_hh${suffix}`]?.[k * H + j] ?? null;
  const g = gates ? gates[k]!.name : 'h';
  const out = st.probs ? { logits: st.logits!, probs: st.probs, predicted: st.predicted! } : t === T - 1 && tr.final ? tr.final : null;
  return (
    <div class="mode-math">
      <h2>The math of one step</h2>
      <StepControls />
      <div class="toolbar" role="group" aria-label="Unit and gate">
        <label class="inline">
          Unit{' '}
          <select value={j} onChange={(e) => setView({ unit: Number((e.currentTarget as HTMLSelectElement).value) })} data-testid="unit">
            {Array.from({ length: H }, (_, u) => (
              <option value={u}>{u + 1}</option>
            ))}
          </select>
        </label>
        {gates && (
          <label class="inline">
            Sums written out for{' '}
            <select value={k} onChange={(e) => setView({ gate: Number((e.currentTarget as HTMLSelectElement).value) })}>
              {gates.map((x, i) => (
                <option value={i}>
                  {x.name}: {x.label}
                </option>
              ))}
            </select>
          </label>
        )}
      </div>
      <section class="math-block">
        <h3>The equations (PyTorch's nn.{cellInfo(tr.mode).short})</h3>
        <Tex tex={equations(tr.mode)} label={`The ${tr.mode} cell's equations`} testId="equations" />
        <p class="muted">
          W and b are this model's weights ({s.model.parameters} parameters in all); x_t is step t's input, h_(t-1) the state from the step
          before{tr.mode === 'lstm' ? ', c_t the cell state' : ''}.
          {gates
            ? ' σ is the logistic sigmoid (it squashes any number into 0 to 1, so a gate is a fraction), ⊙ multiplies element by element.'
            : tr.mode === 'rnn_relu'
              ? ' relu keeps a positive sum and makes a negative one 0.'
              : ' tanh squashes any number into -1 to 1.'}
        </p>
      </section>
      <section class="math-block">
        <h3>
          Step {t + 1}, unit {j + 1}, with this model's numbers
        </h3>
        <Tex tex={instance(tr.mode, c, t, j)} label={`The equations for unit ${j + 1} at step ${t + 1} with numbers`} testId="instance" />
        {wih && whh && input.length ? (
          <>
            <p>The two halves of the {gates ? `${gates[k]!.label}'s ` : ''}pre-activation, term by term with the weights:</p>
            <Tex
              tex={dot(`(W_{i${g}}\\,x_{${t + 1}} + b_{i${g}})_{${j + 1}}`, wih, input, bih, c.inputPart[k * H + j]!)}
              label="the input half, written out"
              testId="dot-input"
            />
            <Tex
              tex={dot(`(W_{h${g}}\\,h_{${t}} + b_{h${g}})_{${j + 1}}`, whh, c.hPrev, bhh, c.hiddenPart[k * H + j]!)}
              label="the hidden half, written out"
              testId="dot-hidden"
            />
            {t === 0 && (
              <p class="muted">At step 1 the state before is h_0 = 0, so the hidden half is its bias alone: nothing is remembered yet.</p>
            )}
          </>
        ) : (
          <p class="muted">This model is too large to write its weights out here ({s.model.parameters} parameters).</p>
        )}
      </section>
      <section class="math-block">
        <h3>Output layer</h3>
        <Tex tex={OUTPUT_EQUATION} label="The output layer: a linear map, then softmax" />
        {out ? (
          <Tex tex={softmaxLine(out, classNames(s), st.probs ? t : null)} label="softmax with this step's logits" testId="softmax" />
        ) : (
          <p class="muted">This model predicts one class per sequence, from the last step.</p>
        )}
      </section>
    </div>
  );
}
