/**
 * Text as tokens: the tokenisers, the vocabulary's stated rule (<pad> 0, <unk> 1, then by count and
 * code point; unknown tokens to <unk>), chunks of one text split by position with no leak across the
 * boundaries, and the brackets task's strings (well formed, depth right).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { chunkByPosition, PAD_ID, tokenize, UNK_ID, Vocabulary } from '../src/data/text.js';
import { bracketStrings, closingTargets, CLOSERS, OPENERS } from '../src/data/text-tasks.js';

test('characters are code points; words keep inner apostrophes and hyphens and split punctuation off', () => {
  assert.deepEqual(tokenize('añ😀', 'chars'), ['a', 'ñ', '😀']);
  assert.deepEqual(tokenize("Don't stop-gap, ok?  Ça va.", 'words'), ["Don't", 'stop-gap', ',', 'ok', '?', 'Ça', 'va', '.']);
});

test('the vocabulary: <pad> and <unk> first, then by count, ties by code point; unseen tokens are <unk>', () => {
  const v = Vocabulary.build(['abba', 'cab'], 'chars');
  assert.deepEqual(v.tokens, ['<pad>', '<unk>', 'a', 'b', 'c']);
  const { ids, unknown } = v.encode('abz');
  assert.deepEqual(Array.from(ids), [2, 3, UNK_ID]);
  assert.equal(unknown, 1);
  assert.equal(v.decode([2, PAD_ID, 3, UNK_ID]), 'ab<unk>');
  assert.equal(Vocabulary.build(['a a b'], 'chars').show(2), '␣');
  assert.deepEqual(Vocabulary.build(['aabbbc'], 'chars', { minCount: 2, maxSize: 3 }).tokens, ['<pad>', '<unk>', 'b']);
  assert.throws(() => Vocabulary.build([''], 'chars'), /no tokens to build a vocabulary from/);
});

test('property: any text of the training split round-trips through its vocabulary; the list survives JSON', () => {
  fc.assert(
    fc.property(fc.array(fc.string({ unit: 'grapheme', maxLength: 30 }), { minLength: 1, maxLength: 5 }), (texts) => {
      fc.pre(texts.some((t) => t.length > 0) && texts.every((t) => !t.includes('<pad>') && !t.includes('<unk>')));
      const v = Vocabulary.build(texts, 'chars');
      const again = Vocabulary.fromJSON(JSON.parse(JSON.stringify(v.toJSON())));
      for (const t of texts) {
        const { ids, unknown } = again.encode(t);
        assert.equal(unknown, 0);
        assert.equal(again.decode(ids), t);
      }
    }),
    { numRuns: 200 },
  );
});

test('a broken vocabulary list is refused with a sentence', () => {
  assert.throws(() => Vocabulary.fromJSON({ tokenizer: 'chars', tokens: ['a', 'b'] }), /first two tokens must be <pad> and <unk>/);
  assert.throws(() => Vocabulary.fromJSON({ tokenizer: 'chars', tokens: ['<pad>', '<unk>', 'a', 'a'] }), /lists a token twice/);
  assert.throws(
    () => Vocabulary.fromJSON({ tokenizer: 'bytes' as 'chars', tokens: ['<pad>', '<unk>'] }),
    /tokenizer must be chars or words/,
  );
});

test('chunks of a text are split by position: train, then validation, then test, none crossing a boundary', () => {
  const ids = Int32Array.from({ length: 1000 }, (_, i) => i);
  const { train, val, test: tst } = chunkByPosition(ids, 20);
  const span = (c: { x: Int32Array[]; y: Int32Array[] }) => {
    const all = c.x.flatMap((x, i) => [...x, ...c.y[i]!]);
    return [Math.min(...all), Math.max(...all)];
  };
  const [, trainMax] = span(train);
  const [valMin, valMax] = span(val);
  const [testMin] = span(tst);
  assert.ok(trainMax! < valMin! && valMax! < testMin!, `train ..${trainMax}, val ${valMin}..${valMax}, test ${testMin}..`);
  assert.ok(trainMax! < 800 && testMin! >= 900);
  train.x.forEach((x, i) =>
    assert.deepEqual(
      Array.from(train.y[i]!),
      Array.from(x, (v) => v + 1),
      'the target is the next token',
    ),
  );
  assert.equal(train.x.length, 39);
  assert.throws(() => chunkByPosition(Int32Array.from([1, 2, 3]), 20), /too short for chunks of 20 tokens/);
});

test('brackets: every string is well formed, its depth is right, and the same seed gives the same strings', () => {
  const strings = bracketStrings(5, { count: 300, maxDepth: 3 });
  for (const { text, depth } of strings) {
    const stack: string[] = [];
    Array.from(text).forEach((c, i) => {
      if (OPENERS.includes(c)) stack.push(CLOSERS[OPENERS.indexOf(c)]!);
      else if (CLOSERS.includes(c)) assert.equal(stack.pop(), c, `${text}: ${c} at ${i} closes the innermost open bracket`);
      assert.equal(depth[i], stack.length);
      assert.ok(stack.length <= 3);
    });
    assert.equal(stack.length, 0, `${text} closes everything`);
  }
  assert.ok(
    strings.some((s) => Math.max(...s.depth) === 3),
    'the deepest nesting occurs',
  );
  assert.deepEqual(
    bracketStrings(5, { count: 3 }).map((s) => s.text),
    bracketStrings(5, { count: 3 }).map((s) => s.text),
  );
  assert.deepEqual(closingTargets('a(b)c'), [2]);
});

test("the data flow of a token model has its embedding (or one-hot) stage: ids in, the first layer's input out", async () => {
  const { dataFlow } = await import('../src/explain/flow.js');
  const { SequenceModel } = await import('../src/nn/model.js');
  const seq = { id: 's', length: 3, x: Float32Array.of(2, 0, 4), y: new Int32Array(3) };
  const emb = new SequenceModel({ mode: 'gru', inputSize: 3, hiddenSize: 4, numClasses: 5, vocabSize: 5, embeddingDim: 3 }, { seed: 1 });
  const f = dataFlow(emb, seq);
  assert.deepEqual(
    f.stages.map((s) => s.name),
    ['Input sequence', 'Embedding', 'GRU layer', 'Output layer'],
  );
  const e = f.stages[1]!;
  assert.deepEqual([e.inShape, e.outShape, e.parameters], [[3, 1], [3, 3], [{ name: 'embedding.weight', shape: [5, 3] }]]);
  const W = emb.table.view('embedding.weight');
  assert.deepEqual(e.values[2], Array.from(W.subarray(12, 15)));
  assert.deepEqual(f.stages[2]!.inShape, e.outShape);
  const hot = dataFlow(new SequenceModel({ mode: 'lstm', inputSize: 5, hiddenSize: 2, numClasses: 5, vocabSize: 5 }), seq).stages[1]!;
  assert.equal(hot.name, 'One-hot');
  assert.deepEqual(hot.values, [
    [0, 0, 1, 0, 0],
    [1, 0, 0, 0, 0],
    [0, 0, 0, 0, 1],
  ]);
  assert.equal(hot.parameterCount, 0);
});
