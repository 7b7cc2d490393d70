/**
 * rnnscope/node: what needs Node.js itself (worker threads), kept out of the main entry so the
 * engine stays importable in a browser.
 */
export {
  ParallelTrainStep,
  ParallelForward,
  stepFactory,
  resolveThreads,
  cores,
  type ParallelStepOptions,
  type ParallelForwardNodeOptions,
} from './parallel.js';
