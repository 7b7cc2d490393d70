/**
 * End-to-end helpers: run the built CLI as a user types it, in a fresh temporary directory, and
 * compare its transcripts with the golden files in test/golden/ (Plot's snapshot tests: a changed
 * output is written to test/output/NAME.actual.txt for review; UPDATE_GOLDEN=1 rewrites the goldens).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';

/** The repository root: the tests run from dist/test/. */
export const root = join(import.meta.dirname, '..', '..');
export const cliPath = join(root, 'dist', 'src', 'cli', 'main.js');
export const dataFixtures = join(root, 'test', 'fixtures', 'data');
export const modelFixtures = join(root, 'test', 'fixtures', 'model');

const madeDirs: string[] = [];
process.on('exit', () => {
  if (process.env.KEEP_TMP === '1') return;
  for (const d of madeDirs) rmSync(d, { recursive: true, force: true });
});

/** A fresh, empty directory, removed when the test process exits (kept with KEEP_TMP=1). */
export function tempDir(): string {
  const d = realpathSync(mkdtempSync(join(tmpdir(), 'rnnscope-cli-')));
  madeDirs.push(d);
  return d;
}

/** Copies test/fixtures/data/NAME (or any absolute path) into `dir`, under `as` or its own name. */
export function copyIn(dir: string, from: string, as = basename(from)): string {
  const src = from.startsWith('/') ? from : join(dataFixtures, from);
  const dest = join(dir, as);
  copyFileSync(src, dest);
  return dest;
}

export interface Run {
  args: string[];
  cwd: string;
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Working directory (default: a fresh temporary one). */
  cwd?: string;
  /** Extra environment variables. */
  env?: Record<string, string>;
  /** Standard input (default: empty, so stdin is a closed pipe, not a terminal). */
  input?: string;
  timeoutMs?: number;
}

/** Runs `rnnscope ...args` from the built package, piped (not a terminal), without colours, 100 columns. */
export function run(args: string[], o: RunOptions = {}): Run {
  const cwd = o.cwd ?? tempDir();
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', COLUMNS: '100' };
  // The runner's own settings are not the user's.
  delete env.FORCE_COLOR;
  delete env.NODE_TEST_CONTEXT;
  Object.assign(env, o.env);
  const r = spawnSync(process.execPath, [cliPath, ...args], {
    cwd,
    env,
    encoding: 'utf8',
    input: o.input ?? '',
    timeout: o.timeoutMs ?? 120_000,
    maxBuffer: 256 << 20,
  });
  if (r.error) throw r.error;
  return { args, cwd, code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A run's outcome in one line, for assertion messages. */
export function describeRun(r: Run): string {
  const err = r.stderr.trim().split('\n').slice(0, 6).join('\n    ');
  return `rnnscope ${r.args.join(' ')} -> exit ${r.code}${err ? `\n    stderr: ${err}` : ''}`;
}

/** Asserts exit code 0 and returns the run. */
export function ok(r: Run): Run {
  assert.equal(r.code, 0, describeRun(r));
  return r;
}

/** Every line of `stdout` parsed as JSON; fails naming the first line that is not a JSON object. */
export function jsonLines(stdout: string): Record<string, unknown>[] {
  const lines = stdout.split('\n');
  if (lines.at(-1) === '') lines.pop();
  assert.ok(lines.length > 0, 'expected JSON lines, got no output');
  return lines.map((line, i) => {
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch {
      assert.fail(`line ${i + 1} of the --json output is not JSON: ${line.slice(0, 120)}`);
    }
    assert.ok(v !== null && typeof v === 'object' && !Array.isArray(v), `line ${i + 1} is not a JSON object: ${line.slice(0, 120)}`);
    assert.equal(typeof (v as { type?: unknown }).type, 'string', `line ${i + 1} has no "type": ${line.slice(0, 120)}`);
    return v as Record<string, unknown>;
  });
}

/** A deep copy of `v` without the keys that hold timings ("seconds"), to compare runs. */
export function withoutTimings(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutTimings);
  if (v !== null && typeof v === 'object') {
    return Object.fromEntries(
      Object.entries(v)
        .filter(([k]) => k !== 'seconds')
        .map(([k, x]) => [k, withoutTimings(x)]),
    );
  }
  return v;
}

/**
 * Replaces what changes from run to run or machine to machine: durations ("123 ms", "1.23 s", padded
 * to keep table columns), the temporary directory, the repository path, and a model file's size
 * (its metadata holds the epoch timings).
 */
export function mask(text: string, cwd?: string): string {
  let s = text;
  if (cwd) s = s.split(cwd).join('<tmp>');
  s = s.split(root).join('<repo>');
  s = s.replace(/\(\d+ bytes, safetensors\)/g, '(<n> bytes, safetensors)');
  s = s.replace(/\b(?:\d+ ms|\d+\.\d+ s)\b */g, (m) => '<time>'.padEnd(m.length));
  return s;
}

function quote(a: string): string {
  return /^[\w./,=:@+-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`;
}

/** The run as a user would see it: the command, stdout, stderr and the exit code; masked. */
export function transcript(r: Run, { stdout = true } = {}): string {
  const nl = (s: string) => (s === '' || s.endsWith('\n') ? s : `${s}\n`);
  let t = `$ rnnscope ${r.args.map(quote).join(' ')}\n`;
  if (stdout) t += nl(r.stdout);
  else if (r.stdout) t += `[stdout: ${r.stdout.split('\n').filter(Boolean).length} lines]\n`;
  if (r.stderr) t += `[stderr]\n${nl(r.stderr)}`;
  t += `[exit ${r.code}]\n`;
  return mask(t, r.cwd);
}

/**
 * Compares `actual` with test/golden/NAME.txt. On a difference, writes `actual` to
 * test/output/NAME.actual.txt and fails with the first differing line; UPDATE_GOLDEN=1 rewrites the golden.
 */
export function assertGolden(name: string, actual: string): void {
  const goldenFile = join(root, 'test', 'golden', `${name}.txt`);
  const outFile = join(root, 'test', 'output', `${name}.actual.txt`);
  if (process.env.UPDATE_GOLDEN === '1') {
    mkdirSync(dirname(goldenFile), { recursive: true });
    writeFileSync(goldenFile, actual);
    rmSync(outFile, { force: true });
    return;
  }
  const expected = existsSync(goldenFile) ? readFileSync(goldenFile, 'utf8') : null;
  if (expected === actual) {
    rmSync(outFile, { force: true });
    return;
  }
  mkdirSync(dirname(outFile), { recursive: true });
  writeFileSync(outFile, actual);
  const review = `review it (diff -u test/golden/${name}.txt test/output/${name}.actual.txt) and rerun with UPDATE_GOLDEN=1 to accept it`;
  if (expected === null) assert.fail(`there is no test/golden/${name}.txt yet; the output is in test/output/${name}.actual.txt: ${review}`);
  const e = expected.split('\n');
  const a = actual.split('\n');
  let i = 0;
  while (i < Math.max(e.length, a.length) && e[i] === a[i]) i++;
  assert.fail(
    `the output differs from test/golden/${name}.txt at line ${i + 1}:\n` +
      `  - ${e[i] ?? '(end of file)'}\n  + ${a[i] ?? '(end of file)'}\n` +
      `The whole output is in test/output/${name}.actual.txt; ${review}.`,
  );
}

/** Every file and directory under `dir` (hidden ones too) with a hash of its bytes: to show that nothing was written. */
export function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string, rel: string) => {
    for (const ent of readdirSync(d, { withFileTypes: true })) {
      const r = rel ? `${rel}/${ent.name}` : ent.name;
      if (ent.isDirectory()) {
        out[`${r}/`] = 'dir';
        walk(join(d, ent.name), r);
      } else if (ent.isSymbolicLink()) {
        out[r] = `link -> ${readlinkSync(join(d, ent.name))}`;
      } else if (!ent.isFile()) {
        out[r] = 'special'; // a FIFO: reading it would wait for a writer
      } else {
        out[r] = createHash('sha256')
          .update(readFileSync(join(d, ent.name)))
          .digest('hex');
      }
    }
  };
  walk(dir, '');
  return out;
}

/** Bytes that look random but are the same on every run (a small LCG), for a corrupt file. */
export function seededBytes(n: number, seed = 1): Uint8Array {
  const b = new Uint8Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    b[i] = s >>> 24;
  }
  return b;
}
