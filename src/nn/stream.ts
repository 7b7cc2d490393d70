/**
 * Streaming inference: one time step at a time, the state kept between calls, as a live system reads
 * a sensor. `step(x_t)` gives the same logits as running the whole sequence so far through `forward`
 * (a test checks it), at the cost of one step. Only forward-only models stream: a bidirectional layer
 * needs the end of the sequence before its first output.
 */
import { alloc, copyInto, type Buf } from '../tensor/buf.js';
import { ConfigError } from '../errors.js';
import type { SequenceModel } from './model.js';
import type { ForwardOptions } from './recurrent.js';

export class Stream {
  /** [L, P] hidden state after the last step (zeros before the first). */
  readonly h: Buf;
  /** LSTM: [L, H] cell state. */
  readonly c: Buf | null;
  /** Steps taken since the last reset. */
  steps = 0;
  private readonly x: { data: Buf; shape: number[] };
  private readonly h0: { data: Buf; shape: number[] };
  private readonly c0: { data: Buf; shape: number[] } | null;
  /** forward()'s options, made once: the kept state as h0 (and c0). */
  private readonly from: ForwardOptions;

  constructor(readonly model: SequenceModel) {
    const o = model.options;
    if (o.bidirectional)
      throw new ConfigError('a bidirectional model cannot stream: its reverse direction starts at the end of the sequence');
    const dt = model.table.dtype;
    const L = o.numLayers;
    this.h = alloc(dt, L * model.rnn.stateSize);
    this.c = model.rnn.cell.cellState ? alloc(dt, L * o.hiddenSize) : null;
    // a token model reads one id per step ([1], unbatched), a feature model inputSize features ([1, I])
    this.x = model.embedding ? { data: alloc(dt, 1), shape: [1] } : { data: alloc(dt, o.inputSize), shape: [1, o.inputSize] };
    this.h0 = { data: this.h, shape: [L, model.rnn.stateSize] };
    this.c0 = this.c ? { data: this.c, shape: [L, o.hiddenSize] } : null;
    this.from = this.c0 ? { h0: this.h0, c0: this.c0 } : { h0: this.h0 };
  }

  /** Back to the zero state. */
  reset(): void {
    this.h.fill(0);
    this.c?.fill(0);
    this.steps = 0;
  }

  /**
   * Feeds one step: `inputSize` features, or for a token model one id (a number, or an array of
   * one); returns this step's logits (a view, valid until the next call).
   */
  step(x: ArrayLike<number> | number): Buf {
    const xs = typeof x === 'number' ? [x] : x;
    const I = this.x.data.length;
    if (xs.length !== I) {
      throw new ConfigError(
        this.model.embedding
          ? `a step of a token model is one id, got ${xs.length} values`
          : `a step has ${I} features for this model, got ${xs.length}`,
      );
    }
    for (let i = 0; i < I; i++) this.x.data[i] = xs[i]!;
    const r = this.model.forward(this.x, this.from);
    copyInto(this.h, 0, r.hN.data);
    if (this.c && r.cN) copyInto(this.c, 0, r.cN.data);
    this.steps++;
    return r.logits.data;
  }
}
