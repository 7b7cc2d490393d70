/** The forecasters' comparison's latest state from the worker (a signal of its own beside the store's, for Compare mode on a model of values). */
import { signal } from '@preact/signals';
import type { ValueCompareState } from './protocol.js';

export const valueCompare = signal<ValueCompareState | null>(null);
