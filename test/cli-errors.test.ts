/**
 * Bad input, end to end (docs/ARCHITECTURE.md, "Errors are one sentence"; issue 3): each mistake a user can make gets one line
 * on stderr, "rnnscope: ..." (commander's usage errors too, with their hint on the same line), that names the file, line, column or option
 * involved; exit code 2; no stack trace; and nothing written. Each case runs in a fresh directory
 * holding only the files it needs (copied from test/fixtures/data/ where one fits). The stderr of
 * every case is kept in test/golden/errors.txt, so that the wording is reviewed.
 *
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  assertGolden,
  copyIn,
  describeRun,
  modelFixtures,
  ok,
  run,
  seededBytes,
  snapshot,
  tempDir,
  transcript,
  type Run,
} from './cli-helpers.js';

interface Case {
  name: string;
  args: string[];
  /** Puts the files the case needs into its directory. */
  setup?: (dir: string) => void;
  /** What the one line must name: the file, line, column, option, value. */
  names: RegExp[];
  /** A bug: what is wrong today. */
}

/** A CSV to train on: 8 sequences of 3 steps, 2 features (temp, pressure), classes down and up only. */
function walksCsv(): string {
  const rows = ['id,step,temp,pressure,label'];
  for (let s = 0; s < 8; s++) {
    const up = s % 2 === 0;
    for (let t = 0; t < 3; t++) rows.push(`w${s},${t},${(up ? t : -t) * 0.3 + s * 0.01},${1 + t * 0.01},${up ? 'up' : 'down'}`);
  }
  return rows.join('\n') + '\n';
}

let walksModel: string | null = null;
/** A model trained by the CLI on walksCsv() (2 features, classes down and up), copied into `dir`. */
function trainedModel(dir: string, as = 'walks.safetensors'): void {
  if (!walksModel) {
    const d = tempDir();
    writeFileSync(join(d, 'walks.csv'), walksCsv());
    ok(run(['train', '--data', 'walks.csv', '--epochs', '1', '--out', 'walks.safetensors'], { cwd: d }));
    walksModel = join(d, 'walks.safetensors');
  }
  copyFileSync(walksModel, join(dir, as));
}

const torchModel = join(modelFixtures, 'torch_rnn_seed.safetensors');
const torchBytes = () => new Uint8Array(readFileSync(torchModel));

const cases: Case[] = [
  // ---- data files
  { name: 'a missing data file', args: ['train', '--data', 'missing.csv'], names: [/missing\.csv/, /does not exist/] },
  {
    name: 'a data file that is a directory',
    args: ['train', '--data', 'walks'],
    setup: (d) => mkdirSync(join(d, 'walks')),
    names: [/walks/, /directory/],
  },
  {
    name: 'a data file of unknown format',
    args: ['train', '--data', 'data.txt'],
    setup: (d) => copyIn(d, 'data.txt'),
    names: [/data\.txt/, /\.csv or \.json/],
  },
  {
    name: 'an empty CSV file',
    args: ['train', '--data', 'empty.csv'],
    setup: (d) => copyIn(d, 'empty.csv'),
    names: [/empty\.csv/, /is empty/],
  },
  {
    name: 'an empty JSON file',
    args: ['train', '--data', 'blank.json'],
    setup: (d) => copyIn(d, 'blank.json'),
    names: [/blank\.json/, /is empty/],
  },
  {
    name: 'a CSV with a header and no rows',
    args: ['train', '--data', 'header-only.csv'],
    setup: (d) => copyIn(d, 'header-only.csv'),
    names: [/header-only\.csv/, /line 1/, /no rows/],
  },
  {
    name: 'a CSV with a ragged row',
    args: ['train', '--data', 'ragged.csv'],
    setup: (d) => copyIn(d, 'ragged.csv'),
    names: [/ragged\.csv/, /line 3/, /4 fields/, /header/],
  },
  {
    name: 'a JSON file with a ragged step',
    args: ['train', '--data', 'ragged.json'],
    setup: (d) => copyIn(d, 'ragged.json'),
    names: [/ragged\.json/, /sequences\[1\]\.x\[1\]/],
  },
  {
    name: 'a CSV with an unclosed quote',
    args: ['train', '--data', 'unclosed-quote.csv'],
    setup: (d) => copyIn(d, 'unclosed-quote.csv'),
    names: [/unclosed-quote\.csv/, /line 3/, /quote/],
  },
  {
    name: 'a non-numeric feature',
    args: ['train', '--data', 'not-a-number.csv'],
    setup: (d) => copyIn(d, 'not-a-number.csv'),
    names: [/not-a-number\.csv/, /line 3/, /column "b"/, /"two"/],
  },
  {
    name: 'NaN in a CSV feature',
    args: ['train', '--data', 'nan.csv'],
    setup: (d) => copyIn(d, 'nan.csv'),
    names: [/nan\.csv/, /line 3/, /column "a"/, /NaN/],
  },
  {
    name: 'Infinity in a CSV feature',
    args: ['train', '--data', 'infinity.csv'],
    setup: (d) => copyIn(d, 'infinity.csv'),
    names: [/infinity\.csv/, /line 2/, /column "b"/, /Infinity/],
  },
  {
    name: 'NaN in a JSON file',
    args: ['train', '--data', 'nan.json'],
    setup: (d) => copyIn(d, 'nan.json'),
    names: [/nan\.json/, /line 2, column 23/, /NaN/],
  },
  {
    name: 'a JSON syntax error',
    args: ['train', '--data', 'syntax.json'],
    setup: (d) => copyIn(d, 'syntax.json'),
    names: [/syntax\.json/, /line 3, column 29/],
  },
  {
    name: 'a missing label column',
    args: ['train', '--data', 'no-label-column.csv'],
    setup: (d) => copyIn(d, 'no-label-column.csv'),
    names: [/no-label-column\.csv/, /label/, /--label-col/],
  },
  {
    name: 'a --label-col that names no column',
    args: ['train', '--data', 'steps.csv', '--label-col', 'class'],
    setup: (d) => copyIn(d, 'steps.csv'),
    names: [/steps\.csv/, /"class"/, /--label-col/],
  },
  {
    name: 'a --features name that is no column',
    args: ['train', '--data', 'steps.csv', '--features', 'temp,wind'],
    setup: (d) => copyIn(d, 'steps.csv'),
    names: [/steps\.csv/, /"wind"/],
  },
  {
    name: 'a CSV separated by semicolons',
    args: ['train', '--data', 'semicolons.csv'],
    setup: (d) => copyIn(d, 'semicolons.csv'),
    names: [/semicolons\.csv/, /line 1/, /";"/, /^(?!.*delimiter option)/],
  },
  {
    name: 'a CSV of only separators',
    args: ['train', '--data', 'x.csv'],
    setup: (d) => writeFileSync(join(d, 'x.csv'), ',,,\n'),
    names: [/x\.csv/, /only separators/],
  },
  {
    name: 'a quote as --delimiter',
    args: ['train', '--data', 'walks.csv', '--delimiter', '"'],
    setup: (d) => writeFileSync(join(d, 'walks.csv'), walksCsv()),
    names: [/--delimiter/, /"\\""/],
  },
  {
    name: 'a line break as the --delimiter of a series',
    args: ['train', '--series', 's.csv', '--target', 'v', '--window', '2', '--delimiter', '\n'],
    setup: (d) => writeFileSync(join(d, 's.csv'), 'month,v\n2000-01,1\n2000-02,2\n2000-03,3\n'),
    names: [/--delimiter/, /"\\n"/],
  },
  {
    name: 'a data file holding a zero byte',
    args: ['train', '--data', 'bin.csv'],
    setup: (d) => writeFileSync(join(d, 'bin.csv'), Uint8Array.of(105, 100, 10, 0, 1)),
    names: [/bin\.csv/, /binary/, /byte 4/],
  },
  {
    name: 'a loop of symbolic links as --data',
    args: ['train', '--data', 'a.csv'],
    setup: (d) => {
      symlinkSync('b.csv', join(d, 'a.csv'));
      symlinkSync('a.csv', join(d, 'b.csv'));
    },
    names: [/a\.csv/, /loop of symbolic links/],
  },
  {
    name: 'a 1 MB cell',
    args: ['train', '--data', 'big.csv'],
    setup: (d) => writeFileSync(join(d, 'big.csv'), `id,step,x,label\na,1,${'7'.repeat(1_000_000)}x,up\n`),
    names: [/big\.csv/, /line 2/, /"7{37}\.\.\."/],
  },
  {
    name: 'a header name with a line break',
    args: ['train', '--data', 'nl.csv', '--label-col', 'class'],
    setup: (d) => writeFileSync(join(d, 'nl.csv'), 'id,step,"x\ny",label\na,1,1,up\n'),
    names: [/nl\.csv/, /"x\\ny"/],
  },
  {
    name: '--out is a FIFO, with --force',
    args: ['train', '--data', 'walks.csv', '--out', 'm.safetensors', '--force'],
    setup: (d) => {
      writeFileSync(join(d, 'walks.csv'), walksCsv());
      execFileSync('mkfifo', [join(d, 'm.safetensors')]);
    },
    names: [/m\.safetensors/, /FIFO/, /not a regular file/],
  },
  {
    name: '--out is a symbolic link, with --force',
    args: ['predict', '--model', 'walks.safetensors', '--data', 'walks.csv', '--out', 'p.csv', '--force'],
    setup: (d) => {
      trainedModel(d);
      writeFileSync(join(d, 'walks.csv'), walksCsv());
      writeFileSync(join(d, 'mine.csv'), 'keep me\n');
      symlinkSync('mine.csv', join(d, 'p.csv'));
    },
    names: [/p\.csv/, /symbolic link/, /not a regular file/],
  },
  {
    name: 'a step out of order',
    args: ['train', '--data', 'step-out-of-order.csv'],
    setup: (d) => copyIn(d, 'step-out-of-order.csv'),
    names: [/step-out-of-order\.csv/, /line 5/, /column "step"/, /"s1"/],
  },
  {
    name: 'a repeated step',
    args: ['train', '--data', 'step-repeated.csv'],
    setup: (d) => copyIn(d, 'step-repeated.csv'),
    names: [/step-repeated\.csv/, /line 4/, /"s1"/, /twice/],
  },
  {
    name: 'a gap in the steps',
    args: ['train', '--data', 'step-gap.csv'],
    setup: (d) => copyIn(d, 'step-gap.csv'),
    names: [/step-gap\.csv/, /line 4/, /"s1"/],
  },
  {
    name: 'a real number as a label',
    args: ['train', '--data', 'real-label.csv'],
    setup: (d) => copyIn(d, 'real-label.csv'),
    names: [/real-label\.csv/, /line 2/, /column "label"/, /0\.7/],
  },
  {
    name: 'a label never seen in training (predict)',
    args: ['predict', '--model', 'walks.safetensors', '--data', 'steps.csv', '--out', 'predictions.csv'],
    setup: (d) => {
      trainedModel(d);
      copyIn(d, 'steps.csv');
    },
    names: [/steps\.csv/, /line 8/, /column "label"/, /"flat"/, /down, up/],
  },
  {
    name: 'a label never seen in training (trace)',
    args: ['trace', '--model', 'walks.safetensors', '--data', 'steps.csv'],
    setup: (d) => {
      trainedModel(d);
      copyIn(d, 'steps.csv');
    },
    names: [/steps\.csv/, /line 8/, /"flat"/],
  },
  {
    name: 'a feature count that does not match the model',
    args: ['predict', '--model', 'walks.safetensors', '--data', 'interleaved.csv', '--features', 'a', '--out', 'predictions.csv'],
    setup: (d) => {
      trainedModel(d);
      copyIn(d, 'interleaved.csv');
    },
    names: [/interleaved\.csv/, /1 feature/, /2/],
  },
  {
    name: "a data file without the model's feature columns",
    args: ['predict', '--model', 'walks.safetensors', '--data', 'interleaved.csv', '--out', 'predictions.csv'],
    setup: (d) => {
      trainedModel(d);
      copyIn(d, 'interleaved.csv');
    },
    names: [/interleaved\.csv/, /no column "temp"/, /trained on \(temp, pressure\)/],
  },
  {
    name: 'a data file with new classes for --resume',
    args: ['train', '--resume', 'walks.safetensors', '--data', 'steps.csv', '--epochs', '3', '--out', 'more.safetensors'],
    setup: (d) => {
      trainedModel(d);
      copyIn(d, 'steps.csv');
    },
    names: [/steps\.csv/, /"flat"/],
  },
  // ---- model files
  { name: 'a missing model file', args: ['predict', '--model', 'missing.safetensors'], names: [/missing\.safetensors/, /no such file/] },
  {
    name: 'an empty model file',
    args: ['inspect', 'empty.safetensors'],
    setup: (d) => writeFileSync(join(d, 'empty.safetensors'), ''),
    names: [/empty\.safetensors/, /is empty/],
  },
  {
    name: 'a model file truncated in its header',
    args: ['inspect', 'truncated.safetensors'],
    setup: (d) => writeFileSync(join(d, 'truncated.safetensors'), torchBytes().subarray(0, 100)),
    names: [/truncated\.safetensors/, /truncated/],
  },
  {
    name: 'a model file truncated in its tensors',
    args: ['predict', '--model', 'truncated.safetensors', '--data', 'steps.csv'],
    setup: (d) => {
      writeFileSync(join(d, 'truncated.safetensors'), torchBytes().subarray(0, 1000));
      copyIn(d, 'steps.csv');
    },
    names: [/truncated\.safetensors/, /truncated/],
  },
  {
    name: 'a corrupt model file (random bytes)',
    args: ['inspect', 'corrupt.safetensors'],
    setup: (d) => writeFileSync(join(d, 'corrupt.safetensors'), seededBytes(3000)),
    names: [/corrupt\.safetensors/, /not a safetensors file/],
  },
  {
    name: 'a corrupt model file given to trace',
    args: ['trace', '--model', 'corrupt.safetensors'],
    setup: (d) => writeFileSync(join(d, 'corrupt.safetensors'), seededBytes(3000)),
    names: [/corrupt\.safetensors/],
  },
  {
    name: 'a JSON file given as a model',
    args: ['inspect', 'model.safetensors'],
    setup: (d) => writeFileSync(join(d, 'model.safetensors'), '{"weights": [1, 2, 3]}\n'),
    names: [/model\.safetensors/],
  },
  {
    name: 'a model file that is a directory',
    args: ['inspect', 'model.safetensors'],
    setup: (d) => mkdirSync(join(d, 'model.safetensors')),
    names: [/model\.safetensors/, /is a directory/],
  },
  {
    name: '--resume with a directory',
    args: ['train', '--resume', 'model.safetensors', '--epochs', '3'],
    setup: (d) => mkdirSync(join(d, 'model.safetensors')),
    names: [/model\.safetensors/, /is a directory/],
  },
  // ---- never overwrite without --force
  {
    name: 'train over an existing model without --force',
    args: ['train', '--count', '100', '--epochs', '1'],
    setup: (d) => trainedModel(d, 'model.safetensors'),
    names: [/model\.safetensors/, /already exists/, /--force/],
  },
  {
    name: 'predict over an existing file without --force',
    args: ['predict', '--model', 'walks.safetensors', '--data', 'walks.csv', '--out', 'predictions.csv'],
    setup: (d) => {
      trainedModel(d);
      writeFileSync(join(d, 'walks.csv'), walksCsv());
      writeFileSync(join(d, 'predictions.csv'), 'mine\n');
    },
    names: [/predictions\.csv/, /already exists/, /--force/],
  },
  {
    name: '--out in a directory that does not exist',
    args: ['train', '--count', '100', '--epochs', '1', '--out', 'nowhere/model.safetensors'],
    names: [/nowhere\/model\.safetensors/, /does not exist/],
  },
  // ---- the command line
  { name: 'an unknown option', args: ['train', '--bogus'], names: [/--help/, /--bogus/] },
  { name: 'an unknown option of the main job', args: ['--bogus'], names: [/--help/, /--bogus/] },
  {
    name: 'an unknown command',
    args: ['frobnicate'],
    names: [/frobnicate/, /command/],
  },
  {
    name: 'help for an unknown command',
    args: ['help', 'frobnicate'],
    names: [/frobnicate/, /command/],
  },
  { name: 'a missing required option', args: ['predict'], names: [/--help/, /--model/] },
  { name: 'a missing argument', args: ['inspect'], names: [/--help/, /'file'/] },
  { name: '--hidden 0', args: ['train', '--hidden', '0'], names: [/--hidden/, /'0'/, /from 1 to 4096/] },
  { name: '--lr -1', args: ['train', '--lr', '-1'], names: [/--lr/, /'-1'/, /above 0/] },
  {
    name: '--dropout 1.5 with --layers 2',
    args: ['train', '--dropout', '1.5', '--layers', '2'],
    names: [/--dropout/, /'1\.5'/, /0 to 0\.99/],
  },
  { name: '--epochs 0', args: ['train', '--epochs', '0'], names: [/--epochs/, /'0'/] },
  { name: '--batch-size abc', args: ['train', '--batch-size', 'abc'], names: [/--batch-size/, /'abc'/, /integer/] },
  { name: '--cell foo', args: ['train', '--cell', 'foo'], names: [/--cell/, /'foo'/, /lstm/] },
  { name: '--task nope', args: ['train', '--task', 'nope'], names: [/--task/, /'nope'/, /trend/] },
  { name: '--count 5', args: ['train', '--count', '5'], names: [/--count/, /'5'/, /from 10/] },
  { name: '--seed 1.5', args: ['train', '--seed', '1.5'], names: [/--seed/, /'1\.5'/, /integer/] },
  { name: '--threads 3', args: ['train', '--threads', '3'], names: [/--threads/, /'3'/, /1, 2 or auto/] },
  { name: '--step 0 for trace', args: ['trace', '--step', '0'], names: [/--step/, /'0'/] },
  { name: 'a bad --answers list for quiz', args: ['quiz', '--answers', 'b,x'], names: [/--answers/, /Answer 2/, /"x"/] },
  {
    name: '--step past the end of the sequence',
    args: ['trace', '--model', 'walks.safetensors', '--data', 'walks.csv', '--step', '9'],
    setup: (d) => {
      trainedModel(d);
      writeFileSync(join(d, 'walks.csv'), walksCsv());
    },
    names: [/--step 9/, /3 steps/],
  },
  {
    name: '--index out of range',
    args: ['trace', '--model', 'walks.safetensors', '--data', 'walks.csv', '--index', '99'],
    setup: (d) => {
      trainedModel(d);
      writeFileSync(join(d, 'walks.csv'), walksCsv());
    },
    names: [/--index 99/, /walks\.csv/, /8 sequences/],
  },
  {
    name: '--id that no sequence has',
    args: ['trace', '--model', 'walks.safetensors', '--data', 'walks.csv', '--id', 'w99'],
    setup: (d) => {
      trainedModel(d);
      writeFileSync(join(d, 'walks.csv'), walksCsv());
    },
    names: [/"w99"/, /walks\.csv/],
  },
  {
    name: '--resume without --epochs',
    args: ['train', '--resume', 'walks.safetensors', '--data', 'walks.csv'],
    setup: (d) => {
      trainedModel(d);
      writeFileSync(join(d, 'walks.csv'), walksCsv());
    },
    names: [/--epochs/, /walks\.safetensors/],
  },
  // ---- conflicting options
  {
    name: '--task with --data',
    args: ['train', '--task', 'trend', '--data', 'steps.csv'],
    setup: (d) => copyIn(d, 'steps.csv'),
    names: [/--task/, /--data/],
  },
  { name: '--proj without --cell lstm', args: ['train', '--proj', '4'], names: [/--proj/, /lstm/] },
  { name: '--proj not below --hidden', args: ['train', '--cell', 'lstm', '--proj', '8'], names: [/--proj/, /--hidden/] },
  { name: '--delay with --task trend', args: ['train', '--task', 'trend', '--delay', '3'], names: [/--delay/, /--task delay/] },
  { name: '--dropout with one layer', args: ['train', '--dropout', '0.5'], names: [/--dropout/, /--layers 2/] },
  {
    name: '--count with --data',
    args: ['train', '--data', 'steps.csv', '--count', '100'],
    setup: (d) => copyIn(d, 'steps.csv'),
    names: [/--count/, /--data/],
  },
  { name: '--nesterov with adam', args: ['train', '--nesterov'], names: [/--nesterov/, /sgd/] },
  {
    name: '--cell with a model file (flow)',
    args: ['flow', '--model', 'walks.safetensors', '--cell', 'lstm'],
    setup: (d) => trainedModel(d),
    names: [/--cell/, /walks\.safetensors/],
  },
  { name: '--cell for compare', args: ['compare', '--cell', 'gru'], names: [/--cell/] },
  {
    name: 'a task option with a model file (trace)',
    args: ['trace', '--model', 'walks.safetensors', '--data', 'walks.csv', '--length', '3'],
    setup: (d) => {
      trainedModel(d);
      writeFileSync(join(d, 'walks.csv'), walksCsv());
    },
    names: [/--length/],
  },
  {
    name: 'a task option with a model file (flow)',
    args: ['flow', '--model', 'walks.safetensors', '--data', 'walks.csv', '--count', '50'],
    setup: (d) => {
      trainedModel(d);
      writeFileSync(join(d, 'walks.csv'), walksCsv());
    },
    names: [/--count/],
  },
];

interface Outcome {
  run: Run;
  before: Record<string, string>;
  after: Record<string, string>;
}

const outcomes = new Map<Case, Outcome>();
function outcome(c: Case): Outcome {
  let o = outcomes.get(c);
  if (!o) {
    const dir = tempDir();
    c.setup?.(dir);
    const before = snapshot(dir);
    const r = run(c.args, { cwd: dir });
    o = { run: r, before, after: snapshot(dir) };
    outcomes.set(c, o);
  }
  return o;
}

for (const c of cases) {
  test(`rnnscope ${c.args.join(' ')}: ${c.name} gets one line on stderr, exit code 2, and writes nothing`, () => {
    const { run: r, before, after } = outcome(c);
    assert.doesNotMatch(r.stderr, /^\s+at /m, `a stack trace:\n${r.stderr}`);
    assert.equal(r.code, 2, describeRun(r));
    assert.equal(r.stdout, '', 'nothing on stdout');
    const lines = r.stderr.split('\n').filter((l) => l !== '');
    assert.ok(lines.length > 0, 'a message on stderr');
    const [first, ...rest] = lines as [string, ...string[]];
    assert.match(first, /^rnnscope: \S/, 'the line starts with "rnnscope:"');
    assert.deepEqual(rest, [], 'one line');
    for (const re of c.names) assert.match(first, re);
    assert.deepEqual(after, before, 'the directory holds what it held before, byte for byte');
  });
}

test('the wording of every bad-input message matches test/golden/errors.txt', () => {
  const text = cases.map((c) => `# ${c.name}\n${transcript(outcome(c).run, { stdout: false })}`).join('\n');
  assertGolden('errors', text);
});
