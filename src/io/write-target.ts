/**
 * What a file write may replace, and the temp files a killed writer left behind (Node only).
 *
 * `--force` replaces regular files only. A write goes to a temp file renamed over the target, so over
 * a device (`/dev/null`), a FIFO or a symbolic link the rename would put a regular file in its place:
 * run as root, `--out /dev/null --force` would replace the machine's /dev/null. Writing through the
 * special file instead, as a shell redirect does, gives up what the rename is for (a kill leaves the
 * old file or the new one, never half of one; a FIFO blocks until something reads it; a symbolic link
 * would change a file elsewhere). So they are refused with a sentence, and stdout is the way to a pipe.
 */
import { lstatSync, readdirSync, unlinkSync, type Stats } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { ModelFileError } from '../errors.js';

/** What `path` is, when it is not a regular file or a directory: "a FIFO (named pipe)", ... */
function specialKind(st: Stats): string | null {
  if (st.isSymbolicLink()) return 'a symbolic link';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  if (st.isSocket()) return 'a socket';
  return null;
}

/**
 * Throws ModelFileError, one sentence, when a write to `path` must not go ahead: it is a symbolic
 * link, a device, a FIFO or a socket (even with force), a directory, or (without force) a file that
 * exists. Call it before work whose result would be lost (training), and again just before the write.
 */
export function checkWriteTarget(path: string, force: boolean): void {
  const st = refuseSpecial(path);
  if (st === null) return; // nothing there (or nothing we may see): the write itself reports what is wrong
  if (st.isDirectory()) throw new ModelFileError(`cannot write ${path}: it is a directory; give a file name such as model.safetensors`);
  if (!force) throw new ModelFileError(`${path} already exists; pass --force (force: true) to overwrite it`);
}

/**
 * Throws ModelFileError, one sentence, when `path` is a symbolic link, a device, a FIFO or a socket,
 * which no write replaces, --force or not. Returns what lstat found there, or null for nothing.
 */
export function refuseSpecial(path: string): Stats | null {
  let st: Stats;
  try {
    st = lstatSync(path);
  } catch {
    return null;
  }
  const kind = specialKind(st);
  if (kind !== null)
    throw new ModelFileError(
      `${path} is ${kind}, not a regular file; rnnscope writes only regular files (--force replaces a file, never a link or a special file), so give another path${st.isSymbolicLink() ? ' or the path the link points to' : ''}`,
    );
  return st;
}

/** The temp file of a write to `path` by this process: hidden, beside the target, named with the pid. */
export function tempName(path: string, pid: number, tag: string): string {
  return join(dirname(path), `.${basename(path)}.${pid}.${tag}.tmp`);
}

/** When this process started (ms since the epoch). */
const started = Date.now() - process.uptime() * 1000;

/**
 * Removes the temp files that writes to `path` by processes no longer alive left behind (a kill
 * between creating and renaming one). A live process's temp file is its write in progress: kept.
 * Best effort: a file that cannot be listed or removed stays, and the write goes on.
 */
export function removeStaleTemps(path: string): void {
  const name = basename(path);
  const dir = dirname(path);
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return;
  }
  const prefix = `.${name}.`;
  for (const e of entries) {
    if (!e.startsWith(prefix) || !e.endsWith('.tmp')) continue;
    const m = /^(\d+)\.[0-9a-f]+\.tmp$/.exec(e.slice(prefix.length));
    if (!m) continue;
    try {
      const st = lstatSync(join(dir, e));
      const pid = Number(m[1]);
      // Our own pid on a file older than this process: a predecessor's (pids repeat, in containers often).
      const stale = pid === process.pid ? st.mtimeMs < started : !alive(pid);
      if (st.isFile() && stale) unlinkSync(join(dir, e));
    } catch {
      // gone already, or not ours to remove
    }
  }
}

/** Whether process `pid` exists (signal 0 checks without sending anything; EPERM: it exists, not ours). */
function alive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
