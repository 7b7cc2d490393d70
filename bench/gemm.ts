/**
 * GEMM micro-benchmark: GFLOP/s of the JS kernel and the wasm SIMD kernel on the shapes the engine
 * calls for the bench configs, plus small squares to place the dispatch threshold, against the peak
 * of 128-bit SIMD on this core (bench/clock.ts measures the clock and says how the peak follows).
 *
 *   node dist/bench/gemm.js [--rounds 7] [--ms 60] [--only lstm|gru|rnn|char|small] [--kc 256 --mc 64] [--wall]
 *
 * For each shape the kernels run alternately, `rounds` times each, every run repeating the call for
 * about `ms` milliseconds of this process's CPU time (--wall: of wall time); medians are printed. CPU
 * time leaves out the time other processes held the core, so a busy machine moves it less. "wasm"
 * includes the copies in and out of wasm memory, "kernel" is the same call replayed on the operands
 * already there (copy% = 1 - wasm/kernel time), unfused, and "fused" the replay with fused
 * multiply-adds (relaxed SIMD; "-" where the runtime has none). A step's GEMM ("step", K <= 1024) is
 * replayed as the step driver runs it, W_hh packed once for the pass (kc = K); "%peak" is the
 * faster kernel against the core's peak.
 */
import { gemm, setGemmBackend } from '../src/tensor/gemm.js';
import { rawWasmGemm, tapWasmGemm } from '../src/tensor/wasm/gemm-wasm.js';
import { load, tuning, wasmGemmStatus } from '../src/tensor/wasm/module.js';
import { cpuVendor, measureGHz, simdFlopsPerCycle } from './clock.js';
import { arg, median } from './stats.js';

interface Shape {
  group: string;
  what: string;
  tA: boolean;
  tB: boolean;
  M: number;
  N: number;
  K: number;
  beta: number;
}

function engineShapes(group: string, T: number, B: number, I: number, H: number, gates: number, C: number): Shape[] {
  const G = gates * H;
  const TB = T * B;
  return [
    { group, what: 'proj x W_ih^T', tA: false, tB: true, M: TB, N: G, K: I, beta: 1 },
    { group, what: 'step h W_hh^T', tA: false, tB: true, M: B, N: G, K: H, beta: 1 },
    { group, what: 'step dG W_hh', tA: false, tB: false, M: B, N: H, K: G, beta: 0 },
    { group, what: 'dW_ih dG^T X', tA: true, tB: false, M: G, N: I, K: TB, beta: 1 },
    { group, what: 'dW_hh dG^T H', tA: true, tB: false, M: G, N: H, K: TB, beta: 1 },
    { group, what: 'head h W^T', tA: false, tB: true, M: TB, N: C, K: H, beta: 1 },
    { group, what: 'head dW dY^T h', tA: true, tB: false, M: C, N: H, K: TB, beta: 1 },
  ];
}

const SHAPES: Shape[] = [
  ...engineShapes('lstm', 50, 64, 32, 128, 4, 10),
  ...engineShapes('gru', 50, 64, 32, 128, 3, 10),
  ...engineShapes('rnn', 100, 64, 64, 256, 1, 10),
  // the char config's (its one-hot projection and dW_ih are a gather and a scatter in the engine: src/nn/one-hot.ts)
  ...engineShapes('char', 100, 32, 64, 256, 4, 64),
  ...[4, 8, 12, 16, 24, 32, 48, 64].map((n): Shape => ({
    group: 'small',
    what: `square ${n}`,
    tA: false,
    tB: true,
    M: n,
    N: n,
    K: n,
    beta: 1,
  })),
  { group: 'small', what: 'seed step h W_hh^T', tA: false, tB: true, M: 32, N: 8, K: 8, beta: 1 },
  { group: 'small', what: 'B32 H32 step', tA: false, tB: true, M: 32, N: 32, K: 32, beta: 1 },
  { group: 'small', what: 'B16 H64 step', tA: false, tB: true, M: 16, N: 64, K: 64, beta: 1 },
  { group: 'small', what: 'B1 H256 step', tA: false, tB: true, M: 1, N: 256, K: 256, beta: 1 },
];

const rounds = Number(arg('rounds', '7'));
const budgetMs = Number(arg('ms', '60'));
const only = arg('only', '');
tuning.kc = Number(arg('kc', String(tuning.kc)));
tuning.mc = Number(arg('mc', String(tuning.mc)));

/**
 * Runs `call` once with a tap on the module's GEMM calls and returns their replay (each chunk on the
 * operands as the last chunk left them, beta 1 so that a replay does not depend on what C held),
 * without the copies. The tap is off while the engine's own calls are timed.
 */
function replayOf(call: () => void, fma: number, step: boolean): () => void {
  const calls: number[][] = [];
  tapWasmGemm({
    start: () => (calls.length = 0),
    call: (args) => {
      const a = args.slice();
      a[10] = 1;
      a[17] = fma;
      // a step: one k-block (kc = K), W_hh packed by the first call and reused by the others
      if (step) a[14] = a[4]!;
      calls.push(a);
    },
  });
  try {
    call();
  } finally {
    tapWasmGemm(null);
  }
  let packed = 0;
  return () => {
    for (const a of calls) {
      if (step) a[16] = packed;
      rawWasmGemm(a);
    }
    packed = 1;
  };
}

const wall = process.argv.includes('--wall');
/** Milliseconds of this process's CPU time (or wall time with --wall). */
function now(): number {
  if (wall) return performance.now();
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Seconds per call, repeating `f` for about budgetMs. */
function time(f: () => void): number {
  f();
  let n = 1;
  for (;;) {
    const t0 = now();
    for (let i = 0; i < n; i++) f();
    const dt = now() - t0;
    if (dt >= budgetMs) return dt / 1000 / n;
    n = Math.max(n * 2, Math.ceil((n * budgetMs * 1.2) / Math.max(dt, 0.01)));
  }
}

const fusedHere = load()?.fused === true;
const ghz = measureGHz();
const vendor = cpuVendor();
const perCycle = simdFlopsPerCycle(vendor);
const peak = ghz * (fusedHere ? Math.max(perCycle.fused, perCycle.unfused) : perCycle.unfused);
console.log(
  `wasm: ${wasmGemmStatus()}; kc ${tuning.kc}, mc ${tuning.mc}; ${rounds} rounds of ~${budgetMs} ms ${wall ? 'wall' : 'CPU'} time, medians`,
);
console.log(
  `peak: ${ghz.toFixed(2)} GHz measured (a chain of dependent i32.add, one per cycle) x ${perCycle.unfused} flops/cycle unfused, ` +
    `${perCycle.fused} fused (${vendor}; ${perCycle.why}) = ${peak.toFixed(1)} GFLOP/s per core of f32x4 SIMD`,
);
console.log(
  'shape'.padEnd(34) +
    'M x N x K'.padEnd(18) +
    'JS GF/s'.padStart(9) +
    'wasm GF/s'.padStart(11) +
    'kernel GF/s'.padStart(13) +
    'fused GF/s'.padStart(12) +
    '%peak'.padStart(7) +
    'x JS'.padStart(7) +
    'copy%'.padStart(7),
);
for (const s of SHAPES) {
  if (only && s.group !== only) continue;
  const { tA, tB, M, N, K, beta } = s;
  const lda = tA ? M : K;
  const ldb = tB ? K : N;
  const A = Float32Array.from({ length: M * K }, () => Math.random() - 0.5);
  const B = Float32Array.from({ length: K * N }, () => Math.random() - 0.5);
  const C = new Float32Array(M * N);
  const call = () => gemm(tA, tB, M, N, K, 1, A, 0, lda, B, 0, ldb, beta, C, 0, N);
  const step = s.what.startsWith('step') && K <= 1024;
  const js: number[] = [];
  const wa: number[] = [];
  const raw: number[] = [];
  const fu: number[] = [];
  for (let r = 0; r < rounds; r++) {
    setGemmBackend('js');
    js.push(time(call));
    setGemmBackend('wasm');
    wa.push(time(call));
    raw.push(time(replayOf(call, 0, step)));
    if (fusedHere) fu.push(time(replayOf(call, 1, step)));
  }
  setGemmBackend('auto');
  const flops = 2 * M * N * K;
  const [tj, tw, tr] = [median(js), median(wa), median(raw)];
  const tf = fusedHere ? median(fu) : Infinity;
  console.log(
    `${s.group} ${s.what}`.padEnd(34) +
      `${M} x ${N} x ${K}`.padEnd(18) +
      (flops / tj / 1e9).toFixed(2).padStart(9) +
      (flops / tw / 1e9).toFixed(2).padStart(11) +
      (flops / tr / 1e9).toFixed(2).padStart(13) +
      (fusedHere ? (flops / tf / 1e9).toFixed(2) : '-').padStart(12) +
      ((flops / Math.min(tr, tf) / 1e9 / peak) * 100).toFixed(0).padStart(7) +
      (tj / tw).toFixed(2).padStart(7) +
      ((1 - tr / tw) * 100).toFixed(0).padStart(7),
  );
}
