/**
 * The precomputed first paint: the default session (the reference pipeline) as it starts, untrained,
 * made by the same Session code the worker runs. The build runs this in Node (see vite.config.ts) and
 * puts the snapshot in the bundle, so the first screen needs no engine; Play then trains it live.
 */
import { Session } from './session.js';
import { DEFAULTS } from '../settings.js';
import type { SessionSnapshot } from './protocol.js';

export function firstPaint(): SessionSnapshot {
  const snap = new Session({ settings: DEFAULTS, id: 0 }).snapshot;
  return { ...snap, source: 'precomputed' };
}
