/** The printed report (header, aligned table, marks) and the JSON file. */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import type { BenchConfig } from './configs.js';
import type { PeerResult } from './measure.js';
import type { Availability, MemoryReport } from './peer.js';
import { summarize, type Summary } from './stats.js';

export interface Environment {
  date: string;
  cpu: string;
  /** The widest x86 vector extension the CPU has (AVX-512, AVX2, ...), from /proc/cpuinfo: it sets PyTorch's BLAS speed. */
  vector: string;
  cores: number;
  os: string;
  memoryGB: number;
  node: string;
  v8: string;
  /** 1-minute load average when the run started: other work on the machine skews every peer. */
  load: number;
  /** The same when the report was written. */
  loadEnd?: number;
}

export interface Ratio {
  config: string;
  peer: string;
  /** rnnscope median seq/s / peer median seq/s. */
  ofMedians: number;
  /** Per repetition pair (rnnscope rep i / peer rep i), summarised. */
  paired: Summary;
}

export function environment(): Environment {
  const cpus = os.cpus();
  return {
    date: new Date().toISOString(),
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    vector: vectorExtension(),
    cores: cpus.length,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    memoryGB: os.totalmem() / 2 ** 30,
    node: process.version,
    v8: process.versions.v8,
    load: os.loadavg()[0]!,
  };
}

/** "AVX-512", "AVX2", "AVX", "SSE4.2" or "unknown", from the first processor's flags in /proc/cpuinfo. */
export function vectorExtension(cpuinfo?: string): string {
  let text = cpuinfo;
  if (text === undefined) {
    try {
      text = readFileSync('/proc/cpuinfo', 'utf8');
    } catch {
      return 'unknown';
    }
  }
  const flags = new Set(/^flags\s*:(.*)$/m.exec(text)?.[1]?.trim().split(/\s+/) ?? []);
  if (flags.has('avx512f')) return 'AVX-512';
  if (flags.has('avx2')) return 'AVX2';
  if (flags.has('avx')) return 'AVX';
  if (flags.has('sse4_2')) return 'SSE4.2';
  return 'unknown';
}

/** A warning when the machine was busy (1-minute load above half its cores at either end), or null. */
export function busyWarning(env: Pick<Environment, 'load' | 'loadEnd' | 'cores'>): string | null {
  const worst = Math.max(env.load, env.loadEnd ?? 0);
  if (worst <= env.cores / 2) return null;
  return (
    `WARNING: the machine was busy (1-minute load up to ${fix(worst, 2)} on ${env.cores} cores): ` +
    'other work took time from every peer unevenly; rerun on a quiet machine before quoting these ratios.'
  );
}

export function ratios(results: PeerResult[]): Ratio[] {
  const out: Ratio[] = [];
  for (const r of results) {
    if (r.peer === 'rnnscope' || r.error) continue;
    const us = results.find((u) => u.config === r.config && u.peer === 'rnnscope' && !u.error);
    if (!us) continue;
    const n = Math.min(us.seqPerSec.length, r.seqPerSec.length);
    const pairs = Array.from({ length: n }, (_, i) => us.seqPerSec[i]! / r.seqPerSec[i]!);
    out.push({ config: r.config, peer: r.peer, ofMedians: us.summary.median / r.summary.median, paired: summarize(pairs) });
  }
  return out;
}

const int = (v: number): string => (Number.isFinite(v) ? Math.round(v).toLocaleString('en-US') : '-');
const fix = (v: number, d: number): string => (Number.isFinite(v) ? v.toFixed(d) : '-');

function memoryText(m: MemoryReport | null): string {
  if (!m) return '';
  const parts: string[] = [];
  if (m.arraysMB !== undefined) parts.push(`arrays +${fix(m.arraysMB, 2)} MB`);
  if (m.heapMB !== undefined) parts.push(`heap ${m.heapMB >= 0 ? '+' : ''}${fix(m.heapMB, 1)} MB`);
  if (m.allocsPerStep !== undefined) parts.push(`${fix(m.allocsPerStep, m.allocsPerStep === 0 ? 0 : 2)} allocs/step`);
  if (m.tensorsMB !== undefined) parts.push(`tensors ${fix(m.tensorsMB, 2)} MB`);
  if (m.rssMB !== undefined) parts.push(`rss ${fix(m.rssMB, 0)} MB`);
  return parts.join(', ');
}

/** Columns padded to their widest cell; numbers right-aligned. */
function table(head: string[], rows: string[][], right: boolean[]): string {
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]): string =>
    r
      .map((c, i) => (right[i] ? c.padStart(w[i]!) : c.padEnd(w[i]!)))
      .join('  ')
      .trimEnd();
  return [line(head), line(w.map((n) => '-'.repeat(n))), ...rows.map(line)].join('\n');
}

export function header(env: Environment, peers: { name: string; a: Availability }[], timing: string): string {
  const lines = [
    `rnnscope bench  ${env.date}`,
    `machine   ${env.cpu} (${env.vector}), ${env.cores} cores, ${fix(env.memoryGB, 1)} GB, ${env.os}, ` +
      `load ${fix(env.load, 2)} at start${env.loadEnd === undefined ? '' : `, ${fix(env.loadEnd, 2)} at end`} (1-minute averages)`,
    `node      ${env.node} (V8 ${env.v8})`,
  ];
  for (const { name, a } of peers) {
    if (name === 'rnnscope' && !(a.ok && a.notes.length)) continue;
    const notes = a.ok && a.notes.length ? `; ${a.notes.join('; ')}` : '';
    lines.push(a.ok ? `${name.padEnd(9)} ${a.version}${notes}` : `${name.padEnd(9)} not run: ${a.reason}`);
  }
  lines.push(`timing    ${timing}`);
  const busy = busyWarning(env);
  if (busy) lines.push(busy);
  return lines.join('\n');
}

/** Time per item in microseconds, or ms from 1 ms on. */
function perItem(rate: number): string {
  if (!Number.isFinite(rate) || rate <= 0) return '-';
  const us = 1e6 / rate;
  if (us >= 1000) return `${fix(us / 1000, us < 10_000 ? 2 : 1)} ms`;
  return `${fix(us, us < 10 ? 2 : us < 100 ? 1 : 0)} us`;
}

export function resultsTable(configs: readonly BenchConfig[], results: PeerResult[], rs: Ratio[]): string {
  const head = [
    'config',
    'peer',
    'steps/rep',
    'per s, median',
    'min-max',
    'IQR',
    'time each',
    'rnnscope/peer',
    'loss first -> last / check',
    'memory',
  ];
  const right = [false, false, true, true, true, true, true, true, false, false];
  const rows: string[][] = [];
  for (const c of configs) {
    for (const r of results.filter((x) => x.config === c.name)) {
      if (r.error) {
        rows.push([c.name, r.label, '', 'failed', '', '', '', '', r.error.slice(0, 100), '']);
        continue;
      }
      const s = r.summary;
      const ratio = rs.find((x) => x.config === c.name && x.peer === r.peer);
      const outcome =
        c.task === 'train'
          ? `${fix(r.lossFirst, 5)} -> ${fix(r.lossLast, 5)} ${r.lossFalls ? 'falls' : 'DOES NOT FALL'}`
          : `sum of logits ${fix(r.check, 6)}`;
      rows.push([
        c.name,
        r.label,
        String(r.steps),
        `${int(s.median)} ${r.unit}`,
        `${int(s.min)}-${int(s.max)}`,
        `${fix(((s.q3 - s.q1) / s.median) * 100, 1)}%`,
        perItem(s.median),
        ratio ? `${fix(ratio.ofMedians, 2)} (${fix(ratio.paired.min, 2)}-${fix(ratio.paired.max, 2)})` : '',
        outcome,
        memoryText(r.memory),
      ]);
    }
  }
  return table(head, rows, right);
}

/** Notes under the table: configurations, agreement of first losses or outputs, how peers ran, marks. */
export function notes(configs: readonly BenchConfig[], results: PeerResult[]): string {
  const lines: string[] = [];
  for (const c of configs) {
    const rs = results.filter((r) => r.config === c.name && !r.error);
    const us = rs.find((r) => r.peer === 'rnnscope');
    let line = `${c.name.padEnd(6)} ${c.title}`;
    const others = rs.filter((r) => r !== us);
    if (us && others.length) {
      const what = c.task === 'train' ? 'first loss' : 'sum of the last logits';
      const diff = (o: PeerResult): number => (c.task === 'train' ? Math.abs(o.lossFirst - us.lossFirst) : Math.abs(o.check - us.check));
      line +=
        `; same batch and initial weights; ${what} differs by ` + others.map((o) => `${o.peer} ${diff(o).toExponential(1)}`).join(', ');
    }
    lines.push(line);
    for (const r of rs) for (const n of r.notes) lines.push(`       ${r.label}: ${n}`);
    if (c.mark !== undefined && us) {
      const got = us.summary.median;
      lines.push(
        `       mark: ${int(c.mark)} ${us.unit}/s for rnnscope (${perItem(c.mark)} each); measured ${int(got)} (${fix((got / c.mark) * 100, 0)}% of the mark)${got >= c.mark ? '' : ' - BELOW'}`,
      );
    }
  }
  return lines.join('\n');
}
