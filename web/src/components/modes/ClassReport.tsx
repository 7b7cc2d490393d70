/**
 * The per-class report of a classifier on its test split, as the engine's classReport computed it in the
 * worker (what `rnnscope train` prints): precision, recall, F1 and support per class, their macro and
 * weighted means, the commonest training class's score on the same split, and the confusion matrix.
 */
import type { ClassReport } from '../../../../src/train/class-report.js';
import { f3 } from '../../../../src/format.js';

/** Most classes the table lists (the ones with the most support) and the matrix draws: a language model has one per character. */
const MAX_ROWS = 20;
const MAX_MATRIX = 12;

export function ClassReportView({ r, classes }: { r: ClassReport; classes: readonly string[] }) {
  const C = classes.length;
  const rows = C > MAX_ROWS ? [...r.perClass].sort((a, b) => b.support - a.support).slice(0, MAX_ROWS) : r.perClass;
  return (
    <section class="class-report" aria-labelledby="class-report-title" data-testid="class-report">
      <h3 id="class-report-title">Per class on the test split</h3>
      <p class="muted">
        Precision: of the answers naming a class, the share that were right. Recall: of that class's targets, the share found. F1: their
        harmonic mean. Always answering the commonest training class scores{' '}
        <strong data-testid="report-majority" data-value={r.majority}>
          {f3(r.majority)}
        </strong>{' '}
        on these {r.support} targets.
      </p>
      <table class="trace-table report-table" data-testid="report-table">
        <caption>
          {C > MAX_ROWS
            ? `The ${MAX_ROWS} classes with the most targets of ${C}; the averages are over every class present`
            : 'Every class'}
        </caption>
        <thead>
          <tr>
            <th scope="col">Class</th>
            <th scope="col">Precision</th>
            <th scope="col">Recall</th>
            <th scope="col">F1</th>
            <th scope="col">Support</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((c) => (
            <tr data-class={c.class} data-values={JSON.stringify([c.precision, c.recall, c.f1, c.support])}>
              <th scope="row">{classes[c.class]}</th>
              <td>{f3(c.precision)}</td>
              <td>{f3(c.recall)}</td>
              <td>{f3(c.f1)}</td>
              <td>{c.support}</td>
            </tr>
          ))}
          {(['macro', 'weighted'] as const).map((k) => (
            <tr class="average" data-average={k} data-values={JSON.stringify([r[k].precision, r[k].recall, r[k].f1, r.support])}>
              <th scope="row">{k === 'macro' ? 'Macro average' : 'Weighted average'}</th>
              <td>{f3(r[k].precision)}</td>
              <td>{f3(r[k].recall)}</td>
              <td>{f3(r[k].f1)}</td>
              <td>{r.support}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {C <= MAX_MATRIX ? <Confusion r={r} classes={classes} /> : <p class="muted">{C} classes are too many to draw as a matrix here.</p>}
    </section>
  );
}

/** The matrix, each cell shaded by its share of the row (the true class's targets). */
function Confusion({ r, classes }: { r: ClassReport; classes: readonly string[] }) {
  return (
    <table class="trace-table confusion" data-testid="confusion" data-values={JSON.stringify(r.confusion)}>
      <caption>Confusion matrix: rows the true class, columns the predicted one; the diagonal is right</caption>
      <thead>
        <tr>
          <td />
          {classes.map((c) => (
            <th scope="col">predicted {c}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {r.confusion.map((row, k) => {
          const total = row.reduce((a, b) => a + b, 0);
          return (
            <tr>
              <th scope="row">true {classes[k]}</th>
              {row.map((v, j) => {
                const share = total ? v / total : 0;
                return (
                  <td
                    class={j === k ? 'diagonal' : ''}
                    style={{ background: `rgba(${j === k ? '31, 95, 168' : '180, 54, 28'}, ${(0.08 + 0.5 * share).toFixed(3)})` }}
                  >
                    {v}
                  </td>
                );
              })}
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
