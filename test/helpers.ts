/**
 * Shared test helpers: central-difference gradients in float64, tensor comparison that reports the
 * largest difference it found (llm.c's test_gpt2.c style), and the shape of a GEMM case.
 */
import assert from 'node:assert/strict';

/**
 * Gradient of the scalar `f` at `x` by central differences: (f(x + e) - f(x - e)) / 2e per element.
 * `x` is changed in place while probing and restored afterwards.
 */
export function numericGrad(f: () => number, x: Float64Array, eps = 1e-6): Float64Array {
  const g = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    x[i] = v + eps;
    const fp = f();
    x[i] = v - eps;
    const fm = f();
    x[i] = v;
    g[i] = (fp - fm) / (2 * eps);
  }
  return g;
}

export interface Diff {
  /** Largest |a - b| - (atol + rtol * |b|); <= 0 when everything is within tolerance. */
  excess: number;
  maxAbs: number;
  index: number;
  a: number;
  b: number;
}

/** Compares `actual` with `expected` element by element with |a - b| <= atol + rtol * |b|. */
export function diff(actual: ArrayLike<number>, expected: ArrayLike<number>, atol: number, rtol: number): Diff {
  let worst: Diff = { excess: -Infinity, maxAbs: 0, index: -1, a: NaN, b: NaN };
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const b = expected[i]!;
    const d = Math.abs(a - b);
    const excess = Number.isNaN(d) ? Infinity : d - (atol + rtol * Math.abs(b));
    if (excess > worst.excess) worst = { excess, maxAbs: d, index: i, a, b };
  }
  return worst;
}

/** Asserts that two arrays have the same length and agree within tolerance; names the worst element. */
export function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string, atol = 1e-5, rtol = 1e-5): void {
  assert.equal(actual.length, expected.length, `${what}: ${actual.length} elements, expected ${expected.length}`);
  const d = diff(actual, expected, atol, rtol);
  assert.ok(
    d.excess <= 0,
    `${what}: element ${d.index} is ${d.a}, expected ${d.b} (|diff| ${d.maxAbs.toExponential(2)}, atol ${atol}, rtol ${rtol})`,
  );
}

/** A GEMM case, C = alpha op(A) op(B) + beta C with op(A) M x K and op(B) K x N (test/gemm-*.test.ts). */
export interface GemmShape {
  tA: boolean;
  tB: boolean;
  M: number;
  N: number;
  K: number;
  alpha: number;
  beta: number;
}
