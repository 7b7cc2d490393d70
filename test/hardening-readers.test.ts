/**
 * The data readers and the model-file decoder against hostile input (issue 16, items 5, 6, 9, 10):
 * their time grows linearly with a wide header or a long class list, a file of only separators is a
 * DataError, a message quotes at most an excerpt on one line, a delimiter papaparse would replace by its
 * own guess is refused, and, property-based (fast-check), any text or bytes either load or throw the
 * project's typed error, never a TypeError or RangeError.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { readDataFile, readDataText, readTextFile } from '../src/data/read.js';
import { readSeries } from '../src/data/series.js';
import { ConfigError, DataError, RnnscopeError } from '../src/errors.js';
import { decodeModel } from '../src/io/model.js';
import { decodeSafetensors } from '../src/io/safetensors.js';

const root = join(import.meta.dirname, '..', '..');

/** Runs `read`; returns the RnnscopeError it threw, or null when it loaded. Anything else fails the test. */
function outcome(read: () => unknown): RnnscopeError | null {
  try {
    read();
    return null;
  } catch (e) {
    if (e instanceof RnnscopeError) return e;
    throw e;
  }
}

/** The error's message, asserted to be one line of at most `max` characters. */
function oneLine(e: RnnscopeError | null, max = 1000): string {
  assert.ok(e !== null, 'an error');
  assert.doesNotMatch(e.message, /[\n\r\u2028\u2029]/, `one line: ${e.message.slice(0, 200)}`);
  assert.ok(e.message.length <= max, `at most ${max} characters, got ${e.message.length}: ${e.message.slice(0, 200)}...`);
  return e.message;
}

/** Least time of `f` over `n` runs, in ms: the run the machine's load disturbed least. */
function time(f: () => unknown, n = 5): number {
  let least = Infinity;
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    f();
    least = Math.min(least, performance.now() - t0);
  }
  return least;
}

const wideCsv = (cols: number) => {
  const names = Array.from({ length: cols }, (_, i) => `f${i}`);
  return `id,label,${names.join(',')}\ns,a,${names.map(() => '0.5').join(',')}\nt,b,${names.map(() => '1').join(',')}\n`;
};
const manyClasses = (n: number) =>
  JSON.stringify({ classes: Array.from({ length: n }, (_, i) => `c${i}`), sequences: [{ x: [[1]], y: 0 }] });

// ---- item 5: linear readers (the old ones searched the header, or the class list, once per name).

test('a CSV header of 40,000 columns reads in time linear in its width (ratio to 2,500 columns)', () => {
  // 16 times the columns: linear code takes about 16 times as long, quadratic code 256 times.
  const [small, large] = [wideCsv(2_500), wideCsv(40_000)];
  const long = { layout: 'long' } as const; // one row per sequence would otherwise be taken for a wide file
  readDataText(small, 'w.csv', long); // warm up
  // (the small read lasts about 2 ms: on a loaded machine it takes more tries to get one undisturbed)
  const ratio = time(() => readDataText(large, 'w.csv', long)) / time(() => readDataText(small, 'w.csv', long), 25);
  assert.ok(ratio < 64, `16 times the columns took ${ratio.toFixed(1)} times as long (quadratic: about 256)`);
});

test('a JSON file with 50,000 class names reads in a few times what JSON.parse of it takes', () => {
  // Against JSON.parse of the same text, not a smaller file: V8's own parse and garbage collection of
  // 50,000 strings grow faster than their count on a loaded machine, which a size ratio would blame
  // on the reader. Linear reading takes a few parses (5 measured); the quadratic one took 100s.
  const text = manyClasses(50_000);
  readDataText(manyClasses(1000), 'c.json'); // warm up
  const ratio = time(() => readDataText(text, 'c.json')) / time(() => JSON.parse(text));
  assert.ok(ratio < 40, `reading took ${ratio.toFixed(1)} times as long as JSON.parse of the text (quadratic: over 100)`);
});

test('a wide header and a long class list still catch a name given twice, and say where', () => {
  const header = wideCsv(50_000)
    .replace('f49999,', 'f7,')
    .replace(/,f49999\n/, ',f7\n');
  assert.match(
    oneLine(outcome(() => readDataText(header, 'w.csv', { layout: 'long' }))),
    /column "f7" appears twice in the header \(columns 10 and 50002\)/,
  );
  const doc = JSON.parse(manyClasses(30_000)) as { classes: string[] };
  doc.classes[29_999] = 'c12';
  const e = outcome(() => readDataText(JSON.stringify(doc), 'c.json'));
  assert.match(oneLine(e), /classes\[29999\]: "c12" is also classes\[12\]/);
});

test('a long cell of digits that is not a number is refused in time linear in its length (one cell against 16 cells a 16th as long)', () => {
  // The old DECIMAL pattern could split a run of digits in as many ways as it is long (20,000 digits and
  // a letter took 1.6 s), so one cell 16 times as long took about 16 times as long as the 16 short ones.
  const cell = (n: number) => `${'7'.repeat(n)}x`;
  const read = (c: string, times: number) => () => {
    let e: RnnscopeError | null = null;
    for (let i = 0; i < times; i++) e = outcome(() => readDataText(`id,label,f\ns,a,${c}\n`, 'd.csv'));
    return e;
  };
  const [short, long] = [cell(2_000), cell(32_000)];
  const refused = read(long, 1)();
  assert.ok(refused instanceof DataError && /"7{37}\.\.\." is not a number/.test(refused.message));
  const ratio = time(read(long, 5), 3) / time(read(short, 80), 3);
  assert.ok(ratio < 6, `one long cell took ${ratio.toFixed(1)} times as long as 16 short ones (quadratic: about 16)`);
});

// ---- item 6: a CSV of only separators

test('a CSV of only separators or blank lines is a DataError that says it has no header (the library and the web upload share it)', () => {
  for (const text of [',,,\n', ',,,', '\n,\n , ,\n', ';;;\n']) {
    const e = outcome(() => readDataText(text, 'x.csv', text.includes(';') ? { delimiter: ';' } : {}));
    assert.ok(e instanceof DataError, `a DataError for ${JSON.stringify(text)}`);
    assert.match(oneLine(e), /^x\.csv has only separators and blank lines, no header/);
  }
});

// ---- item 9: messages quote an excerpt, on one line

test('a 10 MB cell, label or id is quoted as a short excerpt in a one-line message', () => {
  const big = '9'.repeat(10_000_000);
  const cases: [string, RegExp][] = [
    [`id,label,f\ns,a,${big}\n`, /column "f": "9{37}\.\.\." is beyond float32's range/],
    [`id,label,f\ns,${big}.5,1\n`, /label "9{37}\.\.\." is not a class/],
    [`id,step,label,f\n${'x'.repeat(1e7)},0,a,1\n${'x'.repeat(1e7)},5,a,1\n`, /sequence "x{37}\.\.\." goes from step 0/],
    [`id,label,f\ns,a,${'z'.repeat(1e7)}\n`, /"z{37}\.\.\." is not a number/],
  ];
  for (const [text, re] of cases)
    assert.match(
      oneLine(
        outcome(() => readDataText(text, 'big.csv')),
        400,
      ),
      re,
    );
});

test('header names with line breaks, control characters or 10 MB of text make one-line messages', () => {
  const names = ['"multi\nline"', '"with\r\nCRLF"', '"esc\u001b[31m"', `"${'n'.repeat(1e7)}"`, '"sep\u2028arator"'];
  const e = outcome(() => readDataText(`id,${names.join(',')}\ns,1,2,3,4,5\n`, 'nl.csv'));
  const m = oneLine(e, 600);
  assert.match(
    m,
    /has no label column: its columns are id, "multi\\nline", "with\\nCRLF", "esc\\u001b\[31m", "n{37}\.\.\.", "sep\\u2028arator"/,
  );
  const twice = oneLine(outcome(() => readDataText('id,label,"a\nb","a\nb"\ns,1,2,3\n', 'nl.csv')));
  assert.match(twice, /column "a\\nb" appears twice/);
});

// ---- item 10: a delimiter papaparse would silently replace

test('a delimiter that is a quote, a line break, empty or longer than one character is refused, not replaced by a guess', () => {
  const text = 'id;label;f\ns;a;1\n';
  for (const d of ['"', '\n', '\r', '', ';;', '\ufeff']) {
    const e = outcome(() => readDataText(text, 'd.csv', { delimiter: d, optionNames: { delimiter: '--delimiter' } }));
    assert.ok(e instanceof ConfigError, `a ConfigError for ${JSON.stringify(d)}`);
    assert.match(oneLine(e), /^--delimiter must be one character other than a quote or a line break/);
  }
  assert.equal(
    readDataText('id\tlabel\tf\ns\ta\t1\n', 't.csv', { delimiter: '\\t' }).sequences.length,
    1,
    '"\\t" as typed in a shell is a tab',
  );
});

test('the series reader refuses the same delimiters, and a file of only separators is a DataError', () => {
  const text = 'month,v\n2000-01,1\n2000-02,2\n';
  for (const d of ['"', '\n', '\r\n', ';;']) {
    const e = outcome(() => readSeries(text, 's.csv', { delimiter: d }));
    assert.ok(e instanceof ConfigError, `a ConfigError for ${JSON.stringify(d)}`);
    assert.match(oneLine(e), /^--delimiter must be one character other than a quote or a line break/);
  }
  for (const t of [',,,\n', ',,,\n,,,\n', '\n\n,\n'])
    assert.ok(outcome(() => readSeries(t, 's.csv')) instanceof DataError, `a DataError for ${JSON.stringify(t)}`);
});

// ---- item 9: odd files by path

test('readDataFile: a loop of symbolic links and a device are DataErrors, a named pipe is read', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rnnscope-read-'));
  try {
    symlinkSync('b.csv', join(dir, 'a.csv'));
    symlinkSync('a.csv', join(dir, 'b.csv'));
    await assert.rejects(
      readDataFile(join(dir, 'a.csv')),
      (e: unknown) => e instanceof DataError && /a\.csv is a loop of symbolic links/.test(e.message),
    );
    // Read only up to its type: a device is refused before a byte of it is read.
    symlinkSync('/dev/urandom', join(dir, 'u.csv'));
    await assert.rejects(
      readDataFile(join(dir, 'u.csv')),
      (e: unknown) => e instanceof DataError && /u\.csv is a device, not a data file/.test(e.message),
    );
    // the series and regression commands read their files through the same reader
    for (const name of ['a.csv', 'u.csv']) await assert.rejects(readTextFile(join(dir, name)), (e: unknown) => e instanceof DataError);
    writeFileSync(join(dir, 'bin.csv'), Uint8Array.of(105, 100, 10, 0, 1, 2));
    await assert.rejects(
      readDataFile(join(dir, 'bin.csv')),
      (e: unknown) => e instanceof DataError && /binary data \(a zero byte at byte 4\)/.test(e.message),
    );
    execFileSync('mkfifo', [join(dir, 'pipe.csv')]);
    const writer = spawn('sh', ['-c', `printf 'id,label,f\\ns,a,1\\n' > '${join(dir, 'pipe.csv')}'`]);
    const written = new Promise((ok) => writer.once('exit', ok));
    assert.equal((await readDataFile(join(dir, 'pipe.csv'))).sequences.length, 1);
    await written;
    // A pipe with no extension (bash's <(zcat x.csv.gz) is /dev/fd/63) takes its format from its text.
    for (const [text, n] of [
      ['id,label,f\ns,a,1\nt,b,2\n', 2],
      [' {"sequences": [{"id": "a", "x": [[1]], "y": "up"}]}', 1],
    ] as const) {
      writeFileSync(join(dir, 'src'), text);
      execFileSync('mkfifo', [join(dir, 'pipe')]);
      const w = spawn('sh', ['-c', `cat '${join(dir, 'src')}' > '${join(dir, 'pipe')}'`]);
      const done = new Promise((ok) => w.once('exit', ok));
      assert.equal((await readDataFile(join(dir, 'pipe'))).sequences.length, n, text);
      await done;
      rmSync(join(dir, 'pipe'));
    }
    assert.throws(() => readDataText('id,label,f\ns,a,1\n', 'names.txt'), /names\.txt has the extension \.txt, so its format is unknown/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// ---- item 6: property-based. Any input either loads or throws the project's typed error.

/** CSV-ish text: the characters that matter to a CSV parser, in any order, and sometimes a real header. */
const csvText = fc.oneof(
  fc.string({ unit: fc.constantFrom(',', ';', '"', '\n', '\r', ' ', 'a', '1', '.', '-', 'e', '\ufeff', '\t', 'id', 'label', 'step') }),
  fc
    .tuple(
      fc.constantFrom('id,label,f', 'id,step,label,f,g', 'seq,t,y,x', 'id,label'),
      fc.array(fc.array(fc.oneof(fc.string(), fc.double().map(String), fc.integer().map(String)), { maxLength: 5 }), { maxLength: 6 }),
    )
    .map(([h, rows]) => [h, ...rows.map((r) => r.join(','))].join('\n')),
  fc.string(),
);

/** JSON-ish documents: valid JSON in the reader's shape with wrong types anywhere, or text. */
const jsonDoc = fc.oneof(
  fc.json(),
  fc.string(),
  fc
    .record(
      {
        sequences: fc.array(
          fc.record(
            {
              id: fc.oneof(fc.string(), fc.integer(), fc.constant(null)),
              x: fc.oneof(fc.array(fc.oneof(fc.double(), fc.array(fc.double(), { maxLength: 3 }), fc.string())), fc.anything()),
              y: fc.oneof(fc.string(), fc.integer({ min: -2, max: 5 }), fc.array(fc.oneof(fc.string(), fc.integer(), fc.constant(null)))),
            },
            { requiredKeys: [] },
          ),
          { maxLength: 5 },
        ),
        features: fc.oneof(fc.array(fc.string(), { maxLength: 3 }), fc.anything()),
        classes: fc.oneof(fc.array(fc.string(), { maxLength: 4 }), fc.anything()),
        name: fc.anything(),
      },
      { requiredKeys: ['sequences'] },
    )
    .map((d) => JSON.stringify(d)),
);

test('property: any CSV text either loads or throws the typed error (fast-check)', () => {
  fc.assert(
    fc.property(csvText, fc.constantFrom(undefined, ';', '\t'), (text, delimiter) => {
      outcome(() => readDataText(text, 'fuzz.csv', delimiter === undefined ? {} : { delimiter }));
    }),
    { numRuns: 600 },
  );
});

test('property: any JSON text either loads or throws the typed error (fast-check)', () => {
  fc.assert(
    fc.property(jsonDoc, (text) => {
      outcome(() => readDataText(text, 'fuzz.json'));
    }),
    { numRuns: 600 },
  );
});

const modelFile = new Uint8Array(readFileSync(join(root, 'test', 'fixtures', 'model', 'torch_rnn_seed.safetensors')));

/** A valid model file with edits: bytes flipped or overwritten, cut short, or extended. */
const mutatedModel = fc.oneof(
  fc
    .array(fc.tuple(fc.nat({ max: modelFile.length - 1 }), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 })
    .map((edits) => {
      const b = modelFile.slice();
      for (const [i, v] of edits) b[i] = v;
      return b;
    }),
  fc.nat({ max: modelFile.length }).map((n) => modelFile.slice(0, n)),
  fc.uint8Array({ maxLength: 64 }).map((tail) => Uint8Array.from([...modelFile, ...tail])),
  fc.uint8Array({ maxLength: 256 }),
);

test('property: any bytes, or a model file with bytes changed, cut or added, decode or throw the typed error (fast-check)', () => {
  fc.assert(
    fc.property(mutatedModel, (bytes) => {
      outcome(() => decodeSafetensors(bytes, 'fuzz.safetensors'));
      outcome(() => decodeModel(bytes, 'fuzz.safetensors'));
    }),
    { numRuns: 500 },
  );
});
