/**
 * Generate: a sample from a language model, streamed into the page as the worker draws it with the
 * engine's streaming sampler (what `rnnscope generate` writes): a prime that sets the state, a length,
 * a temperature, top-k and a seed (the same seed, the same text), and a Stop button. Click a character
 * to see the distribution it was drawn from.
 */
import { useState } from 'preact/hooks';
import { session } from '../../store.js';
import { generateState } from '../../text-store.js';
import { generate, stopGenerate } from '../../runner/runner.js';
import { Bars } from '../charts/Bars.js';
import { f2 } from '../../../../src/format.js';

/** The page's longest sample (the worker's GENERATE_MAX). */
const MAX_LENGTH = 2000;

/** A whole number in [lo, hi] (what is typed outside it is brought inside; what is not a whole number gives `fallback`). */
function IntInput(p: { id: string; label: string; lo: number; hi?: number; value: number; fallback: number; set: (n: number) => void }) {
  const hi = p.hi ?? 2 ** 31 - 1;
  return (
    <div class="field">
      <label for={`gen-${p.id}`}>{p.label}</label>
      <input
        id={`gen-${p.id}`}
        type="number"
        min={p.lo}
        max={p.hi}
        value={p.value}
        onChange={(e) => {
          const n = Number((e.currentTarget as HTMLInputElement).value);
          p.set(Number.isInteger(n) ? Math.max(p.lo, Math.min(hi, n)) : p.fallback);
        }}
        data-testid={`gen-${p.id}`}
      />
    </div>
  );
}

export function Generate() {
  const s = session.value!;
  const vocab = s.data.text?.vocabulary ?? [];
  const V = vocab.length;
  const [prime, setPrime] = useState(vocab[2] ?? '');
  const [length, setLength] = useState(200);
  const [temperature, setTemperature] = useState(1);
  const [topK, setTopK] = useState(0);
  const [seed, setSeed] = useState(0);
  const [pace, setPace] = useState(0);
  const [picked, setPicked] = useState<number | null>(null);
  const g = generateState.value;
  const st = g && g.session === s.id ? g : null;
  const running = st?.status === 'running';
  const sep = s.data.text?.tokenizer === 'words' ? ' ' : '';
  const start = () => {
    setPicked(null);
    generate({ prime, length, temperature, topK, seed, pace });
  };
  const k = picked ?? (st && st.tokens.length ? st.tokens.length - 1 : null);
  const tok = k !== null ? st?.tokens[k] : undefined;
  return (
    <section class="generate" aria-labelledby="gen-title">
      <h3 id="gen-title">Generate: the model writes, one character at a time</h3>
      <p class="muted small">
        The prime sets the state; then each step's softmax, divided by the temperature and cut to the top k, gives the next character, drawn
        with the seed and fed back (as <code>rnnscope generate</code> does). It never draws &lt;pad&gt; or &lt;unk&gt;.
      </p>
      <form
        class="gen-form"
        onSubmit={(e) => {
          e.preventDefault();
          start();
        }}
      >
        <div class="field">
          <label for="gen-prime">Prime</label>
          <input
            id="gen-prime"
            type="text"
            value={prime}
            onInput={(e) => setPrime((e.currentTarget as HTMLInputElement).value)}
            data-testid="gen-prime"
          />
        </div>
        <IntInput id="length" label="Length" lo={1} hi={MAX_LENGTH} value={length} fallback={200} set={setLength} />
        <div class="field">
          <label for="gen-temp">Temperature {f2(temperature)}</label>
          <input
            id="gen-temp"
            type="range"
            min={0}
            max={2}
            step={0.05}
            value={temperature}
            onInput={(e) => setTemperature(Number((e.currentTarget as HTMLInputElement).value))}
            aria-valuetext={`${f2(temperature)}${temperature === 0 ? ': always the most likely' : ''}`}
            data-testid="gen-temperature"
          />
        </div>
        <IntInput id="topk" label="Top-k (0: all)" lo={0} hi={V} value={topK} fallback={0} set={setTopK} />
        <IntInput id="seed" label="Seed" lo={0} value={seed} fallback={0} set={setSeed} />
        <div class="field">
          <label for="gen-pace">Pace</label>
          <select
            id="gen-pace"
            value={pace}
            onChange={(e) => setPace(Number((e.currentTarget as HTMLSelectElement).value))}
            data-testid="gen-pace"
          >
            <option value={0}>as fast as it draws</option>
            <option value={20}>20 a second, to read along</option>
          </select>
        </div>
        <div class="gen-buttons">
          <button type="submit" data-testid="gen-start">
            {running ? 'Start again' : 'Generate'}
          </button>
          <button type="button" class="secondary" onClick={stopGenerate} disabled={!running} data-testid="gen-stop">
            Stop
          </button>
        </div>
      </form>
      {st?.message && (
        <p class="error" role="alert" data-testid="gen-error">
          {st.message}
        </p>
      )}
      {st && !st.message && (
        <>
          <p class="muted small" aria-live="polite">
            {st.status === 'running'
              ? `Drawing: ${st.tokens.length} of ${st.request.length}…`
              : st.status === 'stopped'
                ? `Stopped after ${st.tokens.length} of ${st.request.length}.`
                : `${st.tokens.length} drawn.`}
          </p>
          <p
            class="gen-text"
            data-testid="generated"
            data-status={st.status}
            data-text={st.tokens.map((t) => t.token).join(sep)}
            aria-label="the generated text"
          >
            <span class="gen-prime">{st.request.prime}</span>
            {st.tokens.map((t, i) => (
              <button
                type="button"
                class={i === k ? 'gen-tok on' : 'gen-tok'}
                onClick={() => setPicked(i)}
                title={`p = ${f2(t.p)}`}
                aria-label={`character ${i + 1}: ${t.shown}, drawn with p ${f2(t.p)}`}
              >
                {sep && i > 0 ? sep : ''}
                {t.token === '\n' ? '⏎\n' : t.token}
              </button>
            ))}
          </p>
          {tok && (
            <Bars
              title={`Character ${k! + 1} ('${tok.shown}') was drawn from: the five most likely after temperature and top-k`}
              testId="gen-dist"
              bars={tok.top.map((x) => ({ label: x.shown, value: x.p, color: x.shown === tok.shown ? '#1f5fa8' : '#6b7a8c' }))}
              format={f2}
            />
          )}
        </>
      )}
    </section>
  );
}
