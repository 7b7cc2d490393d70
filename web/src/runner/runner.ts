/**
 * The runner (Transformer Explainer's): the page's one link to the worker that owns the models. It
 * watches the store (settings, the traced sequence, the playground, the mode) and sends the worker
 * what changed; it applies what the worker sends back to the store. Components call its commands
 * (play, pause, step, reset, upload, download) and never touch a model.
 */
import { batch, effect } from '@preact/signals';
import { isPlainText, settingsKey, type Settings } from '../settings.js';
import { cellsState, generateState, textCol } from '../text-store.js';
import type { CellsRequest, GenerateRequest } from './text-protocol.js';
import { answers, compare, memory, notice, pending, session, settings, speed, uploadError, valueState, view } from '../store.js';
import { toQuery } from '../url.js';
import type { Command, SessionSnapshot, SweepRequest, WorkerEvent } from './protocol.js';
import { sweep } from './sweep-store.js';
import { valueCompare } from './value-compare-store.js';

let worker: Worker | null = null;
/** Settings the worker was last asked to configure (so the store echoing them back sends nothing). */
let configured = '';
let sentSeq: number | null | undefined;
let sentPlayground: number[] | null | undefined;
let askedCompare = '';

function send(c: Command): void {
  worker?.postMessage(c);
}

export function start(): void {
  worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'rnnscope-trainer' });
  worker.onmessage = (ev: MessageEvent<WorkerEvent>) => enqueue(ev.data);
  worker.onerror = (ev) => {
    notice.value = `The training worker stopped: ${ev.message}`;
  };

  effect(() => {
    const s = settings.value;
    const key = settingsKey(s);
    if (key === configured) return;
    configure(s);
  });
  effect(() => {
    const v = view.value;
    if (!valueState.value && (!session.value || session.value.source !== 'live')) return;
    if (v.seq !== sentSeq) {
      sentSeq = v.seq;
      send({ type: 'select', traceIndex: v.seq });
    }
    if (v.playground !== sentPlayground) {
      sentPlayground = v.playground;
      send({ type: 'playground', values: v.playground });
    }
  });
  effect(() => {
    if (view.value.mode === 'compare' && session.value?.source === 'live') {
      const c = compare.peek();
      const key = session.value.key;
      if ((!c || c.key !== key) && askedCompare !== key) {
        askedCompare = key;
        send({ type: 'compare' });
      }
    }
  });
  effect(() => {
    send({ type: 'speed', speed: speed.value });
  });
  effect(() => {
    send({ type: 'memory', on: memory.value });
  });
  effect(() => {
    send({ type: 'mode', mode: view.value.mode });
  });
  // The URL follows the state, so a link (or a reload) reproduces the view.
  effect(() => {
    const q = toQuery(settings.value, view.value);
    if (q !== location.search) history.replaceState(null, '', `${location.pathname}${q}${location.hash}`);
  });
  // A press of the pointer or a key holds the worker's updates back for a moment, so the frame that
  // answers it is drawn alone, not after a redraw of the training's numbers.
  // The worker rests too, so on two cores the page's thread is not the third of three busy ones.
  const hold = () => {
    const now = performance.now();
    if (holdUntil < now + INPUT_HOLD_MS - 50) send({ type: 'input' });
    holdUntil = now + INPUT_HOLD_MS;
  };
  addEventListener('pointerdown', hold, { capture: true, passive: true });
  addEventListener('keydown', hold, { capture: true, passive: true });
}

/** How long after a press of the pointer or a key no update is drawn (a click's frame comes first). */
const INPUT_HOLD_MS = 120;
let holdUntil = 0;

function configure(s: Settings, upload?: Extract<Command, { type: 'configure' }>['upload']): void {
  configured = settingsKey(s);
  pending.value = true;
  const v = view.peek();
  sentSeq = v.seq;
  sentPlayground = v.playground;
  // Nothing trains until the learner presses Play: the first thing they see is the untrained model.
  send({
    type: 'configure',
    settings: s,
    upload,
    autoplay: false,
    traceIndex: v.seq,
    playground: v.playground,
    speed: speed.peek(),
    memory: memory.peek(),
    mode: v.mode,
  });
}

/**
 * Messages wait for the next frame, and all that arrived by then are applied at once: at most one
 * render per frame. Once that frame is painted the worker hears 'drawn' and may send the next update,
 * so a page slower than the worker gets fewer updates instead of a backlog (the page never freezes).
 */
let queue: WorkerEvent[] = [];
function enqueue(e: WorkerEvent): void {
  // Files and errors need no frame; updates do.
  if (e.type === 'model-file' || e.type === 'error' || e.type === 'upload-error') return receive(e);
  queue.push(e);
  if (queue.length === 1) requestAnimationFrame(applyQueued);
}

function applyQueued(): void {
  // A click or a key waiting to be handled goes first: the update waits a frame (Chromium's isInputPending).
  // So does one answered less than INPUT_HOLD_MS ago: its frame, and the effects that draw its canvases, go first.
  const sched = (navigator as Navigator & { scheduling?: { isInputPending?: () => boolean } }).scheduling;
  if (sched?.isInputPending?.()) {
    requestAnimationFrame(applyQueued);
    return;
  }
  const wait = holdUntil - performance.now();
  if (wait > 0) {
    setTimeout(() => requestAnimationFrame(applyQueued), wait);
    return;
  }
  const t0 = performance.now();
  const q = queue;
  queue = [];
  batch(() => {
    for (const e of q) receive(e);
  });
  // The render runs before this frame's paint; a task queued now runs after it.
  setTimeout(() => send({ type: 'drawn', ms: performance.now() - t0 }), 0);
}

function receive(e: WorkerEvent): void {
  switch (e.type) {
    case 'session':
      adopt(e.snapshot);
      break;
    case 'patch': {
      const s = session.peek();
      if (!s || s.id !== e.id) return;
      const { addLosses, ...rest } = e.patch;
      const next: SessionSnapshot = { ...s, ...rest, losses: addLosses ? [...s.losses, ...addLosses] : s.losses };
      if (rest.quiz !== undefined && JSON.stringify(rest.quiz) !== JSON.stringify(s.quiz)) answers.value = {};
      session.value = next;
      break;
    }
    case 'values': {
      // A state for settings the learner has since changed again: the next one is on its way.
      if (e.state.key !== configured) return;
      pending.value = false;
      if (valueState.peek()?.quiz && JSON.stringify(valueState.peek()!.quiz) !== JSON.stringify(e.state.quiz)) answers.value = {};
      if (settingsKey(settings.peek()) !== e.state.key) settings.value = e.state.settings;
      valueState.value = e.state;
      break;
    }
    case 'compare':
      compare.value = e.state;
      break;
    case 'sweep':
      sweep.value = e.state;
      break;
    case 'value-compare':
      valueCompare.value = e.state;
      break;
    case 'cells':
      cellsState.value = e.state;
      break;
    case 'generate': {
      // an update carries the tokens drawn since the last: appended to the sample the page has
      const g = generateState.peek();
      const same = g && g.session === e.state.session && g.run === e.state.run && g.tokens.length === e.state.from;
      generateState.value = { ...e.state, tokens: same ? [...g.tokens, ...e.state.tokens] : e.state.tokens };
      break;
    }
    case 'upload-error':
      uploadError.value = e.message;
      pending.value = false;
      // The settings go back to what the worker still runs.
      if (session.peek()) {
        configured = session.peek()!.key;
        settings.value = session.peek()!.settings;
      }
      break;
    case 'error':
      notice.value = e.message;
      pending.value = false;
      break;
    case 'model-file':
      saveFile(e.bytes, e.name);
      break;
  }
}

/** A new session from the worker: it becomes the page's, and the settings follow it (an upload names its file). */
function adopt(snap: SessionSnapshot): void {
  // A session for settings the learner has since changed again: the next one is on its way.
  if (snap.key !== configured) return;
  batch(() => {
    pending.value = false;
    valueState.value = null;
    const prev = session.peek();
    if (prev && JSON.stringify(prev.quiz) !== JSON.stringify(snap.quiz) && snap.quiz) answers.value = {};
    if (settingsKey(settings.peek()) !== snap.key) settings.value = snap.settings;
    session.value = snap;
    const v = view.peek();
    if (v.seq !== null && v.seq !== snap.traceIndex) view.value = { ...v, seq: null };
  });
}

function saveFile(bytes: Uint8Array, name: string): void {
  const url = URL.createObjectURL(new Blob([bytes as BlobPart], { type: 'application/octet-stream' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export const play = (): void => send({ type: 'play' });
export const skip = (): void => send({ type: 'skip' });
/** Training again from the same initial weights, at the chosen pace. */
export function replay(): void {
  send({ type: 'reset' });
  send({ type: 'play' });
}
export const pause = (): void => send({ type: 'pause' });
export const stepBatch = (): void => send({ type: 'step' });
export const reset = (): void => send({ type: 'reset' });
export const download = (): void => send({ type: 'download' });
export function runCompare(): void {
  askedCompare = session.peek()?.key ?? '';
  send({ type: 'compare' });
}

/** Starts the memory sweep in the worker (Compare mode). */
export function runSweep(request: SweepRequest): void {
  send({ type: 'sweep', request });
}

/** Reads a file the learner chose and asks the worker to train on it (the CLI's readers say what is wrong). */
export async function upload(file: File): Promise<void> {
  uploadError.value = null;
  const col = textCol.peek().trim();
  // Text is checked as UTF-8 in the worker, as the CLI checks a file: it gets the bytes.
  const bytes = isPlainText(file.name) || col ? await file.arrayBuffer() : undefined;
  const text = bytes ? '' : await file.text();
  const s = { ...settings.peek(), data: file.name };
  batch(() => {
    view.value = { ...view.peek(), seq: null, step: 0, cell: 0, unit: 0, feature: 0, playground: null };
  });
  configure(s, { name: file.name, text, bytes, textCol: col || undefined });
}

/** A text model's cell pictures, computed in the worker with the model's weights now. */
export const requestCells = (request: CellsRequest): void => send({ type: 'cells', request });
/** Starts streaming a sample from a language model; stopGenerate ends it where it is. */
export const generate = (request: GenerateRequest): void => send({ type: 'generate', request });
export const stopGenerate = (): void => send({ type: 'generate-stop' });

/** Back to the built-in task. */
export function useTask(): void {
  uploadError.value = null;
  settings.value = { ...settings.peek(), data: null };
}
