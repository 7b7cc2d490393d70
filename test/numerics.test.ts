/**
 * The numerical edges against float64 and PyTorch (test/fixtures/numerics, made by
 * tools/make_numerics_fixtures.py): the float32 sigmoid of both kernels keeps its relative precision in
 * the far tails, and a closed LSTM or GRU gate gives PyTorch's tiny states and gradients (1e-9 to 1e-26)
 * to a relative tolerance, where the parity tests' absolute 1e-5 cannot tell 1e-7 from 1e-20.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sigmoid, sigmoid32 } from '../src/tensor/activations.js';
import { BASE, load, reserve, wasmGemmAvailable, wasmGemmStatus } from '../src/tensor/wasm/module.js';
import { setGemmBackend, type GemmBackend } from '../src/tensor/gemm.js';
import { flatten, runCase, type Nested, type ParityCase, type ParityResult } from '../tools/parity-case.js';

const dir = join(import.meta.dirname, '..', '..', 'test', 'fixtures', 'numerics');
const read = <T>(name: string): T => JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) as T;
const skipWasm = wasmGemmAvailable() ? false : `wasm kernel unavailable: ${wasmGemmStatus()}`;

/** The least normal float32; below it a float32 has fewer than 24 bits, so only an absolute bound holds. */
const NORMAL = 2 ** -126;
/** The least float32 subnormal. */
const SUB = 2 ** -149;

/** The wasm sigmoid ($sig4) of each x, read back from the input gate of one LSTM step (B = 1). */
function wasmSigmoid(x: Float32Array): Float32Array {
  const k = load()!;
  const H = Math.ceil(x.length / 4) * 4;
  const gates = BASE;
  const at = (i: number): number => gates + 4 * 4 * H + i * 4 * H; // ccur, c, tc, h after the 4H gates
  assert.ok(reserve(k, at(4)));
  k.f32.fill(0, gates / 4, at(4) / 4);
  k.f32.set(x, gates / 4); // the input gate's pre-activations; f, g, o and c are 0
  k.exports['lstm_cell']!(gates, at(0), at(1), at(2), at(3), 1, H);
  return k.f32.slice(gates / 4, gates / 4 + x.length);
}

/** Every float32 in [lo, hi] on a grid of `step`, and the far ends. */
function grid(lo: number, hi: number, step: number): Float32Array {
  const n = Math.round((hi - lo) / step);
  return Float32Array.from({ length: n + 1 }, (_, i) => lo + i * step);
}

/**
 * The largest relative error of `got` against `want` where `want` is a normal float32, and the
 * largest absolute error where it is below (a subnormal or 0).
 */
function errors(got: ArrayLike<number>, want: ArrayLike<number>): { rel: number; relAt: number; abs: number } {
  let rel = 0;
  let relAt = -1;
  let abs = 0;
  for (let i = 0; i < want.length; i++) {
    const g = got[i]!;
    const w = want[i]!;
    assert.ok(!Number.isNaN(g), `NaN at ${i}`);
    if (Math.abs(w) >= NORMAL) {
      const e = Math.abs(g - w) / Math.abs(w);
      if (e > rel) [rel, relAt] = [e, i];
    } else abs = Math.max(abs, Math.abs(g - w));
  }
  return { rel, relAt, abs };
}

const xs = grid(-110, 110, 0.001);
const exact = Float64Array.from(xs, (x) => sigmoid(x));

test('sigmoid32 is within 2e-9 (relative) of the double sigmoid from -103.9 to 110, and 0 below -104', () => {
  let worst = 0;
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i]!;
    if (x <= -104) continue;
    worst = Math.max(worst, Math.abs(sigmoid32(x) - exact[i]!) / exact[i]!);
  }
  assert.ok(worst < 2e-9, `worst relative error ${worst}`);
  // the tails that the (1 + tanh(v / 2)) / 2 form floored at 1.1e-7
  assert.ok(Math.abs(sigmoid32(-20) / 2.0611536181902037e-9 - 1) < 2e-9, `sigmoid32(-20) = ${sigmoid32(-20)}`);
  assert.ok(Math.abs(Math.fround(sigmoid32(-100)) - Math.fround(sigmoid(-100))) <= SUB);
  assert.equal(sigmoid32(-105), 0);
  assert.equal(sigmoid32(-Infinity), 0);
  assert.equal(sigmoid32(Infinity), 1);
  assert.equal(sigmoid32(0), 0.5);
  assert.ok(Number.isNaN(sigmoid32(NaN)));
});

test('sigmoid32 rounded to float32 is within one float32 rounding of the true float32 sigmoid, subnormals to one step', () => {
  const got = Float32Array.from(xs, (x) => sigmoid32(x));
  const { rel, abs } = errors(got, Float32Array.from(exact));
  assert.ok(rel <= 2 ** -23, `worst relative error ${rel}`);
  assert.ok(abs <= SUB, `worst absolute error below the normal floats ${abs}`);
});

test('the WebAssembly sigmoid is within 3e-7 (relative) of the double sigmoid, subnormals to one step', { skip: skipWasm }, () => {
  const got = wasmSigmoid(xs);
  const { rel, relAt, abs } = errors(got, Float32Array.from(exact));
  assert.ok(rel < 3e-7, `worst relative error ${rel} at x = ${xs[relAt]}`);
  assert.ok(abs <= SUB, `worst absolute error below the normal floats ${abs}`);
  assert.ok(got[xs.indexOf(-20)]! > 2.06e-9 && got[xs.indexOf(-20)]! < 2.07e-9, `sigmoid(-20) = ${got[xs.indexOf(-20)]}`);
  const special = wasmSigmoid(Float32Array.of(-Infinity, -200, 0, 200, Infinity, NaN, -0));
  assert.deepEqual(Array.from(special.subarray(0, 5)), [0, 0, 0.5, 1, 1]);
  assert.ok(Number.isNaN(special[5]!));
  assert.equal(special[6], 0.5);
});

interface SigmoidFixture {
  x: number[];
  sigmoid: number[];
}

for (const [name, run] of [
  ['sigmoid32', (x: Float32Array) => Float32Array.from(x, (v) => sigmoid32(v))],
  ['the WebAssembly sigmoid', wasmSigmoid],
] as const) {
  test(
    `${name} agrees with PyTorch's float32 sigmoid over [-110, 110]: 3e-7 relative where PyTorch's is a normal float32, else within the least normal`,
    {
      skip: name === 'sigmoid32' ? false : skipWasm,
    },
    () => {
      const f = read<SigmoidFixture>('sigmoid');
      const x = Float32Array.from(f.x);
      const got = run(x);
      const { rel, relAt, abs } = errors(got, f.sigmoid);
      assert.ok(rel < 3e-7, `worst relative error ${rel} at x = ${x[relAt]}`);
      // PyTorch's CPU kernel is 1 / (1 + e^-x): e^-x overflows below -88.7 and it gives 0 where the
      // true value is a subnormal down to -104, which this keeps.
      assert.ok(abs < NORMAL, `worst absolute error below the normal floats ${abs}`);
      // the range reaches both tails
      assert.ok(f.x[0]! <= -100 && f.x.at(-1)! >= 100);
    },
  );
}

interface Fixture extends ParityCase {
  expected: Omit<ParityResult, 'optim_runs'>;
}

/**
 * Largest error over a tensor relative to the largest magnitude in its block: a gate's rows (`rows`
 * of them, for a parameter of the cell laid out gate by gate) or the whole tensor. Each gate has its own
 * scale, 1e-13 for a closed one beside 1 for an open one; within a gate, an element summed over steps
 * may cancel to far below its terms, which no float32 sum keeps to a relative 1e-4 of itself.
 */
function relErr(actual: Nested | undefined, expected: Nested, what: string, blocks: number): number {
  assert.ok(actual !== undefined, `${what} is missing`);
  const a = flatten(actual);
  const e = flatten(expected);
  assert.deepEqual(a.shape, e.shape, `${what}: shape`);
  const n = e.data.length / blocks;
  let worst = 0;
  for (let b = 0; b < blocks * n; b += n) {
    let scale = 0;
    for (let i = b; i < b + n; i++) scale = Math.max(scale, Math.abs(e.data[i]!));
    for (let i = b; i < b + n; i++) worst = Math.max(worst, Math.abs(a.data[i]! - e.data[i]!) / Math.max(scale, 1e-37));
  }
  return worst;
}

for (const name of ['lstm_closed_gates', 'gru_closed_gates']) {
  for (const backend of ['js', 'wasm'] as GemmBackend[]) {
    test(
      `${name} matches PyTorch to 1e-5 of each gate's scale on the ${backend} path, with states and gradients of 1e-9 to 1e-26`,
      {
        skip: backend === 'wasm' ? skipWasm : false,
      },
      () => {
        const c = read<Fixture>(name);
        setGemmBackend(backend);
        let r: ParityResult;
        try {
          r = runCase(c);
        } finally {
          setGemmBackend('auto');
        }
        const e = c.expected;
        const gates = c.mode === 'lstm' ? 4 : 3;
        const worst: [string, number][] = [
          ['output', relErr(r.output, e.output, 'output', 1)],
          ['h_n', relErr(r.h_n, e.h_n, 'h_n', 1)],
          ...(e.c_n ? [['c_n', relErr(r.c_n, e.c_n, 'c_n', 1)] as [string, number]] : []),
          ['grad_x', relErr(r.grad_x, e.grad_x, 'grad_x', 1)],
          ...Object.entries(e.grads).map(([k, v]): [string, number] => [
            `grad of ${k}`,
            relErr(r.grads[k], v, k, /^(weight|bias)_/.test(k) ? gates : 1),
          ]),
        ];
        // the fixture is what the test claims: a gate's gradients far below the parity tests' 1e-5
        const least = Math.min(...flatten(e.grads['weight_ih_l0']!).data.map(Math.abs));
        assert.ok(least < 1e-12, `the least gradient of weight_ih_l0 is ${least}`);
        for (const [what, err] of worst) assert.ok(err < 1e-5, `${what}: relative error ${err}`);
      },
    );
  }
}
