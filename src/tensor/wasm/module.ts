/**
 * The WebAssembly module (gemm.wat, activations.wat, the loss's and the cells' kernels, joined by
 * tools/build-wasm.mjs and embedded by module-bytes.ts): loading, its memory, copies in and out, the
 * recurrent weight kept packed between the steps of a pass, and the one driver that runs a cell's step
 * from a table of operands (src/nn/cells/*-wasm.ts declare theirs).
 *
 * The module owns its memory: growing it would detach any view the engine held, so the engine's
 * buffers stay ordinary Float32Arrays and each call copies its operands in and its results out
 * (typed-array set, i.e. memcpy). Loading is synchronous: the module is a few KB, which Chromium
 * compiles synchronously even on a page's main thread (the explorer loads it in its worker anyway;
 * older browsers refused past 4 KB there, where loadWasm() loads it asynchronously). Where it fails, or
 * WebAssembly SIMD is missing (WebAssembly.validate says no), callers get null or false and run the
 * JavaScript kernels. The module comes in two builds,
 * the same but for the GEMM's fused twins of its tiles (tools/build-wasm.mjs): the one with relaxed
 * SIMD loads where the runtime validates it, and gemm's fma argument (fmaFor) chooses the tiles per call.
 */
import { gemmDispatch } from '../dispatch.js';
import { WASM_MODULE_BASE64, WASM_RELAXED_MODULE_BASE64 } from './module-bytes.js';

type Fn = (...args: number[]) => void;

export interface Kernel {
  memory: WebAssembly.Memory;
  /** The module's functions by export name: "gemm", and the kernels each cell brings. */
  exports: Readonly<Record<string, Fn>>;
  gemm: Fn;
  /** A view of memory, remade whenever memory grows. */
  f32: Float32Array;
  /** Whether this is the relaxed-SIMD build, whose GEMM fuses its multiply-adds when asked (fmaFor). */
  fused: boolean;
}

/** Steps of k per block (gemmWasm's float32 sums run over at most this many terms; a step's, up to 1024), and rows of C per block. */
export const tuning = { kc: 256, mc: 64 };

let kernel: Kernel | null = null;
let state: 'untried' | 'ready' | 'absent' = 'untried';
let why = '';

/** Bytes 0..63 of the module's memory are its scratch; operands start here. */
export const BASE = 64;
/** Past this, the JS kernels run (wasm32 memory tops out at 4 GiB; we stay well below). */
const MAX_BYTES = 1 << 30;

function decode(b64: string): Uint8Array<ArrayBuffer> {
  const s = atob(b64);
  const out = new Uint8Array(new ArrayBuffer(s.length));
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

function install(inst: WebAssembly.Instance, fused: boolean): Kernel {
  const memory = inst.exports['memory'] as WebAssembly.Memory;
  const exports = inst.exports as unknown as Record<string, Fn>;
  kernel = { memory, exports, gemm: exports['gemm']!, f32: new Float32Array(memory.buffer), fused };
  state = 'ready';
  return kernel;
}

/**
 * The builds this runtime validates, best first: the relaxed-SIMD one, then the plain one (the module
 * uses SIMD throughout, so validating it is the feature test); none (and `why` said) without SIMD.
 */
function builds(): { bytes: Uint8Array<ArrayBuffer>; fused: boolean }[] {
  if (typeof WebAssembly !== 'object') {
    why = 'no WebAssembly';
    return [];
  }
  const out = [
    { bytes: decode(WASM_RELAXED_MODULE_BASE64), fused: true },
    { bytes: decode(WASM_MODULE_BASE64), fused: false },
  ].filter((b) => WebAssembly.validate(b.bytes));
  if (out.length === 0) why = 'WebAssembly SIMD is not supported here';
  return out;
}

/** The module, loaded on first use; null where it cannot run. */
export function load(): Kernel | null {
  if (state !== 'untried') return kernel;
  state = 'absent';
  for (const b of builds()) {
    try {
      return install(new WebAssembly.Instance(new WebAssembly.Module(b.bytes), {}), b.fused);
    } catch (e) {
      // A browser that compiles only small modules synchronously on a page's main thread says so here
      // (a RangeError); the next build, or loadWasm(), which compiles asynchronously, gets round it.
      why = `WebAssembly failed to load: ${(e as Error).message}`;
    }
  }
  return null;
}

/**
 * Loads the module asynchronously, for a page's main thread in a browser that refuses to compile a
 * module of this size synchronously there (older Chrome refused past 4 KB): await it once before the
 * first model runs, and the kernels are ready. Elsewhere the first use loads it anyway. Resolves to
 * whether the wasm kernels are usable.
 */
export async function loadWasm(): Promise<boolean> {
  if (state === 'ready') return true;
  for (const b of builds()) {
    try {
      install(await WebAssembly.instantiate(await WebAssembly.compile(b.bytes), {}), b.fused);
      return true;
    } catch (e) {
      why = `WebAssembly failed to load: ${(e as Error).message}`;
    }
  }
  return false;
}

/** Whether the wasm kernels are usable here; when not, `wasmGemmStatus()` says why. */
export function wasmGemmAvailable(): boolean {
  return load() !== null;
}

export function wasmGemmStatus(): string {
  const k = load();
  if (!k) return why;
  return k.fused ? `wasm simd, fused multiply-add where N*K >= ${gemmDispatch.fmaMinWork}` : 'wasm simd';
}

/** gemm's fma argument for an op(B) of K x N: 1 where the fused tiles apply (gemmDispatch.fmaMinWork). */
export function fmaFor(k: Kernel, N: number, K: number): number {
  return k.fused && N * K >= gemmDispatch.fmaMinWork ? 1 : 0;
}

export const align = (bytes: number): number => (bytes + 15) & ~15;

/** Elements from the first to the last of a rows x cols matrix with leading dimension ld. */
export const spanOf = (rows: number, cols: number, ld: number): number => (rows - 1) * ld + cols;

/** dst[at + i] = src[from + i] for i < n: a loop when short (no subarray view to allocate), else memcpy. */
export function copy(dst: Float32Array, at: number, src: Float32Array, from: number, n: number): void {
  if (n < 256) {
    for (let i = 0; i < n; i++) dst[at + i] = src[from + i]!;
  } else {
    dst.set(src.subarray(from, from + n), at);
  }
}

/** Makes sure the module's memory has `end` bytes; false if that is more than we allow. */
export function reserve(k: Kernel, end: number): boolean {
  if (end > MAX_BYTES) return false;
  if (end > k.memory.buffer.byteLength) {
    try {
      k.memory.grow(Math.ceil((end - k.memory.buffer.byteLength) / 65536));
    } catch {
      return false; // the engine refused the memory: the JS kernels need none
    }
    k.f32 = new Float32Array(k.memory.buffer);
  }
  return true;
}

/** The packed panels of B: one k-block of ceil(N / 8) panels of 8 floats per k. */
export const workBytes = (K: number, N: number, kc = tuning.kc): number => 4 * Math.min(K, kc) * 8 * Math.ceil(N / 8);

/** gemm's work for C = op(A) op(B), M x N x K: B's panels, and with transA one block of A^T's rows packed after them. */
export const gemmWorkBytes = (transA: boolean, M: number, N: number, K: number, kc = tuning.kc, mc = tuning.mc): number =>
  workBytes(K, N, kc) + (transA ? 4 * Math.min(M, mc) * Math.min(K, kc) : 0);

/**
 * The recurrent weight the last step call packed into the module, and where. The next step of the
 * same pass (first = false: the weights cannot have changed; the same layout; no other call in
 * between) multiplies by those panels without copying or packing W_hh again, which at batch 32 is
 * a tenth of a step. Every other call into the module forgets it (forgetPacked).
 */
interface Resident {
  src: Float32Array;
  off: number;
  n: number;
  transB: boolean;
  pW: number;
  kc: number;
}
let resident: Resident | null = null;

/** Called by every module call that is not a step: whatever W_hh was packed is overwritten. */
export function forgetPacked(): void {
  resident = null;
}

/**
 * Whether W (n floats of src at off, K rows of op(W)) is already packed at pW for this call, else
 * notes that it will be (when it fits one k-block) or that nothing is.
 */
function reuse(first: boolean, src: Float32Array, off: number, n: number, K: number, transB: boolean, pW: number, kc: number): boolean {
  if (K > kc) {
    resident = null;
    return false;
  }
  const r = resident;
  if (!first && r !== null && r.src === src && r.off === off && r.n === n && r.transB === transB && r.pW === pW && r.kc === kc) return true;
  resident = { src, off, n, transB, pW, kc };
  return false;
}

/** k-block for a step's GEMM over K: all of K in one block (so its packing can be kept) up to 1024. */
export const stepKc = (K: number): number => (K <= 1024 ? Math.max(K, 1) : tuning.kc);

let cellSteps = 0;

/** How many cell steps (forward or backward) have run in the module (tests check that a path was taken). */
export function wasmCellSteps(): number {
  return cellSteps;
}

/** One operand of a step: its size in floats, and whether it is copied in, out, or both. */
export interface StepOperand {
  name: string;
  floats: number;
  copy: 'in' | 'out' | 'inout';
}

/**
 * A cell's step, as a table: its operands in memory order (the recurrent weight W_hh is implicit, last),
 * the GEMM with W_hh (C = op(A) op(W) + beta C, A and C operands by name; op(W) is K x N, W^T when
 * transW) before or after the element-wise kernel, and that kernel's export and arguments (operand
 * names become their addresses; numbers pass as they are).
 */
export interface StepTable {
  operands: readonly StepOperand[];
  gemm: { when: 'before' | 'after'; a: string; c: string; M: number; N: number; K: number; transW: boolean; beta: 0 | 1 };
  kernel: string;
  args: readonly (string | number)[];
}

/**
 * A step table laid out in the module (once per layer and direction: kept()): each pass binds the
 * operands to buffers and offsets (once, or before each step for those that move) and the weight,
 * then run(first) per step copies in, multiplies, runs the kernel and copies out. `first` is a pass's
 * first step (W_hh is then always copied and packed again).
 */
export class WasmStep {
  private readonly src: (Float32Array | null)[];
  private readonly off: Int32Array;
  private readonly at: Int32Array;
  private readonly floats: Int32Array;
  private readonly ins: Int32Array;
  private readonly outs: Int32Array;
  private readonly argv: number[];
  private readonly fn: Fn;
  private readonly g: StepTable['gemm'];
  private readonly pA: number;
  private readonly pC: number;
  private readonly pWhh: number;
  private readonly pW: number;
  private readonly kc: number;
  private readonly whhFloats: number;
  private p: Float32Array | null = null;
  private whh = 0;

  private constructor(
    private readonly k: Kernel,
    readonly table: StepTable,
  ) {
    const ops = table.operands;
    const n = ops.length;
    this.src = new Array<Float32Array | null>(n).fill(null);
    this.off = new Int32Array(n);
    this.at = new Int32Array(n);
    this.floats = Int32Array.from(ops, (o) => o.floats);
    let at = BASE;
    for (let i = 0; i < n; i++) {
      this.at[i] = at;
      at += align(4 * ops[i]!.floats);
    }
    this.pWhh = at;
    this.g = table.gemm;
    this.whhFloats = this.g.K * this.g.N;
    this.pW = at + align(4 * this.whhFloats);
    this.kc = stepKc(this.g.K);
    this.ins = Int32Array.from(ops.flatMap((o, i) => (o.copy === 'out' ? [] : [i])));
    this.outs = Int32Array.from(ops.flatMap((o, i) => (o.copy === 'in' ? [] : [i])));
    const addr = (name: string): number => {
      const i = ops.findIndex((o) => o.name === name);
      if (i < 0) throw new Error(`step table: no operand ${name}`);
      return this.at[i]!;
    };
    this.pA = addr(this.g.a);
    this.pC = addr(this.g.c);
    this.argv = table.args.map((a) => (typeof a === 'string' ? addr(a) : a));
    // one call shape for every kernel: a wasm export ignores arguments past its own
    while (this.argv.length < 8) this.argv.push(0);
    this.fn = k.exports[table.kernel]!;
  }

  /** The table laid out in the module's memory, or null when the module is missing or refuses the memory. */
  static prepare(table: StepTable): WasmStep | null {
    const k = load();
    if (!k) return null;
    const s = new WasmStep(k, table);
    return reserve(k, s.pW + workBytes(s.g.K, s.g.N, s.kc)) ? s : null;
  }

  /**
   * The table laid out and kept in `cache` under `key` (a layer and direction of a workspace, whose
   * sizes are fixed; memory only grows, so the layout stays valid): look there first, `cache.get(key)`.
   */
  static keep(cache: WeakMap<object, WasmStep>, key: object, table: StepTable): WasmStep | null {
    const s = WasmStep.prepare(table);
    if (s) cache.set(key, s);
    return s;
  }

  /** A table's operand indices for bind(), by name: the same for every size, so found once per cell. */
  static slotsOf(table: StepTable, ...names: string[]): number[] {
    return names.map((n) => {
      const i = table.operands.findIndex((o) => o.name === n);
      if (i < 0) throw new Error(`step table: no operand ${n}`);
      return i;
    });
  }

  /** Operand i comes from (and goes to) src at off; a null src copies in zeros. */
  bind(i: number, src: Float32Array | null, off: number): void {
    this.src[i] = src;
    this.off[i] = off;
  }

  /** The recurrent weight: K x N floats of op(W) (its G x P or P x G block) at whh in p. */
  weight(p: Float32Array, whh: number): void {
    this.p = p;
    this.whh = whh;
  }

  run(first: boolean): void {
    const k = this.k;
    const g = this.g;
    const packed = reuse(first, this.p!, this.whh, this.whhFloats, g.K, g.transW, this.pW, this.kc);
    const f32 = k.f32;
    if (!packed) copy(f32, this.pWhh >> 2, this.p!, this.whh, this.whhFloats);
    const { ins, outs, src, off, at, floats } = this;
    for (let n = 0; n < ins.length; n++) {
      const i = ins[n]!;
      const s = src[i];
      if (s) copy(f32, at[i]! >> 2, s, off[i]!, floats[i]!);
      else f32.fill(0, at[i]! >> 2, (at[i]! >> 2) + floats[i]!);
    }
    if (g.when === 'before') this.multiply(packed);
    const a = this.argv;
    this.fn(a[0]!, a[1]!, a[2]!, a[3]!, a[4]!, a[5]!, a[6]!, a[7]!);
    if (g.when === 'after') this.multiply(packed);
    cellSteps++;
    for (let n = 0; n < outs.length; n++) {
      const i = outs[n]!;
      copy(src[i]!, off[i]!, f32, at[i]! >> 2, floats[i]!);
    }
  }

  private multiply(packed: boolean): void {
    const g = this.g;
    const lda = g.K,
      ldw = g.transW ? g.K : g.N,
      ldc = g.N;
    this.k.gemm(
      0,
      g.transW ? 1 : 0,
      g.M,
      g.N,
      g.K,
      1,
      this.pA,
      lda,
      this.pWhh,
      ldw,
      g.beta,
      this.pC,
      ldc,
      this.pW,
      this.kc,
      tuning.mc,
      packed ? 1 : 0,
      fmaFor(this.k, g.N, g.K),
    );
  }
}
