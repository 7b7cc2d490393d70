/**
 * Training (the player above every mode plays, pauses, steps and resets): the loss of every batch,
 * loss and accuracy per epoch (train and held-out), and the training trace's table with each epoch's
 * observation, as the engine's Trainer reports them.
 */
import { session } from '../../store.js';
import { LineChart } from '../charts/LineChart.js';
import { BiNote, Notice, Term } from '../Lesson.js';
import { trainingNotice } from '../../notice.js';
import { f3, f4, seconds } from '../../../../src/format.js';
import { ClassReportView } from './ClassReport.js';

/** Most points the batch-loss line draws: a long run's batches are averaged in groups, so a redraw stays cheap. */
const MAX_POINTS = 600;

function batchSeries(losses: readonly number[], per: number): { name: string; points: [number, number][] } {
  const k = Math.ceil(losses.length / MAX_POINTS);
  if (k <= 1) return { name: 'every batch (train)', points: losses.map((l, i) => [(i + 1) / per, l]) };
  const points: [number, number][] = [];
  for (let i = 0; i < losses.length; i += k) {
    const g = losses.slice(i, i + k);
    points.push([(i + g.length) / per, g.reduce((a, b) => a + b, 0) / g.length]);
  }
  return { name: `batches (train), mean of each ${k}`, points };
}

export function Training() {
  const s = session.value;
  if (!s) return <p>Preparing…</p>;
  const t = s.train;
  const finished = s.status === 'done' || s.status === 'failed';
  const total = t.batchesPerEpoch * t.epochs;
  const per = t.batchesPerEpoch;
  const h = s.history;
  const chance = s.insight.comparison?.chance;
  return (
    <div class="mode-training">
      <h2>Training Trace: epoch by epoch</h2>
      <div class="progress-row">
        <progress max={total} value={t.batchesDone} aria-label="Batches trained" />
        <span data-testid="progress" data-batches={t.batchesDone}>
          Epoch {Math.max(t.epoch, h.length)} of {t.epochs} · batch {t.batch} of {per} · {t.batchesDone} of {total} batches ({t.trainSize}{' '}
          sequences, batches of {t.batchSize}, Adam lr {s.settings.lr})
        </span>
      </div>
      <p class="muted">
        An <Term k="epoch" /> is one pass over the training data, in <Term k="batch">batches</Term>; the <Term k="held-out" /> split is
        never trained on.
      </p>
      <Notice text={trainingNotice(s.history, t.batchesDone, s.losses)} testId="notice-training" />
      <div class="charts">
        <LineChart
          title="Loss"
          testId="loss-chart"
          xLabel="epoch"
          yLabel="cross-entropy"
          xDomain={[0, t.epochs]}
          series={[
            { ...batchSeries(s.losses, per), color: '#9db4d3', width: 1.2 },
            { name: 'train, per epoch', points: h.map((e) => [e.epoch, e.loss]), dots: true, color: '#1f5fa8' },
            { name: 'held-out, per epoch', points: h.map((e) => [e.epoch, e.valLoss]), dots: true, dashed: true, color: '#b4361c' },
          ]}
        />
        <LineChart
          title="Accuracy"
          testId="accuracy-chart"
          xLabel="epoch"
          yLabel="fraction right"
          xDomain={[0, t.epochs]}
          yDomain={[0, 1]}
          rule={chance !== undefined ? { y: chance, label: `chance ${f3(chance)}` } : undefined}
          series={[
            { name: 'train', points: h.map((e) => [e.epoch, e.trainAccuracy]), dots: true, color: '#1f5fa8' },
            { name: 'held-out', points: h.map((e) => [e.epoch, e.valAccuracy]), dots: true, dashed: true, color: '#b4361c' },
          ]}
        />
      </div>
      <table class="trace-table" data-testid="epochs">
        <caption>
          Per epoch: mean training loss, accuracy on the training and held-out (validation) splits, and, below each, what the numbers say
        </caption>
        <thead>
          <tr>
            <th scope="col">Epoch</th>
            <th scope="col">Loss ↓</th>
            <th scope="col">Held-out loss ↓</th>
            <th scope="col">Train acc ↑</th>
            <th scope="col">Held-out acc ↑</th>
            <th scope="col">Time</th>
          </tr>
        </thead>
        <tbody>
          {h.map((e) => (
            <>
              <tr data-epoch={e.epoch} data-val-accuracy={e.valAccuracy} class="numbers">
                <th scope="row">{e.epoch}</th>
                <td>{f4(e.loss)}</td>
                <td>{f4(e.valLoss)}</td>
                <td>{f3(e.trainAccuracy)}</td>
                <td>{f3(e.valAccuracy)}</td>
                <td>{seconds(e.seconds)}</td>
              </tr>
              <tr class="observation">
                <td colSpan={6}>
                  <span class="sr-only">Observation: </span>
                  {e.observation.text}
                </td>
              </tr>
            </>
          ))}
          {h.length === 0 && (
            <tr>
              <td colSpan={6}>No epoch finished yet{t.batchesDone ? ` (${t.batchesDone} batches trained)` : ''}.</td>
            </tr>
          )}
        </tbody>
      </table>
      {finished && (
        <p data-testid="train-end">
          {t.message ? t.message[0]!.toUpperCase() + t.message.slice(1) : ''}.
          {s.test && (
            <>
              {' '}
              Test split: accuracy{' '}
              <strong data-testid="test-accuracy" data-value={s.test.accuracy}>
                {f3(s.test.accuracy)}
              </strong>{' '}
              over {s.test.counted} labelled {s.data.target === 'steps' ? 'steps' : 'sequences'}, loss {f4(s.test.loss)}.
            </>
          )}
        </p>
      )}
      {finished && s.report && <ClassReportView r={s.report} classes={s.data.classes} />}
      {finished && <BiNote />}
    </div>
  );
}
