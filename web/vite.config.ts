/**
 * The explorer's build. The page imports the engine from ../src directly (no second implementation),
 * trains in a module worker, and paints its first screen from a snapshot made here, at build time, by
 * running the default session with the same code the worker runs (`virtual:first-paint`).
 */
import { fileURLToPath } from 'node:url';
import { dirname, join, resolve } from 'node:path';
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { defineConfig, runnerImport, type Plugin } from 'vite';

const web = dirname(fileURLToPath(import.meta.url));
const root = resolve(web, '..');

function firstPaint(): Plugin {
  const id = 'virtual:first-paint';
  let json: Promise<string> | null = null;
  return {
    name: 'rnnscope-first-paint',
    resolveId: (source) => (source === id ? `\0${id}` : null),
    async load(source) {
      if (source !== `\0${id}`) return null;
      json ??= runnerImport<typeof import('./src/runner/precompute.js')>(resolve(web, 'src/runner/precompute.ts'), {
        configFile: false,
        logLevel: 'error',
      }).then(({ module }) => JSON.stringify(module.firstPaint()));
      // JSON.parse of a string literal is faster for the browser than the same object as code.
      return `export default JSON.parse(${JSON.stringify(await json)});`;
    },
  };
}

/**
 * Writes file.gz and file.br beside every script, style and page of the build, so `rnnscope serve`
 * (sirv's gzip and brotli options) sends them compressed without compressing on each request.
 */
function precompress(): Plugin {
  const walk = (dir: string): string[] =>
    readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? walk(join(dir, f)) : [join(dir, f)]));
  // The build's own folder: `rnnscope serve` may build elsewhere than dist/web.
  let outDir = resolve(root, 'dist/web');
  return {
    name: 'rnnscope-precompress',
    apply: 'build',
    configResolved(c) {
      outDir = resolve(c.root, c.build.outDir);
    },
    closeBundle() {
      for (const f of walk(outDir).filter((f) => /\.(js|css|html|svg|json|wasm)$/.test(f))) {
        const bytes = readFileSync(f);
        if (bytes.length < 1024) continue;
        writeFileSync(`${f}.gz`, gzipSync(bytes, { level: 9 }));
        writeFileSync(`${f}.br`, brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }));
      }
    },
  };
}

/**
 * KaTeX's style sheet offers every font as woff2, woff and ttf. Every browser that runs the explorer (ES2022
 * modules in workers) reads woff2, so the build keeps that one: 60 font files fewer in the package.
 */
function katexWoff2Only(): Plugin {
  return {
    name: 'rnnscope-katex-woff2',
    enforce: 'pre',
    transform(code, id) {
      if (!/katex[\\/]dist[\\/]katex(\.min)?\.css/.test(id)) return null;
      const out = code.replace(/,\s*url\([^)]*\.(?:woff|ttf)\)\s*format\("(?:woff|truetype)"\)/g, '');
      if (out === code || /\.(?:woff|ttf)\)/.test(out))
        throw new Error(`KaTeX's font list has changed shape in ${id}: update katexWoff2Only()`);
      return { code: out, map: null };
    },
  };
}

export default defineConfig({
  root: web,
  base: './',
  publicDir: false,
  plugins: [firstPaint(), katexWoff2Only(), precompress()],
  // src/data/read.ts imports node:fs/promises inside readDataFile, which the page never calls.
  resolve: { alias: { 'node:fs/promises': resolve(web, 'src/runner/no-node.ts') } },
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  worker: { format: 'es' },
  build: {
    outDir: resolve(root, 'dist/web'),
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 400,
    rolldownOptions: { checks: { pluginTimings: false } },
  },
  server: { host: '127.0.0.1', fs: { allow: [root] } },
});
