/**
 * The whole state in the URL's query: the settings and the seed (so a link reproduces the run) and
 * the view (mode, sequence, step, unit, the edited playground). Only what differs from the defaults
 * is written; anything unreadable is left at its default and named in `ignored`.
 */
import { parseCell } from '../../src/nn/cells/index.js';
import { DEFAULTS, LIMITS, intIn, lrIn, type Settings, type TaskName } from './settings.js';
import { DEFAULT_VIEW, MODES, type ModeId, type ViewState } from './store.js';

const TASKS: TaskName[] = ['trend', 'count', 'delay', 'brackets', 'oscillation'];

export function toQuery(s: Settings, v: ViewState): string {
  const q = new URLSearchParams();
  const put = (k: string, val: string | number, def: string | number) => {
    if (val !== def) q.set(k, String(val));
  };
  put('mode', v.mode, DEFAULT_VIEW.mode);
  if (s.data) q.set('data', s.data);
  else put('task', s.task, DEFAULTS.task);
  if (s.task === 'delay' && !s.data) put('delay', s.delay, DEFAULTS.delay);
  put('cell', s.cell, DEFAULTS.cell);
  put('hidden', s.hidden, DEFAULTS.hidden);
  put('layers', s.layers, DEFAULTS.layers);
  put('bi', s.bidirectional ? 1 : 0, 0);
  put('epochs', s.epochs, DEFAULTS.epochs);
  put('lr', s.lr, DEFAULTS.lr);
  put('batch', s.batchSize, DEFAULTS.batchSize);
  put('seed', s.seed, DEFAULTS.seed);
  if (v.seq !== null) q.set('seq', String(v.seq + 1));
  put('step', v.step + 1, 1);
  put('cellidx', v.cell, 0);
  put('unit', v.unit + 1, 1);
  put('gate', v.gate, 0);
  put('feature', v.feature + 1, 1);
  put('together', v.together ? 1 : 0, 1);
  put('weights', v.weights, DEFAULT_VIEW.weights);
  if (v.playground) q.set('pg', v.playground.map((x) => +x.toFixed(3)).join('_'));
  const str = q.toString();
  return str ? `?${str}` : '';
}

export function fromQuery(search: string): { settings: Settings; view: ViewState; ignored: string[] } {
  const q = new URLSearchParams(search);
  const s: Settings = { ...DEFAULTS };
  const v: ViewState = { ...DEFAULT_VIEW };
  const ignored: string[] = [];
  const int = (k: string, range: readonly [number, number], set: (n: number) => void, offset = 0) => {
    const raw = q.get(k);
    if (raw === null) return;
    const n = intIn(raw, [range[0] + offset, range[1] + offset]);
    if (n === null) ignored.push(k);
    else set(n - offset);
  };
  const mode = q.get('mode');
  if (mode !== null) {
    if (MODES.some((m) => m.id === mode)) v.mode = mode as ModeId;
    else ignored.push('mode');
  }
  const task = q.get('task');
  if (task !== null) {
    if ((TASKS as string[]).includes(task)) s.task = task as TaskName;
    else ignored.push('task');
  }
  s.data = q.get('data') || null;
  const cell = q.get('cell');
  if (cell !== null) {
    const m = parseCell(cell);
    if (m) s.cell = m;
    else ignored.push('cell');
  }
  int('delay', LIMITS.delay, (n) => (s.delay = n));
  int('hidden', LIMITS.hidden, (n) => (s.hidden = n));
  int('layers', LIMITS.layers, (n) => (s.layers = n));
  int('bi', [0, 1], (n) => (s.bidirectional = n === 1));
  int('epochs', LIMITS.epochs, (n) => (s.epochs = n));
  int('batch', LIMITS.batchSize, (n) => (s.batchSize = n));
  int('seed', LIMITS.seed, (n) => (s.seed = n));
  const lr = q.get('lr');
  if (lr !== null) {
    const n = lrIn(lr);
    if (n === null) ignored.push('lr');
    else s.lr = n;
  }
  int('seq', [0, 1_000_000], (n) => (v.seq = n), 1);
  int('step', [0, 100_000], (n) => (v.step = n), 1);
  int('cellidx', [0, 64], (n) => (v.cell = n));
  int('unit', [0, 4096], (n) => (v.unit = n), 1);
  int('gate', [0, 3], (n) => (v.gate = n));
  int('feature', [0, 10_000], (n) => (v.feature = n), 1);
  int('together', [0, 1], (n) => (v.together = n === 1));
  const w = q.get('weights');
  if (w === 'initial' || w === 'trained') v.weights = w;
  else if (w !== null) ignored.push('weights');
  const pg = q.get('pg');
  if (pg !== null) {
    const vals = pg.split('_').map(Number);
    if (vals.length && vals.every(Number.isFinite)) v.playground = vals;
    else ignored.push('pg');
  }
  return { settings: s, view: v, ignored };
}
