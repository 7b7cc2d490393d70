/**
 * The worker thread of ParallelTrainStep (parallel.ts; their protocol is protocol.ts): a replica of
 * the model that, per job, takes the weights from shared memory, runs forward and backward on its
 * part of the batch, and leaves its (scaled) gradient and its loss in shared memory. It sleeps in
 * Atomics.wait between jobs.
 */
import { receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads';
import { SequenceModel } from '../nn/model.js';
import { gemmDispatch, setGemmBackend, type GemmBackend } from '../tensor/gemm.js';
import type { Buf } from '../tensor/buf.js';
import { accumulateGradients, type LossSpec } from '../train/step.js';
import { DONE, JOB, READY, STATUS, signal, writeResult, type Close, type Job, type WorkerInit } from '../parallel/protocol.js';

const init = workerData as WorkerInit;
const { ctrl, params, grad, out } = init;
// (a worker thread's port: Node's MessagePort, which receiveMessageOnPort reads)
const port = init.port as unknown as MessagePort;
let model: SequenceModel;
try {
  // the main thread's kernel choices, so that both parts take the same paths
  setGemmBackend(init.backend as GemmBackend);
  Object.assign(gemmDispatch, init.dispatch);
  model = new SequenceModel(init.options, { dtype: init.dtype });
} catch (e) {
  port.postMessage(e instanceof Error ? e.message : String(e));
  signal(ctrl, READY, -1);
  throw e;
}
const loss: LossSpec = { weight: init.loss.weight ? Float64Array.from(init.loss.weight) : null, ignoreIndex: init.loss.ignoreIndex };
const dLogits = new Map<number, Buf>();

signal(ctrl, READY, 1);

let seen = 0;
for (;;) {
  Atomics.wait(ctrl, JOB, seen);
  seen = Atomics.load(ctrl, JOB);
  const msg = receiveMessageOnPort(port);
  if (!msg) continue;
  const job = msg.message as Job | Close;
  if ('close' in job) break;
  try {
    if (job.reseed !== undefined) model.rnn.reseedDropout(job.reseed);
    model.table.data.set(params);
    model.table.zeroGrad();
    const r = accumulateGradients(model, job.x, job.targets, job.lengths, dLogits, loss, job.scale);
    grad.set(model.table.grad);
    writeResult(out, r);
    Atomics.store(ctrl, STATUS, 0);
  } catch (e) {
    Atomics.store(ctrl, STATUS, 1);
    port.postMessage(e instanceof Error ? e.message : String(e));
  }
  signal(ctrl, DONE, seen);
}
port.close();
