/**
 * Model files on disk (Node only; the browser gets bytes from a file input or fetch instead).
 *
 * Writes go to a temporary file in the target's directory, are fsynced and then renamed over the
 * target, so a kill mid-write leaves either the old file or the new one, never half of one
 * (docs/ARCHITECTURE.md, "Errors are one sentence"). Nothing that exists is replaced without `force`.
 */
import { randomBytes } from 'node:crypto';
import { constants, statSync, type Stats } from 'node:fs';
import { link, open, rename, unlink, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ModelFileError } from '../errors.js';
import { MAX_FILE_BYTES, readSafetensorsHeader, readSafetensorsHeaderLength } from './safetensors.js';
import { checkWriteTarget, removeStaleTemps, tempName } from './write-target.js';

export interface WriteOptions {
  /** Replace `path` if it already exists. Default false: refuse, as the CLI does without --force. */
  force?: boolean;
}

/**
 * Writes `bytes` to `path` atomically: temp file, fsync, rename. Throws ModelFileError if `path`
 * exists and `force` is not set, or if the file cannot be written; the temp file never stays behind.
 */
export async function writeFileAtomic(path: string, bytes: Uint8Array, { force = false }: WriteOptions = {}): Promise<void> {
  const dir = dirname(path);
  const tmp = tempName(path, process.pid, randomBytes(4).toString('hex'));
  let placed = false;
  try {
    checkWriteTarget(path, force);
    removeStaleTemps(path);
    const fh = await open(tmp, 'wx'); // exclusive: never reuse someone else's file
    try {
      await fh.writeFile(bytes);
      await fh.sync();
    } finally {
      await fh.close();
    }
    if (force) {
      await rename(tmp, path);
      placed = true;
    } else {
      // link() fails with EEXIST if the target appeared meanwhile: a no-clobber rename without a race.
      // Filesystems without hard links get a check-then-rename instead.
      try {
        await link(tmp, path);
      } catch (err) {
        if (!['EPERM', 'ENOTSUP', 'ENOSYS', 'EOPNOTSUPP'].includes(code(err))) throw err;
        checkWriteTarget(path, false);
        await rename(tmp, path);
        placed = true;
      }
    }
    await syncDir(dir);
  } catch (err) {
    throw writeError(err, path, dir);
  } finally {
    if (!placed) await unlink(tmp).catch(() => undefined);
  }
}

/**
 * Reads a whole model file, never more than it declares: the 8-byte header length first, then the
 * header, checked against the file's size (safetensors.ts), and only then the tensors' bytes. Throws
 * ModelFileError, one sentence, if `path` is missing, is not a regular file (a directory, /dev/zero,
 * a FIFO), is empty, is above MAX_FILE_BYTES, is not a safetensors file or cannot be read.
 */
export async function readModelBytes(path: string): Promise<Uint8Array> {
  let fh;
  try {
    // O_NONBLOCK: opening a FIFO for reading must not wait for a writer before we can refuse it.
    fh = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    throw readError(err, path);
  }
  try {
    const info = await fh.stat();
    if (info.isDirectory()) throw new ModelFileError(`${path} is a directory; expected a .safetensors model file`);
    if (!info.isFile()) throw new ModelFileError(`${path} is not a regular file (${kindOf(info)}); expected a .safetensors model file`);
    const size = info.size;
    if (size === 0) throw new ModelFileError(`${path} is empty; expected a .safetensors model file`);
    if (size > MAX_FILE_BYTES)
      throw new ModelFileError(`${path} is ${size} bytes, above the ${MAX_FILE_BYTES} bytes (2 GiB) rnnscope reads as a model file`);
    const bytes = new Uint8Array(size);
    await readFully(fh, bytes, 0, Math.min(8, size), path);
    const n = readSafetensorsHeaderLength(bytes, path, size);
    await readFully(fh, bytes, 8, 8 + n, path);
    readSafetensorsHeader(bytes.subarray(0, 8 + n), path, size); // every tensor fits the file before its bytes are read
    await readFully(fh, bytes, 8 + n, size, path);
    return bytes;
  } catch (err) {
    throw readError(err, path);
  } finally {
    await fh.close();
  }
}

/** Reads bytes [from, to) of the file into `into` at the same positions; a file that shrank is an error. */
async function readFully(fh: FileHandle, into: Uint8Array, from: number, to: number, path: string): Promise<void> {
  for (let at = from; at < to;) {
    const { bytesRead } = await fh.read(into, at, Math.min(to - at, 1 << 26), at);
    if (bytesRead === 0) throw new ModelFileError(`${path} ended at byte ${at} while being read; it changed or was truncated meanwhile`);
    at += bytesRead;
  }
}

function readError(err: unknown, path: string): Error {
  if (err instanceof ModelFileError) return err;
  const reason: Record<string, string> = {
    ENOENT: 'there is no such file',
    ENOTDIR: 'a part of the path is not a directory',
    EACCES: 'permission denied',
    EPERM: 'permission denied',
    EISDIR: 'it is a directory',
    ELOOP: 'it is a loop of symbolic links',
    EAGAIN: 'it is not a regular file',
  };
  if (code(err) === '') return err as Error; // not a system error: a bug, keep its stack
  return new ModelFileError(`cannot read model file ${path}: ${reason[code(err)] ?? (err as Error).message}`);
}

function kindOf(info: Stats): string {
  if (info.isCharacterDevice()) return 'a character device';
  if (info.isBlockDevice()) return 'a block device';
  if (info.isFIFO()) return 'a FIFO';
  if (info.isSocket()) return 'a socket';
  return 'not a file';
}

function existsError(path: string): ModelFileError {
  return new ModelFileError(`${path} already exists; pass --force (force: true) to overwrite it`);
}

function writeError(err: unknown, path: string, dir: string): Error {
  if (err instanceof ModelFileError) return err;
  switch (code(err)) {
    case 'EEXIST':
      return existsError(path);
    case 'ENOENT':
    case 'ENOTDIR':
      // /proc, /sys: the folder exists but takes no new files
      if (isDir(dir))
        return new ModelFileError(
          `cannot write ${path}: ${dir} does not take new files (a special file system); write to a folder of your own`,
        );
      return new ModelFileError(`cannot write ${path}: directory ${dir} does not exist`);
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return new ModelFileError(`cannot write ${path}: no permission to write in ${dir}`);
    case 'EISDIR':
      return new ModelFileError(`cannot write ${path}: it is a directory; give a file name such as model.safetensors`);
    case 'ENOSPC':
      return new ModelFileError(`cannot write ${path}: the disk is full`);
    case '':
      return err as Error; // not a system error: a bug, keep its stack
    default:
      return new ModelFileError(`cannot write ${path}: ${(err as Error).message}`);
  }
}

/** Makes the rename itself durable; best effort, as some platforms cannot open a directory. */
async function syncDir(dir: string): Promise<void> {
  try {
    const fh = await open(dir, 'r');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  } catch {
    // The file's own fsync already happened; only the directory entry's durability is at stake.
  }
}

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function code(err: unknown): string {
  const c = (err as { code?: unknown } | null)?.code;
  return typeof c === 'string' ? c : '';
}
