/**
 * Activations for the cells. Math.tanh and Math.exp are correctly rounded doubles and cost 12-14 ns
 * each; the cells call them for every unit at every step. For float32 work, tanh32 is the rational
 * approximation Eigen uses for float (generic_fast_tanh_float, a 13/6 minimax fit on [-7.99, 7.99]),
 * 5 ns cheaper; its error against the float32-rounded tanh is below 2.5e-7 relative (measured in
 * test/activations.test.ts), far inside the 1e-5 parity bar. Float64 work (gradient checks) uses the
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

/** sigmoid to float32 precision: (1 + tanh(v / 2)) / 2. */
export function sigmoid32(v: number): number {
  return 0.5 + 0.5 * tanh32(0.5 * v);
}

/** sigmoid in doubles. */
export function sigmoid(v: number): number {
  return 1 / (1 + Math.exp(-v));
}
