/** The WebAssembly feature tests `rnnscope --version` reports: each probe module is well-formed. */
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { wasmFeatures } from '../src/tensor/wasm/features.js';

const [major = 0, minor = 0] = process.versions.v8.split('.').map(Number);
/** V8 ships relaxed SIMD from 11.4 (Node.js 22); Node.js 20's V8 11.3 has it behind a flag. */
const shipsRelaxed = major > 11 || (major === 11 && minor >= 4);

test(`this runtime (V8 ${process.versions.v8}) has WebAssembly SIMD, and relaxed SIMD exactly where V8 ships it`, () => {
  assert.deepEqual(wasmFeatures(), { wasm: true, simd: true, relaxedSimd: shipsRelaxed });
});

test(
  'where relaxed SIMD is behind a flag, the flag turns the probe on: the probe module is valid wasm',
  { skip: shipsRelaxed && 'V8 ships it here' },
  () => {
    const url = new URL('../src/tensor/wasm/features.js', import.meta.url).href;
    const r = spawnSync(
      process.execPath,
      [
        '--experimental-wasm-relaxed-simd',
        '--input-type=module',
        '-e',
        `import { wasmFeatures } from '${url}'; console.log(wasmFeatures().relaxedSimd)`,
      ],
      { encoding: 'utf8' },
    );
    assert.equal(r.stdout.trim(), 'true', r.stderr);
  },
);
