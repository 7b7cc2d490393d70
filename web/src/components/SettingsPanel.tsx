/**
 * The settings (the CLI's flags, with the reference pipeline as defaults) and the data upload. A change
 * starts a new run; number fields apply when they are left or Enter is pressed, and say what is valid.
 */
import { useState } from 'preact/hooks';
import { CELLS, DEFAULTS, LIMITS, LR_RANGE, TASK_LABELS, intIn, lrIn, type Settings, type TaskName } from '../settings.js';
import { setSettings, settings } from '../store.js';
import { Upload } from './Upload.js';

type IntKey = keyof typeof LIMITS;

function IntField({ k, label, help }: { k: IntKey; label: string; help?: string }) {
  const value = settings.value[k] as number;
  const [error, setError] = useState<string | null>(null);
  const [lo, hi] = LIMITS[k];
  const id = `set-${k}`;
  const apply = (e: Event) => {
    const el = e.currentTarget as HTMLInputElement;
    const n = intIn(el.value, LIMITS[k]);
    if (n === null) {
      setError(`${label} must be an integer from ${lo} to ${hi}.`);
      return;
    }
    setError(null);
    if (n !== value) setSettings({ [k]: n } as Partial<Settings>);
  };
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <input
        id={id}
        type="number"
        inputMode="numeric"
        min={lo}
        max={hi}
        step={1}
        value={value}
        onChange={apply}
        onKeyDown={(e) => e.key === 'Enter' && apply(e)}
        aria-invalid={!!error}
        aria-describedby={error ? `${id}-err` : help ? `${id}-help` : undefined}
      />
      {help && !error && <small id={`${id}-help`}>{help}</small>}
      {error && (
        <small id={`${id}-err`} class="error" role="alert">
          {error}
        </small>
      )}
    </div>
  );
}

function LrField() {
  const value = settings.value.lr;
  const [error, setError] = useState<string | null>(null);
  const apply = (e: Event) => {
    const n = lrIn((e.currentTarget as HTMLInputElement).value);
    if (n === null) return setError(`The learning rate must be a number from ${LR_RANGE[0]} to ${LR_RANGE[1]}.`);
    setError(null);
    if (n !== value) setSettings({ lr: n });
  };
  return (
    <div class="field">
      <label for="set-lr">Learning rate (Adam)</label>
      <input
        id="set-lr"
        type="number"
        step="any"
        min={LR_RANGE[0]}
        max={LR_RANGE[1]}
        value={value}
        onChange={apply}
        onKeyDown={(e) => e.key === 'Enter' && apply(e)}
        aria-invalid={!!error}
      />
      {error && (
        <small class="error" role="alert">
          {error}
        </small>
      )}
    </div>
  );
}

export function SettingsPanel() {
  const s = settings.value;
  return (
    <aside class="sidebar" aria-label="Settings">
      <details open={typeof window === 'undefined' || window.matchMedia('(min-width: 900px)').matches}>
        <summary>
          <h2>Settings</h2>
        </summary>
        <form class="settings" onSubmit={(e) => e.preventDefault()}>
          <fieldset>
            <legend>Data</legend>
            {!s.data && (
              <div class="field">
                <label for="set-task">Built-in task</label>
                <select
                  id="set-task"
                  value={s.task}
                  onChange={(e) => setSettings({ task: (e.currentTarget as HTMLSelectElement).value as TaskName })}
                >
                  {(Object.keys(TASK_LABELS) as TaskName[]).map((t) => (
                    <option value={t}>{TASK_LABELS[t]}</option>
                  ))}
                </select>
              </div>
            )}
            {!s.data && s.task === 'delay' && <IntField k="delay" label="Delay k (steps back)" />}
            <Upload />
          </fieldset>
          <fieldset>
            <legend>Model</legend>
            <div class="field">
              <label for="set-cell">Recurrent cell</label>
              <select
                id="set-cell"
                value={s.cell}
                onChange={(e) => setSettings({ cell: (e.currentTarget as HTMLSelectElement).value as Settings['cell'] })}
              >
                {CELLS.map((c) => (
                  <option value={c.mode}>{c.label}</option>
                ))}
              </select>
            </div>
            <IntField k="hidden" label="Hidden units" />
            <IntField k="layers" label="Layers" />
            <div class="field check">
              <input
                id="set-bi"
                type="checkbox"
                checked={s.bidirectional}
                onChange={(e) => setSettings({ bidirectional: (e.currentTarget as HTMLInputElement).checked })}
              />
              <label for="set-bi">Bidirectional</label>
            </div>
          </fieldset>
          <fieldset>
            <legend>Training</legend>
            <IntField k="epochs" label="Epochs" />
            <IntField k="batchSize" label="Batch size" />
            <LrField />
            <IntField k="seed" label="Seed" help="Seeds the data, the split, the weights and the batch order." />
          </fieldset>
          <button
            type="button"
            class="secondary"
            onClick={() => setSettings({ ...DEFAULTS, data: s.data })}
            disabled={JSON.stringify({ ...DEFAULTS, data: s.data }) === JSON.stringify(s)}
          >
            Back to the reference pipeline
          </button>
        </form>
      </details>
    </aside>
  );
}
