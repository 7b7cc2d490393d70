/**
 * safetensors encode/decode, state_dict checks, and atomic model-file writes. The fixture
 * test/fixtures/safetensors/torch_written.* is made by tools/make_safetensors_fixture.py from torch.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ModelFileError } from '../src/errors.js';
import { checkStateDict, decodeSafetensors, encodeSafetensors } from '../src/io/safetensors.js';
import { readModelBytes, writeFileAtomic } from '../src/io/model-file.js';

const FIXTURES = fileURLToPath(new URL('../../test/fixtures/safetensors/', import.meta.url));

/** A file with the given header text (unpadded) and data bytes. */
function rawFile(header: string, data: number[] = []): Uint8Array {
  const json = new TextEncoder().encode(header);
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setUint32(0, json.length, true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

/** Asserts that decoding throws ModelFileError with a message matching every pattern. */
function rejects(bytes: Uint8Array, ...patterns: RegExp[]): void {
  assert.throws(
    () => decodeSafetensors(bytes, 'model.safetensors'),
    (err: unknown) => {
      assert.ok(err instanceof ModelFileError, `expected ModelFileError, got ${String(err)}`);
      for (const p of patterns) assert.match(err.message, p);
      assert.ok(!err.message.includes('\n'), 'one line');
      return true;
    },
  );
}

const F32x2 = [0, 0, 0x80, 0x3f, 0, 0, 0, 0xc0]; // 1.0, -2.0 little-endian

test('encodeSafetensors writes the header length, JSON, space padding and float32 bytes exactly', () => {
  const bytes = encodeSafetensors([{ name: 'w', shape: [2], data: [1, -2] }], { k: 'v' });
  const json = '{"__metadata__":{"k":"v"},"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}';
  assert.equal(json.length, 79); // so one space pads it to 80
  assert.deepEqual([...bytes.subarray(0, 8)], [80, 0, 0, 0, 0, 0, 0, 0]);
  assert.equal(new TextDecoder().decode(bytes.subarray(8, 88)), json + ' ');
  assert.deepEqual([...bytes.subarray(88)], F32x2);
  assert.equal(bytes.length, 96);
});

test('encodeSafetensors without metadata omits __metadata__ and rounds float64 to float32', () => {
  const bytes = encodeSafetensors([{ name: 'x', shape: [], data: new Float64Array([0.1]) }]);
  const n = bytes[0]!;
  assert.equal(n % 8, 0);
  assert.equal(new TextDecoder().decode(bytes.subarray(8, 8 + n)).trimEnd(), '{"x":{"dtype":"F32","shape":[],"data_offsets":[0,4]}}');
  assert.equal(new DataView(bytes.buffer).getUint32(8 + n, true), 0x3dcccccd); // float32(0.1)
});

test('encodeSafetensors rejects duplicate names, the reserved name and a shape that does not fit', () => {
  const t = { name: 'a', shape: [2], data: [1, 2] };
  assert.throws(() => encodeSafetensors([t, t]), ModelFileError);
  assert.throws(() => encodeSafetensors([{ ...t, name: '__metadata__' }]), ModelFileError);
  assert.throws(() => encodeSafetensors([{ ...t, shape: [3] }]), /shape \[3\] does not fit its 2 values/);
  assert.throws(() => encodeSafetensors([t], { k: 1 as unknown as string }), /must be strings/);
});

test('decodeSafetensors(encodeSafetensors(x)) gives back names, shapes, values and metadata', () => {
  const tensors = [
    { name: 'rnn.weight_ih_l0', shape: [4, 3], data: Float32Array.from({ length: 12 }, (_, i) => i / 7 - 0.5) },
    { name: 'rnn.bias_ih_l0', shape: [4], data: [1e-30, -0, Infinity, NaN] },
    { name: 'empty', shape: [0, 5], data: [] },
    { name: '__proto__', shape: [1], data: [42] },
  ];
  const { tensors: got, metadata } = decodeSafetensors(encodeSafetensors(tensors, { cell: 'LSTM', é: '✓' }));
  assert.deepEqual(metadata, { cell: 'LSTM', é: '✓' });
  assert.deepEqual(
    [...got.keys()],
    tensors.map((t) => t.name),
  );
  for (const t of tensors) {
    const g = got.get(t.name)!;
    assert.equal(g.dtype, 'F32');
    assert.deepEqual(g.shape, t.shape);
    assert.deepEqual(g.data, Float32Array.from(t.data));
  }
});

test('decodeSafetensors reads a file whose data is not aligned in memory', () => {
  const bytes = encodeSafetensors([{ name: 'w', shape: [2], data: [1, -2] }]);
  const shifted = new Uint8Array(bytes.length + 1);
  shifted.set(bytes, 1);
  assert.deepEqual([...decodeSafetensors(shifted.subarray(1)).tensors.get('w')!.data], [1, -2]);
  // An unpadded header puts the data at an odd file offset; the library accepts that too.
  const odd = rawFile('{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}} ', F32x2);
  assert.deepEqual([...decodeSafetensors(odd).tensors.get('w')!.data], [1, -2]);
});

test('decodeSafetensors converts F64, F16 and BF16 to float32', () => {
  const f64 = new Uint8Array(16);
  new DataView(f64.buffer).setFloat64(0, 0.1, true);
  new DataView(f64.buffer).setFloat64(8, -1e300, true);
  // F16: 1.0, -0, smallest subnormal, 65504 (max), -inf, NaN. BF16: 1.0, -2.5, the top of float32 0.1.
  const f16 = [0x3c00, 0x8000, 0x0001, 0x7bff, 0xfc00, 0x7e00].flatMap((h) => [h & 0xff, h >> 8]);
  const bf16 = [0x3f80, 0xc020, 0x3dcc].flatMap((h) => [h & 0xff, h >> 8]);
  const header = JSON.stringify({
    a: { dtype: 'F64', shape: [2], data_offsets: [0, 16] },
    b: { dtype: 'F16', shape: [2, 3], data_offsets: [16, 28] },
    c: { dtype: 'BF16', shape: [3], data_offsets: [28, 34] },
  });
  const { tensors } = decodeSafetensors(rawFile(header, [...f64, ...f16, ...bf16]));
  assert.deepEqual(tensors.get('a')!.data, Float32Array.of(0.1, -Infinity));
  assert.deepEqual([...tensors.get('b')!.data], [1, -0, 2 ** -24, 65504, -Infinity, NaN]);
  assert.deepEqual(tensors.get('c')!.data, Float32Array.of(1, -2.5, 0.099609375));
  assert.equal(tensors.get('b')!.dtype, 'F16');
});

test('decodeSafetensors reads a file written by torch and gets the values torch has', async () => {
  const bytes = await readFile(join(FIXTURES, 'torch_written.safetensors'));
  const expected = JSON.parse(await readFile(join(FIXTURES, 'torch_written.json'), 'utf8')) as {
    metadata: Record<string, string>;
    tensors: Record<string, { dtype: string; shape: number[]; values: number[] }>;
  };
  const { tensors, metadata } = decodeSafetensors(bytes, 'torch_written.safetensors');
  assert.deepEqual(metadata, expected.metadata);
  assert.deepEqual([...tensors.keys()].sort(), Object.keys(expected.tensors).sort());
  const torchName: Record<string, string> = { F32: 'float32', F64: 'float64', F16: 'float16', BF16: 'bfloat16' };
  for (const [name, e] of Object.entries(expected.tensors)) {
    const t = tensors.get(name)!;
    assert.equal(torchName[t.dtype], e.dtype, name);
    assert.deepEqual(t.shape, e.shape, name);
    assert.deepEqual(t.data, Float32Array.from(e.values), name); // bit-exact: both are float32
  }
});

test('decodeSafetensors rejects a file shorter than the 8-byte header length', () => {
  rejects(new Uint8Array(5), /model\.safetensors is 5 bytes long/, /8-byte header length/);
});

test('decodeSafetensors rejects a header length past the end of the file', () => {
  const bytes = rawFile('{}');
  bytes[0] = 200;
  rejects(bytes, /declares a 200-byte header/, /only 2 bytes follow/);
  const huge = rawFile('{}');
  huge[7] = 1; // 2^56 + 2
  rejects(huge, /is not a safetensors file/, /no plausible length/);
});

test('decodeSafetensors rejects a header that is not UTF-8 JSON object', () => {
  const bad = rawFile('{"a":1}');
  bad[10] = 0xff;
  rejects(bad, /not valid UTF-8/, /bytes 8 to 15/);
  rejects(rawFile('{"a":'), /not valid JSON/);
  rejects(rawFile('[1, 2]'), /header that is an array/);
  rejects(rawFile('null'), /header that is null/);
});

test('decodeSafetensors rejects a tensor entry without dtype, shape or data_offsets', () => {
  rejects(rawFile('{"w":{"shape":[2],"data_offsets":[0,8]}}', F32x2), /tensor w in model\.safetensors has no dtype/);
  rejects(rawFile('{"w":{"dtype":"F32","data_offsets":[0,8]}}', F32x2), /tensor w .* has no shape/);
  rejects(rawFile('{"w":{"dtype":"F32","shape":[2]}}', F32x2), /tensor w .* has no data_offsets/);
  rejects(rawFile('{"w":[1,2]}', F32x2), /tensor w .* not an object/);
  rejects(rawFile('{"w":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}}', F32x2), /shape \[-2\]/);
  rejects(rawFile('{"w":{"dtype":"F32","shape":[2],"data_offsets":[8,0]}}', F32x2), /data_offsets \[8,0\]/);
});

test('decodeSafetensors rejects integer and unknown dtypes, naming the tensor', () => {
  rejects(
    rawFile('{"steps":{"dtype":"I64","shape":[1],"data_offsets":[0,8]}}', F32x2),
    /tensor steps .* dtype I64/,
    /F32, F64, F16 and BF16/,
  );
  rejects(rawFile('{"w":{"dtype":"F24","shape":[2],"data_offsets":[0,8]}}', F32x2), /tensor w .* unknown dtype "F24"/);
  rejects(rawFile('{"w":{"dtype":"toString","shape":[2],"data_offsets":[0,8]}}', F32x2), /unknown dtype "toString"/);
});

test('decodeSafetensors rejects offsets that overlap, leave a gap, run past the file or misfit the shape', () => {
  const two = (a: string, b: string) =>
    `{"a":{"dtype":"F32","shape":[1],"data_offsets":${a}},"b":{"dtype":"F32","shape":[1],"data_offsets":${b}}}`;
  rejects(rawFile(two('[0,4]', '[2,6]'), F32x2), /tensor b .* overlapping tensor a, which ends at 4/);
  rejects(rawFile(two('[0,4]', '[0,4]'), F32x2), /tensor b .* overlapping tensor a/);
  rejects(
    rawFile(two('[0,4]', '[8,12]'), [...F32x2, 0, 0, 0, 0]),
    /tensor b .* starts at data byte 8 \(file byte \d+\) but the data before it ends at 4/,
  );
  rejects(rawFile(two('[0,4]', '[4,12]'), F32x2), /tensor b .* ends at data byte 12 .* only 8 data bytes/);
  rejects(
    rawFile('{"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}', F32x2),
    /tensor w .* shape \[3\] and dtype F32, which take 12 bytes, .* span 8/,
  );
});

test('decodeSafetensors rejects data bytes that no tensor covers, as the reference library does', () => {
  rejects(rawFile('{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', F32x2), /has 4 bytes after its last tensor/);
  rejects(rawFile('{}', [0]), /has 1 bytes after its last tensor/);
});

test('decodeSafetensors rejects metadata that is not a map of strings', () => {
  rejects(rawFile('{"__metadata__":{"epochs":5}}'), /metadata key "epochs" with a non-string value \(5\)/);
  rejects(rawFile('{"__metadata__":"x"}'), /__metadata__ that is not an object/);
  assert.deepEqual(decodeSafetensors(rawFile('{"__metadata__":null}')).metadata, {});
});

test('decodeSafetensors fails with ModelFileError on a file truncated at every length', () => {
  const bytes = encodeSafetensors(
    [
      { name: 'a', shape: [2, 2], data: [1, 2, 3, 4] },
      { name: 'b', shape: [3], data: [5, 6, 7] },
    ],
    { k: 'v' },
  );
  for (let len = 0; len < bytes.length; len++) rejects(bytes.slice(0, len));
});

test('decodeSafetensors never throws anything but ModelFileError when any header byte is corrupted', () => {
  const bytes = encodeSafetensors([{ name: 'a', shape: [2], data: [1, 2] }], { k: 'v' });
  const dataStart = 8 + bytes[0]!;
  for (let i = 0; i < dataStart; i++) {
    for (const x of [0x01, 0x20, 0x80, 0xff]) {
      const bad = bytes.slice();
      bad[i]! ^= x;
      try {
        decodeSafetensors(bad);
      } catch (err) {
        assert.ok(err instanceof ModelFileError, `byte ${i} ^ ${x}: ${String(err)}`);
      }
    }
  }
});

const LSTM = [
  { name: 'rnn.weight_ih_l0', shape: [32, 5] },
  { name: 'rnn.weight_hh_l0', shape: [32, 8] },
];

test('checkStateDict accepts exactly the expected names and shapes, in any order', () => {
  checkStateDict(
    LSTM,
    new Map([
      ['rnn.weight_hh_l0', { shape: [32, 8] }],
      ['rnn.weight_ih_l0', { shape: [32, 5] }],
    ]),
    'model.safetensors',
  );
});

test('checkStateDict names a missing tensor first, then an unexpected one, then a shape mismatch', () => {
  const check = (got: [string, number[]][]) => () =>
    checkStateDict(LSTM, new Map(got.map(([n, s]) => [n, { shape: s }])), 'model.safetensors');
  assert.throws(
    check([
      ['rnn.weight_ih_l0', [16, 5]],
      ['x', [1]],
    ]),
    {
      name: 'ModelFileError',
      message: 'model.safetensors is missing tensor rnn.weight_hh_l0 of shape [32, 8] (and 2 more problems)',
    },
  );
  assert.throws(
    check([
      ['rnn.weight_ih_l0', [32, 5]],
      ['rnn.weight_hh_l0', [32, 8]],
      ['rnn.weight_hh_l1', [32, 8]],
    ]),
    {
      message: 'model.safetensors has tensor rnn.weight_hh_l1 of shape [32, 8], which this model has no parameter for',
    },
  );
  assert.throws(
    check([
      ['rnn.weight_ih_l0', [16, 5]],
      ['rnn.weight_hh_l0', [32, 8]],
    ]),
    {
      message: 'tensor rnn.weight_ih_l0 in model.safetensors has shape [16, 5], expected [32, 5]',
    },
  );
});

async function withTmpDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'rnnscope-st-'));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('writeFileAtomic writes a new file, refuses to overwrite it without force and leaves no temp files', () =>
  withTmpDir(async (dir) => {
    const path = join(dir, 'model.safetensors');
    await writeFileAtomic(path, Uint8Array.of(1, 2, 3), {});
    assert.deepEqual([...(await readFile(path))], [1, 2, 3]);
    await assert.rejects(writeFileAtomic(path, Uint8Array.of(9), {}), {
      name: 'ModelFileError',
      message: `${path} already exists; pass --force (force: true) to overwrite it`,
    });
    assert.deepEqual([...(await readFile(path))], [1, 2, 3]);
    await writeFileAtomic(path, Uint8Array.of(7, 8), { force: true });
    assert.deepEqual([...(await readFile(path))], [7, 8]);
    assert.deepEqual(await readdir(dir), ['model.safetensors']);
  }));

test('writeFileAtomic reports a missing directory or a directory target and leaves no temp files', () =>
  withTmpDir(async (dir) => {
    await assert.rejects(writeFileAtomic(join(dir, 'nope', 'm.safetensors'), Uint8Array.of(1), {}), /directory .*nope does not exist/);
    await mkdir(join(dir, 'sub'));
    await assert.rejects(writeFileAtomic(join(dir, 'sub'), Uint8Array.of(1), { force: true }), /is a directory/);
    assert.deepEqual(await readdir(dir), ['sub']);
    assert.deepEqual(await readdir(join(dir, 'sub')), []);
  }));

test('readModelBytes reads a file and reports a missing file, a directory or an empty file in one sentence', () =>
  withTmpDir(async (dir) => {
    const path = join(dir, 'm.safetensors');
    const bytes = encodeSafetensors([{ name: 'w', shape: [1], data: [3] }]);
    await writeFileAtomic(path, bytes, {});
    assert.deepEqual(decodeSafetensors(await readModelBytes(path), path).tensors.get('w')!.data, Float32Array.of(3));
    await assert.rejects(readModelBytes(join(dir, 'gone.safetensors')), {
      name: 'ModelFileError',
      message: `cannot read model file ${join(dir, 'gone.safetensors')}: there is no such file`,
    });
    await assert.rejects(readModelBytes(dir), {
      name: 'ModelFileError',
      message: `${dir} is a directory; expected a .safetensors model file`,
    });
    await writeFile(join(dir, 'empty'), '');
    await assert.rejects(readModelBytes(join(dir, 'empty')), /is empty; expected a \.safetensors model file/);
  }));
