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
