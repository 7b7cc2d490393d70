/**
 * Text uploads, read as the CLI reads them: a plain .txt file as `rnnscope train --text FILE` (a
 * character language model on chunks of 100, split by position), a .csv or .json file with a text
 * column as `--data FILE --text-col NAME` (a classifier over the characters of each row). The same
 * readers, so the same rules and sentences; the bytes are checked as UTF-8 as the CLI checks a file's.
 */
import { decodeUtf8, readTextFile, readTextTable } from '../../../src/data/text-data.js';
import type { Dataset } from '../../../src/internal.js';
import { isPlainText } from '../settings.js';

/** What an upload gives prepare: its data, and a language model's held-out parts (by position). */
export interface UploadParts {
  data: Dataset;
  valData?: Dataset;
  testData?: Dataset;
}

/** `--length`'s default: the chunks a language model trains on. */
const LENGTH = 100;

/**
 * A text upload's data, or null when the file is not one (not .txt, and no text column named). The
 * readers' advice about the CLI's column options is put in the page's words (it has one field).
 */
export function readTextUpload(name: string, bytes: Uint8Array, textCol: string | undefined): UploadParts | null {
  if (!isPlainText(name) && !textCol) return null;
  try {
    const text = decodeUtf8(bytes, name);
    if (isPlainText(name)) return readTextFile(text, name, { length: LENGTH });
    return { data: readTextTable(text, name, { column: textCol! }) };
  } catch (e) {
    if (e instanceof Error) e.message = pageWords(e.message);
    throw e;
  }
}

function pageWords(message: string): string {
  return message
    .replace(/ \(--text-col\)/g, ' (the text column field)')
    .replace(/ \(--length\)/g, '')
    .replace(/name the column of labels with --label-col/g, 'name the column of labels label, class, y or target');
}
