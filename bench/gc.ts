/**
 * A full garbage collection on demand, so memory deltas count what is live and not what the
 * collector has yet to free. `npm run bench` starts node without --expose-gc, so the flag is set
 * at run time and gc() is taken from a fresh context (a documented V8 flag; harmless here).
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let gc: (() => void) | null = (globalThis as { gc?: () => void }).gc ?? null;

/**
 * Two collections with a turn of the event loop between: V8 frees ArrayBuffer memory in a sweeper
 * that finishes after the collection, and memoryUsage().arrayBuffers counts it until then.
 */
export async function collect(): Promise<void> {
  if (!gc) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  }
  for (let i = 0; i < 2; i++) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
}
