/** What a long command says while it works: the status line, the time left, reading a large file. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LARGE_FILE, StatusLine, readDataWithProgress, timeLeft } from '../src/cli/progress.js';
import { ok, run, tempDir } from './cli-helpers.js';

const sink = (isTTY: boolean) => {
  const written: string[] = [];
  return { isTTY, written, write: (s: string) => written.push(s) };
};

test('a status line erases itself before the next one and when cleared; off a terminal it writes nothing', () => {
  const tty = sink(true);
  const s = new StatusLine(tty);
  s.show('training RNN (tanh)...');
  s.show('training LSTM...');
  s.clear();
  s.clear();
  assert.deepEqual(tty.written, ['\r\u001b[2Ktraining RNN (tanh)...', '\r\u001b[2Ktraining LSTM...', '\r\u001b[2K']);
  const pipe = sink(false);
  new StatusLine(pipe).show('training GRU...');
  assert.deepEqual(pipe.written, []);
});

test('the time left comes from the pace so far, once there is a pace', () => {
  assert.equal(timeLeft(2, 100, 5), null);
  assert.equal(timeLeft(10, 100, 0.5), null);
  assert.equal(timeLeft(10, 100, 2), '18 s left');
  assert.equal(timeLeft(100, 1000, 20), '3 min 0 s left');
  assert.equal(timeLeft(10, 10000, 10), '2 h 46 min left');
  assert.equal(timeLeft(100, 100, 20), null);
});

/** A valid JSON data file of at least LARGE_FILE bytes: two sequences and a long run of spaces. */
function largeJson(dir: string): string {
  const path = join(dir, 'large.json');
  const seqs = Array.from({ length: 40 }, (_, i) => ({ id: `s${i}`, x: [[i % 2], [1 - (i % 2)], [0.5]], y: i % 2 ? 'up' : 'down' }));
  writeFileSync(path, JSON.stringify({ sequences: seqs }) + ' '.repeat(LARGE_FILE + 1000));
  return path;
}

test('reading a large file says so and how long it took; a small one says nothing', async () => {
  const dir = tempDir();
  const err = sink(false);
  const ds = await readDataWithProgress(largeJson(dir), {}, err);
  assert.equal(ds.sequences.length, 40);
  assert.match(err.written[0]!, /^reading 8\.4 MB of .*large\.json\.\.\.\n$/);
  assert.match(err.written.at(-1)!, /^read .*large\.json: 8\.4 MB, 40 sequences, in /);
  const small = join(dir, 'small.json');
  writeFileSync(
    small,
    JSON.stringify({
      sequences: [
        { id: 'a', x: [[1], [2]], y: 'up' },
        { id: 'b', x: [[2], [1]], y: 'down' },
      ],
    }),
  );
  const quiet = sink(false);
  await readDataWithProgress(small, {}, quiet);
  assert.deepEqual(quiet.written, []);
  // A missing file keeps readDataFile's sentence.
  await assert.rejects(readDataWithProgress(join(dir, 'nope.csv'), {}, quiet), /nope\.csv does not exist/);
});

test('rnnscope train --data on a large file says it reads it, on stderr, and stdout stays the run', () => {
  const dir = tempDir();
  largeJson(dir);
  const r = ok(run(['train', '--data', 'large.json', '--epochs', '1', '--out', 'm.safetensors', '--json'], { cwd: dir }));
  assert.match(r.stderr, /reading 8\.4 MB of large\.json\.\.\./);
  assert.match(r.stderr, /read large\.json: 8\.4 MB, 40 sequences/);
  assert.doesNotMatch(r.stdout, /reading/);
});
