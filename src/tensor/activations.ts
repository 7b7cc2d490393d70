/**
 * Activations for the cells. Math.tanh and Math.exp are correctly rounded doubles and cost 12-14 ns
 * each; the cells call them for every unit at every step. For float32 work, tanh32 is the rational
 * approximation Eigen uses for float (generic_fast_tanh_float, a 13/6 minimax fit on [-7.99, 7.99]),
 * 5 ns cheaper; its error against the float32-rounded tanh is below 2.5e-7 relative (measured in
 * test/activations.test.ts), far inside the 1e-5 parity bar. sigmoid32 goes through Cephes' float exp
 * instead, within 2e-9 relative of the double sigmoid on both tails (test/numerics.test.ts), where a
 * closed gate's 1e-20 must not become 1e-7. Float64 work (gradient checks) uses the
 * exact functions, so a finite difference sees the same function the backward pass differentiates.
 */
const a1 = 4.89352455891786e-3;
const a3 = 6.37261928875436e-4;
const a5 = 1.48572235717979e-5;
const a7 = 5.12229709037114e-8;
const a9 = -8.60467152213735e-11;
const a11 = 2.00018790482477e-13;
const a13 = -2.76076847742355e-16;
const b0 = 4.89352518554385e-3;
const b2 = 2.268434632439e-3;
const b4 = 1.18534705686654e-4;
const b6 = 1.19825839466702e-6;

/** tanh to float32 precision. */
export function tanh32(v: number): number {
  // Beyond ±7.99, tanh rounds to ±1 in float32; below 4e-4 in size it is v itself.
  const x = v > 7.99 ? 7.99 : v < -7.99 ? -7.99 : v;
  if (x > -0.0004 && x < 0.0004) return x;
  const x2 = x * x;
  const p = x * (a1 + x2 * (a3 + x2 * (a5 + x2 * (a7 + x2 * (a9 + x2 * (a11 + x2 * a13))))));
  const q = b0 + x2 * (b2 + x2 * (b4 + x2 * b6));
  return p / q;
}

// e^x for x <= 0 (Cephes expf, as Eigen and SLEEF's float paths): x = n ln2 + r with |r| <= ln2 / 2,
// e^r by a degree-7 fit, times 2^n from a table. ln2 is split in two so that n * C1 is exact.
const LOG2E = 1.4426950408889634;
const C1 = 0.693359375;
const C2 = -2.1219444e-4;
const e0 = 1.98756915e-4;
const e1 = 1.3981999507e-3;
const e2 = 8.3334519073e-3;
const e3 = 4.1665795894e-2;
const e4 = 1.6666665459e-1;
const e5 = 5.0000001201e-1;
/** 2^(k - 150) for k = 0..150: from below the least float32 (2^-149) up to 1. */
const POW2 = Float64Array.from({ length: 151 }, (_, k) => 2 ** (k - 150));

/** e^x for x <= 0 (or NaN) to float32 precision, down into float32's subnormals. */
function expNeg(x: number): number {
  // Below -104, e^x is under half the least float32 subnormal: it rounds to 0.
  if (!(x > -104)) return x === x ? 0 : x;
  const n = (x * LOG2E - 0.5) | 0; // round to nearest: x <= 0, and | 0 truncates toward 0
  const r = x - n * C1 - n * C2;
  const p = (((((e0 * r + e1) * r + e2) * r + e3) * r + e4) * r + e5) * r * r + r + 1;
  return p * POW2[150 + n]!; // 150 + n, not -n: -0 is no array index V8 takes fast
}

/**
 * sigmoid to float32 precision, from e^-|v|: within 2e-9 relative of the double sigmoid on both tails,
 * down to float32's subnormals (the wasm twin, in float32, within 3e-7; test/numerics.test.ts), as
 * PyTorch's float32 sigmoid keeps its relative precision there; (1 + tanh(v / 2)) / 2 cancelled and
 * floored at 1.1e-7.
 */
export function sigmoid32(v: number): number {
  const e = expNeg(-Math.abs(v));
  return (v < 0 ? e : 1) / (1 + e);
}

/** sigmoid in doubles. */
export function sigmoid(v: number): number {
  return 1 / (1 + Math.exp(-v));
}
