/**
 * Reading a long-form CSV data file: MB/s and the memory the loaded Dataset keeps, against its float32
 * size (sequences x steps x features x 4 bytes), for the path `rnnscope train` takes (readDataFile: the
 * fast path of src/data/csv-fast.ts when the file allows it) and for readCsv over the file's text
 * (the path every file took before, and the one that still takes quotes and the rest).
 *
 *   npm run -s build && node dist/bench/read.js [--sizes 10,100] [--reps 3] [--slow 10]
 *
 * --slow: the largest size (MB) readCsv is run on (it holds the file as one string, and a string
 * cannot exceed about 512 MB).
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { readDataFile } from '../src/data/read.js';
import { readCsv } from '../src/data/csv.js';
import type { Dataset } from '../src/data/dataset.js';
import { collect } from './gc.js';
import { writeCsv } from './gen-csv.js';
import { busyWarning, environment } from './report.js';
import { arg, median } from './stats.js';

const kept = () => process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;

async function measure(
  read: () => Promise<Dataset>,
  reps: number,
): Promise<{ seconds: number; cpuSeconds: number; keptMB: number; floatMB: number }> {
  const times: number[] = [];
  const cpu: number[] = [];
  let keptMB = 0,
    floatMB = 0;
  for (let r = 0; r < reps; r++) {
    await collect();
    const before = kept();
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    let ds: Dataset | null = await read();
    times.push((performance.now() - t0) / 1000);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1e6);
    await collect();
    keptMB = (kept() - before) / 1e6;
    // (counted from the columns where there are: the sequences' views are made on first use)
    const steps = ds.columns ? ds.columns.start[ds.columns.size]! : ds.sequences.reduce((n, s) => n + s.length, 0);
    floatMB = (steps * ds.features.length * 4) / 1e6;
    ds = null;
  }
  return { seconds: median(times), cpuSeconds: median(cpu), keptMB, floatMB };
}

async function main(): Promise<void> {
  const sizes = arg('sizes', '10,100').split(',').map(Number);
  const reps = Number(arg('reps', '3'));
  const slowMax = Number(arg('slow', '10'));
  const dir = mkdtempSync(join(os.tmpdir(), 'rnnscope-read-'));
  const env = environment();
  const lines: string[] = [];
  const row = (...c: string[]) => lines.push(c.map((v, i) => (i < 2 ? v.padEnd([8, 22][i]!) : v.padStart(12))).join(' '));
  row('size', 'reader', 'seconds', 'MB/s', 'CPU s', 'MB/CPU s', 'kept MB', 'float32 MB', 'kept/float32');
  try {
    for (const mb of sizes) {
      const path = join(dir, `read-${mb}mb.csv`);
      process.stderr.write(`  writing ${path} (${mb} MB)...\n`);
      writeCsv(path, mb);
      const realMB = statSync(path).size / 1e6;
      const runs: [string, () => Promise<Dataset>][] = [['readDataFile (fast)', () => readDataFile(path)]];
      if (mb <= slowMax) runs.push(['readCsv (text)', async () => readCsv(readFileSync(path, 'utf8'), path)]);
      for (const [name, read] of runs) {
        const m = await measure(read, reps);
        process.stderr.write(`  ${mb} MB ${name}: ${m.seconds.toFixed(2)} s\n`);
        row(
          `${mb} MB`,
          name,
          m.seconds.toFixed(3),
          (realMB / m.seconds).toFixed(1),
          m.cpuSeconds.toFixed(3),
          (realMB / m.cpuSeconds).toFixed(1),
          m.keptMB.toFixed(1),
          m.floatMB.toFixed(1),
          (m.keptMB / m.floatMB).toFixed(2),
        );
      }
      rmSync(path, { force: true });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  env.loadEnd = os.loadavg()[0]!;
  const busy = busyWarning(env);
  process.stdout.write(
    [
      `rnnscope reading bench  ${env.date}`,
      `machine   ${env.cpu} (${env.vector}), ${env.cores} cores, load ${env.load.toFixed(2)} at start, ${env.loadEnd.toFixed(2)} at end`,
      `node      ${env.node}; long-form CSV, 10 steps x 5 features per sequence, 3 classes; median of ${reps}`,
      ...(busy ? [busy] : []),
      '',
      ...lines,
      '',
      "seconds: wall time, median; CPU s: the process's user + system time (less moved by other work on the machine, but the reader",
      "shares caches and the garbage collector's threads); kept MB: heap and ArrayBuffer bytes the loaded Dataset holds (between full collections); float32 MB: its features as float32.",
    ].join('\n') + '\n',
  );
}

await main();
