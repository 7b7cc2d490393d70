/**
 * node dist/bench/profile.js [--config lesson] [--seconds 5] [--out FILE] [--no-inline] [--top 25]
 *
 * Trains one configuration with rnnscope alone under V8's sampling profiler (the one behind
 * `node --cpu-prof`), writes the .cpuprofile (to the temp directory unless --out; open it in
 * Chrome DevTools > Performance) and prints the functions with the most self time. Small kernels are inlined by the optimiser and their time
 * shows under the caller; --no-inline turns inlining off for a clearer (slower) attribution.
 */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Session } from 'node:inspector/promises';
import { setFlagsFromString } from 'node:v8';
import { parseArgs } from 'node:util';
import { findConfigs, sequencesPerStep, unitOf } from './configs.js';
import { makeData } from './data.js';
import { RnnscopePeer } from './peers/rnnscope.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Self time per function (name, file, line), as shares of all samples. */
export function selfTimes(p: Profile): { fn: string; share: number }[] {
  const time = new Map<number, number>();
  let total = 0;
  p.samples.forEach((id, i) => {
    const dt = p.timeDeltas[i] ?? 0;
    time.set(id, (time.get(id) ?? 0) + dt);
    total += dt;
  });
  const byFn = new Map<string, number>();
  for (const n of p.nodes) {
    const f = n.callFrame;
    const file = f.url.split('/').slice(-2).join('/');
    const key = `${f.functionName || '(anonymous)'}  ${file}${file ? `:${f.lineNumber + 1}` : ''}`;
    byFn.set(key, (byFn.get(key) ?? 0) + (time.get(n.id) ?? 0));
  }
  return [...byFn].map(([fn, t]) => ({ fn, share: t / total })).sort((a, b) => b.share - a.share);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      config: { type: 'string', default: 'lesson' },
      seconds: { type: 'string', default: '5' },
      out: { type: 'string' },
      'no-inline': { type: 'boolean' },
      top: { type: 'string', default: '25' },
    },
  });
  if (values['no-inline']) setFlagsFromString('--no-turbo-inlining');
  const [c] = findConfigs([values.config!]);
  const seconds = Number(values.seconds);
  const step = await new RnnscopePeer().setup(c!, makeData(c!));
  // About a second of warm-up in chunks of ~0.2 s, which also gives the time per step.
  let per = (await step(1)).seconds;
  for (let spent = 0; spent < 1;) {
    const k = Math.max(1, Math.round(0.2 / per));
    const s = (await step(k)).seconds;
    per = s / k;
    spent += s;
  }

  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  const K = Math.max(1, Math.round(seconds / per));
  const r = await step(K);
  const { profile } = (await session.post('Profiler.stop')) as unknown as { profile: Profile };
  session.disconnect();

  const out = values.out ?? join(tmpdir(), `rnnscope-${c!.name}-${new Date().toISOString().replace(/[:.]/g, '-')}.cpuprofile`);
  writeFileSync(out, JSON.stringify(profile));
  process.stdout.write(
    `${c!.name}: ${K} steps in ${r.seconds.toFixed(2)} s = ${Math.round((K * sequencesPerStep(c!)) / r.seconds).toLocaleString('en-US')} ${unitOf(c!)}/s under the profiler` +
      `${values['no-inline'] ? ' (inlining off)' : ''}; profile in ${out}\n\nself time  function\n`,
  );
  for (const { fn, share } of selfTimes(profile).slice(0, Number(values.top))) {
    process.stdout.write(`${(share * 100).toFixed(1).padStart(8)}%  ${fn}\n`);
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`profile: ${(e as Error).message}\n`);
  process.exit(1);
});
