/** The memory sweep's latest state from the worker (a signal of its own beside the store's, for Compare mode). */
import { signal } from '@preact/signals';
import type { SweepState } from './protocol.js';

export const sweep = signal<SweepState | null>(null);
