/**
 * TwoThreadStep's helper as a Web Worker, for a page (or a worker of a page) that is cross-origin
 * isolated: `webSpawn(start)` starts a helper script (one that calls `serveHelper(self)`), and
 * `serveHelper` is that script's whole body. The helper holds a replica of the model; per job (a
 * message) it takes the weights from shared memory, runs forward and backward on its part of the batch,
 * leaves its scaled gradient and its loss in shared memory, and wakes the training thread, which waits
 * for it in Atomics.wait (allowed in a worker, never on a page's main thread).
 */
import { SequenceModel } from '../nn/model.js';
import { gemmDispatch, setGemmBackend, type GemmBackend } from '../tensor/gemm.js';
import type { Buf } from '../tensor/buf.js';
import { accumulateGradients, type LossSpec } from '../train/step.js';
import { DONE, READY, STATUS, signal, writeResult, type Close, type HelperInit, type Job } from './protocol.js';
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
  let init: HelperInit | null = null;
  let model: SequenceModel;
  let loss: LossSpec;
  const dLogits = new Map<number, Buf>();
  let seen = 0;
  scope.onmessage = (e: MessageEvent<HelperInit | Job | Close>) => {
    if (!init) {
      init = e.data as HelperInit;
      try {
        // the training thread's kernel choices, so that both parts take the same paths
        setGemmBackend(init.backend as GemmBackend);
        Object.assign(gemmDispatch, init.dispatch);
        model = new SequenceModel(init.options, { dtype: init.dtype });
        loss = { weight: init.loss.weight ? Float64Array.from(init.loss.weight) : null, ignoreIndex: init.loss.ignoreIndex };
        signal(init.ctrl, READY, 1);
      } catch (err) {
        scope.postMessage(err instanceof Error ? err.message : String(err));
        signal(init.ctrl, READY, -1);
      }
      return;
    }
    const job = e.data as Job | Close;
    if ('close' in job) return scope.close();
    const { ctrl, params, grad, out } = init;
    seen++;
    try {
      if (job.reseed !== undefined) model.rnn.reseedDropout(job.reseed);
      model.table.data.set(params);
      model.table.zeroGrad();
      const r = accumulateGradients(model, job.x, job.targets, job.lengths, dLogits, loss, job.scale);
      grad.set(model.table.grad);
      writeResult(out, r);
      Atomics.store(ctrl, STATUS, 0);
    } catch (err) {
      Atomics.store(ctrl, STATUS, 1);
      scope.postMessage(err instanceof Error ? err.message : String(err));
    }
    signal(ctrl, DONE, seen);
  };
}
