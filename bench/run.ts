/**
 * npm run bench [-- flags]: every configuration on every available peer, side by side, with ratios.
 * Progress goes to stderr, the report to stdout.
 */
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { CONFIGS, findConfigs, type BenchConfig } from './configs.js';
import { makeData } from './data.js';
import { emptyResult, measureConfig, type MeasureOptions, type PeerResult } from './measure.js';
import type { Availability, Peer, StepFn } from './peer.js';
import { makePeers, PEER_NAMES } from './peers/index.js';
import { environment, header, notes, ratios, resultsTable } from './report.js';

const HELP = `Usage: npm run bench -- [options]

Runs each configuration on each peer (rnnscope; PyTorch when /usr/bin/python3 can import torch;
TensorFlow.js with its cpu and wasm backends; brain.js) from the same weights where the peer can
load them, on the same seeded batch, and prints sequences (or streaming steps) per second: the
median over repetitions with the peers alternating, the ratio rnnscope / peer, the first and last
loss (training) or the sum of the logits (inference), and memory.

Options:
  --config a,b        configurations to run (default all: ${CONFIGS.map((c) => c.name).join(', ')})
  --peers a,b         peers to run (default all: ${PEER_NAMES.join(', ')})
  --reps N            timed repetitions per peer (default 7)
  --steps K           steps per repetition (default: calibrated so one lasts about --rep-seconds)
  --rep-seconds S     target length of a repetition of the slowest peer (default 1)
  --warmup-seconds S  warm-up of the slowest peer before timing (default 1)
  --threads N         rnnscope's threads, 1 or 2 (default 1; 2 = ParallelTrainStep for training,
                      ParallelForward for inference, for batches above their minWork); also
                      ONNX Runtime's intra-op threads
  --torch-threads N   torch.set_num_threads(N) (default 1)
  --in-process        run the JavaScript peers in this process (default: one process each)
  --quick             smoke test: 3 repetitions of about 0.1 s, 0.2 s warm-up
  --seed N            seed of the batch and the initial weights (default 1)
  --json FILE         also write the results as JSON
  --help              this text`;

function fail(msg: string): never {
  process.stderr.write(`bench: ${msg}\n`);
  process.exit(2);
}

function positive(name: string, v: string | undefined, dflt: number, integer: boolean): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!(n > 0) || (integer && !Number.isInteger(n))) fail(`--${name} must be a positive ${integer ? 'integer' : 'number'}, got "${v}"`);
  return n;
}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        config: { type: 'string' },
        peers: { type: 'string' },
        reps: { type: 'string' },
        steps: { type: 'string' },
        'rep-seconds': { type: 'string' },
        'warmup-seconds': { type: 'string' },
        'torch-threads': { type: 'string' },
        threads: { type: 'string' },
        quick: { type: 'boolean' },
        seed: { type: 'string' },
        json: { type: 'string' },
        help: { type: 'boolean' },
        'in-process': { type: 'boolean' },
      },
    }));
  } catch (e) {
    fail(`${(e as Error).message}\n${HELP}`);
  }
  if (values.help) {
    process.stdout.write(HELP + '\n');
    return;
  }
  const quick = values.quick ?? false;
  const list = (s: string | undefined, all: readonly string[]): string[] =>
    s
      ? s
          .split(',')
          .map((x) => x.trim())
          .filter(Boolean)
      : [...all];
  let configs;
  let peers: Peer[];
  try {
    configs = findConfigs(
      list(
        values.config,
        CONFIGS.map((c) => c.name),
      ),
    );
    peers = makePeers(list(values.peers, PEER_NAMES), {
      torchThreads: positive('torch-threads', values['torch-threads'], 1, true),
      threads: positive('threads', values.threads, 1, true),
      inProcess: values['in-process'] ?? false,
    });
  } catch (e) {
    fail((e as Error).message);
  }
  const opts: MeasureOptions = {
    reps: positive('reps', values.reps, quick ? 3 : 7, true),
    steps: values.steps === undefined ? undefined : positive('steps', values.steps, 1, true),
    repSeconds: positive('rep-seconds', values['rep-seconds'], quick ? 0.1 : 1, false),
    warmupSeconds: positive('warmup-seconds', values['warmup-seconds'], quick ? 0.2 : 1, false),
    minSteps: quick ? 1 : 10,
    progress: (line: string) => process.stderr.write(`  ${line}\n`),
  };
  const seed = positive('seed', values.seed, 1, true);

  const env = environment();
  // Every peer starts (imports its library, forks its process) at once: that is start-up, not timing.
  process.stderr.write(`  starting ${peers.map((p) => p.name).join(', ')}...\n`);
  const avail: { name: string; a: Availability }[] = await Promise.all(peers.map(async (p) => ({ name: p.name, a: await p.available() })));
  const running = peers.filter((_, i) => avail[i]!.a.ok);

  const results: PeerResult[] = [];
  try {
    for (const c of configs) {
      opts.progress?.(`${c.name}: load ${os.loadavg()[0]!.toFixed(2)}`);
      results.push(...(await runConfig(c, running, opts, seed)));
    }
  } finally {
    for (const p of peers) await p.teardown();
  }
  const order = (r: PeerResult): number => configs.findIndex((c) => c.name === r.config) * 100 + peers.findIndex((p) => p.name === r.peer);
  results.sort((a, b) => order(a) - order(b));

  env.loadEnd = os.loadavg()[0]!;
  const rs = ratios(results);
  const timing =
    `warm-up >= ${opts.warmupSeconds} s, ${opts.reps} repetitions per peer alternating A B A B, ` +
    `${opts.steps ? `${opts.steps} steps` : `~${opts.repSeconds} s and at least ${opts.minSteps} steps`} each, per peer; ` +
    'per s = steps x sequences per step / seconds, ' +
    'timed inside each peer (streaming: time steps)';
  const text = [
    header(env, avail, timing),
    '',
    resultsTable(configs, results, rs),
    '',
    notes(configs, results),
    'rnnscope/peer: ratio of medians (min-max over paired repetitions); > 1 means rnnscope is faster.',
    "time each: 1 / median rate (per sequence, per streaming step). memory: rnnscope's arrays = ArrayBuffer bytes added by the " +
      "model and its first step (steady state: nothing is allocated per step); rss = each peer process's resident set.",
  ].join('\n');
  process.stdout.write(text + '\n');

  if (values.json) {
    const json = { env, peers: avail, options: { ...opts, progress: undefined, seed }, configs, results, ratios: rs };
    writeFileSync(values.json, JSON.stringify(json, null, 2) + '\n');
    process.stderr.write(`  wrote ${values.json}\n`);
  }
}

/** One configuration on every peer; its own function so the models it builds die with its frame. */
async function runConfig(c: BenchConfig, peers: Peer[], opts: MeasureOptions, seed: number): Promise<PeerResult[]> {
  const data = makeData(c, seed);
  const ready: { peer: Peer; step: StepFn }[] = [];
  const out: PeerResult[] = [];
  for (const peer of peers) {
    try {
      ready.push({ peer, step: await peer.setup(c, data) });
    } catch (e) {
      out.push(emptyResult(c.name, peer.name, peer.label ?? peer.name, 'seq', 0, (e as Error).message));
    }
  }
  out.push(...(await measureConfig(c, ready, opts)));
  return out;
}

main().catch((e: unknown) => {
  process.stderr.write(`bench: ${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
