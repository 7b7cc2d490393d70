/**
 * `rnnscope predict` on both cores: while the main thread reads the file (and takes a batch itself when
 * the worker is busy), a worker thread predicts batches and writes their text (predict-format.ts, the
 * same function the main thread runs, on a replica of the model with the same kernel choices), so
 * the output is the one-thread output byte for byte. The main thread writes the batches in the input's
 * order; at most two wait at the worker, so memory stays flat.
 *
 * The main thread's scan is synchronous: it reads replies with receiveMessageOnPort and, when it must
 * have one, sleeps in Atomics.wait on a counter the worker bumps after each reply. A worker that fails
 * or does not answer in time has its batches redone here, and the run goes on, on one thread.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import type { DType } from '../tensor/buf.js';
import { gemmBackend, gemmDispatch } from '../tensor/gemm.js';
import type { SequenceModel } from '../nn/model.js';
import type { BatchText, RecordPlan } from './predict-format.js';
import type { BatchColumns } from './predict-columns.js';

/** The worker's start-up data. */
export interface PredictWorkerInit {
  options: SequenceModel['options'];
  dtype: DType;
  params: Float32Array | Float64Array;
  backend: string;
  dispatch: typeof gemmDispatch;
  plan: RecordPlan;
  port: MessagePort;
  /** [0]: replies posted. */
  ctrl: Int32Array;
}

export interface PredictJob {
  id: number;
  /** The batch's sequences as columns (their step texts as first steps: cheaper to send than strings). */
  batch: BatchColumns;
  hasLabels: boolean;
  columns: string[];
}

export type PredictReply = ({ id: number } & BatchText) | { id: number; error: string };

/** Batches that may wait at the worker at once. */
const AHEAD = 2;

export class PredictPool {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly ctrl = new Int32Array(new SharedArrayBuffer(4));
  private readonly replies = new Map<number, PredictReply>();
  private nextId = 0;
  private pending = 0;
  /** Whether the worker failed: nothing more goes to it. */
  failed = false;
  /** Batches the worker wrote. */
  done = 0;

  private constructor(
    model: SequenceModel,
    plan: RecordPlan,
    private readonly timeoutMs: number,
  ) {
    const file = new URL('./predict-worker.js', import.meta.url);
    // (run from the TypeScript sources or bundled, the compiled worker may not be beside this file)
    if (!existsSync(fileURLToPath(file))) throw new Error(`${fileURLToPath(file)} does not exist`);
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.port.unref();
    const init: PredictWorkerInit = {
      options: model.options,
      dtype: model.table.dtype,
      params: model.table.data.slice(),
      backend: gemmBackend(),
      dispatch: { ...gemmDispatch },
      plan,
      port: port2,
      ctrl: this.ctrl,
    };
    // A small heap: a batch's garbage is a few megabytes, and V8 left alone grows its generations with
    // the garbage (predict's memory is to stay flat). Out of memory, the worker dies and its batches are redone here.
    const resourceLimits = { maxYoungGenerationSizeMb: 6, maxOldGenerationSizeMb: 48 };
    this.worker = new Worker(file, { workerData: init, transferList: [port2], resourceLimits });
    this.worker.unref(); // never holds the process open
    this.worker.on('error', () => {}); // seen as a missing reply: its batches are redone here
  }

  /** A pool, or null where Node cannot start the worker (the caller goes on alone). */
  static start(model: SequenceModel, plan: RecordPlan, timeoutMs = 60_000): PredictPool | null {
    try {
      return new PredictPool(model, plan, timeoutMs);
    } catch {
      return null;
    }
  }

  /** Whether the worker can take another batch now. */
  ready(): boolean {
    return !this.failed && this.pending < AHEAD;
  }

  /** Sends a batch to the worker; its id for `take`. */
  submit(batch: BatchColumns, hasLabels: boolean, columns: string[]): number {
    const id = this.nextId++;
    const job: PredictJob = { id, batch, hasLabels, columns };
    this.port.postMessage(job);
    this.pending++;
    return id;
  }

  /**
   * The worker's text for batch `id`: null when it is not there yet and `wait` is false, or when the
   * worker failed or did not answer within the timeout (then the caller writes the batch itself).
   */
  take(id: number, wait: boolean): BatchText | null {
    const until = Date.now() + this.timeoutMs;
    for (;;) {
      const seen = Atomics.load(this.ctrl, 0);
      for (let m = receiveMessageOnPort(this.port); m; m = receiveMessageOnPort(this.port)) {
        const r = m.message as PredictReply;
        if ('error' in r) this.failed = true;
        this.replies.set(r.id, r);
      }
      const r = this.replies.get(id);
      if (r) {
        this.replies.delete(id);
        this.pending--;
        if ('error' in r) return null;
        this.done++;
        return r;
      }
      if (this.failed) return null;
      if (!wait) return null;
      const left = until - Date.now();
      if (left <= 0) {
        this.failed = true;
        return null;
      }
      Atomics.wait(this.ctrl, 0, seen, left);
    }
  }

  close(): void {
    this.port.close();
    void this.worker.terminate();
  }
}
