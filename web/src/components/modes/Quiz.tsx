/**
 * Quiz: the engine's questions (makeQuiz, the same as `rnnscope quiz` for these settings): about this
 * model and this run, and the lesson's concept questions, each with its explanation, and a score.
 */
import { answer, answers, session } from '../../store.js';
import type { Question } from '../../../../src/explain/quiz/index.js';

const letter = (i: number) => String.fromCharCode(65 + i);

export function Quiz() {
  const s = session.value;
  if (!s) return <p>Preparing…</p>;
  const qs = s.quiz;
  if (!qs) {
    const ins = s.insight;
    return (
      <div class="mode-quiz">
        <h2>Model Quiz</h2>
        <p data-testid="quiz-waiting">
          The questions are drawn from this run: its shapes, its trace, its training and what taking the memory away cost.
          {s.status === 'done'
            ? ` They appear once the model without memory is measured (epoch ${ins.epoch} of ${ins.epochs})…`
            : ' They appear when training has finished.'}
        </p>
      </div>
    );
  }
  const a = answers.value;
  const answered = qs.filter((q) => a[q.id] !== undefined);
  const right = answered.filter((q) => a[q.id] === q.answer).length;
  return (
    <div class="mode-quiz">
      <h2>Model Quiz: {qs.length} questions</h2>
      <p>Test your understanding of this model and this run. Choose an answer to see why it is right or wrong.</p>
      <p class="score" data-testid="quiz-score" aria-live="polite">
        Score: {right} of {answered.length} answered
        {answered.length === qs.length
          ? ` — ${right === qs.length ? 'all right!' : `${right} of ${qs.length}`}`
          : ` (${qs.length - answered.length} to go)`}
      </p>
      {answered.length > 0 && (
        <button
          type="button"
          data-testid="quiz-retake"
          onClick={() => {
            answers.value = {};
            requestAnimationFrame(() => document.querySelector<HTMLInputElement>('.quiz input[type=radio]')?.focus());
          }}
        >
          ↺ Retake the quiz
        </button>
      )}
      <Questions qs={qs} />
    </div>
  );
}

/** The questions, each with its choices and, once answered, whether it was right and why (both quizzes). */
export function Questions({ qs }: { qs: readonly Question[] }) {
  const a = answers.value;
  return (
    <ol class="quiz">
      {qs.map((q, qi) => {
        const chosen = a[q.id];
        const done = chosen !== undefined;
        return (
          <li class="question" data-testid={`question-${qi}`} data-id={q.id} data-kind={q.kind}>
            <fieldset>
              <legend>{q.prompt}</legend>
              {q.choices.map((c, ci) => (
                <label
                  class={`choice${done && ci === q.answer ? ' right' : ''}${done && ci === chosen && ci !== q.answer ? ' wrong' : ''}`}
                >
                  <input
                    type="radio"
                    name={`q-${q.id}`}
                    value={ci}
                    checked={chosen === ci}
                    disabled={done && chosen !== ci}
                    onChange={() => answer(q.id, ci)}
                  />
                  <span class="choice-letter">{letter(ci)}</span> {c}
                </label>
              ))}
            </fieldset>
            {done && (
              <p class={chosen === q.answer ? 'verdict right' : 'verdict wrong'} role="status" data-testid={`verdict-${qi}`}>
                <strong>{chosen === q.answer ? 'Right.' : `Not quite: the answer is ${letter(q.answer)}.`}</strong> {q.explanation}
              </p>
            )}
          </li>
        );
      })}
    </ol>
  );
}
