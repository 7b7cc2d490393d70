/**
 * predict's stream (predict-stream.ts) holds the sequences it has read and not yet predicted column by
 * column, as the fast scanner hands them over: their features standardised as they are copied out of
 * the scanner's pools, their class ids, lengths, ids and first steps, and cuts them into batches that
 * are columns of their own (src/data/columns.ts). So a batch is a few typed arrays, not an object and an
 * ArrayBuffer a sequence, and it crosses to predict's worker thread as they are.
 */
import type { Normalization, Target } from '../data/dataset.js';
import { SequenceColumns } from '../data/columns.js';
import { StepTexts, type ScannedBatch } from '../data/csv-fast.js';

/** A batch as it is sent to the worker: plain data (its step texts as each sequence's first step, NaN for none). */
export interface BatchColumns {
  I: number;
  target: Target;
  x: Float32Array;
  start: Int32Array;
  y: Int32Array;
  ids: string[];
  firstStep: Float64Array;
}

/** The columns of a batch sent as plain data, with its step texts made again. */
export function batchColumns(b: BatchColumns, texts: StepTexts): SequenceColumns {
  const { firstStep, start } = b;
  const steps = Number.isNaN(firstStep[0]) ? null : (r: number) => texts.of(firstStep[r]!, start[r + 1]! - start[r]!);
  return new SequenceColumns(b.I, b.x, b.start, b.y, b.target, b.ids, steps);
}

export class PendingColumns {
  private x: Float32Array;
  private y = new Int32Array(1 << 12);
  /** Features (rows of I) and class ids held. */
  private steps = 0;
  private ys = 0;
  private readonly lengths: number[] = [];
  private readonly ids: string[] = [];
  private readonly firstStep: number[] = [];

  constructor(
    readonly I: number,
    readonly target: Target,
    private readonly norm: Normalization | null,
    /** Whether the file has a step column (then a batch's sequences carry their step texts). */
    private readonly stepColumn: boolean,
  ) {
    this.x = new Float32Array(Math.max(1, I) << 12);
  }

  /** Sequences held. */
  get count(): number {
    return this.ids.length;
  }

  /** A scanned batch's sequences, with their class ids (targetColumn's: [steps] or [N]). */
  add(batch: ScannedBatch, y: Int32Array): void {
    const { I, norm } = this;
    let rows = 0;
    for (const run of batch.runs) rows += run.length / I;
    this.x = room(this.x, (this.steps + rows) * I);
    let at = this.steps * I;
    for (const run of batch.runs) {
      // a run starts at a sequence's first step, so element e is feature e % I (applyNormalization's rule)
      if (norm === null) this.x.set(run, at);
      else for (let e = 0; e < run.length; e++) this.x[at + e] = (run[e]! - norm.mean[e % I]!) / norm.std[e % I]!;
      at += run.length;
    }
    this.steps += rows;
    this.y = room(this.y, this.ys + y.length);
    this.y.set(y, this.ys);
    this.ys += y.length;
    for (let k = 0; k < batch.ids.length; k++) {
      this.lengths.push(batch.lengths[k]!);
      this.ids.push(batch.ids[k]!);
      this.firstStep.push(batch.firstStep[k]!);
    }
  }

  /** The first n sequences held, as a batch of their own arrays; they are no longer held. */
  cut(n: number): BatchColumns {
    const { I } = this;
    const start = new Int32Array(n + 1);
    for (let k = 0; k < n; k++) start[k + 1] = start[k]! + this.lengths[k]!;
    const rows = start[n]!;
    const ny = this.target === 'steps' ? rows : n;
    const out: BatchColumns = {
      I,
      target: this.target,
      x: this.x.slice(0, rows * I),
      start,
      y: this.y.slice(0, ny),
      ids: this.ids.splice(0, n),
      firstStep: this.stepColumn ? Float64Array.from(this.firstStep.slice(0, n)) : new Float64Array(n).fill(NaN),
    };
    this.x.copyWithin(0, rows * I, this.steps * I);
    this.y.copyWithin(0, ny, this.ys);
    this.steps -= rows;
    this.ys -= ny;
    this.lengths.splice(0, n);
    this.firstStep.splice(0, n);
    return out;
  }
}

/** `a`, or a larger copy when it holds fewer than n. */
function room<A extends Float32Array | Int32Array>(a: A, n: number): A {
  if (n <= a.length) return a;
  const b = new (a.constructor as new (n: number) => A)(Math.max(n, 2 * a.length));
  b.set(a);
  return b;
}
