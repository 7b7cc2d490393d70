/**
 * The check every file the CLI writes goes through before the work that produces it (training,
 * prediction, export), so that nothing is computed only to be lost, and nothing but a regular file is
 * ever replaced: `--force` overwrites a file, never a symbolic link, a device, a FIFO or a socket
 * (src/io/write-target.ts says why). writeFileAtomic checks again at the moment of writing.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { ConfigError } from '../errors.js';
import { refuseSpecial } from '../io/write-target.js';

export interface OutPathOptions {
  /** Whether an existing regular file at the path may be replaced (--force, or a resumed run's own file). */
  force: boolean;
  /** The option that names the path, for the hints ("--out", "--split-out"). */
  option?: string;
  /** What to say instead of "pass --force to overwrite it" when the file exists. */
  existsHint?: string;
}

/**
 * Throws a one-sentence error when `path` could not or must not be written: a symbolic link, device,
 * FIFO or socket (even with force), a directory, an existing file without force, or a folder that is
 * missing, not a folder or not writable.
 */
export function checkOutPath(path: string, o: OutPathOptions): void {
  const option = o.option ?? '--out';
  const st = refuseSpecial(path);
  if (st?.isDirectory()) throw new ConfigError(`cannot write ${path}: it is a directory; give a file name with ${option}`);
  if (st && !o.force)
    throw new ConfigError(`${path} already exists; ${o.existsHint ?? `pass --force to overwrite it, or ${option} to write elsewhere`}`);
  checkOutDir(path);
}

/** Throws a one-sentence error when the folder `path` goes in is missing, not a folder or not writable. */
export function checkOutDir(path: string): void {
  const dir = dirname(path);
  let st;
  try {
    st = statSync(dir);
  } catch {
    throw new ConfigError(`cannot write ${path}: the directory ${dir} does not exist`);
  }
  if (!st.isDirectory()) throw new ConfigError(`cannot write ${path}: ${dir} is not a directory`);
  try {
    accessSync(dir, constants.W_OK);
  } catch {
    throw new ConfigError(`cannot write ${path}: the directory ${dir} is not writable`);
  }
}
