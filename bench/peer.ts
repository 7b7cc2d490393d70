/**
 * What a peer is: a library that trains the same configuration on the same data, timed by itself.
 *
 * One adapter file per peer in bench/peers/, listed in bench/peers/index.ts. The runner calls
 * available() once, then per configuration setup() and the returned StepFn many times (warm-up,
 * then the timed repetitions, alternating with the other peers), and teardown() at the end.
 */
import type { BenchConfig } from './configs.js';

/** A named parameter under PyTorch's state_dict name, e.g. "rnn.weight_ih_l0" [G, I]. */
export interface NamedParam {
  name: string;
  shape: number[];
  data: Float32Array;
}

/** The data every peer gets, generated once in TypeScript from a seed. */
export interface BenchData {
  /** (T, B, I) time-major features, N(0, 1); with token input (config V), (T, B) ids in [0, V). */
  x: Float32Array;
  /** (T, B) class ids, uniform in [0, C). */
  targets: Int32Array;
  /**
   * Initial weights under PyTorch's names (rnn.*, head.weight, head.bias). Peers that can load them
   * start where rnnscope starts, so their first losses agree; others may initialise their own.
   */
  params: NamedParam[];
}

export type Availability =
  | { ok: true; /** e.g. "torch 1.13.0a0". */ version: string; /** Lines for the header (BLAS, threads). */ notes: string[] }
  | { ok: false; /** One sentence: why this peer cannot run here. */ reason: string };

export interface StepsResult {
  /** Wall time of the steps, measured inside the peer (Node's clock, or time.perf_counter in Python). */
  seconds: number;
  /** Loss of the first and the last of these steps (before each update). */
  lossFirst: number;
  lossLast: number;
  /**
   * "infer" and "stream" (no loss there): the sum of the logits of the last call, so peers that
   * load the same weights can be seen to compute the same thing. Training leaves it out.
   */
  check?: number;
}

/** Runs `steps` steps of the configured task (a training step, a forward pass, a streaming step) and says how long they took. */
export type StepFn = (steps: number) => Promise<StepsResult>;

/** Memory as a peer sees its own process, in MB; only what it can measure honestly. */
export interface MemoryReport {
  /** Resident set size of the peer's process, largest seen after a run. */
  rssMB?: number;
  /** ArrayBuffer bytes added by setup and the first step (parameters, optimizer state, workspace). */
  arraysMB?: number;
  /** JS heap added by the same. */
  heapMB?: number;
  /** Buffers allocated (src/tensor/buf.ts `alloc`) per timed step: 0 when the workspace is reused. */
  allocsPerStep?: number;
  /** TensorFlow.js: bytes held by the backend's tensors after the runs (tf.memory().numBytes). */
  tensorsMB?: number;
}

export interface Peer {
  /** Used by --peers and as the key in the JSON. */
  readonly name: string;
  /** Shown in the table instead of the name (e.g. "brain.js (1 seq at a time)"). */
  readonly label?: string;
  available(): Promise<Availability>;
  /** Builds the model and optimizer for `config` (after any previous configuration). */
  setup(config: BenchConfig, data: BenchData): Promise<StepFn>;
  /** Memory for the configuration set up last, after its runs. */
  memory?(): Promise<MemoryReport>;
  /**
   * How the configuration set up last was run, when it differs from PyTorch's step: weights
   * converted or not, a different cell, one sequence at a time... One short line each.
   */
  notes?(): Promise<string[]>;
  /** Frees what the peer holds (ends its process, if any). Safe to call more than once. */
  teardown(): Promise<void>;
}
