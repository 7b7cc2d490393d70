/**
 * The helper thread's side of TwoThreadStep, whatever starts it (a Node worker thread:
 * src/node/parallel-worker.ts; a Web Worker: web.ts): a replica of the model made from the helper's
 * init, which per job takes the weights from shared memory, runs forward and backward on its part of
 * the batch, and leaves its scaled gradient and its results in shared memory for the training thread;
 * or, for a forward-only job (TwoThreadForward), leaves its part's logits there.
 */
import { SequenceModel } from '../nn/model.js';
import { gemmDispatch, setGemmBackend, type GemmBackend } from '../tensor/gemm.js';
import type { Buf } from '../tensor/buf.js';
import { accumulateGradients, type LossSpec } from '../train/step.js';
import { READY, doJob, signal, writeResult, type ForwardJob, type HelperInit, type Job } from './protocol.js';

export class Replica {
  private readonly model: SequenceModel;
  private readonly loss: LossSpec;
  private readonly dLogits = new Map<number, Buf>();

  /** Makes the replica and signals READY (1, or -1 and the error rethrown when it cannot be made). */
  constructor(private readonly init: HelperInit) {
    try {
      // the training thread's kernel choices, so that both parts take the same paths
      setGemmBackend(init.backend as GemmBackend);
      Object.assign(gemmDispatch, init.dispatch);
      this.model = new SequenceModel(init.options, { dtype: init.dtype });
    } catch (e) {
      signal(init.ctrl, READY, -1);
      throw e;
    }
    this.loss = { weight: init.loss.weight ? Float64Array.from(init.loss.weight) : null, ignoreIndex: init.loss.ignoreIndex };
    signal(init.ctrl, READY, 1);
  }

  /** Runs job n and signals DONE = n; a job that throws sets STATUS 1 and its message is returned (else null). */
  run(job: Job | ForwardJob, n: number): string | null {
    if ('forward' in job) return this.forward(job, n);
    const { ctrl, params, grad, out } = this.init;
    const m = this.model;
    return doJob(ctrl, n, () => {
      if (job.reseed !== undefined) m.rnn.reseedDropout(job.reseed);
      m.table.data.set(params);
      m.table.zeroGrad();
      const r = accumulateGradients(m, job.x, job.targets, job.lengths, this.dLogits, this.loss, job.scale);
      grad.set(m.table.grad);
      writeResult(out, r);
    });
  }

  /** A forward-only job: the weights from shared memory, the part's logits (a noGrad pass) into job.logits. */
  private forward(job: ForwardJob, n: number): string | null {
    const { ctrl, params } = this.init;
    return doJob(ctrl, n, () => {
      this.model.table.data.set(params);
      job.logits.set(this.model.forward(job.x, { lengths: job.lengths, noGrad: true }).logits.data);
    });
  }
}
