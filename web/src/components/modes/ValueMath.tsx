/**
 * Math on a model of values: the cell's equations, the same equations for one unit at one step of the
 * traced test window with the model's numbers, how the reading becomes the model's input (the
 * training split's normalisation), and the linear output layer written out term by term, its output
 * taken back to the target's units with the saved mean and standard deviation. Every right-hand side
 * is a number the engine produced (web/src/runner/values.ts, src/explain/value-math.ts).
 */
import type { ValueState } from '../../runner/protocol.js';
import { CELL_INFO } from '../../../../src/nn/cells/index.js';
import { units } from '../../../../src/format.js';
import { setView, view } from '../../store.js';
import { Tex } from './MathMode.js';
import { dot, equations, instance } from './math-tex.js';

/** A number in the target's units for TeX, negative ones in parentheses after an operator. */
const u = (v: number): string => (v < 0 ? `(${units(v)})` : units(v));

export function ValueMath({ v }: { v: ValueState }) {
  const t = v.trace;
  if (!t) return <p>Preparing…</p>;
  const o = v.model.options;
  const info = CELL_INFO[o.mode];
  const m = t.math;
  const T = t.steps.length;
  const step = Math.min(view.value.step, T - 1);
  const cell = m.cells[step]!;
  const H = cell.h.length;
  const j = Math.min(view.value.unit, H - 1);
  const hd = m.head;
  const relative = hd.offset !== null;
  const oneColumn = o.inputSize === 1;
  const hName = o.headOn === 'steps' ? `h_{${T}}` : o.bidirectional ? `[\\overrightarrow{h}_{${T}}, \\overleftarrow{h}_{1}]` : `h_{${T}}`;
  return (
    <div class="mode-math">
      <h2>The math of one step, and of the value it ends in</h2>
      <div class="toolbar" role="group" aria-label="Step and unit">
        <label class="inline">
          Step{' '}
          <select
            value={step}
            onChange={(e) => setView({ step: Number((e.currentTarget as HTMLSelectElement).value) })}
            data-testid="math-step"
          >
            {t.steps.map((_, i) => (
              <option value={i}>{i + 1}</option>
            ))}
          </select>
        </label>
        <label class="inline">
          Unit{' '}
          <select value={j} onChange={(e) => setView({ unit: Number((e.currentTarget as HTMLSelectElement).value) })} data-testid="unit">
            {Array.from({ length: H }, (_, k) => (
              <option value={k}>{k + 1}</option>
            ))}
          </select>
        </label>
        <span class="muted">
          of test window {t.id} ({T} steps)
        </span>
      </div>
      {oneColumn && (
        <section class="math-block">
          <h3>The reading, as the model reads it</h3>
          <Tex
            tex={
              relative
                ? `\\tilde{x}_{${step + 1}} = \\frac{x_{${step + 1}} - x_{${T}} - \\mu_x}{\\sigma_x} = \\frac{${units(t.steps[step]!.x)} - ${u(t.last!)} - ${u(m.inputNorm.mean)}}{${units(m.inputNorm.std)}} = ${units(m.x[step]!)}`
                : `\\tilde{x}_{${step + 1}} = \\frac{x_{${step + 1}} - \\mu_x}{\\sigma_x} = \\frac{${units(t.steps[step]!.x)} - ${u(m.inputNorm.mean)}}{${units(m.inputNorm.std)}} = ${units(m.x[step]!)}`
            }
            label={`step ${step + 1}'s reading, normalised`}
            testId="value-input"
          />
          <p class="muted">
            {relative
              ? `Each reading is taken relative to the window's last one (${units(t.last!)}), then scaled with the training split's mean and standard deviation of those changes: the model learns the change, not the level.`
              : "Each reading is scaled with the training split's mean and standard deviation."}
          </p>
        </section>
      )}
      <section class="math-block">
        <h3>The equations (PyTorch's nn.{info.short})</h3>
        <Tex tex={equations(o.mode)} label={`The ${o.mode} cell's equations`} testId="equations" />
      </section>
      <section class="math-block">
        <h3>
          Step {step + 1}, unit {j + 1}, with this model's numbers{o.numLayers > 1 ? ' (layer 1, which reads the input)' : ''}
        </h3>
        <Tex
          tex={instance(o.mode, cell, step, j)}
          label={`The equations for unit ${j + 1} at step ${step + 1} with numbers`}
          testId="instance"
        />
        {step === 0 && <p class="muted">At step 1 the state before is h_0 = 0: nothing is remembered yet.</p>}
      </section>
      <section class="math-block">
        <h3>Output layer: a value, not probabilities</h3>
        <Tex
          tex={`\\hat{z} = W_{\\text{head}}\\,${hName} + b_{\\text{head}},\\qquad \\hat{y} = \\hat{z}\\,\\sigma_y + \\mu_y${relative ? ` + x_{${T}}` : ''}`}
          label="The output layer: a linear map, then back to the target's units"
        />
        <Tex tex={dot('\\hat{z}', hd.weight, hd.input, hd.bias, hd.z)} label="the linear head, written out" testId="value-head" />
        <Tex
          tex={`\\hat{y} = ${units(hd.z)} \\times ${units(hd.std)} + ${u(hd.mean)}${relative ? ` + ${u(hd.offset!)}` : ''} = ${units(hd.value)}`}
          label="the output in the target's units"
          testId="value-denorm"
        />
        <p class="muted" data-testid="value-math-note" data-value={hd.value}>
          ẑ is on the scale the model trained on (the target standardised with the training split's mean μ_y = {units(hd.mean)} and standard
          deviation σ_y = {units(hd.std)}, both saved in the model file){relative ? ', relative to the last reading' : ''}; ŷ is the next{' '}
          {v.target} in its own units{t.truth !== null ? ` (the truth was ${units(t.truth)})` : ''}.
        </p>
      </section>
    </div>
  );
}
