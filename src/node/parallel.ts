/**
 * Training on both cores in Node.js: ParallelTrainStep is TwoThreadStep (src/parallel/two-threads.ts)
 * with its helper in a worker thread (parallel-worker.ts) that shares the step's memory, and the
 * thread counts a CLI run asks for ("auto": as many as the cores, up to 2). Inference likewise:
 * ParallelForward is TwoThreadForward with the same helper.
 */
import os from 'node:os';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import type { SequenceModel } from '../nn/model.js';
import type { Optimizer } from '../optim/optimizer.js';
import { ConfigError } from '../errors.js';
import { TrainStep, type StepOptions, type StepRunner } from '../train/step.js';
import { TwoThreadStep, type Helper, type ParallelStepOptions } from '../parallel/two-threads.js';
import { TwoThreadForward, type ParallelForwardOptions } from '../parallel/two-thread-forward.js';
import type { HelperInit, WorkerInit } from '../parallel/protocol.js';

export type { ParallelStepOptions };

/** ParallelForward's options: TwoThreadForward's, its helper a Node worker thread unless `spawn` says otherwise. */
export type ParallelForwardNodeOptions = Partial<ParallelForwardOptions>;

/** The helper as a Node worker thread: jobs on a MessagePort it reads when woken (receiveMessageOnPort). */
function spawnThread(init: HelperInit): Helper {
  const file = new URL('./parallel-worker.js', import.meta.url);
  // (run from the TypeScript sources or bundled, the compiled worker may not be beside this file)
  if (!existsSync(fileURLToPath(file))) throw new Error(`${fileURLToPath(file)} does not exist`);
  const { port1, port2 } = new MessageChannel();
  port1.unref();
  const data: WorkerInit = { ...init, port: port2 };
  const w = new Worker(file, { workerData: data, transferList: [port2] });
  // The worker never holds the process open: an un-closed step does not keep a CLI run alive.
  w.unref();
  // Errors the worker reports itself (READY -1, STATUS 1, a message on the port); these events
  // only arrive once this thread is back in its event loop, after the wait that would need them.
  w.on('error', () => {});
  return {
    post: (m) => port1.postMessage(m),
    terminate: () => {
      void w.terminate();
      port1.close();
    },
    message: () => {
      const msg = receiveMessageOnPort(port1);
      return msg ? String(msg.message) : null;
    },
  };
}

export class ParallelTrainStep extends TwoThreadStep {
  constructor(model: SequenceModel, optimizer: Optimizer, o: Partial<ParallelStepOptions> = {}) {
    super(model, optimizer, { ...o, spawn: o.spawn ?? spawnThread });
  }
}

/**
 * Inference on both cores in Node.js: TwoThreadForward (src/parallel/two-thread-forward.ts) with its
 * helper in a worker thread. `forward(x, { lengths })` gives the logits of
 * `model.forward(x, { lengths, noGrad: true })`, bit for bit; call close() when done.
 */
export class ParallelForward extends TwoThreadForward {
  constructor(model: SequenceModel, o: ParallelForwardNodeOptions = {}) {
    super(model, { ...o, spawn: o.spawn ?? spawnThread });
  }
}

/** Cores this process may use (os.availableParallelism where Node has it). */
export function cores(): number {
  return typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
}

/** "auto": 2 where there are two cores or more, else 1; a number stays as it is. */
export function resolveThreads(threads: number | 'auto'): number {
  return threads === 'auto' ? (cores() >= 2 ? 2 : 1) : threads;
}

/**
 * A Trainer's `makeStep` for `threads` threads: 1 is TrainStep; 2 is ParallelTrainStep; "auto" is 2
 * where there are two cores or more. Either way small batches stay on one thread (see minWork).
 */
export function stepFactory(
  threads: number | 'auto',
  minWork?: number,
): (model: SequenceModel, optimizer: Optimizer, o: StepOptions) => StepRunner {
  const n = resolveThreads(threads);
  if (n !== 1 && n !== 2) throw new ConfigError(`threads must be 1, 2 or "auto", got ${String(threads)}`);
  return (model, optimizer, o) =>
    n === 1 ? new TrainStep(model, optimizer, o) : new ParallelTrainStep(model, optimizer, { ...o, threads: n, minWork });
}
