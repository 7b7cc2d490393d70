/**
 * Training on both cores in the browser: the training worker's step is TwoThreadStep
 * (src/parallel/two-threads.ts) with its helper in a second Web Worker (helper.ts), where the page is
 * cross-origin isolated (`rnnscope serve` sends the headers) and the machine has two cores. A batch is
 * shared only once the helper has said it is ready (the training worker never blocks waiting for a
 * worker it started), and only when it is large enough to gain (minWork, as in Node).
 */
import type { SequenceModel } from '../../../src/nn/model.js';
import type { Optimizer } from '../../../src/optim/optimizer.js';
import { TrainStep, type StepOptions, type StepRunner } from '../../../src/train/step.js';
import { TwoThreadStep } from '../../../src/parallel/two-threads.js';
import { twoThreadsHere, webSpawn } from '../../../src/parallel/web.js';

const spawn = webSpawn(() => new Worker(new URL('./helper.ts', import.meta.url), { type: 'module', name: 'rnnscope-helper' }));

/**
 * After the learner's last click or key, this long on one thread: on two cores, two busy training
 * workers would leave the page's own thread (and Chromium's compositor) a third of the machine just
 * when the learner waits for an answer.
 */
const CALM_MS = 1000;
let lastInput = -Infinity;

/** The learner pressed a key or the pointer (the page says so: runner.ts). */
export function input(): void {
  lastInput = performance.now();
}

/** The two-thread step made last, if any. */
let last: TwoThreadStep | null = null;

/** A Trainer's makeStep: two threads where the page may, else one. */
export function makeStep(model: SequenceModel, optimizer: Optimizer, o: StepOptions): StepRunner {
  if (!twoThreadsHere()) return new TrainStep(model, optimizer, o);
  last = new TwoThreadStep(model, optimizer, { ...o, spawn, whenReady: true, mayShare: () => performance.now() - lastInput > CALM_MS });
  return last;
}

/** Batches the last step shared with its helper (0 once it failed and went back to one thread). */
export function sharedBatches(): number {
  return last && !last.failure ? last.counts.parallel : 0;
}
