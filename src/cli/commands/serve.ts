/**
 * `rnnscope serve`: the web explorer. Builds web/ into dist/web when the build is missing or older than
 * its sources, then serves those static files on 127.0.0.1 (all computing happens in the page).
 *
 * Static files are served by sirv (the small, maintained handler Vite's own preview uses): MIME types,
 * ETags and 304s, and no path escaping the build folder, in a few kilobytes and three tiny dependencies.
 */
import { createServer, type Server } from 'node:http';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import sirv from 'sirv';
import { ConfigError } from '../../errors.js';
import { int } from '../options.js';

export const DEFAULT_PORT = 5178;

/** The package's root: dist/src/cli/commands/serve.js is four folders down. */
export const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');

export function webPaths(root = packageRoot): { src: string; out: string; stamp: string } {
  const out = join(root, 'dist', 'web');
  return { src: join(root, 'web'), out, stamp: join(out, 'index.html') };
}

/** Newest modification time under `path` (a file or a folder, recursively). */
function newest(path: string): number {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let m = st.mtimeMs;
  for (const e of readdirSync(path)) if (e !== 'node_modules') m = Math.max(m, newest(join(path, e)));
  return m;
}

/** An installed package ships the built explorer (dist/web) and not its sources: that build is the one. */
const hasSources = (root: string): boolean => existsSync(join(webPaths(root).src, 'vite.config.ts'));

/** Why the build must be made again, or null when it is up to date. */
export function staleReason(root = packageRoot): string | null {
  const p = webPaths(root);
  if (!existsSync(p.stamp)) return 'it has not been built yet';
  if (!hasSources(root)) return null;
  const built = statSync(p.stamp).mtimeMs;
  const inputs = [p.src, join(root, 'src'), join(root, 'tools', 'rnnscope_torch.py'), join(root, 'package-lock.json')];
  const changed = inputs.find((i) => newest(i) > built);
  return changed ? `${relative(root, changed) || changed} changed since the last build` : null;
}

/** Builds web/ into dist/web with Vite (a dev dependency: present in a checkout after npm ci). */
export async function buildWeb(root = packageRoot, log: (s: string) => void = () => {}): Promise<void> {
  const p = webPaths(root);
  if (!hasSources(root)) {
    throw new ConfigError(
      existsSync(p.stamp)
        ? `this copy of rnnscope is an installed package, which ships the built explorer and not its sources (web/); --rebuild works in a checkout`
        : `the explorer is not built (${relative(process.cwd(), p.out) || p.out} is missing) and its sources (web/) are not here; reinstall rnnscope, or run rnnscope serve from a checkout`,
    );
  }
  let vite: typeof import('vite');
  try {
    vite = await import('vite');
  } catch {
    throw new ConfigError('building the explorer needs Vite, a development dependency; run npm ci in the rnnscope checkout first');
  }
  const t0 = performance.now();
  await vite.build({ configFile: join(p.src, 'vite.config.ts'), logLevel: 'warn' });
  log(`built in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

/** Builds when needed; returns the folder to serve. */
export async function ensureWebBuild(root = packageRoot, o: { force?: boolean; log?: (s: string) => void } = {}): Promise<string> {
  const log = o.log ?? (() => {});
  const why = o.force ? 'a rebuild was asked for' : staleReason(root);
  if (why) {
    log(`Building the explorer (${why})…`);
    await buildWeb(root, log);
  }
  return webPaths(root).out;
}

const SECURITY_HEADERS: Record<string, string> = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'",
  // Cross-origin isolation: the page loads nothing from elsewhere, and isolated it may share memory
  // between workers (SharedArrayBuffer), as training on both cores needs.
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/** Serves `dir` on host:port (port 0: any free one). Resolves once listening, with the address. */
export async function startServer(dir: string, port = DEFAULT_PORT, host = '127.0.0.1'): Promise<{ server: Server; url: string }> {
  const files = sirv(dir, {
    etag: true,
    // The build writes .br and .gz beside each script and style (web/vite.config.ts): sent when the browser accepts them.
    brotli: true,
    gzip: true,
    setHeaders(res, path) {
      for (const [k, v] of Object.entries(SECURITY_HEADERS)) res.setHeader(k, v);
      // Vite names assets by content hash, so they never change; the page itself may.
      res.setHeader('Cache-Control', path.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
  const text = { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' };
  const server = createServer((req, res) => {
    // DNS rebinding: a page of evil.example whose name now points at 127.0.0.1 may reach this port;
    // its requests carry its own Host, so only this machine's names for the server are answered.
    if (!allowedHost(req.headers.host, actualPort())) {
      res.writeHead(421, text).end('Misdirected request: the explorer answers only to localhost, 127.0.0.1 and [::1].\n');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { ...text, Allow: 'GET, HEAD' }).end('Only GET and HEAD: the explorer is static files.\n');
      return;
    }
    files(req, res, () => {
      res.writeHead(404, text).end('Not found\n');
    });
  });
  const actualPort = () => {
    const a = server.address();
    return typeof a === 'object' && a ? a.port : port;
  };
  await new Promise<void>((ok, fail) => {
    server.once('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EADDRINUSE')
        fail(new ConfigError(`port ${port} on ${host} is already in use; stop what is using it, or give another with --port N`));
      else if (e.code === 'EACCES')
        fail(new ConfigError(`port ${port} on ${host} may not be used by this user; give one from 1024 up with --port N`));
      else fail(e);
    });
    server.listen(port, host, () => ok());
  });
  return { server, url: `http://${host}:${actualPort()}/` };
}

/** Whether a request's Host header names this machine and this server's port (or no port, as HTTP/1.0 may). */
export function allowedHost(host: string | undefined, port: number): boolean {
  const m = /^(localhost|127\.0\.0\.1|\[::1\])(?::(\d+))?$/i.exec(host ?? '');
  return m !== null && (m[2] === undefined || Number(m[2]) === port);
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('open the web explorer: the nine learning modes, trained in your browser (static files on 127.0.0.1)')
    .option('--port <n>', `port on 127.0.0.1 (default ${DEFAULT_PORT}; 0 picks a free one)`, int(0, 65535))
    .option('--rebuild', 'build the explorer again even if the build looks up to date')
    .addHelpText(
      'after',
      `
In a checkout, the explorer is built from web/ into dist/web the first time (and whenever web/ or src/
changed); an installed package ships it built. It is served as static files; every model runs and trains
in the page itself.

Examples:
  rnnscope serve                 http://127.0.0.1:${DEFAULT_PORT}/
  rnnscope serve --port 8080`,
    )
    .action(async (o: { port?: number; rebuild?: boolean }) => {
      const dir = await ensureWebBuild(packageRoot, { force: o.rebuild, log: (s) => process.stderr.write(`${s}\n`) });
      const { url } = await startServer(dir, o.port ?? DEFAULT_PORT);
      process.stdout.write(
        `rnnscope explorer: ${url}\n(static files from ${relative(process.cwd(), dir) || dir}; Ctrl+C stops the server)\n`,
      );
    });
}
