// Writes examples/sine-direction.csv: 200 noisy sine waves of 8 to 15 steps, read by two sensors,
// labelled per step "up" or "down": the way the wave moved to reach that step. One reading alone
// cannot tell (a value is passed once rising and once falling); comparing it with the one before can.
// Deterministic: the same seed writes the same file.  Run: node examples/make-sine-direction.mjs
import { writeFileSync } from 'node:fs';

const SEED = 20240611;
const COUNT = 200;

// mulberry32: a small seeded generator, so the file does not depend on Math.random.
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = rng(SEED);
const uniform = (lo, hi) => lo + (hi - lo) * rand();
const normal = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());

const rows = ['id,step,sensor_a,sensor_b,label'];
for (let k = 0; k < COUNT; k++) {
  const id = `wave-${String(k).padStart(3, '0')}`;
  const length = 8 + Math.floor(rand() * 8);
  const period = uniform(7, 16); // steps per cycle: every sequence turns at least once or nearly
  const phase = uniform(0, 2 * Math.PI);
  const amp = uniform(0.8, 1.5);
  const gain = uniform(0.5, 1.0); // sensor b reads the same wave, scaled and shifted
  const offset = uniform(-0.5, 0.5);
  const wave = (t) => amp * Math.sin(phase + (2 * Math.PI * t) / period);
  for (let t = 0; t < length; t++) {
    const v = wave(t);
    const a = v + 0.08 * normal();
    const b = gain * v + offset + 0.08 * normal();
    const label = v > wave(t - 1) ? 'up' : 'down';
    rows.push(`${id},${t},${a.toFixed(4)},${b.toFixed(4)},${label}`);
  }
}
const out = new URL('./sine-direction.csv', import.meta.url);
writeFileSync(out, rows.join('\n') + '\n');
console.log(`wrote ${rows.length - 1} rows of ${COUNT} sequences to examples/sine-direction.csv`);
