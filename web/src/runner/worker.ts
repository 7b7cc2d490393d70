/**
 * The Web Worker where every model lives and trains. It runs engine events in slices of a few
 * milliseconds and yields between them, so a pause, a step or a new setting takes effect at the next
 * batch, and posts what changed at most every POST_MS (the page never waits on training).
 */
import { DataError, RnnscopeError, type Dataset } from '../../../src/internal.js';
import { Session } from './session.js';
import { CompareJob } from './compare.js';
import { SweepJob } from './sweep.js';
import { settingsKey } from '../settings.js';
import type { Command, WorkerEvent } from './protocol.js';

/** Time spent on engine work before yielding to messages; "slow" trains a batch per frame to watch. */
const SLICE_MS = { fast: 30, slow: 0 };
const POST_MS = 60;

let session: Session | null = null;
let compare: CompareJob | null = null;
let sweep: SweepJob | null = null;
let upload: { name: string; data: Dataset } | null = null;
let nextId = 1;
let lastPost = 0;
let scheduled = false;

const post = (e: WorkerEvent, transfer: Transferable[] = []): void =>
  (self as unknown as { postMessage(m: unknown, t: Transferable[]): void }).postMessage(e, transfer);

// A MessageChannel yields to pending messages without setTimeout's 4 ms clamp.
const channel = new MessageChannel();
channel.port1.onmessage = () => {
  scheduled = false;
  tick();
};

function schedule(delay = 0): void {
  if (scheduled) return;
  scheduled = true;
  if (delay > 0) setTimeout(() => channel.port2.postMessage(0), delay);
  else channel.port2.postMessage(0);
}

function tick(): void {
  const slow = session?.snapshot.speed === 'slow' && session.playing;
  const t0 = performance.now();
  try {
    do {
      const a = session?.work() ?? false;
      const b = compare?.work() ?? false;
      const c = sweep?.work() ?? false;
      if (!a && !b && !c) break;
    } while (performance.now() - t0 < SLICE_MS[slow ? 'slow' : 'fast']);
  } catch (e) {
    fail(e);
    return;
  }
  const busy = !!(session?.busy || compare?.busy || sweep?.busy);
  if (!busy || performance.now() - lastPost >= POST_MS) flush();
  if (busy) schedule(slow ? 16 : 0);
}

function flush(): void {
  lastPost = performance.now();
  if (session) {
    const patch = session.flush();
    if (patch) post({ type: 'patch', id: session.id, patch });
  }
  const c = compare?.flush();
  if (c) post({ type: 'compare', state: c });
  const w = sweep?.flush();
  if (w) post({ type: 'sweep', state: w });
}

function fail(e: unknown): void {
  session = null;
  compare = null;
  sweep = null;
  post({ type: 'error', message: e instanceof Error ? e.message : String(e) });
}

function handle(c: Command): void {
  switch (c.type) {
    case 'configure': {
      let data: Dataset | undefined;
      if (c.upload) {
        try {
          data = Session.read(c.upload.name, c.upload.text);
        } catch (e) {
          if (e instanceof DataError || e instanceof RnnscopeError)
            return post({ type: 'upload-error', message: `rnnscope: ${e.message}` });
          throw e;
        }
        upload = { name: c.upload.name, data };
      } else if (c.settings.data) {
        data = upload?.name === c.settings.data ? upload.data : undefined;
        if (!data)
          return post({ type: 'upload-error', message: `${c.settings.data} was uploaded in another page; upload it again to use it here` });
      }
      if (compare && settingsKey(compare.settings) !== settingsKey(c.settings)) compare = null;
      try {
        session = new Session({
          settings: c.settings,
          id: nextId++,
          data,
          traceIndex: c.traceIndex,
          playground: c.playground,
          speed: c.speed,
        });
      } catch (e) {
        if (e instanceof RnnscopeError) return post({ type: c.upload ? 'upload-error' : 'error', message: `rnnscope: ${e.message}` });
        throw e;
      }
      post({ type: 'session', snapshot: session.snapshot });
      session.flush();
      if (c.autoplay) session.play();
      break;
    }
    case 'compare':
      if (!session) return;
      if (compare && settingsKey(compare.settings) === session.snapshot.key) compare.touch();
      else
        compare = new CompareJob(
          session.snapshot.settings,
          upload && session.snapshot.settings.data === upload.name ? upload.data : undefined,
        );
      break;
    case 'sweep':
      // The same request again (a page asking twice) gets the state again; a new one starts over.
      if (sweep && JSON.stringify(sweep.request) === JSON.stringify(c.request)) sweep.touch();
      else sweep = new SweepJob(c.request);
      break;
    case 'download':
      if (session) {
        const f = session.modelFile();
        post({ type: 'model-file', bytes: f.bytes, name: f.name }, [f.bytes.buffer]);
      }
      return;
    case 'reset':
      if (session) {
        session.reset();
        session.flush();
        post({ type: 'session', snapshot: session.snapshot });
      }
      return;
    default:
      if (!session) return;
      if (c.type === 'play') session.play();
      else if (c.type === 'pause') session.pause();
      else if (c.type === 'step') session.step();
      else if (c.type === 'speed') session.setSpeed(c.speed);
      else if (c.type === 'select') session.select(c.traceIndex);
      else if (c.type === 'playground') session.setPlayground(c.values);
  }
  flush();
  schedule();
}

self.onmessage = (ev: MessageEvent<Command>) => {
  try {
    handle(ev.data);
  } catch (e) {
    fail(e);
  }
};
