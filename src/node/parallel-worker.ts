/**
 * The worker thread of ParallelTrainStep (parallel.ts; their protocol is src/parallel/protocol.ts):
 * the model's replica (src/parallel/replica.ts), fed a job per wake-up. It sleeps in Atomics.wait
 * between jobs and reads each from its MessagePort with receiveMessageOnPort.
 */
import { receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads';
import { JOB, type Close, type ForwardJob, type Job, type WorkerInit } from '../parallel/protocol.js';
import { Replica } from '../parallel/replica.js';

const init = workerData as WorkerInit;
// (a worker thread's port: Node's MessagePort, which receiveMessageOnPort reads)
const port = init.port as unknown as MessagePort;
let replica: Replica;
try {
  replica = new Replica(init);
} catch (e) {
  port.postMessage(e instanceof Error ? e.message : String(e));
  throw e;
}

let seen = 0;
for (;;) {
  Atomics.wait(init.ctrl, JOB, seen);
  seen = Atomics.load(init.ctrl, JOB);
  const msg = receiveMessageOnPort(port);
  if (!msg) continue;
  const job = msg.message as Job | ForwardJob | Close;
  if ('close' in job) break;
  const error = replica.run(job, seen);
  if (error !== null) port.postMessage(error);
}
port.close();
