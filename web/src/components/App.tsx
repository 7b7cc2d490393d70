/** The page: header, settings, the nine modes as tabs, and the status of the run. */
import { useEffect } from 'preact/hooks';
import { MODES, notice, setMode, valueState, view } from '../store.js';
import { Values } from './modes/Values.js';
import { typing } from '../keys.js';
import { ModeNav } from './ModeNav.js';
import { SettingsPanel } from './SettingsPanel.js';
import { Status } from './Status.js';
import { Player } from './Player.js';
import { Next } from './Lesson.js';
import { Pipeline } from './modes/Pipeline.js';
import { Training } from './modes/Training.js';
import { StepThrough } from './modes/StepThrough.js';
import { MathMode } from './modes/MathMode.js';
import { Code } from './modes/Code.js';
import { Playground } from './modes/Playground.js';
import { Compare } from './modes/Compare.js';
import { Quiz } from './modes/Quiz.js';
import { Insight } from './modes/Insight.js';

const VIEWS = {
  pipeline: Pipeline,
  training: Training,
  step: StepThrough,
  math: MathMode,
  code: Code,
  playground: Playground,
  compare: Compare,
  quiz: Quiz,
  insight: Insight,
};

export function App() {
  const mode = view.value.mode;
  const View = VIEWS[mode];
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
              <Values />
            ) : (
              <>
                <View />
                <Next />
              </>
            )}
          </section>
        </main>
      </div>
    </>
  );
}
