#!/usr/bin/env node
/**
 * `npm run build`: the TypeScript build, only when it is needed, so that a second `npm start` (or `npm
 * test`) goes straight to its job.
 *
 * The check is a walk of modification times: every file and folder under tsconfig.json's "include"
 * (a folder's time moves when a file in it is added, removed or renamed), tsconfig.json itself and
 * package-lock.json (a dependency's types may have changed), against dist/.build-stamp. That takes a few
 * milliseconds where starting tsc alone takes a second. When anything is newer, `tsc -b` builds
 * (incrementally, from dist/tsconfig.tsbuildinfo), and only a build that succeeds leaves the stamp, so
 * a type error is reported again on every run until it is fixed. The stamp carries the time the build
 * started: a file saved during the build is newer than it.
 *
 *   node tools/build.mjs          build if a source is newer than the last good build
 *   node tools/build.mjs --force  build anyway (tsc -b still skips what its own build info says is done)
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, readdirSync, statSync, utimesSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const stamp = join(root, 'dist', '.build-stamp');

/** Newest modification time under `path` (a file, or a folder and everything in it). */
function newest(path) {
  let st;
  try {
    st = statSync(path);
  } catch {
    return 0;
  }
  if (!st.isDirectory()) return st.mtimeMs;
  let m = st.mtimeMs;
  for (const e of readdirSync(path)) if (e !== 'node_modules') m = Math.max(m, newest(join(path, e)));
  return m;
}

/** The first input newer than the last good build, or null when the build is up to date. */
function staleInput() {
  if (!existsSync(stamp)) return 'dist/.build-stamp';
  const built = statSync(stamp).mtimeMs;
  let include;
  try {
    include = JSON.parse(readFileSync(join(root, 'tsconfig.json'), 'utf8')).include;
  } catch {
    return 'tsconfig.json'; // not plain JSON: let tsc read it
  }
  if (!Array.isArray(include) || include.some((i) => /[*?{]/.test(i))) return 'tsconfig.json'; // patterns: let tsc decide
  const inputs = ['tsconfig.json', 'package-lock.json', ...include];
  return inputs.find((i) => newest(join(root, i)) > built) ?? null;
}

const force = process.argv.includes('--force');
const why = force ? '--force' : staleInput();
if (why === null) process.exit(0);

const started = new Date();
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const r = spawnSync(process.execPath, [tsc, '-b', root], { stdio: 'inherit' });
if (r.status !== 0) process.exit(r.status ?? 1);
closeSync(openSync(stamp, 'w'));
utimesSync(stamp, started, started);
