#!/usr/bin/env node
/**
 * Two builds of rnnscope side by side in one process, alternating, for a before/after ratio that the
 * machine's load moves less than two separate runs: the reference pipeline's training step, LSTM and
 * GRU H128 and RNN H256 (one thread each), one-sequence inference and a streaming step, and the
 * bench's LSTM inference at batch 1 and 256 (lstm-infer, lstm-infer256: noGrad, one thread).
 *
 *   node bench/ab.mjs OLD_CHECKOUT [NEW_CHECKOUT] [--config lesson,lstm,gru,rnn256,char,infer,stream,lstm-infer,lstm-infer256] [--cpu]
 *
 * --cpu times each round by the process's CPU time instead of the wall clock: on a machine busy with
 * other work it counts only the time this process ran (what the others take from its caches still shows).
 *
 * Each checkout must be built (`npm run build`: its dist/src/index.js is imported). Prints, per config,
 * both rates (medians of 7 rounds) and new/old speed with every round's ratio.
 */
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const args = process.argv.slice(2);
// --cpu: time this process's CPU seconds (process.cpuUsage) instead of wall time, so that the time
// other processes hold the core is left out (the builds run on this one thread); a busy machine
// still slows both through shared caches, so say the load either way
const cpu = args.includes('--cpu');
if (cpu) args.splice(args.indexOf('--cpu'), 1);
const flag = args.indexOf('--config');
const names = (flag >= 0 ? args.splice(flag, 2)[1] : 'lesson,lstm,gru,rnn256,infer,stream').split(',');
if (args.length < 1) {
  console.error('usage: node bench/ab.mjs OLD_CHECKOUT [NEW_CHECKOUT] [--config lesson,lstm,...] [--cpu]');
  process.exit(2);
}
const load = (dir) => import(pathToFileURL(resolve(dir, 'dist/src/index.js')).href);
const [old, neu] = [await load(args[0]), await load(args[1] ?? '.')];

const TRAIN = {
  lesson: { mode: 'rnn_tanh', T: 10, B: 32, I: 5, H: 8, C: 3, n: 3000 },
  lstm: { mode: 'lstm', T: 50, B: 64, I: 32, H: 128, C: 10, n: 12 },
  lstm8: { mode: 'lstm', T: 10, B: 32, I: 5, H: 8, C: 3, n: 2000 }, // the lesson's size: the JavaScript cell
  gru: { mode: 'gru', T: 50, B: 64, I: 32, H: 128, C: 10, n: 15 },
  gru8: { mode: 'gru', T: 10, B: 32, I: 5, H: 8, C: 3, n: 2000 },
  rnn256: { mode: 'rnn_tanh', T: 100, B: 64, I: 64, H: 256, C: 10, n: 8 },
  // the bench's char config: ids in a vocabulary of 64 read one-hot, the next id at every step
  char: { mode: 'lstm', T: 100, B: 32, I: 64, H: 256, C: 64, V: 64, n: 3 },
};

const INFER = {
  'lstm-infer': { mode: 'lstm', T: 50, B: 1, I: 32, H: 128, C: 10, n: 400 },
  'lstm-infer256': { mode: 'lstm', T: 50, B: 256, I: 32, H: 128, C: 10, n: 4 },
};

/** A function doing `n` units of work of config `name` with library `lib`, and the units' name. */
function task(lib, name) {
  const c = TRAIN[name];
  if (c) {
    const m = new lib.SequenceModel({ mode: c.mode, inputSize: c.I, hiddenSize: c.H, numClasses: c.C, vocabSize: c.V }, { seed: 1 });
    const step = new lib.TrainStep(m, new lib.Adam(m.table.data, m.table.grad, { lr: 1e-3 }));
    const x = c.V
      ? { data: Float32Array.from({ length: c.T * c.B }, (_, i) => (i * 13) % c.V), shape: [c.T, c.B, 1] }
      : { data: new Float32Array(c.T * c.B * c.I).map((_, i) => Math.sin(i * 0.37)), shape: [c.T, c.B, c.I] };
    const y = Int32Array.from({ length: c.T * c.B }, (_, i) => (i * 7) % c.C);
    return { n: c.n, per: c.B, unit: 'seq/s', run: () => step.run(x, y) };
  }
  const m = new lib.SequenceModel({ mode: 'rnn_tanh', inputSize: 5, hiddenSize: 8, numClasses: 3 }, { seed: 1 });
  if (name === 'infer') {
    const x = { data: new Float32Array(50).map((_, i) => Math.cos(i)), shape: [10, 5] };
    return { n: 100_000, per: 1, unit: 'seq/s', run: () => m.forward(x) };
  }
  if (name === 'stream') {
    const s = new lib.Stream(m);
    const x = new Float32Array(5).map((_, i) => Math.sin(i));
    return { n: 300_000, per: 1, unit: 'step/s', run: () => s.step(x) };
  }
  const inf = INFER[name];
  if (inf) {
    // the bench's lstm-infer configurations: SequenceModel.forward with noGrad, one thread
    const im = new lib.SequenceModel({ mode: inf.mode, inputSize: inf.I, hiddenSize: inf.H, numClasses: inf.C }, { seed: 1 });
    const x = { data: new Float32Array(inf.T * inf.B * inf.I).map((_, i) => Math.sin(i * 0.37)), shape: [inf.T, inf.B, inf.I] };
    const noGrad = { noGrad: true };
    return { n: inf.n, per: inf.B, unit: 'seq/s', run: () => im.forward(x, noGrad) };
  }
  throw new Error(`unknown config ${name}; known: ${[...Object.keys(TRAIN), 'infer', 'stream', ...Object.keys(INFER)].join(', ')}`);
}

const median = (v) => [...v].sort((a, b) => a - b)[v.length >> 1];
const load0 = loadavg()[0];
for (const name of names) {
  const a = task(old, name);
  const b = task(neu, name);
  // wall-clock seconds, or with --cpu this process's CPU seconds (on a loaded machine, the time it ran)
  const time = (t) => {
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < t.n; i++) t.run();
    if (!cpu) return Number(process.hrtime.bigint() - t0) / 1e9;
    const c = process.cpuUsage(c0);
    return (c.user + c.system) / 1e6;
  };
  for (let w = 0; w < 2; w++) (time(a), time(b));
  const ra = [];
  const rb = [];
  const ratio = [];
  for (let r = 0; r < 7; r++) {
    // alternate which build goes first, so a drift in load falls on both alike
    const [ta, tb] = r % 2 ? [time(b), time(a)].reverse() : [time(a), time(b)];
    ra.push((a.n * a.per) / ta);
    rb.push((b.n * b.per) / tb);
    ratio.push(ta / tb);
  }
  const f = (v) => Math.round(v).toLocaleString('en-US');
  console.log(
    `${name.padEnd(13)} ${cpu ? '(cpu) ' : ''}old ${f(median(ra))} ${a.unit}, new ${f(median(rb))} ${a.unit}, new/old speed x${median(ratio).toFixed(3)} (rounds ${ratio.map((v) => v.toFixed(2)).join(' ')})`,
  );
}
console.log(`${cpu ? 'CPU' : 'wall'} time; load ${load0.toFixed(2)} at start, ${loadavg()[0].toFixed(2)} at end (1-minute averages)`);
