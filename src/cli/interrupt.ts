/**
 * Ctrl-C (SIGINT) or SIGTERM during a long command: the first one asks the work to stop at the next
 * safe point (between batches, never inside a file write, so no temp file outlives the process); a
 * second one ends the process at once, as usual.
 */
export interface Interrupt {
  /** The signal received, or null. */
  signal: NodeJS.Signals | null;
  /** Lets the signal handlers run if the last turn of the event loop is older than `ms`. */
  turn(ms?: number): Promise<void>;
  dispose(): void;
}

export function catchInterrupt(): Interrupt {
  let last = performance.now();
  const state: Interrupt = {
    signal: null,
    async turn(ms = 100) {
      if (performance.now() - last < ms) return;
      await new Promise((r) => setImmediate(r));
      last = performance.now();
    },
    dispose() {
      for (const s of signals) process.removeListener(s, on);
    },
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];
  const on = (s: NodeJS.Signals) => {
    state.signal = s;
    state.dispose(); // the next one takes the default way out
  };
  for (const s of signals) process.on(s, on);
  return state;
}

/** A word for a command line, quoted for a POSIX shell when it needs to be. */
export function shellWord(w: string): string {
  return /^[\w@%+=:,./-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`;
}

/** The data options of a run, as flags that give the same data again. */
export function dataFlags(o: {
  data?: string;
  idCol?: string;
  stepCol?: string;
  labelCol?: string;
  features?: string;
  delimiter?: string;
  layout?: string;
  target?: string;
  split?: string;
  valData?: string;
  testData?: string;
  normalize?: boolean;
}): string[] {
  const pairs: [string, string | undefined][] = [
    ['--data', o.data],
    ['--id-col', o.idCol],
    ['--step-col', o.stepCol],
    ['--label-col', o.labelCol],
    ['--features', o.features],
    ['--delimiter', o.delimiter],
    ['--layout', o.layout],
    ['--target', o.target],
    ['--split', o.split],
    ['--val-data', o.valData],
    ['--test-data', o.testData],
  ];
  return [...pairs.flatMap(([k, v]) => (v === undefined ? [] : [k, shellWord(v)])), ...(o.normalize === false ? ['--no-normalize'] : [])];
}
