/** Which test sequence, which step (buttons, slider, arrow keys) and which layer/direction: shared by Step-through and Math. */
import { useEffect, useState } from 'preact/hooks';
import { session, setStep, setView, view } from '../../store.js';
import { cellIndex, cellLabel, stepKeys } from './trace-view.js';

export function StepControls() {
  const s = session.value!;
  const tr = s.trace;
  const T = tr.steps.length;
  const t = Math.min(view.value.step, T - 1);
  const ci = cellIndex(tr);
  const cells = tr.steps[0]!.cells;
  const o = s.model.options;
  const [bad, setBad] = useState<string | null>(null);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => stepKeys(e, T);
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [T]);
  return (
    <div class="toolbar step-controls" role="group" aria-label="Sequence and step">
      <label class="inline">
        Test sequence{' '}
        <input
          type="number"
          min={1}
          max={s.testCount}
          value={s.traceIndex + 1}
          class="narrow"
          data-testid="seq-index"
          aria-invalid={!!bad}
          aria-describedby={bad ? 'seq-index-error' : undefined}
          onChange={(e) => {
            const raw = (e.currentTarget as HTMLInputElement).value;
            const n = Number(raw);
            if (Number.isInteger(n) && n >= 1 && n <= s.testCount) {
              setBad(null);
              setView({ seq: n - 1, step: 0, playground: null });
            } else setBad(`There is no test sequence ${raw.trim() || '(empty)'}: choose one from 1 to ${s.testCount}.`);
          }}
        />
      </label>
      <span class="muted">
        of {s.testCount} (<code>{tr.sequenceId}</code>
        {s.traceIndex === s.defaultTraceIndex ? ', the first whose label changes' : ''})
      </span>
      {bad && (
        <span class="error" id="seq-index-error" role="alert" data-testid="seq-index-error">
          {bad}
        </span>
      )}
      <span class="spacer" />
      <button type="button" onClick={() => setStep(t - 1)} disabled={t === 0} aria-label="Previous step" data-testid="prev-step">
        ◀
      </button>
      <label class="inline">
        <span class="sr-only">Step</span>
        <input
          type="range"
          min={1}
          max={T}
          value={t + 1}
          onInput={(e) => setStep(Number((e.currentTarget as HTMLInputElement).value) - 1)}
          aria-valuetext={`step ${t + 1} of ${T}`}
        />
      </label>
      <button type="button" onClick={() => setStep(t + 1)} disabled={t === T - 1} aria-label="Next step" data-testid="next-step">
        ▶
      </button>
      <span data-testid="step-label" aria-live="polite">
        Step {t + 1} of {T}
      </span>
      {cells.length > 1 && (
        <label class="inline">
          Cell{' '}
          <select value={ci} onChange={(e) => setView({ cell: Number((e.currentTarget as HTMLSelectElement).value) })}>
            {cells.map((c, i) => (
              <option value={i}>{cellLabel(c, o.numLayers, o.bidirectional ? 2 : 1)}</option>
            ))}
          </select>
        </label>
      )}
      <span class="muted keys">Keys: ← → step, Home / End</span>
    </div>
  );
}
