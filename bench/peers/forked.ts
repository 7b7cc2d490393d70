/**
 * A JavaScript peer in its own Node process (bench/peer_host.ts, forked with an IPC channel), so
 * that its allocations, garbage collections and TensorFlow.js's global engine do not run inside
 * rnnscope's process, and its memory is its own. The peer still times its own steps with Node's
 * clock inside that process; the IPC round trip is not part of the time.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { BenchConfig } from '../configs.js';
import type { Availability, BenchData, MemoryReport, Peer, StepFn, StepsResult } from '../peer.js';

/** From dist/bench/peers/ to dist/bench/peer_host.js. */
const HOST = fileURLToPath(new URL('../peer_host.js', import.meta.url));

export type HostCall =
  | { cmd: 'available' }
  | { cmd: 'setup'; config: BenchConfig; data: BenchData }
  | { cmd: 'run'; steps: number }
  | { cmd: 'memory' }
  | { cmd: 'notes' }
  | { cmd: 'teardown' };

export type HostRequest = HostCall & { id: number };

export type HostReply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };

export class ForkedPeer implements Peer {
  private proc: ChildProcess | null = null;
  private next = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private exited: string | null = null;
  private output = '';
  private status: Promise<Availability> | null = null;

  constructor(
    readonly name: string,
    readonly label?: string,
  ) {}

  available(): Promise<Availability> {
    this.status ??= this.start();
    return this.status;
  }

  async setup(config: BenchConfig, data: BenchData): Promise<StepFn> {
    const a = await this.available();
    if (!a.ok) throw new Error(a.reason);
    await this.call({ cmd: 'setup', config, data });
    return async (steps) => (await this.call({ cmd: 'run', steps })) as StepsResult;
  }

  async memory(): Promise<MemoryReport> {
    return (await this.call({ cmd: 'memory' })) as MemoryReport;
  }

  async notes(): Promise<string[]> {
    return (await this.call({ cmd: 'notes' })) as string[];
  }

  async teardown(): Promise<void> {
    const p = this.proc;
    if (!p || this.exited !== null) return;
    const done = new Promise<void>((resolve) => p.once('exit', () => resolve()));
    await this.call({ cmd: 'teardown' }).catch(() => {});
    p.disconnect();
    const timer = setTimeout(() => p.kill('SIGTERM'), 5000);
    await done;
    clearTimeout(timer);
  }

  private async start(): Promise<Availability> {
    // Advanced serialization carries the Float32Array / Int32Array data as they are.
    const p = fork(HOST, [this.name], { stdio: ['ignore', 'pipe', 'pipe', 'ipc'], serialization: 'advanced' });
    this.proc = p;
    const keep = (s: Buffer): void => {
      this.output = (this.output + s.toString('utf8')).slice(-4000);
    };
    p.stdout?.on('data', keep);
    p.stderr?.on('data', keep);
    p.on('message', (m: HostReply) => {
      const pend = this.pending.get(m.id);
      if (!pend) return;
      this.pending.delete(m.id);
      if (m.ok) pend.resolve(m.result);
      else pend.reject(new Error(m.error));
    });
    p.on('error', (e) => this.fail(`could not start the ${this.name} process: ${e.message}`));
    p.on('exit', (code, signal) => this.fail(`the ${this.name} process exited (${signal ?? `code ${code}`})${this.lastLine()}`));
    try {
      return (await this.call({ cmd: 'available' })) as Availability;
    } catch (e) {
      return { ok: false, reason: (e as Error).message };
    }
  }

  private call(req: HostCall): Promise<unknown> {
    const p = this.proc;
    if (!p || this.exited !== null) return Promise.reject(new Error(this.exited ?? `${this.name} process not started`));
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      p.send({ ...req, id });
    });
  }

  private fail(why: string): void {
    this.exited ??= why;
    for (const [, pend] of this.pending) pend.reject(new Error(why));
    this.pending.clear();
  }

  private lastLine(): string {
    const lines = this.output.trim().split('\n');
    const last = lines[lines.length - 1];
    return last ? `: ${last}` : '';
  }
}
