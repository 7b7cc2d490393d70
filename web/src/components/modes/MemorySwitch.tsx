/** Memory on or off, for the Step-through and the Playground: off resets h (and c) to zero before every step. */
import { memory, session } from '../../store.js';

export function MemorySwitch() {
  const on = memory.value;
  const s = session.value;
  return (
    <div class="toolbar memory-switch" role="group" aria-label="Memory">
      <label class="inline check">
        <input
          type="checkbox"
          role="switch"
          checked={!on}
          data-testid="memory-off"
          onChange={(e) => (memory.value = !(e.currentTarget as HTMLInputElement).checked)}
        />{' '}
        Memory off: reset h to zero before every step
      </label>
      {!on && (
        <span class="memory-note" data-testid="memory-note" data-applied={s?.memory === false}>
          Each step now sees only its own input, as in the key insight's "reset" bar.
        </span>
      )}
    </div>
  );
}
