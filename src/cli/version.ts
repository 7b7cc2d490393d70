/** `rnnscope --version`: the package's version, then the runtime and what its WebAssembly offers. */
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { wasmFeatures } from '../tensor/wasm/features.js';
import { wasmGemmStatus } from '../tensor/wasm/module.js';
import { gemmDispatch } from '../tensor/gemm.js';

/** From package.json (dist/src/cli/version.js is three folders down from it, in a checkout or installed). */
export const VERSION = (createRequire(import.meta.url)('../../../package.json') as { version: string }).version;

/**
 * The first line is the version alone, for scripts (`rnnscope --version | head -1`); the rest says what
 * this runtime is and which of its faster paths rnnscope takes.
 */
export function versionText(): string {
  const f = wasmFeatures();
  const kernels = wasmGemmStatus();
  const simd = !f.wasm
    ? 'no WebAssembly'
    : f.simd
      ? `SIMD yes (${kernels.startsWith('wasm simd') ? 'the kernels use it' : kernels})`
      : 'SIMD no';
  const relaxed = f.relaxedSimd
    ? `relaxed SIMD yes (fused multiply-adds in GEMMs where N*K >= ${gemmDispatch.fmaMinWork})`
    : 'relaxed SIMD no (Node.js 22 or later has it: fused multiply-adds in the larger GEMMs)';
  return [
    VERSION,
    `Node.js ${process.version} (V8 ${process.versions.v8}), ${process.platform} ${process.arch}, ${availableParallelism()} cores`,
    `WebAssembly: ${f.wasm && f.simd ? `${simd}, ${relaxed}` : simd}`,
  ].join('\n');
}
