/**
 * The whole job as a user waits for it: `rnnscope train --epochs 1` and `rnnscope predict` on
 * generated long-form CSV files of several sizes, with the same work done by a short PyTorch script
 * (bench/torch_job.py: csv module + DataLoader) beside it. Per size and peer: wall seconds, MB/s of
 * CSV, sequences per second and peak resident memory (from /usr/bin/time, the kernel's count).
 *
 *   npm run -s build && node dist/bench/job.js [--sizes 10,100] [--peers rnnscope,pytorch] [--dir DIR] [--keep]
 *
 * Sizes are in MB (1000 = a 1 GB file: minutes, and not for CI). The files go to a temporary folder
 * (or --dir), are made once per size and removed at the end unless --keep. The model is the lesson's
 * (RNN, 8 units, batch 32), so the job is reading, batching and writing more than arithmetic.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { I, T, writeCsv } from './gen-csv.js';
import { busyWarning, environment } from './report.js';
import { arg } from './stats.js';

const root = join(import.meta.dirname, '..', '..');
const cli = join(root, 'dist', 'src', 'cli', 'main.js');
const torchScript = join(root, 'bench', 'torch_job.py');

interface Run {
  seconds: number;
  /** Peak resident set in MB, as /usr/bin/time reports it (the largest of the process tree's members it waited for). */
  peakMB: number;
  ok: boolean;
  error: string;
}

/** Runs a command under /usr/bin/time -f %M, timing it from here. */
function timed(cmd: string, args: string[]): Run {
  const t0 = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', 'maxrss-kb %M', cmd, ...args], { encoding: 'utf8', maxBuffer: 1 << 30 });
  const seconds = (performance.now() - t0) / 1000;
  const m = /maxrss-kb (\d+)/.exec(r.stderr ?? '');
  const ok = r.status === 0;
  const error = ok ? '' : ((r.stderr ?? '').split('\n').filter((l) => l && !l.startsWith('maxrss-kb'))[0] ?? `exit ${r.status}`);
  return { seconds, peakMB: m ? Number(m[1]) / 1024 : NaN, ok, error };
}

function torchAvailable(): string | null {
  const r = spawnSync('/usr/bin/python3', ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' });
  return r.status === 0 ? null : 'python3 cannot import torch';
}

function main(): void {
  const sizes = arg('sizes', '10,100').split(',').map(Number);
  const peers = arg('peers', 'rnnscope,pytorch').split(',');
  const keep = process.argv.includes('--keep');
  const given = arg('dir', '');
  const dir = given || mkdtempSync(join(os.tmpdir(), 'rnnscope-job-'));
  if (!existsSync(cli)) throw new Error('build first: npm run -s build');
  const noTorch = peers.includes('pytorch') ? torchAvailable() : null;
  const env = environment();
  const lines: string[] = [];
  const row = (...c: string[]) => lines.push(c.map((v, i) => (i < 3 ? v.padEnd([7, 9, 8][i]!) : v.padStart(12))).join(' '));
  row('size', 'peer', 'job', 'seconds', 'MB/s', 'seq/s', 'peak MB');
  try {
    for (const mb of sizes) {
      const data = join(dir, `job-${mb}mb.csv`);
      process.stderr.write(`  writing ${data} (${mb} MB)...\n`);
      const n = writeCsv(data, mb);
      const realMB = statSync(data).size / 1e6;
      for (const peer of peers) {
        if (peer === 'pytorch' && noTorch) {
          row(`${mb} MB`, peer, '-', `not run: ${noTorch}`);
          continue;
        }
        const model = join(dir, `${peer}-${mb}.safetensors`);
        const preds = join(dir, `${peer}-${mb}.csv`);
        rmSync(model, { force: true });
        rmSync(preds, { force: true });
        const jobs: [string, Run][] =
          peer === 'rnnscope'
            ? [
                ['train', timed(process.execPath, [cli, 'train', '--data', data, '--epochs', '1', '--out', model, '--json'])],
                ['predict', timed(process.execPath, [cli, 'predict', '--model', model, '--data', data, '--out', preds])],
              ]
            : [
                ['train', timed('/usr/bin/python3', [torchScript, 'train', data, model])],
                ['predict', timed('/usr/bin/python3', [torchScript, 'predict', data, model, preds])],
              ];
        for (const [job, r] of jobs) {
          process.stderr.write(`  ${mb} MB ${peer} ${job}: ${r.ok ? `${r.seconds.toFixed(1)} s` : r.error}\n`);
          if (!r.ok) row(`${mb} MB`, peer, job, `failed: ${r.error.slice(0, 100)}`);
          else
            row(
              `${mb} MB`,
              peer,
              job,
              r.seconds.toFixed(2),
              (realMB / r.seconds).toFixed(1),
              Math.round(n / r.seconds).toLocaleString('en-US'),
              r.peakMB.toFixed(0),
            );
        }
      }
      if (!keep) rmSync(data, { force: true });
    }
  } finally {
    if (!keep && !given) rmSync(dir, { recursive: true, force: true });
  }
  env.loadEnd = os.loadavg()[0]!;
  const busy = busyWarning(env);
  process.stdout.write(
    [
      `rnnscope whole-job bench  ${env.date}`,
      `machine   ${env.cpu} (${env.vector}), ${env.cores} cores, load ${env.load.toFixed(2)} at start, ${env.loadEnd.toFixed(2)} at end`,
      `node      ${env.node}; data: long-form CSV, ${T} steps x ${I} features per sequence, 3 classes; the lesson's RNN (8 units), 1 epoch, batch 32`,
      ...(busy ? [busy] : []),
      '',
      ...lines,
      '',
      'seconds: wall time of the command (start-up, reading, training or predicting, writing); MB/s: CSV size / seconds;',
      'seq/s: sequences in the file / seconds; peak MB: the largest resident set (/usr/bin/time %M).',
    ].join('\n') + '\n',
  );
}

main();
