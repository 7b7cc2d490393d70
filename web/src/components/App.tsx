/** The page: header, settings, the nine modes as tabs, and the status of the run. */
import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { MODES, notice, setMode, valueState, view, type ModeId } from '../store.js';
import { typing } from '../keys.js';
import { ModeNav } from './ModeNav.js';
import { SettingsPanel } from './SettingsPanel.js';
import { Status } from './Status.js';
import { Player } from './Player.js';
import { Next } from './Lesson.js';
import { Pipeline } from './modes/Pipeline.js';

/**
 * The first screen's mode is in the page's own script; every other mode is a chunk of its own, fetched
 * when the page is idle after its first paint (or at once, when a link opens on it), so the first screen
 * does not wait for eight modes it does not show.
 */
const LOADERS: Record<Exclude<ModeId, 'pipeline'> | 'values', () => Promise<ComponentType>> = {
  training: () => import('./modes/Training.js').then((m) => m.Training),
  step: () => import('./modes/StepThrough.js').then((m) => m.StepThrough),
  math: () => import('./modes/MathMode.js').then((m) => m.MathMode),
  code: () => import('./modes/Code.js').then((m) => m.Code),
  playground: () => import('./modes/Playground.js').then((m) => m.Playground),
  compare: () => import('./modes/Compare.js').then((m) => m.Compare),
  quiz: () => import('./modes/Quiz.js').then((m) => m.Quiz),
  insight: () => import('./modes/Insight.js').then((m) => m.Insight),
  values: () => import('./modes/Values.js').then((m) => m.Values),
};
type Lazy = keyof typeof LOADERS;
const loaded = new Map<string, ComponentType>([['pipeline', Pipeline]]);
const pending = new Map<string, Promise<ComponentType>>();

function load(id: Lazy): Promise<ComponentType> {
  let p = pending.get(id);
  if (!p) {
    p = LOADERS[id]().then((c) => (loaded.set(id, c), c));
    // A failed fetch (the server went away) may be retried by the next visit to the mode.
    p.catch(() => pending.delete(id));
    pending.set(id, p);
  }
  return p;
}

/** The view of one mode: at once when its chunk is here, else a line while it comes. */
function ModeView({ id }: { id: ModeId | 'values' }) {
  const [, setTick] = useState(0);
  const [failed, setFailed] = useState<string | null>(null);
  const View = loaded.get(id);
  useEffect(() => {
    if (loaded.has(id)) return;
    let live = true;
    setFailed(null);
    load(id as Lazy).then(
      () => live && setTick((n) => n + 1),
      (e: unknown) => live && setFailed(e instanceof Error ? e.message : String(e)),
    );
    return () => {
      live = false;
    };
  }, [id]);
  if (View) return <View />;
  return failed ? (
    <p class="notice" role="alert">
      This mode could not be loaded ({failed}). Reload the page to try again.
    </p>
  ) : (
    <p class="muted" aria-busy="true">
      Loading…
    </p>
  );
}

/** Fetches the other modes' chunks once the first screen is painted and the page is idle. */
function prefetchModes(): void {
  const all = () => {
    for (const id of Object.keys(LOADERS) as Lazy[]) load(id).catch(() => {});
  };
  if (typeof requestIdleCallback === 'function') requestIdleCallback(all, { timeout: 2000 });
  else setTimeout(all, 200);
}

export function App() {
  const mode = view.value.mode;
  useEffect(prefetchModes, []);
  useEffect(() => {
    // Keys 1-9 switch modes, as the numbers on the tabs say.
    const onKey = (e: KeyboardEvent) => {
      if (typing(e) || e.altKey || e.ctrlKey || e.metaKey) return;
      const k = Number(e.key);
      if (Number.isInteger(k) && k >= 1 && k <= MODES.length) setMode(MODES[k - 1]!.id);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  return (
    <>
      <a class="skip" href="#panel">
        Skip to the current mode
      </a>
      <header class="top">
        <h1>
          <span class="brand">rnnscope</span> explorer
        </h1>
        <p class="tagline">
          Why RNNs handle sequences: the model pipeline, trained in your browser with PyTorch's semantics. Every number on this page is
          computed by the engine, now.
        </p>
      </header>
      <div class="layout">
        <SettingsPanel />
        <main>
          <ModeNav />
          <Player />
          {!valueState.value && <Status />}
          {notice.value && (
            <p class="notice" role="alert">
              {notice.value}
            </p>
          )}
          <section id="panel" class="panel" role="tabpanel" aria-labelledby={`tab-${mode}`} tabIndex={-1} data-mode={mode}>
            {valueState.value ? (
              <ModeView id="values" />
            ) : (
              <>
                <ModeView id={mode} />
                <Next />
              </>
            )}
          </section>
        </main>
      </div>
    </>
  );
}
