/**
 * Key insight: the lesson's summary, backed by this session's measurements (compareMemory): the trained
 * model with its memory, the same weights with the hidden state reset at every step, a same-sized
 * model trained on single steps, and chance.
 */
import { session, setMode } from '../../store.js';
import { Bars } from '../charts/Bars.js';
import { BiNote } from '../Lesson.js';
import { memoryWords, memoryWorth } from '../../../../src/explain/memory.js';
import { cellInfo } from '../../../../src/nn/cells/index.js';

export function Insight() {
  const s = session.value;
  if (!s) return <p>Preparing…</p>;
  const m = s.insight.comparison;
  const cell = cellInfo(s.model.options.mode).short;
  return (
    <div class="mode-insight">
      <h2>Key Insight</h2>
      <blockquote class="seed">
        RNNs handle sequences by remembering past inputs through a hidden state that updates at each step. This memory helps the model
        understand order and context, improving predictions on sequential data.
      </blockquote>
      {!m && (
        <p data-testid="insight-waiting">
          {s.status === 'done'
            ? `Measuring the same data without memory: training a model on single steps, epoch ${s.insight.epoch} of ${s.insight.epochs}…`
            : 'Measured when training has finished: the trained model, then the same data without memory.'}
        </p>
      )}
      {m &&
        (() => {
          const { gain } = memoryWorth(m);
          const [lead, figure, tail] = memoryWords(m);
          const unit = s.data.target === 'steps' ? 'steps' : 'sequences';
          return (
            <>
              <p class="measured" data-testid="insight-summary" data-gain={gain}>
                Measured in this session ({m.tested} test {unit}). {lead} <strong>{figure}</strong> {tail}
              </p>
              <Bars
                title="Test accuracy on the same held-out data"
                testId="insight-bars"
                bars={[
                  { label: `${cell} with its hidden state (trained here)`, value: m.withMemory, color: '#1f5fa8' },
                  { label: `The same ${cell}, hidden state reset before every step`, value: m.reset, color: '#b4361c' },
                  {
                    label: `A model of the same size trained on single steps (${m.parameters} parameters)`,
                    value: m.memoryless,
                    color: '#8a5a00',
                  },
                  { label: 'Always the commonest class (chance)', value: m.chance, color: '#6b7a8c' },
                ]}
              />
              <BiNote />
              <ul class="explain">
                <li>
                  <strong>With memory</strong>: each step's prediction reads h_t, which mixes this input with everything before it.
                </li>
                <li>
                  <strong>Reset</strong>: the very same weights, but h_(t-1) is zero at every step, so the model sees one reading at a time.{' '}
                  {m.reset - m.chance < 0.05
                    ? 'It falls to chance: the answer is not in any one step.'
                    : 'It keeps part of its accuracy: some of the answer is in one step.'}
                </li>
                <li>
                  <strong>Single steps</strong>: a model that never had a memory, trained on steps alone, does{' '}
                  {m.memoryless - m.chance < 0.05 ? 'no better than chance either' : 'only this well'}: it is not the weights that were
                  missing, it is the memory.
                </li>
              </ul>
              <p>
                See it happen step by step in{' '}
                <button type="button" class="link" onClick={() => setMode('step')}>
                  Step-through
                </button>
                , break it in the{' '}
                <button type="button" class="link" onClick={() => setMode('playground')}>
                  Playground
                </button>
                , or test yourself in the{' '}
                <button type="button" class="link" onClick={() => setMode('quiz')}>
                  Quiz
                </button>
                .
              </p>
            </>
          );
        })()}
    </div>
  );
}
