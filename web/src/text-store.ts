/**
 * The page's state about a text model, beside the store's (web/src/store.ts): the upload's text
 * column, and the latest cell pictures and sample the worker sent (each names its session, so a
 * view shows them only for the model on screen).
 */
import { signal } from '@preact/signals';
import type { CellsState, GenerateState } from './runner/text-protocol.js';

/** The upload's text column (`--text-col`): a .csv or .json file is then read as a table of texts. Empty: numeric features. */
export const textCol = signal('');
export const cellsState = signal<CellsState | null>(null);
export const generateState = signal<GenerateState | null>(null);
