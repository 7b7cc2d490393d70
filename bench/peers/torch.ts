/**
 * PyTorch, in one long-lived /usr/bin/python3 process running bench/torch_peer.py, spoken to in
 * JSON lines. The steps run and are timed inside Python (time.perf_counter), so the pipe costs
 * nothing in the measurement. Threads: torch.set_num_threads(1) unless asked otherwise, to
 * compare with rnnscope's single thread.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { BenchConfig } from '../configs.js';
import type { Availability, BenchData, MemoryReport, Peer, StepFn, StepsResult } from '../peer.js';

const PYTHON = '/usr/bin/python3';
/** From dist/bench/peers/ back to the source tree's bench/. */
const SCRIPT = fileURLToPath(new URL('../../../bench/torch_peer.py', import.meta.url));

export interface TorchPeerOptions {
  /** torch.set_num_threads. Default 1. */
  threads?: number;
  /** Seconds to wait for `import torch` and the hello reply. Default 60. */
  startTimeout?: number;
}

type Reply = { ok: boolean; error?: string; [k: string]: unknown };

function b64(a: Float32Array | Int32Array): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
}

export class TorchPeer implements Peer {
  readonly name = 'pytorch';
  private proc: ChildProcessWithoutNullStreams | null = null;
  private pending: { resolve: (r: Reply) => void; reject: (e: Error) => void } | null = null;
  private stderr = '';
  private exited: string | null = null;
  private status: Promise<Availability> | null = null;
  private rssMB = 0;
  readonly threads: number;
  private readonly startTimeout: number;

  constructor(o: TorchPeerOptions = {}) {
    this.threads = o.threads ?? 1;
    this.startTimeout = o.startTimeout ?? 60;
  }

  available(): Promise<Availability> {
    this.status ??= this.start();
    return this.status;
  }

  async setup(c: BenchConfig, data: BenchData): Promise<StepFn> {
    const a = await this.available();
    if (!a.ok) throw new Error(a.reason);
    this.rssMB = 0;
    await this.call({
      cmd: 'setup',
      config: { task: c.task, mode: c.mode, T: c.T, B: c.B, I: c.I, H: c.H, C: c.C, lr: c.lr, V: c.V ?? 0 },
      x: b64(data.x),
      targets: b64(data.targets),
      params: data.params.map((p) => ({ name: p.name, shape: p.shape, data: b64(p.data) })),
    });
    return async (steps) => {
      const r = await this.call({ cmd: 'run', steps });
      this.rssMB = Math.max(this.rssMB, Number(r['rss_mb']));
      const num = (v: unknown): number => (v === null || v === undefined ? NaN : Number(v));
      const out: StepsResult = { seconds: num(r['seconds']), lossFirst: num(r['loss_first']), lossLast: num(r['loss_last']) };
      if (r['check'] !== undefined) out.check = num(r['check']);
      return out;
    };
  }

  async memory(): Promise<MemoryReport> {
    return { rssMB: this.rssMB };
  }

  async teardown(): Promise<void> {
    const p = this.proc;
    if (!p || this.exited !== null) return;
    const done = new Promise<void>((resolve) => p.once('exit', () => resolve()));
    p.stdin.end(JSON.stringify({ cmd: 'quit' }) + '\n');
    const timer = setTimeout(() => p.kill('SIGTERM'), 5000);
    await done;
    clearTimeout(timer);
  }

  private async start(): Promise<Availability> {
    if (!existsSync(PYTHON)) return { ok: false, reason: `${PYTHON} not found` };
    if (!existsSync(SCRIPT)) return { ok: false, reason: `${SCRIPT} not found (run from the source tree)` };
    const p = spawn(PYTHON, [SCRIPT], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, PYTHONUNBUFFERED: '1' } });
    this.proc = p;
    p.stderr.setEncoding('utf8');
    p.stderr.on('data', (s: string) => {
      this.stderr = (this.stderr + s).slice(-4000);
    });
    p.on('error', (e) => this.fail(`could not start ${PYTHON}: ${e.message}`));
    p.on('exit', (code, signal) => this.fail(`python exited (${signal ?? `code ${code}`})${this.lastError()}`));
    createInterface({ input: p.stdout }).on('line', (line) => {
      const pend = this.pending;
      this.pending = null;
      if (!pend) return;
      try {
        pend.resolve(JSON.parse(line) as Reply);
      } catch {
        pend.reject(new Error(`torch peer sent a line that is not JSON: ${line.slice(0, 200)}`));
      }
    });
    let timer: NodeJS.Timeout | undefined;
    try {
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no reply from python within ${this.startTimeout} s`)), this.startTimeout * 1000);
      });
      const r = await Promise.race([this.call({ cmd: 'hello', threads: this.threads }), timeout]);
      const libs = (r['blas_libs'] as string[]).join(', ') || 'none';
      return {
        ok: true,
        version: `torch ${String(r['torch'])}`,
        notes: [
          `BLAS ${String(r['blas'])} (${libs}; BLAS_INFO=${String(r['blas_info'])})`,
          `threads ${String(r['threads'])} (torch.set_num_threads(${this.threads})${this.threads === 1 ? '; --torch-threads N for more' : ''})`,
          `python ${String(r['python'])}`,
        ],
      };
    } catch (e) {
      p.kill('SIGTERM');
      const msg = (e as Error).message;
      return {
        ok: false,
        reason: /No module named 'torch'/.test(msg + this.stderr) ? `python3 cannot import torch (apt install python3-torch)` : msg,
      };
    } finally {
      clearTimeout(timer);
    }
  }

  private call(req: Record<string, unknown>): Promise<Reply> {
    const p = this.proc;
    if (!p || this.exited !== null) return Promise.reject(new Error(this.exited ?? 'torch peer not started'));
    if (this.pending) return Promise.reject(new Error('torch peer: one request at a time'));
    return new Promise<Reply>((resolve, reject) => {
      this.pending = {
        resolve: (r) => (r.ok ? resolve(r) : reject(new Error(`torch peer: ${r.error ?? 'unknown error'}`))),
        reject,
      };
      p.stdin.write(JSON.stringify(req) + '\n');
    });
  }

  private fail(why: string): void {
    this.exited ??= why;
    const pend = this.pending;
    this.pending = null;
    pend?.reject(new Error(why));
  }

  private lastError(): string {
    const lines = this.stderr.trim().split('\n');
    const last = lines[lines.length - 1];
    return last ? `: ${last}` : '';
  }
}
