/**
 * The nine modes as a tab list: arrow keys, Home and End move between them (WAI-ARIA tabs pattern).
 * A tab clicked with the pointer hands the focus to the mode itself, so the mode's own keys (the
 * step-through's arrows) work at once instead of moving along the tabs.
 */
import { MODES, setMode, view } from '../store.js';

export function ModeNav() {
  const current = view.value.mode;
  const onKey = (e: KeyboardEvent) => {
    const i = MODES.findIndex((m) => m.id === current);
    const to =
      e.key === 'ArrowRight'
        ? (i + 1) % MODES.length
        : e.key === 'ArrowLeft'
          ? (i - 1 + MODES.length) % MODES.length
          : e.key === 'Home'
            ? 0
            : e.key === 'End'
              ? MODES.length - 1
              : -1;
    if (to < 0) return;
    e.preventDefault();
    e.stopPropagation();
    setMode(MODES[to]!.id);
    requestAnimationFrame(() => document.getElementById(`tab-${MODES[to]!.id}`)?.focus());
  };
  return (
    <nav class="modes" aria-label="Learning modes">
      <p class="modes-title">Choose your learning style: {MODES.length} modes</p>
      <div role="tablist" aria-label="Learning modes" onKeyDown={onKey}>
        {MODES.map((m, i) => (
          <button
            role="tab"
            id={`tab-${m.id}`}
            aria-selected={m.id === current}
            aria-controls="panel"
            tabIndex={m.id === current ? 0 : -1}
            class={m.id === current ? 'tab active' : 'tab'}
            onClick={(e) => {
              setMode(m.id);
              if (e.detail > 0) requestAnimationFrame(() => document.getElementById('panel')?.focus({ preventScroll: true }));
            }}
            title={`${m.hint} (key ${i + 1})`}
          >
            <span class="tab-key" aria-hidden="true">
              {i + 1}
            </span>
            {m.label}
          </button>
        ))}
      </div>
    </nav>
  );
}
