/**
 * The core's clock and the WebAssembly SIMD peak it allows, for bench/gemm.ts's "% of peak".
 *
 * The clock is measured, not read (a virtual machine's /proc/cpuinfo says the nominal MHz, not the
 * boost): a wasm loop of dependent i32.add, eight per iteration, runs one add per cycle on every
 * x86-64 core of the last decade, so cycles / CPU second = adds / CPU second. CPU time (not wall time)
 * leaves out the time other processes held the core.
 *
 * The peak of 128-bit SIMD (f32x4, 4 lanes): AMD Zen 2, 3 and 4 have two FP multiply (and FMA) pipes and
 * two FP add pipes, so mul + add issue 2 + 2 per cycle: 4 lanes x 4 = 16 flops per cycle, and fused
 * multiply-adds give the same 2 x 4 x 2 = 16. Intel cores since Skylake have two pipes that each do
 * either: 8 flops per cycle unfused, 16 fused.
 */
import { readFileSync } from 'node:fs';

/** (func (param n i32) (param y i32) (result i32)): x += y eight times per iteration, n iterations. */
const CHAIN = new Uint8Array([
  ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
  ...[0x01, 0x07, 0x01, 0x60, 0x02, 0x7f, 0x7f, 0x01, 0x7f], // type (i32, i32) -> i32
  ...[0x03, 0x02, 0x01, 0x00], // one function of type 0
  ...[0x07, 0x09, 0x01, 0x05, 0x63, 0x68, 0x61, 0x69, 0x6e, 0x00, 0x00], // export "chain"
  ...((): number[] => {
    const body = [0x01, 0x01, 0x7f, 0x03, 0x40]; // one i32 local (x); loop
    for (let i = 0; i < 8; i++) body.push(0x20, 0x02, 0x20, 0x01, 0x6a, 0x21, 0x02); // x = x + y
    body.push(0x20, 0x00, 0x41, 0x01, 0x6b, 0x22, 0x00, 0x0d, 0x00, 0x0b); // n -= 1; br_if n; end
    body.push(0x20, 0x02, 0x0b); // x; end
    return [0x0a, body.length + 2, 0x01, body.length, ...body];
  })(),
]);

/** The clock in GHz: the best of `rounds` runs of about 50 ms of CPU time each. */
export function measureGHz(rounds = 7): number {
  const inst = new WebAssembly.Instance(new WebAssembly.Module(CHAIN), {});
  const chain = inst.exports['chain'] as (n: number, y: number) => number;
  chain(1_000_000, 3); // compiled and warm
  let best = 0;
  for (let r = 0; r < rounds; r++) {
    const n = 5_000_000;
    const t0 = process.cpuUsage();
    chain(n, r + 1);
    const u = process.cpuUsage(t0);
    best = Math.max(best, (8 * n) / ((u.user + u.system) * 1e3));
  }
  return best;
}

/** The CPU's vendor ("AuthenticAMD", "GenuineIntel", ...) from /proc/cpuinfo, or "unknown". */
export function cpuVendor(): string {
  try {
    return /^vendor_id\s*:\s*(\S+)/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Flops per cycle per core of f32x4 SIMD, unfused and fused (see above); Intel's layout for any other vendor. */
export function simdFlopsPerCycle(vendor: string): { unfused: number; fused: number; why: string } {
  return vendor === 'AuthenticAMD'
    ? { unfused: 16, fused: 16, why: 'AMD Zen: 2 FP mul + 2 FP add pipes x 4 lanes; fused 2 FMA x 4 lanes x 2' }
    : { unfused: 8, fused: 16, why: 'Intel: 2 FP pipes, each mul, add or FMA, x 4 lanes' };
}
