/**
 * Writes that never clobber, and the server's headers (issue 16, items 2 and 10), end to end: --force
 * replaces regular files only, never a FIFO or a symbolic link, for every path rnnscope writes (in a temp
 * dir: never the real /dev);
 * a temp file left by a killed writer is removed on the next write; the explorer's server answers
 * only to this machine's names and sends its security headers on every response, 404s included.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { lstatSync, mkdirSync, readdirSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { writeFileAtomic } from '../src/io/model-file.js';
import { startServer } from '../src/cli/commands/serve.js';
import { describeRun, run, tempDir } from './cli-helpers.js';

/** What `dir` holds, by lstat: a FIFO is never opened (reading one would block), a link shows its target. */
function entries(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir)) {
    const st = lstatSync(join(dir, name));
    out[name] = st.isSymbolicLink()
      ? `link -> ${readlinkSync(join(dir, name))}`
      : st.isFIFO()
        ? 'fifo'
        : `file ${st.size} bytes, mtime ${st.mtimeMs}`;
  }
  return out;
}

/** A FIFO, a symbolic link to a file, a dangling link, and the file; all in a fresh temp dir. */
function specialDir(): string {
  const dir = tempDir();
  execFileSync('mkfifo', [join(dir, 'fifo.safetensors')]);
  writeFileSync(join(dir, 'real.csv'), 'mine\n');
  symlinkSync('real.csv', join(dir, 'link.csv'));
  symlinkSync('real.csv', join(dir, 'link.safetensors'));
  symlinkSync('nowhere', join(dir, 'dangling.safetensors'));
  return dir;
}

const what: Record<string, string> = { fifo: 'FIFO', link: 'symbolic link', dangling: 'dangling symbolic link' };
for (const target of ['fifo.safetensors', 'link.safetensors', 'dangling.safetensors']) {
  test(`train --out ${target} --force refuses to replace a ${what[target.split('.')[0]!]} before training, with one line and exit code 2`, () => {
    const dir = specialDir();
    const before = entries(dir);
    const r = run(['train', '--epochs', '1', '--count', '60', '--out', target, '--force'], { cwd: dir, timeoutMs: 60_000 });
    assert.equal(r.code, 2, describeRun(r));
    assert.equal(r.stdout, '', 'refused before training: nothing on stdout');
    assert.match(
      r.stderr,
      new RegExp(`^rnnscope: ${target.replace('.', '\\.')} is a (FIFO|symbolic link)[^\n]*not a regular file[^\n]*\n$`),
    );
    assert.deepEqual(entries(dir), before, 'the FIFO and the links are as they were');
  });
}

test('predict --out through a symbolic link or a FIFO is refused even with --force', () => {
  const dir = specialDir();
  const model = join(tempDir(), 'm.safetensors');
  const t = run(['train', '--epochs', '1', '--count', '60', '--out', model], { timeoutMs: 60_000 });
  assert.equal(t.code, 0, describeRun(t));
  const before = entries(dir);
  for (const target of ['link.csv', 'fifo.safetensors']) {
    const r = run(['predict', '--model', model, '--out', target, '--force'], { cwd: dir, timeoutMs: 60_000 });
    assert.equal(r.code, 2, describeRun(r));
    assert.match(r.stderr, /is a (symbolic link|FIFO \(named pipe\)), not a regular file/);
    assert.equal(r.stderr.trim().split('\n').length, 1, 'one line');
  }
  assert.deepEqual(entries(dir), before);
});

/** A small series file: a sine by month, enough rows for a window of 6 and a horizon of 2. */
const seriesCsv =
  [
    'month,v',
    ...Array.from(
      { length: 120 },
      (_, i) => `${2000 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')},${Math.sin(i / 3).toFixed(4)}`,
    ),
  ].join('\n') + '\n';

test('every other path rnnscope writes refuses a FIFO and a symbolic link with --force: regression train, --split-out, forecast, export (ONNX and the torch project)', () => {
  const models = tempDir();
  writeFileSync(join(models, 's.csv'), seriesCsv);
  const train = (args: string[]) => {
    const r = run(args, { cwd: models, timeoutMs: 90_000 });
    assert.equal(r.code, 0, describeRun(r));
  };
  train(['train', '--epochs', '1', '--count', '40', '--out', 'm.safetensors']);
  train(['train', '--series', 's.csv', '--target', 'v', '--window', '6', '--horizon', '2', '--epochs', '1', '--out', 'fc.safetensors']);
  const m = join(models, 'm.safetensors');
  const fc = join(models, 'fc.safetensors');
  const series = join(models, 's.csv');
  const commands: [string, (target: string) => string[]][] = [
    ['regression train --out', (t) => ['train', '--task', 'oscillation', '--epochs', '1', '--out', t, '--force']],
    ['train --split-out', (t) => ['train', '--epochs', '1', '--count', '40', '--out', 'new.safetensors', '--split-out', t, '--force']],
    ['forecast --out', (t) => ['forecast', '--model', fc, '--series', series, '--out', t, '--force']],
    ['export --out (ONNX)', (t) => ['export', '--model', m, '--format', 'onnx', '--out', t, '--force']],
  ];
  for (const [name, args] of commands) {
    for (const target of ['fifo.safetensors', 'link.csv', 'dangling.safetensors']) {
      const dir = specialDir();
      const before = entries(dir);
      const r = run(args(target), { cwd: dir, timeoutMs: 90_000 });
      assert.equal(r.code, 2, `${name} ${target}: ${describeRun(r)}`);
      assert.match(r.stderr, /^rnnscope: \S+ is a (FIFO \(named pipe\)|symbolic link), not a regular file[^\n]*\n$/, `${name} ${target}`);
      assert.deepEqual(entries(dir), before, `${name} ${target}: nothing written, the FIFO and links as they were`);
    }
  }
  // The torch project: a link among its files stops the export before any file is written.
  const dir = specialDir();
  mkdirSync(join(dir, 'proj'));
  symlinkSync('../real.csv', join(dir, 'proj', 'train.py'));
  const r = run(['export', '--model', m, '--format', 'torch', '--out', 'proj', '--force'], { cwd: dir, timeoutMs: 90_000 });
  assert.equal(r.code, 2, describeRun(r));
  assert.match(r.stderr, /^rnnscope: proj\/train\.py is a symbolic link, not a regular file/);
  assert.deepEqual(readdirSync(join(dir, 'proj')), ['train.py'], 'no file of the project written');
  assert.equal(entries(dir)['real.csv']!.split(',')[0], 'file 5 bytes');
});

test('train removes the temp file a killed writer left beside its --out, and leaves none of its own', () => {
  const dir = tempDir();
  const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
  const stale = `.m.safetensors.${dead}.0badf00d.tmp`;
  writeFileSync(join(dir, stale), 'half a checkpoint');
  const r = run(['train', '--epochs', '2', '--count', '40', '--out', 'm.safetensors'], { cwd: dir, timeoutMs: 90_000 });
  assert.equal(r.code, 0, describeRun(r));
  assert.deepEqual(readdirSync(dir), ['m.safetensors']);
});

test('writeFileAtomic with force refuses a FIFO and a link, and replaces a regular file', async () => {
  const dir = specialDir();
  for (const name of ['fifo.safetensors', 'link.safetensors', 'dangling.safetensors'])
    await assert.rejects(writeFileAtomic(join(dir, name), Uint8Array.of(1), { force: true }), /not a regular file/);
  await writeFileAtomic(join(dir, 'real.csv'), Uint8Array.of(65, 10), { force: true });
  assert.equal(entries(dir)['link.csv'], 'link -> real.csv');
  assert.match(entries(dir)['real.csv']!, /^file 2 bytes/);
});

test("a temp file left by a killed writer is removed by the next write to the same file; a live process's is kept", async () => {
  const dir = tempDir();
  const path = join(dir, 'm.safetensors');
  // A pid that was alive and is no more: a child that has exited.
  const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
  const stale = `.m.safetensors.${dead}.0badf00d.tmp`;
  const live = `.m.safetensors.${process.ppid}.0badf00d.tmp`; // the test runner: alive
  const other = `.n.safetensors.${dead}.0badf00d.tmp`; // another file's: not this write's business
  for (const f of [stale, live, other]) writeFileSync(join(dir, f), 'half a checkpoint');
  await writeFileAtomic(path, Uint8Array.of(1, 2, 3));
  assert.deepEqual(readdirSync(dir).sort(), [live, other, 'm.safetensors'].sort());
});

/** GET `path` from the server at `port` with the given Host header. */
function get(port: number, path: string, host: string): Promise<{ status: number; headers: Record<string, unknown> }> {
  return new Promise((ok, fail) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { host } }, (res) => {
      res.resume();
      res.on('end', () => ok({ status: res.statusCode!, headers: res.headers }));
    });
    req.on('error', fail);
    req.end();
  });
}

test('the server answers only to localhost, 127.0.0.1 and [::1] with its port (DNS rebinding), and every response carries the security headers', async () => {
  const dir = tempDir();
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>x</title>');
  const { server, url } = await startServer(dir, 0);
  const port = Number(new URL(url).port);
  try {
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, 'localhost', `LOCALHOST:${port}`]) {
      const r = await get(port, '/', host);
      assert.equal(r.status, 200, host);
      // Cross-origin isolation, so the page may share memory between its workers.
      assert.equal(r.headers['cross-origin-opener-policy'], 'same-origin');
      assert.equal(r.headers['cross-origin-embedder-policy'], 'require-corp');
    }
    for (const host of [
      `evil.example:${port}`,
      'evil.example',
      `127.0.0.1:${port + 1}`,
      `localhost.evil.example:${port}`,
      `127.0.0.1.nip.io:${port}`,
    ]) {
      const r = await get(port, '/', host);
      assert.equal(r.status, 421, `Host ${JSON.stringify(host)} refused`);
      assert.equal(r.headers['x-content-type-options'], 'nosniff');
    }
    const missing = await get(port, '/no-such-file.js', `127.0.0.1:${port}`);
    assert.equal(missing.status, 404);
    assert.equal(missing.headers['x-content-type-options'], 'nosniff', 'a 404 is not sniffed as a script');
    assert.match(String(missing.headers['content-security-policy']), /default-src 'self'/);
  } finally {
    server.close();
  }
});
