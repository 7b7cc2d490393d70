/**
 * Output that fits: every line of every command's text within $COLUMNS (80 and 120), the layout
 * helpers that make it so, and the trace's limits (--steps, the main job's one screen).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeRun, ok, run, tempDir, type Run } from './cli-helpers.js';
import { fitTable, unitColumns, vecFit, visibleWidth, wrapLine } from '../src/cli/layout.js';
import { outputWidth } from '../src/cli/output.js';

/** The lines of `text` wider than `cols`, with their numbers, for the message; a command alone on its line may be (it is copied whole). */
function tooWide(text: string, cols: number): string[] {
  return text
    .split('\n')
    .map((l, i) => [i + 1, l] as const)
    .filter(([, l]) => visibleWidth(l) > cols && !/^ *(npx )?rnnscope /.test(l))
    .map(([i, l]) => `line ${i} (${visibleWidth(l)} columns): ${l}`);
}

function assertFits(r: Run, cols: number): void {
  ok(r);
  const wide = tooWide(r.stdout, cols);
  assert.deepEqual(wide.slice(0, 3), [], `${describeRun(r)} at COLUMNS=${cols}: ${wide.length} lines too wide`);
}

const small = ['--count', '300', '--epochs', '2'];

test('the width comes from the terminal, else $COLUMNS, else 80, within 60..140', () => {
  assert.equal(outputWidth({ columns: 100 }, { COLUMNS: '80' }), 100);
  assert.equal(outputWidth({}, { COLUMNS: '120' }), 120);
  assert.equal(outputWidth({}, {}), 80);
  assert.equal(outputWidth({}, { COLUMNS: 'wide' }), 80);
  assert.equal(outputWidth({}, { COLUMNS: '20' }), 60);
  assert.equal(outputWidth({}, { COLUMNS: '400' }), 140);
});

for (const cols of [80, 120]) {
  test(`every command's text fits ${cols} columns`, () => {
    const dir = tempDir();
    const env = { env: { COLUMNS: String(cols) }, cwd: dir };
    const at = (args: string[]) => assertFits(run(args, env), cols);
    at(small);
    at(['--task', 'oscillation', '--epochs', '2']);
    at(['train', ...small, '--out', 'm.safetensors']);
    at(['train', ...small, '--cell', 'lstm', '--hidden', '12', '--out', 'lstm.safetensors']);
    at(['train', ...small, '--cell', 'lstm', '--bidirectional', '--layers', '2', '--out', 'bi.safetensors']);
    at(['train', ...small, '--cell', 'lstm', '--proj', '3', '--layers', '2', '--out', 'proj.safetensors']);
    at(['train', ...small, '--cell', 'gru', '--hidden', '24', '--out', 'gru.safetensors']);
    for (const m of ['m', 'lstm', 'bi', 'proj', 'gru']) {
      at(['trace', '--model', `${m}.safetensors`]);
      at(['trace', '--model', `${m}.safetensors`, '--step', '3']);
      at(['inspect', `${m}.safetensors`]);
    }
    at(['flow', '--model', 'proj.safetensors']);
    at(['compare', ...small]);
    at(['compare', '--sweep', '--delays', '1,5', '--count', '100', '--epochs', '1', '--seeds', '2']);
    at(['quiz', '--model', 'lstm.safetensors', '--answers', 'a,b,c,d,a,b,c,d']);
    const series = 'series.csv';
    writeFileSync(
      join(dir, series),
      'month,level\n' +
        Array.from(
          { length: 120 },
          (_, i) =>
            `${2000 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')},${(100 + 0.2 * i + 3 * Math.sin((2 * Math.PI * i) / 12)).toFixed(3)}`,
        ).join('\n') +
        '\n',
    );
    at(['train', '--series', series, '--window', '12', '--season', '12', '--epochs', '2', '--out', 'f.safetensors']);
    at(['forecast', '--model', 'f.safetensors', '--series', series, '--steps', '6']);
  });
}

test('wrapLine never splits a command: it goes whole onto a line of its own', () => {
  const line = '  Test your understanding with questions about this run: npx rnnscope quiz --count 300 --epochs 1 --cell gru';
  assert.deepEqual(wrapLine(line, 80), [
    '  Test your understanding with questions about this run:',
    '    npx rnnscope quiz --count 300 --epochs 1 --cell gru',
  ]);
  assert.deepEqual(wrapLine('Saved m.safetensors: 147 parameters. Next: rnnscope trace --model m.safetensors', 60), [
    'Saved m.safetensors: 147 parameters. Next:',
    '  rnnscope trace --model m.safetensors',
  ]);
});

test('wrapLine wraps at spaces under its own indent, and colour codes take no room', () => {
  assert.deepEqual(wrapLine('  one two three four', 12), ['  one two', '    three', '    four']);
  const red = '\u001b[31mred\u001b[39m';
  assert.equal(visibleWidth(`${red} ${red}`), 7);
  assert.deepEqual(wrapLine(`${red} ${red}`, 7), [`${red} ${red}`]);
  assert.deepEqual(wrapLine('short', 80), ['short']);
});

test('vecFit shows as many leading values as the room holds, then the last', () => {
  const v = [0.1, -0.2, 0.3, -0.4, 0.5, -0.6, 0.7, -0.8];
  assert.equal(vecFit(v, 100), '[0.10, -0.20, 0.30, -0.40, 0.50, -0.60, 0.70, -0.80]');
  const cut = vecFit(v, 30);
  assert.ok(cut.length <= 30, cut);
  assert.match(cut, /^\[0\.10, -0\.20, .*\.\.\., -0\.80\]$/);
});

test('fitTable keeps natural widths that fit, wraps the free-text column, and goes vertical when nothing fits', () => {
  const head = ['Epoch', 'Loss', 'Observation'];
  const rows = [[1, '0.5', 'Improving: loss down 30% to 0.500, held-out accuracy up 0.12 to 0.83.']];
  const wide = fitTable(head, rows, 200);
  assert.equal(wide.split('\n').length, 5);
  const narrow = fitTable(head, rows, 60, { flex: 2 });
  for (const l of narrow.split('\n')) assert.ok(visibleWidth(l) <= 60, l);
  assert.ok(narrow.split('\n').length > 5, 'the observation wraps');
  const many = fitTable(
    Array.from({ length: 12 }, (_, j) => `column${j}`),
    [Array.from({ length: 12 }, (_, j) => `value-${j}-long`)],
    60,
  );
  for (const l of many.split('\n')) assert.ok(visibleWidth(l) <= 60, l);
  assert.match(many, /column3 +value-3-long/);
});

test('unitColumns puts units in columns, as many groups as the width needs', () => {
  const vals = [Array.from({ length: 20 }, (_, u) => (u / 10 - 1).toFixed(3))];
  const t = unitColumns(['h'], vals, 80);
  for (const l of t.split('\n')) assert.ok(visibleWidth(l) <= 80, l);
  assert.ok(t.split('\n').filter((l) => l.startsWith('┌')).length >= 2);
  assert.match(t, / 20 │/);
});

test('trace --steps 4-6 shows those steps only; a range past the end, or backwards, is refused', () => {
  const dir = tempDir();
  ok(run(['train', ...small, '--length', '12', '--out', 'm.safetensors'], { cwd: dir }));
  const r = ok(run(['trace', '--model', 'm.safetensors', '--steps', '4-6'], { cwd: dir }));
  assert.match(r.stdout, /steps 4-6 of 12/);
  const shown = [...r.stdout.matchAll(/^ {2}Step (\d+) /gm)].map((m) => Number(m[1]));
  assert.deepEqual(shown, [4, 5, 6]);
  const past = run(['trace', '--model', 'm.safetensors', '--steps', '13-20'], { cwd: dir });
  assert.equal(past.code, 2, describeRun(past));
  assert.match(past.stderr, /past the end of sequence .* which has 12 steps/);
  const back = run(['trace', '--model', 'm.safetensors', '--steps', '6-4'], { cwd: dir });
  assert.equal(back.code, 2);
  assert.match(back.stderr, /from-to/);
});

test("the main job's prediction trace fits a screen and names the command that shows the rest", () => {
  const r = ok(run([...small, '--length', '40']));
  const lines = r.stdout.split('\n');
  const a = lines.findIndex((l) => /^\d+ {2}Prediction trace/.test(l));
  const b = lines.findIndex((l, i) => i > a && /labelled steps right/.test(l));
  assert.ok(a > 0 && b > a, 'the trace section is there');
  assert.ok(b - a + 1 <= 30, `the trace takes ${b - a + 1} lines`);
  const rest = lines.slice(a, b).join(' ');
  assert.match(rest, /Steps [\d-]+( and [\d-]+)? are not shown; every step, from this run saved to a file:/);
  const cmds = lines.slice(a, b).filter((l) => /^ {4}rnnscope /.test(l));
  assert.deepEqual(
    cmds.map((l) => l.trim().replace(/--id \S+/, '--id ID')),
    ['rnnscope train --count 300 --epochs 2 --length 40 --out run.safetensors', 'rnnscope trace --model run.safetensors --id ID'],
  );
  // The id is the traced sequence's.
  const id = /test sequence (\S+), steps/.exec(lines[a]!)![1];
  assert.ok(cmds[1]!.endsWith(`--id ${id}`), cmds[1]);
});
