/** The whole-job and reading benches' data: a generated long-form CSV of a given size. */
import { closeSync, openSync, writeSync } from 'node:fs';
import { Rng } from '../src/tensor/rng.js';

export const T = 10;
export const I = 5;
const LABELS = ['down', 'flat', 'up'];

/** Writes a long-form CSV of about `mb` MB: id, step, f0..f4, label; sequences of T steps. Returns the sequence count. */
export function writeCsv(path: string, mb: number, seed = 1): number {
  const rng = new Rng(seed);
  const fd = openSync(path, 'w');
  let bytes = 0;
  let n = 0;
  const head = `id,step,${Array.from({ length: I }, (_, i) => `f${i}`).join(',')},label\n`;
  writeSync(fd, head);
  bytes += head.length;
  const target = mb * 1e6;
  while (bytes < target) {
    const rows: string[] = [];
    for (let k = 0; k < 1000; k++, n++) {
      let level = rng.uniform(-1, 1);
      for (let t = 0; t < T; t++) {
        const dir = rng.int(3);
        level += (dir - 1) * 0.1;
        const f = Array.from({ length: I }, () => (level + rng.normal() * 0.3).toFixed(4));
        rows.push(`s${n},${t},${f.join(',')},${LABELS[dir]}`);
      }
    }
    const chunk = rows.join('\n') + '\n';
    writeSync(fd, chunk);
    bytes += Buffer.byteLength(chunk);
  }
  closeSync(fd);
  return n;
}
