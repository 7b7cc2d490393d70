/**
 * predict's worker thread (predict-pool.ts): a replica of the model that turns each batch of sequences
 * it is sent into the text the main thread would have written for it (predict-format.ts), and posts it
 * back, then counts the reply in shared memory so that a main thread waiting in Atomics.wait wakes.
 */
import { workerData } from 'node:worker_threads';
import { SequenceModel } from '../nn/model.js';
import { gemmDispatch, setGemmBackend, type GemmBackend } from '../tensor/gemm.js';
import { StepTexts } from '../data/csv-fast.js';
import { batchText, recordMaker } from './predict-format.js';
import { batchColumns } from './predict-columns.js';
import type { PredictJob, PredictReply, PredictWorkerInit } from './predict-pool.js';

const init = workerData as PredictWorkerInit;
const { port, ctrl, plan } = init;
const reply = (r: PredictReply): void => {
  port.postMessage(r, 'bytes' in r ? [r.bytes.buffer as ArrayBuffer] : []); // the text's bytes move, not copied
  Atomics.add(ctrl, 0, 1);
  Atomics.notify(ctrl, 0);
};
let model: SequenceModel | null = null;
try {
  // the main thread's kernel choices, so that both threads compute the same numbers
  setGemmBackend(init.backend as GemmBackend);
  Object.assign(gemmDispatch, init.dispatch);
  model = new SequenceModel(init.options, { dtype: init.dtype });
  model.table.data.set(init.params);
} catch (e) {
  model = null;
  reply({ id: -1, error: e instanceof Error ? e.message : String(e) });
}
const recordOf = recordMaker(plan);
const stepTexts = new StepTexts();
port.on('message', (job: PredictJob | { close: true }) => {
  if ('close' in job) return port.close();
  if (!model) return reply({ id: job.id, error: 'the model could not be built' });
  try {
    const seqs = batchColumns(job.batch, stepTexts).list();
    reply({ id: job.id, ...batchText(model, seqs, plan, job.hasLabels, false, job.columns, recordOf) });
  } catch (e) {
    reply({ id: job.id, error: e instanceof Error ? e.message : String(e) });
  }
});
