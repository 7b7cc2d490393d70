/**
 * The Web Worker where every model lives and trains. It runs engine events in slices of a few
 * milliseconds and yields between them, so a pause, a step or a new setting takes effect at the next
 * batch. It keeps at most one update in flight: after posting one it waits until the page says it has
 * drawn it ('drawn'), training on meanwhile, and then posts everything that changed as one update. A
 * slow page therefore gets fewer updates, never a queue of them (the page never waits on training).
 * Play trains at the chosen pace: a few batches a second, the whole run in about 20 s, or flat out.
 */
import { DataError, RnnscopeError } from '../../../src/internal.js';
import { Session } from './session.js';
import { input } from './two-threads.js';
import { CompareJob } from './compare.js';
import { SweepJob } from './sweep.js';
import { ValueCompareJob } from './value-compare.js';
import { isValueTask, settingsKey } from '../settings.js';
import { ValueJob, readUploadedSeries } from './values.js';
import type { Series } from '../../../src/data/series.js';
import type { Command, WorkerEvent } from './protocol.js';
import { TextJobs } from './text-jobs.js';
import { readTextUpload, type UploadParts } from './text-upload.js';

/** Time spent on engine work before yielding to messages. */
const SLICE_MS = 30;
/** An update the page has not acknowledged for this long is taken as lost (a hidden tab draws nothing). */
const ACK_TIMEOUT_MS = 2000;

let session: Session | null = null;
let compare: CompareJob | null = null;
let sweep: SweepJob | null = null;
/** The comparison of cells on a model of values (Compare mode while a forecaster is shown). */
let valueCompare: ValueCompareJob | null = null;
let upload: ({ name: string } & UploadParts) | null = null;
/** A text model's cell pictures and samples (null for a model of features). */
let text: TextJobs | null = null;
/** A model of values (the oscillation task, an uploaded series) runs instead of a session. */
let values: ValueJob | null = null;
let seriesUpload: { name: string; series: Series } | null = null;
let nextId = 1;
let lastPost = 0;
let scheduled = false;
/** True from posting an update until the page says it drew it. */
let inFlight = false;
/** No update before this time: a page that took d ms to draw the last one gets the next DRAW_SHARE x d later. */
let notBefore = 0;
const DRAW_SHARE = 4;
let lastTick = 0;
/** No engine work before this time: the learner's click or key is being answered (both training threads rest). */
let restUntil = 0;
const INPUT_REST_MS = 150;

const post = (e: WorkerEvent, transfer: Transferable[] = []): void =>
  (self as unknown as { postMessage(m: unknown, t: Transferable[]): void }).postMessage(e, transfer);

// A MessageChannel yields to pending messages without setTimeout's 4 ms clamp.
const channel = new MessageChannel();
channel.port1.onmessage = () => {
  scheduled = false;
  tick();
};

/** When the pending tick runs (performance.now() time), and its timer if it waits for one. */
let due = 0;
let timer: ReturnType<typeof setTimeout> | undefined;

/** Runs tick after `delay` ms, or sooner if one is already due sooner (a later wish never delays an earlier one). */
function schedule(delay = 0): void {
  const at = performance.now() + delay;
  if (scheduled && due <= at) return;
  if (scheduled) {
    // a tick waiting on a timer that an earlier one now replaces (a posted tick is never later than this)
    clearTimeout(timer);
  }
  scheduled = true;
  due = at;
  if (delay > 0) timer = setTimeout(() => channel.port2.postMessage(0), delay);
  else channel.port2.postMessage(0);
}

function tick(): void {
  const rest = restUntil - performance.now();
  if (rest > 0) {
    lastTick = 0;
    return schedule(rest);
  }
  const t0 = performance.now();
  let wait = 0;
  try {
    const s = session;
    // The pace: batches accrue at the speed's rate; training waits when none is due.
    const rate = s?.playing ? s.rate : Infinity;
    if (s && rate !== Infinity) s.allowance = Math.min(s.allowance + ((t0 - (lastTick || t0)) / 1000) * rate, 2);
    lastTick = t0;
    do {
      let a = false;
      if (s && (rate === Infinity || !s.playing || s.allowance >= 1)) {
        const before = s.snapshot.train.batchesDone;
        a = s.work();
        if (s.snapshot.train.batchesDone > before && rate !== Infinity) s.allowance -= 1;
      } else if (s?.playing) wait = Math.max(4, ((1 - s.allowance) / rate) * 1000);
      const b = compare?.work() ?? false;
      const c = sweep?.work() ?? false;
      const v = values?.work() ?? false;
      const d = valueCompare?.work() ?? false;
      const e = text?.work() ?? false;
      if (!a && !b && !c && !v && !d && !e) break;
    } while (performance.now() - t0 < SLICE_MS);
  } catch (e) {
    fail(e);
    return;
  }
  const busy = !!(session?.busy || compare?.busy || sweep?.busy || values?.busy || valueCompare?.busy || text?.busy);
  const held = !flush();
  if (busy) schedule(wait > 0 && !compare?.busy && !sweep?.busy && !valueCompare?.busy ? wait : 0);
  else {
    lastTick = 0;
    // The last changes wait for the page: try again when it may take them ('drawn' also sends them;
    // an acknowledgement that never comes must not strand them, so at the latest after ACK_TIMEOUT_MS).
    if (held) schedule(inFlight ? ACK_TIMEOUT_MS : Math.max(1, notBefore - performance.now()));
    // a paced sample's next token
    const tw = text?.waitMs() ?? 0;
    if (tw > 0) schedule(tw);
  }
}

/**
 * Posts what changed, unless the page is still drawing the last update or asked for time (then the
 * next 'drawn', or a later tick, posts it); false when held back. A learner's own command goes at once.
 */
function flush(force = false): boolean {
  const now = performance.now();
  if (!force && ((inFlight && now - lastPost < ACK_TIMEOUT_MS) || now < notBefore)) return false;
  lastPost = performance.now();
  let posted = false;
  if (session) {
    const patch = session.flush();
    if (patch) {
      post({ type: 'patch', id: session.id, patch });
      posted = true;
    }
  }
  const vs = values?.flush();
  if (vs) {
    post({ type: 'values', state: vs });
    posted = true;
  }
  const c = compare?.flush();
  if (c) {
    post({ type: 'compare', state: c });
    posted = true;
  }
  const vc = valueCompare?.flush();
  if (vc) {
    post({ type: 'value-compare', state: vc });
    posted = true;
  }
  const w = sweep?.flush();
  if (w) {
    post({ type: 'sweep', state: w });
    posted = true;
  }
  for (const e of text?.flush() ?? []) {
    post(e);
    posted = true;
  }
  if (posted) inFlight = true;
  return true;
}

function fail(e: unknown): void {
  session = null;
  compare = null;
  sweep = null;
  values = null;
  valueCompare = null;
  text = null;
  post({ type: 'error', message: e instanceof Error ? e.message : String(e) });
}

function handle(c: Command): void {
  switch (c.type) {
    case 'configure': {
      let data: UploadParts | undefined;
      let textParts: UploadParts | null = null;
      if (c.upload) {
        try {
          textParts = readTextUpload(
            c.upload.name,
            c.upload.bytes ? new Uint8Array(c.upload.bytes) : new TextEncoder().encode(c.upload.text),
            c.upload.textCol,
          );
        } catch (e) {
          if (e instanceof RnnscopeError) return post({ type: 'upload-error', message: `rnnscope: ${e.message}` });
          throw e;
        }
      }
      const series = c.upload && !textParts ? readUploadedSeries(c.upload.name, c.upload.text) : null;
      if (series) seriesUpload = { name: c.upload!.name, series };
      if (isValueTask(c.settings) || series || (c.settings.data && seriesUpload?.name === c.settings.data)) {
        try {
          values = new ValueJob(c.settings, c.settings.data ? (seriesUpload ?? undefined) : undefined);
        } catch (e) {
          if (e instanceof RnnscopeError) return post({ type: c.upload ? 'upload-error' : 'error', message: `rnnscope: ${e.message}` });
          throw e;
        }
        session = null;
        compare = null;
        if (valueCompare && settingsKey(valueCompare.settings) !== settingsKey(c.settings)) valueCompare = null;
        text = null;
        post({ type: 'values', state: values.flush()! });
        inFlight = true;
        lastPost = performance.now();
        if (c.autoplay) values.play();
        break;
      }
      values = null;
      if (c.upload) {
        try {
          data = textParts ?? { data: Session.read(c.upload.name, c.upload.text) };
        } catch (e) {
          if (e instanceof DataError || e instanceof RnnscopeError)
            return post({ type: 'upload-error', message: `rnnscope: ${e.message}` });
          throw e;
        }
        upload = { name: c.upload.name, ...data };
      } else if (c.settings.data) {
        data = upload?.name === c.settings.data ? upload : undefined;
        if (!data)
          return post({ type: 'upload-error', message: `${c.settings.data} was uploaded in another page; upload it again to use it here` });
      }
      if (compare && settingsKey(compare.settings) !== settingsKey(c.settings)) compare = null;
      try {
        session = new Session({
          settings: c.settings,
          id: nextId++,
          data: data?.data,
          valData: data?.valData,
          testData: data?.testData,
          traceIndex: c.traceIndex,
          playground: c.playground,
          speed: c.speed,
          memory: c.memory,
        });
        session.watch(c.mode ?? 'pipeline');
        const s = session;
        text = s.p.dataset.text ? new TextJobs(s.p, s.id, () => s.p.split.test[s.snapshot.traceIndex]!) : null;
      } catch (e) {
        if (e instanceof RnnscopeError) return post({ type: c.upload ? 'upload-error' : 'error', message: `rnnscope: ${e.message}` });
        throw e;
      }
      post({ type: 'session', snapshot: session.snapshot });
      inFlight = true;
      lastPost = performance.now();
      session.flush();
      if (c.autoplay) session.play();
      break;
    }
    case 'compare':
      if (values) {
        const f = values.run.series!;
        if (valueCompare && settingsKey(valueCompare.settings) === settingsKey(values.settings)) valueCompare.touch();
        else valueCompare = new ValueCompareJob(values.settings, f.series, f.options);
        break;
      }
      if (!session) return;
      if (compare && settingsKey(compare.settings) === session.snapshot.key) compare.touch();
      else
        compare = new CompareJob(session.snapshot.settings, upload && session.snapshot.settings.data === upload.name ? upload : undefined);
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
      if (values) {
        values = new ValueJob(values.settings, values.settings.data ? (seriesUpload ?? undefined) : undefined);
        post({ type: 'values', state: values.flush()! });
        inFlight = true;
        lastPost = performance.now();
        return;
      }
      if (session) {
        session.reset();
        session.flush();
        post({ type: 'session', snapshot: session.snapshot });
        inFlight = true;
        lastPost = performance.now();
      }
      return;
    case 'input':
      restUntil = performance.now() + INPUT_REST_MS;
      input();
      return;
    case 'cells':
      text?.cells(c.request);
      break;
    case 'generate':
      text?.generate(c.request);
      break;
    case 'generate-stop':
      text?.stop();
      break;
    case 'drawn':
      inFlight = false;
      notBefore = performance.now() + DRAW_SHARE * Math.min(c.ms ?? 0, 1000);
      flush();
      if (notBefore > performance.now()) schedule(notBefore - performance.now());
      return;
    default:
      if (values) {
        if (c.type === 'play' || c.type === 'skip') values.play();
        else if (c.type === 'pause') values.pause();
        else if (c.type === 'select') values.select(c.traceIndex);
        else if (c.type === 'playground') values.setPlayground(c.values);
        break;
      }
      if (!session) return;
      if (c.type === 'play') session.play();
      else if (c.type === 'skip') session.skip();
      else if (c.type === 'memory') session.setMemory(c.on);
      else if (c.type === 'mode') session.watch(c.mode);
      else if (c.type === 'pause') session.pause();
      else if (c.type === 'step') session.step();
      else if (c.type === 'speed') session.setSpeed(c.speed);
      else if (c.type === 'select') session.select(c.traceIndex);
      else if (c.type === 'playground') session.setPlayground(c.values);
  }
  flush(true);
  schedule();
}

self.onmessage = (ev: MessageEvent<Command>) => {
  try {
    handle(ev.data);
  } catch (e) {
    fail(e);
  }
};
