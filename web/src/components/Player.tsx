/**
 * The player: Play (at a watchable pace) / Pause, one batch at a time, the speed, "skip to the end",
 * and Replay once trained. It sits above every mode, so each view can be watched as the model learns.
 */
import { session, speed, valueState } from '../store.js';
import { pause, play, replay, reset, skip, stepBatch } from '../runner/runner.js';
import type { Speed } from '../runner/protocol.js';

const SPEEDS: { id: Speed; label: string }[] = [
  { id: 'slow', label: 'slow: 4 batches a second' },
  { id: 'normal', label: 'normal: the run in about 20 s' },
  { id: 'fast', label: 'fast: as fast as it goes' },
];

export function Player() {
  const s = session.value;
  const v = valueState.value;
  const live = !!v || s?.source === 'live';
  const status = v?.status ?? s?.status;
  const running = status === 'training';
  const finished = status === 'done' || status === 'failed';
  const done = v ? v.losses.length : (s?.train.batchesDone ?? 0);
  return (
    <div class="toolbar player" role="group" aria-label="Training controls">
      {running ? (
        <button type="button" class="primary play" onClick={pause} data-testid="pause">
          ❚❚ Pause
        </button>
      ) : finished ? (
        <button type="button" class="primary play" onClick={replay} disabled={!live} data-testid="replay">
          ↻ Replay
        </button>
      ) : (
        <button type="button" class="primary play" onClick={play} disabled={!live} data-testid="play">
          ▶ {done ? 'Play on' : 'Play: train'}
        </button>
      )}
      <button type="button" onClick={stepBatch} disabled={!live || finished} data-testid="step-batch">
        +1 batch
      </button>
      <label class="inline">
        <span>Speed</span>
        <select
          value={speed.value}
          onChange={(e) => (speed.value = (e.currentTarget as HTMLSelectElement).value as Speed)}
          data-testid="speed"
        >
          {SPEEDS.map((o) => (
            <option value={o.id}>{o.label}</option>
          ))}
        </select>
      </label>
      <button type="button" onClick={skip} disabled={!live || finished} data-testid="skip">
        » Skip to the end
      </button>
      <button type="button" onClick={reset} disabled={!live || done === 0} data-testid="reset">
        ↺ Reset
      </button>
    </div>
  );
}
