/**
 * The package as a user gets it: `npm pack`, `npm install ./rnnscope-X.tgz` in an empty folder (the
 * runtime dependencies only, from npm's cache, which `npm ci` filled), and every command run from the
 * installed `rnnscope` binary: the main job, train, predict with the saved model, trace, flow, inspect,
 * compare, quiz, and serve, whose page and scripts are fetched. No development dependency is reachable
 * from the installed package, so a command that imported one would fail here.
 *
 * RNNSCOPE_TARBALL=file tests a tarball made already (CI packs with the real `npm pack`: prepack's clean
 * build, explorer and all). Without it, this checkout's build is packed from a staging copy in a temporary
 * folder, with the explorer copied from dist/web when it is up to date or else built there, so the test
 * writes nothing outside its temporary folder.
 */
import test, { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { tempDir } from './cli-helpers.js';
import { staleReason, webPaths } from '../src/cli/commands/serve.js';

const root = join(import.meta.dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  version: string;
  files: string[];
  devDependencies: Record<string, string>;
};

/** The commands this test runs; `rnnscope --help` must list no other (a new command gets a run below). */
const COVERED = new Set([
  'tour',
  'train',
  'predict',
  'trace',
  'flow',
  'compare',
  'inspect',
  'quiz',
  'serve',
  'forecast',
  'export',
  'generate',
  'cells',
  'help',
]);

/**
 * The environment of a user's shell: the test's node first on PATH (so the bin's `#!/usr/bin/env node` is
 * the Node.js under test), and none of the `npm test` run's own npm_* settings (npm_config_local_prefix
 * among them would point npm at this checkout), nor NODE_PATH.
 */
function userEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^(npm_|NODE_PATH$|NODE_TEST_CONTEXT$|FORCE_COLOR$)/i.test(k)) env[k] = v;
  return { ...env, PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}`, NO_COLOR: '1', COLUMNS: '100' };
}

function sh(cmd: string, args: string[], cwd: string, timeout = 180_000): SpawnSyncReturns<string> {
  const r = spawnSync(cmd, args, { cwd, env: userEnv(), encoding: 'utf8', timeout, maxBuffer: 64 << 20 });
  if (r.error) throw r.error;
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')} (in ${cwd}) exited ${r.status}:\n${r.stderr.slice(-2000)}`);
  return r;
}

let work = '';
let tgz = '';
let app = '';
let bin = '';
let packed: { filename: string; size: number; unpackedSize: number; files: { path: string }[] } | null = null;

/** The tarball this test installs: the one CI made, or a pack of this checkout's build. */
function tarball(tmp: string): string {
  const given = process.env.RNNSCOPE_TARBALL;
  if (given) return given;
  const stage = join(tmp, 'stage');
  mkdirSync(join(stage, 'dist'), { recursive: true });
  for (const f of ['package.json', 'README.md', 'LICENSE']) if (existsSync(join(root, f))) cpSync(join(root, f), join(stage, f));
  cpSync(join(root, 'dist', 'src'), join(stage, 'dist', 'src'), { recursive: true });
  const web = webPaths(root).out;
  if (staleReason(root) === null) cpSync(web, join(stage, 'dist', 'web'), { recursive: true });
  else {
    // The explorer as prepack builds it, but into the staging copy: the checkout's dist/web is left alone.
    const vite = join(root, 'node_modules', 'vite', 'bin', 'vite.js');
    sh(
      process.execPath,
      [vite, 'build', '--config', join(root, 'web', 'vite.config.ts'), '--outDir', join(stage, 'dist', 'web'), '--logLevel', 'warn'],
      root,
    );
  }
  const r = sh('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', tmp], stage);
  packed = (JSON.parse(r.stdout) as NonNullable<typeof packed>[])[0]!;
  return join(tmp, packed.filename);
}

before(() => {
  const tmp = tempDir();
  tgz = tarball(tmp);
  app = join(tmp, 'app');
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), '{ "private": true }\n'); // else npm would look for a project in the folders above
  // An empty folder, then what the README says: npm install ./rnnscope-X.tgz (offline where npm's cache has it all).
  sh('npm', ['install', tgz, '--prefer-offline', '--no-audit', '--no-fund', '--loglevel', 'error'], app);
  bin = join(app, 'node_modules', '.bin', 'rnnscope');
  work = join(tmp, 'work');
  mkdirSync(work);
  cpSync(join(root, 'examples', 'sine-direction.csv'), join(work, 'walks.csv'));
});

function rnnscope(args: string[], timeout = 120_000): SpawnSyncReturns<string> {
  return sh(bin, args, work, timeout);
}

test('the package holds the built code, its types and the built explorer, and no sources, tests or maps', (t) => {
  // npm pack's own list where this test packed; else the tarball's, as tar sees it (npm puts all under package/).
  const paths = packed
    ? packed.files.map((f) => f.path)
    : sh('tar', ['-tzf', tgz], work)
        .stdout.split('\n')
        .filter((p) => p && !p.endsWith('/'))
        .map((p) => p.replace(/^package\//, ''));
  for (const p of [
    'package.json',
    'README.md',
    'dist/src/cli/main.js',
    'dist/src/index.d.ts',
    'dist/src/node/parallel-worker.js',
    'dist/web/index.html',
  ])
    assert.ok(paths.includes(p), `${p} is not in the package`);
  assert.ok(
    paths.some((p) => /^dist\/web\/assets\/.*\.js$/.test(p)),
    'the explorer has no scripts in the package',
  );
  const stray = paths.filter((p) => !/^(package\.json|README\.md|LICENSE|dist\/src\/.*\.(js|d\.ts)|dist\/web\/.*)$/.test(p));
  assert.deepEqual(stray, [], 'files the package should not carry');
  const unpacked = packed ? `, ${(packed.unpackedSize / 1024).toFixed(0)} KB unpacked` : '';
  t.diagnostic(`${tgz}: ${(statSync(tgz).size / 1024).toFixed(0)} KB packed${unpacked}, ${paths.length} files`);
});

test('the installed package has its runtime dependencies only: no development dependency is reachable from it', () => {
  const dev = Object.keys(pkg.devDependencies).filter((d) => !d.startsWith('@types/'));
  // Node looks for a package in every node_modules from the importing file up to the root.
  for (let dir = join(app, 'node_modules', 'rnnscope'); ; dir = dirname(dir)) {
    for (const d of dev) assert.ok(!existsSync(join(dir, 'node_modules', d)), `${join(dir, 'node_modules', d)} exists`);
    if (dirname(dir) === dir) break;
  }
  assert.ok(statSync(join(app, 'node_modules', 'commander')).isDirectory(), 'the runtime dependencies were not installed');
});

test('--version and --help run, and every command --help lists is run by this test', () => {
  const v = rnnscope(['--version']).stdout.split('\n');
  assert.equal(v[0], pkg.version);
  assert.match(v[1] ?? '', new RegExp(`^Node\\.js ${process.version.replace(/\./g, '\\.')} `));
  const help = rnnscope(['--help']).stdout;
  const listed = help.slice(help.indexOf('\nCommands:\n'), help.indexOf('\nExamples:'));
  const commands = [...listed.matchAll(/^ {2}(\w[\w-]*) /gm)].map((m) => m[1]!);
  assert.ok(commands.includes('train'), 'no commands in --help');
  assert.match(rnnscope(['help', 'train']).stdout, /^Usage: rnnscope train /m);
  const missed = commands.filter((c) => !COVERED.has(c));
  assert.deepEqual(missed, [], 'commands the installed-package test does not run yet (add them to test/package.test.ts)');
});

test('the main job runs from the installed package', () => {
  const r = rnnscope([]);
  for (const title of ['Data flow', 'Training trace', 'Prediction trace', 'Key insight'])
    assert.match(r.stdout, new RegExp(`^\\d  ${title}`, 'm'));
});

test('train, then predict, trace, flow and inspect with the saved model; compare and quiz', () => {
  rnnscope(['train', '--data', 'walks.csv', '--epochs', '3', '--out', 'walks.safetensors']);
  assert.ok(statSync(join(work, 'walks.safetensors')).size > 0);
  rnnscope(['predict', '--model', 'walks.safetensors', '--data', 'walks.csv', '--out', 'predictions.csv']);
  const rows = readFileSync(join(work, 'predictions.csv'), 'utf8').trim().split('\n');
  assert.match(rows[0]!, /^id,/);
  assert.ok(rows.length > 10, `${rows.length} rows of predictions`);
  assert.match(rnnscope(['trace', '--model', 'walks.safetensors', '--data', 'walks.csv', '--index', '0']).stdout, /h_t|step/i);
  assert.match(rnnscope(['flow', '--model', 'walks.safetensors', '--data', 'walks.csv']).stdout, /parameters/i);
  assert.match(rnnscope(['inspect', 'walks.safetensors']).stdout, /^Config: mode /m);
  assert.match(rnnscope(['compare', '--count', '300', '--epochs', '1']).stdout, /GRU/);
  assert.match(rnnscope(['quiz', '--count', '300', '--epochs', '1']).stdout, /\?/);
  assert.deepEqual(readdirSync(work).sort(), ['predictions.csv', 'walks.csv', 'walks.safetensors']);
});

test('export to ONNX and to a PyTorch project; train a forecaster on a series, then forecast', () => {
  const onnx = rnnscope(['export', '--model', 'walks.safetensors', '--format', 'onnx', '--out', 'walks.onnx']);
  assert.match(onnx.stdout, /ONNX opset \d+/);
  assert.ok(statSync(join(work, 'walks.onnx')).size > 0);
  rnnscope(['export', '--model', 'walks.safetensors', '--format', 'torch', '--out', 'walks-torch']);
  for (const f of ['model.py', 'train.py', 'model.safetensors']) assert.ok(statSync(join(work, 'walks-torch', f)).size > 0, f);
  const months = Array.from({ length: 120 }, (_, i) => {
    const date = `${2000 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`;
    return `${date},${(10 + i * 0.05 + Math.sin((2 * Math.PI * i) / 12)).toFixed(4)}`;
  });
  writeFileSync(join(work, 'series.csv'), ['date,value', ...months].join('\n') + '\n');
  rnnscope(['train', '--series', 'series.csv', '--window', '12', '--horizon', '3', '--epochs', '2', '--out', 'series.safetensors']);
  const f = rnnscope(['forecast', '--model', 'series.safetensors', '--series', 'series.csv', '--steps', '3', '--format', 'csv']).stdout;
  assert.equal(f.trim().split('\n').length, 4, f);
});

test('a text model: train on the brackets task, then generate and cells', () => {
  rnnscope(['train', '--task', 'brackets', '--count', '100', '--epochs', '1', '--out', 'br.safetensors']);
  assert.match(rnnscope(['generate', '--model', 'br.safetensors', '--prime', 'a(', '--length', '10']).stdout, /^a\(.{10}\n$/u);
  assert.match(rnnscope(['cells', '--model', 'br.safetensors', '--text', 'a(b)c']).stdout, /depth/);
  rmSync(join(work, 'br.safetensors'));
});

let server: ReturnType<typeof spawn> | null = null;
after(() => server?.kill());

test('serve: the shipped explorer is served as it is (no build), its page and every script it names', async () => {
  const child = spawn(bin, ['serve', '--port', '0'], { cwd: work, env: userEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  server = child;
  let out = '';
  let err = '';
  child.stderr.on('data', (b: Buffer) => (err += b.toString()));
  const url = await new Promise<string>((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`serve printed no address in 60 s:\n${out}${err}`)), 60_000);
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /http:\/\/127\.0\.0\.1:\d+\//.exec(out);
      if (m) {
        clearTimeout(timer);
        ok(m[0]);
      }
    });
    child.on('exit', (code) => fail(new Error(`serve exited ${code} before serving:\n${out}${err}`)));
  });
  assert.doesNotMatch(err, /Building/, 'serve built the explorer instead of serving the shipped build');
  const page = await fetch(url);
  assert.equal(page.status, 200);
  const html = await page.text();
  assert.match(html, /<script[^>]+src="\.\/assets\/[^"]+\.js"/);
  for (const [, src] of html.matchAll(/(?:src|href)="\.\/(assets\/[^"]+)"/g)) {
    const r = await fetch(new URL(src!, url));
    assert.equal(r.status, 200, `${src} is not served`);
    await r.arrayBuffer();
  }
  child.kill();
  server = null;
});
