/**
 * TwoThreadStep's helper as a Web Worker, for a page (or a worker of a page) that is cross-origin
 * isolated: `webSpawn(start)` starts a helper script (one that calls `serveHelper(self)`), and
 * `serveHelper` is that script's whole body. The helper holds a replica of the model; per job (a
 * message) it takes the weights from shared memory, runs forward and backward on its part of the batch,
 * leaves its scaled gradient and its loss in shared memory, and wakes the training thread, which waits
 * for it in Atomics.wait (allowed in a worker, never on a page's main thread).
 */
import type { Close, ForwardJob, HelperInit, Job } from './protocol.js';
import { Replica } from './replica.js';
import type { Helper, Spawn } from './two-threads.js';

/** What a worker's global scope offers the helper. */
interface Scope {
  onmessage: ((e: MessageEvent) => void) | null;
  postMessage(m: unknown): void;
  close(): void;
}

/** Whether threads may share memory here (SharedArrayBuffer needs cross-origin isolation) and there are two cores. */
export function twoThreadsHere(): boolean {
  const g = globalThis as { crossOriginIsolated?: boolean; navigator?: { hardwareConcurrency?: number } };
  return g.crossOriginIsolated === true && (g.navigator?.hardwareConcurrency ?? 1) >= 2;
}

/** The one helper alive per training thread: a new step's replaces the last one's. */
let live: Helper | null = null;

/**
 * Starts helpers with `start`, which makes the Web Worker of a script that calls serveHelper (written
 * out by the caller as `new Worker(new URL(..., import.meta.url), { type: 'module' })`, the form bundlers
 * such as Vite recognise and bundle).
 */
export function webSpawn(start: () => Worker): Spawn {
  return (init) => {
    live?.terminate();
    const w = start();
    let said: string | null = null;
    w.onmessage = (e: MessageEvent<string>) => (said = e.data);
    w.postMessage(init);
    const h: Helper = {
      post: (m) => w.postMessage(m),
      terminate: () => {
        w.terminate();
        if (live === h) live = null;
      },
      message: () => said,
    };
    live = h;
    return h;
  };
}

/** The helper script's body: the first message sets it up, each later one is a job (or the end). */
export function serveHelper(scope: Scope): void {
  let replica: Replica | null = null;
  let seen = 0;
  scope.onmessage = (e: MessageEvent<HelperInit | Job | ForwardJob | Close>) => {
    if (!replica) {
      try {
        replica = new Replica(e.data as HelperInit);
      } catch (err) {
        scope.postMessage(err instanceof Error ? err.message : String(err));
      }
      return;
    }
    const job = e.data as Job | ForwardJob | Close;
    if ('close' in job) return scope.close();
    const error = replica.run(job, ++seen);
    if (error !== null) scope.postMessage(error);
  };
}
