/** One line on where the run stands, announced to screen readers as it changes (politely). */
import { pending, session } from '../store.js';
import { f3, seconds } from '../../../src/format.js';

export function statusText(): string {
  const s = session.value;
  if (!s) return 'Preparing the data and the model…';
  if (s.source === 'precomputed') return `The untrained model (seed ${s.settings.seed}); the trainer is starting…`;
  if (pending.value) return 'Preparing the data and the model…';
  const t = s.train;
  const last = s.history[s.history.length - 1];
  const acc = last ? `, held-out accuracy ${f3(last.valAccuracy)}` : '';
  switch (s.status) {
    case 'preparing':
      return 'Preparing the data and the model…';
    case 'ready':
      return `Untrained: random weights. Press Play to train on ${t.trainSize} sequences, ${t.epochs} epochs of ${t.batchesPerEpoch} batches.`;
    case 'training':
      return s.skipping
        ? `Skipping to the end: epoch ${Math.max(1, t.epoch)} of ${t.epochs}…`
        : `Training: epoch ${Math.max(1, t.epoch)} of ${t.epochs}, batch ${t.batch} of ${t.batchesPerEpoch}${acc}`;
    case 'paused':
      return `Paused at epoch ${Math.max(1, t.epoch)}, batch ${t.batch} of ${t.batchesPerEpoch} (${t.batchesDone} batches trained)${acc}`;
    case 'failed':
      return `Training stopped: ${t.message}`;
    case 'done': {
      const ins = s.insight.status === 'running' ? ' Measuring the same data without memory…' : '';
      return `Trained ${s.history.length} epochs in ${seconds(t.seconds)}${acc}${s.test ? `, test accuracy ${f3(s.test.accuracy)}` : ''}.${ins}`;
    }
  }
}

/** What a screen reader hears: the status and each finished epoch, not every batch. */
function announcement(): string {
  const s = session.value;
  if (!s || s.source === 'precomputed' || pending.value) return '';
  const last = s.history[s.history.length - 1];
  if (s.status === 'training')
    return last ? `Epoch ${last.epoch} of ${s.train.epochs} done: held-out accuracy ${f3(last.valAccuracy)}.` : 'Training started.';
  return statusText();
}

export function Status() {
  const s = session.value;
  const state = s?.source === 'precomputed' ? 'precomputed' : pending.value ? 'preparing' : (s?.status ?? 'preparing');
  return (
    <>
      <p class={`status status-${state}`} data-testid="status" data-status={state} data-shared-batches={s?.train.sharedBatches ?? 0}>
        {statusText()}
      </p>
      <p class="sr-only" role="status" aria-live="polite">
        {announcement()}
      </p>
    </>
  );
}
