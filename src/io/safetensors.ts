/**
 * The safetensors format, as the Hugging Face library writes and reads it (`safetensors/src/tensor.rs`):
 *
 *     bytes 0..8        N, the header length, a little-endian u64
 *     bytes 8..8+N      a UTF-8 JSON object {"__metadata__": {str: str}, name: {dtype, shape, data_offsets}}
 *                       padded with spaces to a multiple of 8 bytes, so the data is 8-byte aligned
 *     bytes 8+N..       the data section; data_offsets [begin, end) are relative to its start
 *
 * The reader applies the library's rules, so a file we accept is one `safetensors.torch.load_file`
 * accepts: tensors sorted by offset must tile the data section exactly (no gap, no overlap, nothing
 * after the last one) and each must span shape x dtype bytes. Browser-safe: no node imports.
 */
import { ModelFileError } from '../errors.js';
import { fmtShape, numel } from '../tensor/buf.js';

/** A tensor to write: row-major values, rounded to float32 on the way out. */
export interface TensorEntry {
  name: string;
  shape: number[];
  data: ArrayLike<number>;
}

/** A tensor read back: its dtype as stored in the file, its values converted to float32. */
export interface DecodedTensor {
  shape: number[];
  dtype: string;
  data: Float32Array;
}

export interface DecodedFile {
  /** Tensors in the order of their data in the file. */
  tensors: Map<string, DecodedTensor>;
  metadata: Record<string, string>;
}

/** The library rejects headers above 100 MB (MAX_HEADER_SIZE) before parsing them; so do we. */
const MAX_HEADER_SIZE = 100_000_000;
const METADATA_KEY = '__metadata__';
/**
 * The largest model file rnnscope writes or reads: Node's readFile and one Buffer stop at 2 GiB, and a
 * file beyond it would be a model too large to train here anyway (`train` refuses it beforehand).
 */
export const MAX_FILE_BYTES = 2 ** 31 - 1;
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Element readers for the float dtypes we convert to float32; bytes are little-endian. */
const FLOAT_DTYPES: Record<string, { size: number; read: (v: DataView, at: number) => number }> = {
  F32: { size: 4, read: (v, at) => v.getFloat32(at, true) },
  F64: { size: 8, read: (v, at) => v.getFloat64(at, true) },
  F16: { size: 2, read: (v, at) => halfToFloat(v.getUint16(at, true)) },
  BF16: { size: 2, read: (v, at) => bfloat16ToFloat(v.getUint16(at, true)) },
};

/** The library's other dtypes: valid files, but not weights we can train or run. */
const OTHER_DTYPES = new Set(['BOOL', 'U8', 'I8', 'I16', 'U16', 'I32', 'U32', 'I64', 'U64', 'F8_E5M2', 'F8_E4M3']);

/**
 * Encodes tensors as a safetensors file: F32 data in the order given, `metadata` (if any) under
 * `__metadata__`, the header padded with spaces to a multiple of 8 bytes as the reference writer does.
 */
export function encodeSafetensors(tensors: TensorEntry[], metadata?: Record<string, string>): Uint8Array {
  // No prototype, so a tensor named __proto__ is stored like any other name.
  const header: Record<string, unknown> = Object.create(null);
  if (metadata !== undefined) {
    for (const [k, v] of Object.entries(metadata)) {
      if (typeof v !== 'string') {
        throw new ModelFileError(
          `cannot write metadata key ${JSON.stringify(k)}: its value is a ${typeof v}, and safetensors metadata values must be strings`,
        );
      }
    }
    header[METADATA_KEY] = metadata;
  }
  let offset = 0;
  for (const t of tensors) {
    if (t.name === METADATA_KEY || Object.hasOwn(header, t.name)) {
      const why = t.name === METADATA_KEY ? 'is reserved for metadata' : 'appears twice';
      throw new ModelFileError(`cannot write tensor ${t.name}: the name ${why}, and each tensor needs a unique name`);
    }
    if (!t.shape.every((d) => Number.isSafeInteger(d) && d >= 0) || numel(t.shape) !== t.data.length) {
      throw new ModelFileError(`cannot write tensor ${t.name}: shape ${fmtShape(t.shape)} does not fit its ${t.data.length} values`);
    }
    const end = offset + 4 * t.data.length;
    header[t.name] = { dtype: 'F32', shape: t.shape, data_offsets: [offset, end] };
    offset = end;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const n = Math.ceil(json.length / 8) * 8;
  if (8 + n + offset > MAX_FILE_BYTES) {
    throw new ModelFileError(
      `cannot write a ${8 + n + offset}-byte safetensors file: rnnscope reads and writes model files of at most ${MAX_FILE_BYTES} bytes (2 GiB)`,
    );
  }
  const out = new Uint8Array(8 + n + offset);
  const view = new DataView(out.buffer);
  view.setUint32(0, n, true); // high word stays 0: headers are far below 4 GB
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + n);
  let at = 8 + n; // a multiple of 8, and every tensor a multiple of 4 bytes: each F32 tensor is aligned
  for (const t of tensors) {
    if (LITTLE_ENDIAN) new Float32Array(out.buffer, at, t.data.length).set(t.data);
    else for (let i = 0; i < t.data.length; i++) view.setFloat32(at + 4 * i, t.data[i]!, true);
    at += 4 * t.data.length;
  }
  return out;
}

/** A tensor as the header declares it, its bytes checked against the file but not yet read. */
export interface TensorDecl {
  name: string;
  dtype: string;
  shape: number[];
  /** data_offsets, relative to the start of the data section. */
  begin: number;
  end: number;
}

/** A safetensors header, read and checked against the file's length, before any tensor is read. */
export interface SafetensorsHeader {
  metadata: Record<string, string>;
  /** Tensors in the order of their data in the file. */
  tensors: Map<string, TensorDecl>;
  /** The file byte where the data section starts (8 + the header length). */
  dataStart: number;
  /** The header length N as the file declares it. */
  headerBytes: number;
}

/**
 * Reads the 8-byte length and the header from the first bytes of a file `fileLength` bytes long, and
 * checks every tensor's dtype, shape and data_offsets against each other and against the file's
 * length, allocating nothing beyond the header itself. `bytes` need hold only the first
 * 8 + N bytes: readers of untrusted files read that much first (`readSafetensorsHeaderLength`).
 */
export function readSafetensorsHeader(bytes: Uint8Array, source = 'model file', fileLength = bytes.length): SafetensorsHeader {
  const n = readSafetensorsHeaderLength(bytes, source, fileLength);
  if (bytes.length < 8 + n) throw new ModelFileError(`${source} was read only to byte ${bytes.length}, before its header ends at ${8 + n}`);
  const header = parseHeader(bytes.subarray(8, 8 + n), source);
  const metadata = readMetadata(header[METADATA_KEY], source);
  const dataStart = 8 + n;
  const dataLen = fileLength - dataStart;

  const entries = Object.keys(header)
    .filter((name) => name !== METADATA_KEY)
    .map((name) => readEntry(name, header[name], source));
  // The library sorts by (begin, end) and then demands that the tensors tile the data section.
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);

  const tensors = new Map<string, TensorDecl>();
  let covered = 0;
  let previous = '';
  for (const e of entries) {
    const where = `tensor ${e.name} in ${source}`;
    if (e.begin < covered) {
      throw new ModelFileError(
        `${where} has data_offsets [${e.begin}, ${e.end}], overlapping tensor ${previous}, which ends at ${covered}; tensors must not share bytes`,
      );
    }
    if (e.begin > covered) {
      throw new ModelFileError(
        `${where} starts at data byte ${e.begin} (file byte ${dataStart + e.begin}) but the data before it ends at ${covered}; every byte of the data section must belong to a tensor`,
      );
    }
    if (e.end > dataLen) {
      throw new ModelFileError(
        `${where} ends at data byte ${e.end} (file byte ${dataStart + e.end}) but the file has only ${dataLen} data bytes; the file is truncated`,
      );
    }
    const { size } = FLOAT_DTYPES[e.dtype]!;
    // numel in floating point: a hostile shape may overflow a safe integer, and then it cannot match anyway.
    const count = e.shape.reduce((a, d) => a * d, 1);
    if (e.end - e.begin !== count * size) {
      throw new ModelFileError(
        `${where} has shape ${fmtShape(e.shape)} and dtype ${e.dtype}, which take ${count * size} bytes, but its data_offsets [${e.begin}, ${e.end}] span ${e.end - e.begin}`,
      );
    }
    tensors.set(e.name, e);
    covered = e.end;
    previous = e.name;
  }
  if (covered !== dataLen) {
    throw new ModelFileError(
      `${source} has ${dataLen - covered} bytes after its last tensor (from file byte ${dataStart + covered}) that no tensor covers; the data section must end where the last tensor ends`,
    );
  }
  return { metadata, tensors, dataStart, headerBytes: n };
}

/** The header length N from a file's first 8 bytes, checked against the file's length and the format's limit. */
export function readSafetensorsHeaderLength(bytes: Uint8Array, source: string, fileLength = bytes.length): number {
  if (fileLength < 8 || bytes.length < 8) {
    throw new ModelFileError(
      `${source} is ${fileLength} bytes long, too short for a safetensors file, which starts with an 8-byte header length`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, 8);
  const n = view.getUint32(4, true) * 2 ** 32 + view.getUint32(0, true);
  if (n > fileLength - 8 && n > MAX_HEADER_SIZE) {
    // Random bytes or a text file read as a length: no use quoting a 20-digit number.
    throw new ModelFileError(
      `${source} is not a safetensors file: it must start with the length of its JSON header, and its first 8 bytes give no plausible length`,
    );
  }
  if (n > fileLength - 8) {
    throw new ModelFileError(
      `${source} declares a ${n}-byte header at byte 0 but only ${fileLength - 8} bytes follow; the file is truncated or not a safetensors file`,
    );
  }
  if (n > MAX_HEADER_SIZE) {
    throw new ModelFileError(`${source} declares a ${n}-byte header, above the ${MAX_HEADER_SIZE}-byte limit of the safetensors format`);
  }
  return n;
}

/** One tensor's values as float32, read from the whole file's bytes (the header checked its bounds). */
export function readTensor(bytes: Uint8Array, header: SafetensorsHeader, name: string): DecodedTensor {
  const e = header.tensors.get(name);
  if (e === undefined) throw new ModelFileError(`no tensor ${name} in the file`);
  const { size, read } = FLOAT_DTYPES[e.dtype]!;
  const count = (e.end - e.begin) / size;
  const at0 = header.dataStart + e.begin;
  if (at0 + count * size > bytes.length) throw new ModelFileError(`tensor ${name} lies beyond the ${bytes.length} bytes read`);
  let data: Float32Array;
  if (e.dtype === 'F32' && (bytes.byteOffset + at0) % 4 === 0 && LITTLE_ENDIAN) {
    // Aligned float32 on a little-endian machine: one copy, not a loop.
    data = new Float32Array(bytes.buffer, bytes.byteOffset + at0, count).slice();
  } else {
    // Reading through a DataView does not care whether the tensor's bytes are aligned.
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    data = new Float32Array(count);
    for (let i = 0, at = at0; i < count; i++, at += size) data[i] = read(view, at);
  }
  return { shape: e.shape, dtype: e.dtype, data };
}

/**
 * Decodes and validates a safetensors file. F32 is read as is; F64, F16 and BF16 are converted to
 * float32. Anything malformed throws ModelFileError naming `source`, the tensor and the byte offset;
 * the whole header is checked before any tensor is read.
 */
export function decodeSafetensors(bytes: Uint8Array, source = 'model file'): DecodedFile {
  const header = readSafetensorsHeader(bytes, source);
  const tensors = new Map<string, DecodedTensor>();
  for (const name of header.tensors.keys()) tensors.set(name, readTensor(bytes, header, name));
  return { tensors, metadata: header.metadata };
}

/**
 * Checks tensors read from a file against the names and shapes a model expects, as PyTorch's
 * `load_state_dict(strict=True)` does: missing names first, then unexpected ones, then shape
 * mismatches. Throws ModelFileError describing the first problem (and counting the rest).
 */
export function checkStateDict(expected: { name: string; shape: number[] }[], got: Map<string, { shape: number[] }>, source: string): void {
  const want = new Map(expected.map((p) => [p.name, p.shape]));
  const problems: string[] = [];
  for (const [name, shape] of want) {
    if (!got.has(name)) problems.push(`${source} is missing tensor ${name} of shape ${fmtShape(shape)}`);
  }
  for (const [name, t] of got) {
    if (!want.has(name)) problems.push(`${source} has tensor ${name} of shape ${fmtShape(t.shape)}, which this model has no parameter for`);
  }
  for (const [name, shape] of want) {
    const t = got.get(name);
    if (t !== undefined && fmtShape(t.shape) !== fmtShape(shape)) {
      problems.push(`tensor ${name} in ${source} has shape ${fmtShape(t.shape)}, expected ${fmtShape(shape)}`);
    }
  }
  if (problems.length === 0) return;
  const more = problems.length - 1;
  throw new ModelFileError(problems[0]! + (more > 0 ? ` (and ${more} more problem${more > 1 ? 's' : ''})` : ''));
}

function parseHeader(raw: Uint8Array, source: string): Record<string, unknown> {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(raw);
  } catch {
    throw new ModelFileError(
      `${source} has a header (file bytes 8 to ${8 + raw.length}) that is not valid UTF-8; a safetensors header is UTF-8 JSON`,
    );
  }
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (err) {
    throw new ModelFileError(
      `${source} has a header that is not valid JSON (${(err as Error).message}); a safetensors header is a JSON object`,
    );
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    const kind = header === null ? 'null' : Array.isArray(header) ? 'an array' : `a ${typeof header}`;
    throw new ModelFileError(`${source} has a header that is ${kind}, not the JSON object of tensors a safetensors file starts with`);
  }
  return header as Record<string, unknown>;
}

function readMetadata(value: unknown, source: string): Record<string, string> {
  // Absent and null both mean "no metadata" to the library (an Option in Rust).
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new ModelFileError(`${source} has a ${METADATA_KEY} that is not an object; it must map strings to strings`);
  }
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== 'string') {
      throw new ModelFileError(
        `${source} has metadata key ${JSON.stringify(k)} with a non-string value (${JSON.stringify(v)}); safetensors metadata values must be strings`,
      );
    }
  }
  return Object.fromEntries(Object.entries(value)); // defines keys, so even __proto__ stays data
}

function readEntry(name: string, value: unknown, source: string): TensorDecl {
  const where = `tensor ${name} in ${source}`;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ModelFileError(`${where} is described by ${JSON.stringify(value)}, not an object with dtype, shape and data_offsets`);
  }
  const { dtype, shape, data_offsets: offsets } = value as Record<string, unknown>;
  for (const [key, v] of [
    ['dtype', dtype],
    ['shape', shape],
    ['data_offsets', offsets],
  ] as const) {
    if (v === undefined) throw new ModelFileError(`${where} has no ${key}; each tensor entry needs dtype, shape and data_offsets`);
  }
  if (typeof dtype !== 'string' || !Object.hasOwn(FLOAT_DTYPES, dtype)) {
    const known = typeof dtype === 'string' && OTHER_DTYPES.has(dtype);
    const what = known ? `dtype ${dtype}, which rnnscope cannot use as weights` : `unknown dtype ${JSON.stringify(dtype)}`;
    throw new ModelFileError(`${where} has ${what}; supported dtypes are F32, F64, F16 and BF16`);
  }
  const isCount = (d: unknown): d is number => Number.isSafeInteger(d) && (d as number) >= 0;
  if (!Array.isArray(shape) || !shape.every(isCount)) {
    throw new ModelFileError(`${where} has shape ${JSON.stringify(shape)}; a shape is a list of non-negative integers`);
  }
  const [begin, end] = Array.isArray(offsets) && offsets.length === 2 && offsets.every(isCount) ? (offsets as [number, number]) : [-1, -1];
  if (begin < 0 || begin > end) {
    throw new ModelFileError(`${where} has data_offsets ${JSON.stringify(offsets)}; expected [begin, end] with 0 <= begin <= end`);
  }
  return { name, dtype, shape, begin, end };
}

/** IEEE 754 binary16 to a number; every half value is exact in float32. */
function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24; // zero and subnormals
  if (exp === 0x1f) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

const scratch = new DataView(new ArrayBuffer(4));

/** bfloat16 is the top half of a float32. */
function bfloat16ToFloat(h: number): number {
  scratch.setUint32(0, h << 16, true);
  return scratch.getFloat32(0, true);
}
