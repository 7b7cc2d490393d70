/**
 * Long-form CSV at disk speed: a tokenizer over the file's bytes that fills typed arrays in place (no
 * string, array or object per row), for the files most are: no quotes, integer steps counting up
 * within each sequence's rows (or no step column), each sequence's rows together, plain decimals.
 *
 * It never raises an error of its own. Anything it does not take (a quote, a date step, a bad cell,
 * a sequence's rows apart, a label outside the classes, ...) makes it give up, and the caller reads
 * the file with readCsv, which takes everything and says what is wrong in its own sentence; so the
 * messages stay one set, and a file this path reads gives the very Dataset readCsv gives (a test
 * holds every fixture to that).
 *
 * `LongCsvScanner` is the core, fed chunks of bytes; `readCsvChunks` makes a Dataset of a whole file,
 * and `src/cli/predict-stream.ts` takes its sequences a batch at a time, so `predict` keeps no file
 * in memory. Browser-safe: no Node import.
 */
import { ConfigError, DataError } from '../errors.js';
import type { Dataset, Target } from './dataset.js';
import { inferClasses, namedBy } from './assemble.js';
import { columnar, SequenceColumns } from './columns.js';
import { resolveColumns, type CsvOptions } from './csv-columns.js';
import { checkOptions, MAX_STEPS } from './read-options.js';
import { DECIMAL, labelText, parseFeature } from './values.js';
import { IdHashes, SeenIds, StringIds, type IdSet } from './seen-ids.js';

const NL = 10;
const CR = 13;
const TAB = 9;
const SP = 32;
const QUOTE = 34;
const PLUS = 43;
const MINUS = 45;
const DOT = 46;

/** Thrown inside the scanner to give up on the fast path; never leaves this module's callers. */
export class GiveUp extends Error {}

function giveUp(): never {
  throw new GiveUp();
}

// 10^k as exact doubles (every power to 10^22 is one), by the correctly rounded parse of the literal.
const POW10 = Array.from({ length: 23 }, (_, k) => Number(`1e${k}`));

/**
 * A plain decimal cell (sign, digits, one point, at most 15 digits; no exponent) as the double
 * Number() gives: the digits are an exact integer m < 2^53 and 10^f is exact, so m / 10^f is the
 * correctly rounded quotient, which is Number's result. NaN for anything else (the caller then parses
 * the cell's text).
 */
function plainNumber(b: Uint8Array, from: number, to: number): number {
  let neg = false;
  let c = b[from]!;
  if (c === MINUS || c === PLUS) {
    neg = c === MINUS;
    from++;
  }
  let m = 0,
    digits = 0,
    frac = 0,
    dot = false;
  for (let i = from; i < to; i++) {
    c = b[i]!;
    const d = c - 48;
    if (d >= 0 && d <= 9) {
      m = m * 10 + d;
      digits++;
      if (dot) frac++;
    } else if (c === DOT && !dot) dot = true;
    else return NaN;
  }
  if (digits === 0 || digits > 15) return NaN;
  const v = frac === 0 ? m : m / POW10[frac]!;
  return neg ? -v : v;
}

const utf8 = new TextDecoder('utf-8');
const text = (b: Uint8Array, from: number, to: number) => utf8.decode(b.subarray(from, to));

/** Growable Int32Array. */
class Ints {
  n = 0;
  constructor(public a = new Int32Array(1024)) {}
  push(v: number): void {
    if (this.n === this.a.length) {
      const g = new Int32Array(this.a.length * 2);
      g.set(this.a);
      this.a = g;
    }
    this.a[this.n++] = v;
  }
}

/** A label as the file writes it (trimmed bytes), and its canonical class text's index. */
interface LabelForm {
  bytes: Uint8Array;
  canon: number;
}

/** The sequences the scanner has completed since it was last emptied: struct of arrays. */
export interface ScannedBatch {
  ids: string[];
  lengths: number[];
  /**
   * The sequences' features in turn, [sum of lengths, I], as views into the scanner's pools (each a
   * run of whole sequences end to end; not a view per sequence), valid until its next feed.
   */
  runs: Float32Array[];
  /** First step of each (when the file has a step column). */
  firstStep: number[];
  /** Per step, in sequence order: the index of its label in `labels`, or -1 for none. */
  stepLabels: Int32Array;
}

/**
 * The tokenizer and the sequence builder. Feed it the file's bytes in chunks; each call consumes
 * whole lines and returns where the unconsumed tail begins. Sequences complete when the next id
 * starts (and at the end); `take()` hands them over.
 */
export class LongCsvScanner {
  header: string[] | null = null;
  /** The file's labels in first-seen order, canonical (labelText). */
  readonly labels: string[] = [];
  private readonly labelIndex = new Map<string, number>();
  private readonly forms: LabelForm[] = [];
  private lastForm = -1;
  private cols!: ReturnType<typeof resolveColumns>;
  /** Column c's role: -1 unused, -2 id, -3 step, -4 label, i >= 0 feature i. */
  private role!: Int32Array;
  private M = 0;
  private I = 0;
  private readonly delim: number;
  private readonly maxSteps: number;
  private readonly starts = new Int32Array(4096);
  private readonly ends = new Int32Array(4096);

  // the pool of features; a sequence's rows are contiguous in it
  private pool: Float32Array;
  private spare: Float32Array | null = null;
  private pos = 0;
  private seqStart = 0;
  /** Where the completed sequences of this pool not yet in `done.runs` begin. */
  private runStart = 0;
  // the open sequence
  private idBytes = new Uint8Array(64);
  private idLen = -1;
  private id = '';
  private len = 0;
  private step0 = 0;
  private readonly seen: IdSet;
  private labelsAt = new Ints();
  // completed since the last take
  private done: ScannedBatch = { ids: [], lengths: [], runs: [], firstStep: [], stepLabels: new Int32Array(0) };
  private taken = false;
  private doneSteps = 0;
  /** Sequences completed in all. */
  count = 0;
  lines = 0;

  constructor(
    private readonly source: string,
    private readonly o: CsvOptions,
    /**
     * How the ids seen so far are recalled (seen-ids.ts) when one comes out of order, to notice a
     * sequence whose rows are apart: 'strings', the scanner's own (a whole read, never taken before the
     * end, keeps them anyway), or a function that makes the set of the first n ids (a stream: by reading
     * the file again). While the ids come in order, nothing is kept. `{ every }`: every id goes to
     * that set, unchecked (the second reading, `recallIds`).
     */
    rememberIds: 'strings' | ((n: number) => IdSet) | { every: IdSet } = 'strings',
    /**
     * Rows the file has at most (its line count), when known: the pool is made that large at the header,
     * so a whole read writes every feature where it stays (no pool of 4 MB after another, copied into one
     * array at the end: twice the features at once). 0: unknown.
     */
    private readonly rows = 0,
  ) {
    const d = o.delimiter ?? ',';
    if (d.length !== 1 || d.charCodeAt(0) > 126 || d === '"' || d === '\n' || d === '\r') giveUp();
    if (o.regression || o.group !== undefined || o.layout === 'wide') giveUp();
    this.delim = d.charCodeAt(0);
    this.maxSteps = o.maxSteps ?? MAX_STEPS;
    this.pool = new Float32Array(1 << 20);
    this.seen =
      rememberIds === 'strings'
        ? new SeenIds((n) => this.ownIds(n))
        : typeof rememberIds === 'function'
          ? new SeenIds(rememberIds)
          : rememberIds.every;
  }

  get features(): string[] {
    return this.cols.features.map((c) => this.header![c]!);
  }
  get columns(): ReturnType<typeof resolveColumns> {
    return this.cols;
  }

  /**
   * Consumes the whole lines of b[from, to) (and the rest when `last`); returns the index of the first
   * byte not consumed (a line still open), to be fed again with what follows it.
   */
  feed(b: Uint8Array, from: number, to: number, last: boolean): number {
    b = b.subarray(0, to); // searches stop at `to`
    if (b.indexOf(QUOTE, from) >= 0) giveUp();
    let p = from;
    if (this.lines === 0 && this.header === null && b[p] === 0xef && b[p + 1] === 0xbb && b[p + 2] === 0xbf) p += 3;
    for (;;) {
      let e = b.indexOf(NL, p);
      if (e < 0) {
        if (!last || p >= to) return last ? to : p;
        e = to;
      }
      this.lines++;
      this.line(b, p, e > p && b[e - 1] === CR ? e - 1 : e);
      p = e + 1;
      if (p >= to) return to;
    }
  }

  /** Ends the file: the open sequence completes. Gives up where readCsv would refuse the file as empty. */
  finish(): void {
    if (this.header === null) giveUp();
    if (this.idLen >= 0) this.close();
    if (this.count === 0) giveUp();
  }

  /** The sequences completed since the last take (their features are views, valid until the next feed). */
  take(final = false): ScannedBatch {
    this.endRun();
    const out = this.done;
    out.stepLabels = this.labelsAt.a.subarray(0, this.doneSteps);
    if (final) return out;
    this.taken = true;
    // the open sequence's rows move to the front of a pool the taken views do not share
    const next = this.spare !== null && this.spare.length >= this.pos - this.seqStart ? this.spare : new Float32Array(this.pool.length);
    next.set(this.pool.subarray(this.seqStart, this.pos));
    this.spare = this.pool;
    this.pool = next;
    this.pos -= this.seqStart;
    this.seqStart = 0;
    this.runStart = 0;
    const labels = new Ints();
    for (let k = this.doneSteps; k < this.labelsAt.n; k++) labels.push(this.labelsAt.a[k]!);
    this.labelsAt = labels;
    this.doneSteps = 0;
    this.done = { ids: [], lengths: [], runs: [], firstStep: [], stepLabels: new Int32Array(0) };
    return out;
  }

  /** The pool's completed sequences not yet in a run become one. */
  private endRun(): void {
    if (this.seqStart > this.runStart) this.done.runs.push(this.pool.subarray(this.runStart, this.seqStart));
    this.runStart = this.seqStart;
  }

  /** The set of the first n ids, from the strings kept (all of them when nothing was taken before the end). */
  private ownIds(n: number): IdSet {
    if (this.taken || this.done.ids.length !== n) giveUp(); // (no caller does this: a stream recalls its own)
    return new StringIds(this.done.ids);
  }

  private line(b: Uint8Array, a: number, e: number): void {
    const { starts, ends, delim } = this;
    let n = 0;
    starts[0] = a;
    for (let i = a; i < e; i++) {
      const c = b[i]!;
      if (c === delim) {
        ends[n++] = i;
        if (n === starts.length) giveUp();
        starts[n] = i + 1;
      } else if (c < SP && c !== TAB) giveUp();
    }
    ends[n++] = e;
    if (this.header === null) return this.headerLine(b, n);
    if (n !== this.M) {
      if (blank(b, a, e, delim)) return;
      giveUp();
    }
    const { role } = this;
    // the id first: it decides whether this row opens a sequence
    const ci = this.cols.id;
    let ia = starts[ci]!,
      ib = ends[ci]!;
    while (ia < ib && (b[ia] === SP || b[ia] === TAB)) ia++;
    while (ib > ia && (b[ib - 1] === SP || b[ib - 1] === TAB)) ib--;
    if (ia === ib) {
      if (blank(b, a, e, delim)) return;
      giveUp();
    }
    if (b[ia]! >= 0x80 || b[ib - 1]! >= 0x80) giveUp(); // a Unicode space String.trim would take
    if (!this.sameId(b, ia, ib)) this.open(b, ia, ib);
    else if (this.len >= this.maxSteps) giveUp();
    // room for this row's features
    const I = this.I;
    if (this.pos + I > this.pool.length) this.grow(I);
    const x = this.pool;
    const at = this.pos;
    let label = -1;
    for (let c = 0; c < n; c++) {
      const r = role[c]!;
      if (r === -1 || r === -2) continue;
      let fa = starts[c]!,
        fb = ends[c]!;
      while (fa < fb && (b[fa] === SP || b[fa] === TAB)) fa++;
      while (fb > fa && (b[fb - 1] === SP || b[fb - 1] === TAB)) fb--;
      if (r >= 0) {
        let v = fa < fb ? plainNumber(b, fa, fb) : NaN;
        if (v !== v) {
          const parsed = parseFeature(text(b, starts[c]!, ends[c]!));
          if (typeof parsed === 'string') giveUp();
          v = parsed;
        }
        x[at + r] = v;
      } else if (r === -3) {
        const s = stepNumber(b, fa, fb);
        if (this.len === 0) this.step0 = s;
        else if (s !== this.step0 + this.len) giveUp(); // out of order or a gap: readCsv sorts or says
      } else if (fa < fb) {
        if (b[fa]! >= 0x80 || b[fb - 1]! >= 0x80) giveUp();
        label = this.label(b, fa, fb);
      }
    }
    this.pos = at + I;
    this.labelsAt.push(label);
    this.len++;
  }

  private headerLine(b: Uint8Array, n: number): void {
    const names: string[] = [];
    for (let c = 0; c < n; c++) names.push(text(b, this.starts[c]!, this.ends[c]!).trim());
    if (names.every((h) => h === '')) return; // a blank line before the header
    checkOptions(this.o);
    this.cols = resolveColumns(names, this.lines, this.source, this.o);
    this.header = names;
    this.M = n;
    this.I = this.cols.features.length;
    this.role = new Int32Array(n).fill(-1);
    if (this.rows > 0 && this.pos === 0) {
      this.pool = new Float32Array(this.rows * this.I);
      this.labelsAt = new Ints(new Int32Array(this.rows));
    }
    this.cols.features.forEach((c, i) => (this.role[c] = i));
    this.role[this.cols.id] = -2;
    if (this.cols.step >= 0) this.role[this.cols.step] = -3;
    if (this.cols.label >= 0) this.role[this.cols.label] = -4;
  }

  private sameId(b: Uint8Array, a: number, e: number): boolean {
    if (e - a !== this.idLen) return false;
    const id = this.idBytes;
    for (let i = 0; i < this.idLen; i++) if (id[i] !== b[a + i]) return false;
    return true;
  }

  private open(b: Uint8Array, a: number, e: number): void {
    if (this.idLen >= 0) this.close();
    if (e - a > this.idBytes.length) this.idBytes = new Uint8Array(2 * (e - a));
    this.idBytes.set(b.subarray(a, e));
    this.idLen = e - a;
    this.id = text(b, a, e);
    // an id seen before: its rows are apart, and readCsv puts them together or says why not
    if (!this.seen.add(b, a, e)) giveUp();
    this.len = 0;
    this.seqStart = this.pos;
  }

  private close(): void {
    const d = this.done;
    d.ids.push(this.id);
    d.lengths.push(this.len);
    d.firstStep.push(this.step0);
    this.doneSteps = this.labelsAt.n;
    this.seqStart = this.pos;
    this.count++;
  }

  /** A new pool for the open sequence's rows when they outgrow this one (the completed keep their views). */
  private grow(I: number): void {
    this.endRun();
    const rows = this.pos - this.seqStart;
    const next = new Float32Array(Math.max(this.pool.length, 2 * (rows + I)));
    next.set(this.pool.subarray(this.seqStart, this.pos));
    this.pool = next;
    this.spare = null;
    this.pos = rows;
    this.seqStart = 0;
    this.runStart = 0;
  }

  private label(b: Uint8Array, a: number, e: number): number {
    const f = this.lastForm >= 0 ? this.forms[this.lastForm]! : undefined;
    if (f !== undefined && equalBytes(f.bytes, b, a, e)) return f.canon;
    for (let k = 0; k < this.forms.length && k < 64; k++) {
      if (equalBytes(this.forms[k]!.bytes, b, a, e)) {
        this.lastForm = k;
        return this.forms[k]!.canon;
      }
    }
    const canonText = labelText(text(b, a, e))!;
    let canon = this.labelIndex.get(canonText);
    if (canon === undefined) {
      canon = this.labels.length;
      this.labels.push(canonText);
      this.labelIndex.set(canonText, canon);
    }
    if (this.forms.length < 64) {
      this.forms.push({ bytes: b.slice(a, e), canon });
      this.lastForm = this.forms.length - 1;
    }
    return canon;
  }
}

function equalBytes(f: Uint8Array, b: Uint8Array, a: number, e: number): boolean {
  if (f.length !== e - a) return false;
  for (let i = 0; i < f.length; i++) if (f[i] !== b[a + i]) return false;
  return true;
}

/** A row of nothing but separators and spaces (readCsv skips it). */
function blank(b: Uint8Array, a: number, e: number, delim: number): boolean {
  for (let i = a; i < e; i++) if (b[i] !== delim && b[i] !== SP && b[i] !== TAB) return false;
  return true;
}

/** A step cell written as String(n) writes an integer (no sign but "-", no leading zero): its value, else give up. */
function stepNumber(b: Uint8Array, a: number, e: number): number {
  let i = a;
  const neg = b[i] === MINUS;
  if (neg) i++;
  if (i === e || e - i > 15 || (b[i] === 48 && e - i > 1) || (neg && b[i] === 48)) giveUp();
  let v = 0;
  for (; i < e; i++) {
    const d = b[i]! - 48;
    if (d < 0 || d > 9) giveUp();
    v = v * 10 + d;
  }
  return neg ? -v : v;
}

/** The step texts of a sequence of `n` steps from `first`, one shared, frozen list per (first, n). */
export class StepTexts {
  private readonly made = new Map<string, string[]>();
  of(first: number, n: number): string[] {
    const key = `${first}:${n}`;
    let s = this.made.get(key);
    if (s === undefined) {
      s = Object.freeze(Array.from({ length: n }, (_, t) => String(first + t))) as string[];
      this.made.set(key, s);
    }
    return s;
  }
}

/**
 * Class ids of the labels (index = a label's index in the scanner's `labels`), for the given classes;
 * gives up on a label that is not one, or that is a real number (readCsv says so at its place).
 */
export function classIds(labels: readonly string[], classes: readonly string[]): Int32Array {
  const index = new Map(classes.map((c, i) => [c, i]));
  return Int32Array.from(labels, (l) => {
    if (DECIMAL.test(l) && !Number.isSafeInteger(Number(l))) giveUp();
    const c = index.get(l);
    return c === undefined ? giveUp() : c;
  });
}

/**
 * The class ids of scanned sequences as one column, [steps] for "steps" (-100 where a step has none),
 * [N] for "last", given each label's class id. Gives up where readCsv would refuse (a sequence without
 * a label when labels are required; labels of one sequence that disagree).
 */
export function targetColumn(batch: ScannedBatch, target: Target, classOf: Int32Array, requireLabels: boolean): Int32Array {
  const { lengths, stepLabels } = batch;
  const N = lengths.length;
  const all = new Int32Array(target === 'steps' ? stepLabels.length : N).fill(-100);
  let s0 = 0;
  for (let k = 0; k < N; k++) {
    const T = lengths[k]!;
    let labelled = 0;
    if (target === 'steps') {
      for (let t = 0; t < T; t++) {
        const l = stepLabels[s0 + t]!;
        if (l >= 0) {
          all[s0 + t] = classOf[l]!;
          labelled++;
        }
      }
    } else {
      let first = -1;
      for (let t = 0; t < T; t++) {
        const l = stepLabels[s0 + t]!;
        if (l < 0) continue;
        labelled++;
        if (first < 0) first = l;
        else if (l !== first) giveUp();
      }
      if (first >= 0) all[k] = classOf[first]!;
    }
    if (labelled === 0 && requireLabels) giveUp();
    s0 += T;
  }
  return all;
}

/**
 * The set of the first n ids of a file the scanner has read that far with the same options (a stream's
 * `rememberIds`, once an id comes out of order): the file is read again from `read`'s start, the ids
 * alone kept, as 64-bit fingerprints (IdHashes).
 */
export function recallIds(read: (buf: Uint8Array, from: number) => number, source: string, o: CsvOptions, n: number): IdSet {
  const set = new IdHashes();
  let seen = 0;
  const enough = new Error('enough');
  const every: IdSet = {
    add: (b, a, e) => {
      if (seen === n) throw enough;
      seen++;
      return set.add(b, a, e);
    },
  };
  const sc = new LongCsvScanner(source, o, { every });
  try {
    feedAll(sc, read, 1 << 20, () => sc.take()); // what it read is dropped
    if (seen === n) return set; // the n-th id is the file's last
  } catch (e) {
    if (e === enough) return set;
    throw e;
  }
  return giveUp(); // fewer ids than the first reading saw: the file changed
}

/**
 * Long-form CSV from chunks of its bytes (in order) as a Dataset, as readCsv would read it; null
 * when the file needs readCsv (see the top of this file). `chunks` yields a buffer and how many of
 * its bytes are new, and may reuse the buffer: the scanner's unconsumed tail is kept at its start.
 */
export function readCsvChunks(
  read: (buf: Uint8Array, from: number) => number,
  source: string,
  o: CsvOptions = {},
  /** The file's line count, when known (LongCsvScanner's `rows`). */
  rows = 0,
): Dataset | null {
  try {
    return scanWhole(read, source, o, rows);
  } catch (e) {
    // readCsv raises the same (or, where it meets an earlier fault, that one's) sentence itself
    if (e instanceof GiveUp || e instanceof DataError || e instanceof ConfigError || e instanceof RangeError) return null;
    throw e;
  }
}

/** The scanned sequences' features in one array, in their order (the scanner's pools are 4 MB each, or one as large as the file). */
function featureColumn(runs: readonly Float32Array[]): Float32Array {
  // one pool of about the features' size (the file's line count known): it is the column
  if (runs.length === 1 && runs[0]!.buffer.byteLength <= 1.05 * runs[0]!.byteLength + 4096) return runs[0]!;
  let n = 0;
  for (const v of runs) n += v.length;
  const x = new Float32Array(n);
  let at = 0;
  for (const run of runs) {
    x.set(run, at);
    at += run.length;
  }
  return x;
}

/**
 * Feeds `sc` every byte `read` gives (a chunk at a time into a buffer of `size` bytes: a chunk's open
 * last line is carried to the next, and the buffer doubles for a line longer than it), calling
 * `after(last)` after each feed; returns after the last.
 */
export function feedAll(
  sc: LongCsvScanner,
  read: (buf: Uint8Array, from: number) => number,
  size: number,
  after: (last: boolean) => void = () => {},
): void {
  let buf = new Uint8Array(size);
  let have = 0;
  for (;;) {
    const got = read(buf, have);
    const end = have + got;
    const last = got === 0;
    const rest = sc.feed(buf, 0, end, last);
    after(last);
    if (last) return;
    buf.copyWithin(0, rest, end);
    have = end - rest;
    if (have === buf.length) {
      const bigger = new Uint8Array(buf.length * 2); // one line longer than the buffer
      bigger.set(buf);
      buf = bigger;
    }
  }
}

function scanWhole(read: (buf: Uint8Array, from: number) => number, source: string, o: CsvOptions, rows: number): Dataset {
  const sc = new LongCsvScanner(source, o, 'strings', rows);
  feedAll(sc, read, 1 << 22);
  sc.finish();
  const batch = sc.take(true);
  const { ids, lengths, runs, firstStep, stepLabels } = batch;
  const N = ids.length;
  // assemble()'s rules, on label indices rather than per-step text
  const labelledOf = new Int32Array(N);
  let s0 = 0,
    labelled = 0;
  for (let k = 0; k < N; k++) {
    for (let t = 0; t < lengths[k]!; t++) if (stepLabels[s0 + t]! >= 0) labelledOf[k]!++;
    labelled += labelledOf[k]!;
    s0 += lengths[k]!;
  }
  const target: Target =
    o.target === 'steps' || o.target === 'last'
      ? o.target
      : labelledOf.every((n) => n === 1) && lengths.some((T) => T > 1)
        ? 'last'
        : 'steps';
  const seenLabels = sc.labels;
  const classes = [...(o.classes ?? inferClasses(seenLabels))];
  if (o.classes === undefined && seenLabels.length > 20 && seenLabels.every((l) => /^-?\d+$/.test(l)) && seenLabels.length * 10 > labelled)
    giveUp(); // too many integer labels: readCsv suggests --regression
  const y = targetColumn(batch, target, classIds(seenLabels, classes), o.requireLabels ?? true);
  const cols = sc.columns;
  const header = sc.header!;
  const start = new Int32Array(N + 1);
  let lo = Infinity,
    hi = 0;
  for (let k = 0; k < N; k++) {
    start[k + 1] = start[k]! + lengths[k]!;
    [lo, hi] = [Math.min(lo, lengths[k]!), Math.max(hi, lengths[k]!)];
  }
  const stepTexts = new StepTexts();
  const first = Float64Array.from(firstStep);
  const texts = cols.step >= 0 ? (k: number) => stepTexts.of(first[k]!, start[k + 1]! - start[k]!) : null;
  const columns = new SequenceColumns(sc.features.length, featureColumn(runs), start, y, target, ids, texts);
  const features = sc.features;
  const ds = columnar(
    {
      ...namedBy({ count: N, lo, hi }, source, o),
      features,
      classes,
      target,
    },
    columns,
  );
  const used = new Set([cols.id, cols.step, cols.label, ...cols.features]);
  ds.unused = header.filter((_, c) => !used.has(c));
  if (cols.step >= 0) ds.stepColumn = { name: header[cols.step]!, byName: o.step === undefined };
  return ds;
}
