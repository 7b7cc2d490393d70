/**
 * What every job the worker steps beside the session shares (the comparison of cells, of forecasters, the
 * memory sweep): a state folded from the engine's events, posted again only when it changed.
 */
export abstract class PostedJob<S extends { status: string }> {
  protected abstract state: S;
  private dirty = true;

  get busy(): boolean {
    return this.state.status === 'running';
  }

  /** One engine event folded into the state; false when the job is over. */
  work(): boolean {
    if (!this.busy) return false;
    this.dirty = true;
    this.step();
    return true;
  }

  protected abstract step(): void;

  /** Posts the state again at the next flush (a page that asks twice gets an answer twice). */
  touch(): void {
    this.dirty = true;
  }

  /** The state to post, or null if nothing changed since the last call. */
  flush(): S | null {
    if (!this.dirty) return null;
    this.dirty = false;
    return this.copy();
  }

  /** A copy the page may keep (arrays the job goes on filling are copied). */
  protected copy(): S {
    return { ...this.state };
  }
}

/** What the comparisons' states share: a row per cell, the memoryless model's progress, and a failure's sentence. */
interface RaceState<Row extends { mode: string }> {
  status: 'running' | 'done' | 'failed';
  rows: Row[];
  memoryless: { status: 'waiting' | 'running' | 'done' };
  message: string | null;
}

/** The events of a race of cells that every comparison's engine generator emits (compareCells, compareValueCells). */
type RaceEvent = { type: 'memoryless_train' } | { type: 'compare_failed'; message: string } | { type: string; mode?: string };

/**
 * A comparison of cells stepped one engine event at a time: the generator driven to its result, the
 * events every comparison shares (the memoryless model starting, a failure) folded here, each cell's
 * own events and the result by the job.
 */
export abstract class RaceJob<Row extends { mode: string }, S extends RaceState<Row>, E extends RaceEvent, R> extends PostedJob<S> {
  protected abstract readonly job: Generator<E, R | null>;

  protected step(): void {
    const it = this.job.next();
    if (it.done) {
      if (it.value) this.finish(it.value);
      return;
    }
    const e = it.value;
    const mode = 'mode' in e ? e.mode : undefined;
    const row = mode === undefined ? undefined : this.state.rows.find((r) => r.mode === mode);
    if (e.type === 'memoryless_train') {
      this.state.memoryless = { ...this.state.memoryless, status: 'running' };
    } else if (e.type === 'compare_failed') {
      this.state.status = 'failed';
      this.state.message = (e as Extract<RaceEvent, { type: 'compare_failed' }>).message;
    } else if (row) this.onCell(e, row);
  }

  /** An event of one cell (its training, its test). */
  protected abstract onCell(e: E, row: Row): void;

  /** The comparison's result folded into the state, which is then done. */
  protected abstract finish(r: R): void;

  /** The row of a cell. */
  protected rowOf(mode: string): Row {
    return this.state.rows.find((row) => row.mode === mode)!;
  }
}
