/**
 * Text end to end, as a user types it: a table of names (CSV and JSON) classified by their
 * characters, a plain text file as a character model, generation (the same seed, the same text),
 * the brackets task's views in characters, the cell pictures against the model's own trace, and the
 * bad inputs (one sentence, exit 2, nothing written). Plus prepare's rule: the vocabulary comes from
 * the training split alone.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { jsonLines, ok, run, tempDir } from './cli-helpers.js';
import { prepare } from '../src/train/prepare.js';
import { readTextTable } from '../src/data/text-data.js';
import { UNK_ID, Vocabulary } from '../src/data/text.js';
import { decodeModel } from '../src/io/model.js';
import type { RunMeta } from '../src/io/run-meta.js';

const NAMES = ['Maria', 'Anna', 'Julia', 'Sofia', 'Emma', 'Olga', 'Laura', 'Nina', 'Clara', 'Alina', 'Irina', 'Vera'].map((n) => [n, 'F']);
const MEN = ['John', 'Peter', 'Mark', 'Paul', 'Luke', 'Ivan', 'Oleg', 'Tom', 'Boris', 'Igor', 'Karl', 'Hugo'].map((n) => [n, 'M']);
const csv = (rows: string[][]) => `name,gender\n${rows.map((r) => r.join(',')).join('\n')}\n`;

function namesDir(): string {
  const dir = tempDir();
  writeFileSync(join(dir, 'names.csv'), csv([...NAMES, ...MEN]));
  writeFileSync(join(dir, 'names.json'), JSON.stringify([...NAMES, ...MEN].map(([name, gender]) => ({ name, gender }))));
  return dir;
}

test('the vocabulary is built from the training split alone; a character only held-out texts have reads as <unk>', () => {
  const rows = [...NAMES, ...MEN, ['Zoë', 'F']];
  const ds = readTextTable(csv(rows), 'n.csv', { column: 'name', label: 'gender' });
  const p = prepare({ data: ds, seed: 0 });
  const train = Vocabulary.build(
    p.split.train.map((s) => s.text!),
    'chars',
  );
  assert.deepEqual(p.dataset.text!.vocabulary, [...train.tokens]);
  const where = p.split.train.some((s) => s.text === 'Zoë') ? 'train' : 'held out';
  const zoe = [...p.split.val, ...p.split.test, ...p.split.train].find((s) => s.text === 'Zoë')!;
  // "ë" is in no other name: it has an id only if Zoë trained, else it is <unk>
  assert.equal(zoe.x[2] === UNK_ID, where === 'held out');
  // token ids go in as they are: no normalisation
  assert.ok(p.split.train.every((s) => s.x.every((v) => Number.isInteger(v) && v >= 2 && v < train.size)));
});

test('a CSV text column trains a classifier; predict takes the file without labels and strings on the command line', () => {
  const dir = namesDir();
  ok(
    run(
      [
        'train',
        '--data',
        'names.csv',
        '--text-col',
        'name',
        '--label-col',
        'gender',
        '--cell',
        'gru',
        '--epochs',
        '2',
        '--out',
        'n.safetensors',
      ],
      { cwd: dir },
    ),
  );
  const { meta } = decodeModel(new Uint8Array(readFileSync(join(dir, 'n.safetensors'))), 'n.safetensors');
  const m = meta as RunMeta;
  assert.equal(m.text?.kind, 'classify');
  assert.equal(m.text?.column, 'name');
  assert.deepEqual(m.classes, ['F', 'M']);
  writeFileSync(join(dir, 'new.csv'), 'name\nMaria\nXavier\n');
  const p = ok(run(['predict', '--model', 'n.safetensors', '--data', 'new.csv'], { cwd: dir }));
  assert.match(p.stdout, /^id,predicted,p_F,p_M\n1,[FM],/);
  const s = ok(run(['predict', '--model', 'n.safetensors', '--text', 'Maria', 'Jonas', '--json'], { cwd: dir }));
  const preds = jsonLines(s.stdout).filter((e) => e['type'] === 'prediction');
  assert.deepEqual(
    preds.map((e) => e['id']),
    ['Maria', 'Jonas'],
  );
});

test('a JSON list of texts trains the same way, a word at a time with --tokens words', () => {
  const dir = namesDir();
  const r = ok(
    run(['train', '--data', 'names.json', '--text-col', 'name', '--label-col', 'gender', '--tokens', 'words', '--epochs', '1', '--json'], {
      cwd: dir,
    }),
  );
  const data = jsonLines(r.stdout).find((e) => e['type'] === 'data') as { text: { tokenizer: string } };
  assert.equal(data.text.tokenizer, 'words');
  const model = jsonLines(r.stdout).find((e) => e['type'] === 'model') as { options: { embeddingDim: number } };
  assert.equal(model.options.embeddingDim, 32);
});

test('a plain text file trains a character model; generate streams a sample, the same seed the same text', () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'book.txt'), 'the cat sat on the mat. a dog ran far away.\n'.repeat(60));
  const t = ok(
    run(['train', '--text', 'book.txt', '--length', '40', '--cell', 'lstm', '--hidden', '16', '--epochs', '1', '--out', 'b.safetensors'], {
      cwd: dir,
    }),
  );
  assert.match(t.stdout, /Loss per character on the test part: [\d.]+ nats/);
  const g = (seed: string) =>
    ok(run(['generate', '--model', 'b.safetensors', '--prime', 'the ', '--length', '80', '--seed', seed, '--json'], { cwd: dir }));
  const text = (r: ReturnType<typeof run>) => jsonLines(r.stdout).find((e) => e['type'] === 'generated')!['text'] as string;
  const a = text(g('1'));
  assert.equal(Array.from(a).length, 80);
  assert.equal(text(g('1')), a);
  assert.notEqual(text(g('2')), a);
  const plain = ok(run(['generate', '--model', 'b.safetensors', '--prime', 'the ', '--length', '80', '--seed', '1'], { cwd: dir }));
  assert.equal(plain.stdout, `the ${a}\n`);
});

test('the brackets task: the main job shows characters in, the likeliest next characters out', () => {
  const r = ok(run(['--task', 'brackets', '--count', '200', '--epochs', '1']));
  assert.match(r.stdout, /^Vocabulary: \d+ tokens from the training split/m);
  assert.match(r.stdout, /input x_1 = '[a-f()[\]{}]'/);
  assert.match(r.stdout, /output: softmax\(head\(h_\d+\)\) = (\S+ \d\.\d+ {2}){4}\S+ \d\.\d+ -> /);
});

test("cells: the coloured unit is the model trace's own h, and the units are measured against depth", () => {
  const dir = tempDir();
  ok(run(['train', '--task', 'brackets', '--count', '200', '--epochs', '1', '--hidden', '6', '--out', 'br.safetensors'], { cwd: dir }));
  const text = 'ab(cd[e{f}]a)b'; // letters of the task's vocabulary (a-f)
  const c = jsonLines(ok(run(['cells', '--model', 'br.safetensors', '--text', text, '--unit', '3', '--json'], { cwd: dir })).stdout).find(
    (e) => e['type'] === 'cells',
  ) as { values: number[]; correlations: { quantity: string; r: number }[]; fires: unknown[] };
  const tr = jsonLines(ok(run(['trace', '--model', 'br.safetensors', '--text', text, '--json'], { cwd: dir })).stdout).find(
    (e) => e['type'] === 'trace',
  ) as { trace: { steps: { cells: { h: number[] }[] }[] }; inputs: string[] };
  assert.deepEqual(tr.inputs, Array.from(text).slice(0, text.length - 1));
  assert.deepEqual(
    c.values,
    tr.trace.steps.map((s) => s.cells[0]!.h[2]!),
  );
  assert.ok(c.correlations.some((k) => k.quantity === 'depth' && Math.abs(k.r) <= 1));
  assert.equal(c.fires.length, 5);
  const plain = ok(run(['cells', '--model', 'br.safetensors', '--text', text, '--unit', '3'], { cwd: dir }));
  assert.match(plain.stdout, /^ {2}ab\(cd\[e\{f\}\]a\)$/m);
});

test("cells --layer and --direction measure that cell's units: the values are its own h, and it says which", async () => {
  const dir = tempDir();
  const args = ['--task', 'brackets', '--count', '120', '--epochs', '1', '--hidden', '5', '--layers', '2', '--bidirectional'];
  ok(run(['train', ...args, '--out', 'bi.safetensors'], { cwd: dir }));
  const text = 'a(b[c]d)e';
  const cells = (more: string[]) =>
    jsonLines(ok(run(['cells', '--model', 'bi.safetensors', '--text', text, '--unit', '2', '--json', ...more], { cwd: dir })).stdout).find(
      (e) => e['type'] === 'cells',
    ) as { layer: number; direction: string; values: number[] };
  const { loadModelRun } = await import('../src/cli/model-run.js');
  const { unitValues } = await import('../src/explain/cells.js');
  const r = await loadModelRun(join(dir, 'bi.safetensors'), { strings: [text] }, false);
  const own = (layer: number, direction: number) => unitValues(r.model, r.sequences[0]!, { layer, direction }).map((h) => h[1]!);
  const low = cells(['--layer', '1', '--direction', 'reverse']);
  assert.equal(low.layer, 1);
  assert.equal(low.direction, 'reverse');
  assert.deepEqual(low.values, own(0, 1));
  const top = cells([]);
  assert.deepEqual([top.layer, top.direction], [2, 'forward']);
  assert.deepEqual(top.values, own(1, 0));
  assert.notDeepEqual(low.values, top.values);
  const plain = ok(run(['cells', '--model', 'bi.safetensors', '--text', text, '--layer', '1', '--direction', 'reverse'], { cwd: dir }));
  assert.match(plain.stdout, /^Unit \d+ of 5 \(layer 1 of 2, reverse\) on/m);
  for (const [more, message] of [
    [['--layer', '3'], /--layer 3 is out of range: the model has 2 layers \(1 to 2\)/],
    [['--direction', 'sideways'], /--direction/],
  ] as const) {
    const bad = run(['cells', '--model', 'bi.safetensors', ...more], { cwd: dir });
    assert.equal(bad.code, 2, bad.stderr);
    assert.match(bad.stderr, message);
  }
  ok(run(['train', '--task', 'brackets', '--count', '120', '--epochs', '1', '--hidden', '4', '--out', 'one.safetensors'], { cwd: dir }));
  const rev = run(['cells', '--model', 'one.safetensors', '--direction', 'reverse'], { cwd: dir });
  assert.equal(rev.code, 2);
  assert.match(rev.stderr, /--direction reverse needs a bidirectional model/);
});

test('bad text input: one sentence, exit 2, nothing written', () => {
  const dir = namesDir();
  writeFileSync(join(dir, 'empty.txt'), '');
  writeFileSync(join(dir, 'latin1.txt'), Buffer.from([0x61, 0x62, 0x0a, 0xe9, 0x74, 0xe9]));
  writeFileSync(join(dir, 'hole.csv'), 'name,gender\nMaria,F\n,M\nJohn,M\n');
  writeFileSync(join(dir, 'nolabel.csv'), 'name\nMaria\nJohn\n');
  const before = readdirSync(dir).sort();
  const cases: [string[], RegExp][] = [
    [['train', '--text', 'empty.txt'], /empty.txt is empty/],
    [['train', '--text', 'latin1.txt'], /latin1.txt is not UTF-8 text \(line 2/],
    [['train', '--data', 'names.csv', '--text-col', 'nom', '--label-col', 'gender'], /no text column "nom"/],
    [['train', '--data', 'hole.csv', '--text-col', 'name', '--label-col', 'gender'], /row 3 has an empty text/],
    [['train', '--data', 'nolabel.csv', '--text-col', 'name'], /has no label column/],
    [['train', '--data', 'names.csv', '--text-col', 'name', '--label-col', 'sex'], /no label column "sex"/],
  ];
  for (const [args, message] of cases) {
    const r = run(args, { cwd: dir });
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  }
  assert.deepEqual(readdirSync(dir).sort(), before);
  writeFileSync(join(dir, 'book.txt'), 'abc abc abc. '.repeat(40));
  ok(run(['train', '--text', 'book.txt', '--length', '20', '--epochs', '1', '--out', 'b.safetensors'], { cwd: dir }));
  const g = run(['generate', '--model', 'b.safetensors', '--prime', 'abж'], { cwd: dir });
  assert.equal(g.code, 2);
  assert.match(g.stderr, /--prime has a character the model never saw in training \("ж"\)/);
  assert.equal(g.stdout, '');
});

test('a model file whose vocabulary disagrees with its token input is refused in one sentence', async () => {
  const { SequenceModel } = await import('../src/nn/model.js');
  const { encodeModel } = await import('../src/io/model.js');
  const m = new SequenceModel({ mode: 'gru', inputSize: 5, hiddenSize: 3, numClasses: 5, vocabSize: 5 });
  const text = { tokenizer: 'chars' as const, kind: 'next' as const, vocabulary: ['<pad>', '<unk>', 'a', 'b', 'c'] };
  assert.equal(decodeModel(encodeModel(m, { text }), 'ok.safetensors').model.options.vocabSize, 5);
  assert.throws(
    () => decodeModel(encodeModel(m, { text: { ...text, vocabulary: ['<pad>', '<unk>', 'a', 'b'] } }), 'bad.safetensors'),
    /4 vocabulary tokens but the model reads 5 \(vocabSize\)/,
  );
  assert.throws(
    () => decodeModel(encodeModel(m, { text: { ...text, vocabulary: ['<pad>', 'a', '<unk>', 'b', 'c'] } }), 'bad.safetensors'),
    /begin with <pad> and <unk>/,
  );
});
