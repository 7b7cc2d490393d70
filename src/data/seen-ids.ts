/**
 * Has this id been seen before? The fast CSV scanner (csv-fast.ts) asks it of every sequence's id, to
 * notice a sequence whose rows are apart (then readCsv, which puts them together or says why not,
 * reads the file). Most files write their ids in order ("s1, s2, ... s10", "0001, 0002", dates, or
 * sorted as text), and while every id comes after the one before, in natural order (digit runs by
 * their value) or byte by byte, none can be a repeat: nothing is kept but the last id. At the first
 * id that breaks both orders, the ids so far are recalled (`recall`: the scanner's own strings, or a
 * second pass over the file's bytes) into a set, and every id after is looked up there: memory grows
 * with the ids only for a file whose ids are out of order.
 *
 * Both orders are total orders in which two ids are equal only when their bytes are, so a run that
 * rises in either has no repeat. Browser-safe.
 */

/** A set of ids by their bytes; `add` says false when the id is there already (or may be: a fingerprint's clash). */
export interface IdSet {
  add(b: Uint8Array, a: number, e: number): boolean;
}

export class SeenIds {
  private last = new Uint8Array(64);
  private lastLen = -1;
  /** Whether every id so far came after the one before, in each order. */
  private natural = true;
  private bytewise = true;
  private set: IdSet | null = null;
  /** Ids added. */
  count = 0;

  /** `recall(n)`: a set of the first n ids added (called once, at the first id out of order). */
  constructor(private readonly recall: (n: number) => IdSet) {}

  /** Adds the id b[a, e); false when it was seen before (or, with a set of fingerprints, may have been). */
  add(b: Uint8Array, a: number, e: number): boolean {
    if (this.set === null) {
      if (this.lastLen < 0 || this.rises(b, a, e)) {
        this.keep(b, a, e);
        this.count++;
        return true;
      }
      this.set = this.recall(this.count);
    }
    this.count++;
    return this.set.add(b, a, e);
  }

  /** Whether the ids are still in order (nothing is kept). */
  get ordered(): boolean {
    return this.set === null;
  }

  private keep(b: Uint8Array, a: number, e: number): void {
    if (e - a > this.last.length) this.last = new Uint8Array(2 * (e - a));
    this.last.set(b.subarray(a, e));
    this.lastLen = e - a;
  }

  private rises(b: Uint8Array, a: number, e: number): boolean {
    const last = this.last.subarray(0, this.lastLen);
    if (this.natural && naturalCompare(last, 0, last.length, b, a, e) >= 0) this.natural = false;
    if (this.bytewise && byteCompare(last, 0, last.length, b, a, e) >= 0) this.bytewise = false;
    return this.natural || this.bytewise;
  }
}

/** Byte-by-byte order (a prefix first): <0, 0 or >0. */
export function byteCompare(x: Uint8Array, xa: number, xe: number, y: Uint8Array, ya: number, ye: number): number {
  const n = Math.min(xe - xa, ye - ya);
  for (let i = 0; i < n; i++) {
    const d = x[xa + i]! - y[ya + i]!;
    if (d !== 0) return d;
  }
  return xe - xa - (ye - ya);
}

const isDigit = (c: number) => c >= 48 && c <= 57;

/**
 * Natural order: the ids as sequences of tokens, a run of digits or a single other byte, compared
 * token by token (a prefix first); a digit run by its value (its digits past leading zeros: fewer
 * first, then byte by byte), placed among single bytes where its digits are (after "/", before ":").
 * Ids whose tokens are all equal ("a01" and "a1") are ordered byte by byte, so that 0 means the same
 * bytes. Each step is a total order, so the whole is one: s9 < s10 < s10a < s11, 2024-1-9 < 2024-1-10.
 */
export function naturalCompare(x: Uint8Array, xa: number, xe: number, y: Uint8Array, ya: number, ye: number): number {
  let i = xa,
    j = ya;
  while (i < xe && j < ye) {
    const [c, d] = [x[i]!, y[j]!];
    if (!isDigit(c) || !isDigit(d)) {
      // a byte against a byte, or against a digit run (which sorts as a digit would)
      if (c !== d) return c - d;
      i++;
      j++;
      continue;
    }
    // two digit runs: by value
    let i0 = i,
      j0 = j;
    while (i0 < xe - 1 && x[i0] === 48 && isDigit(x[i0 + 1]!)) i0++;
    while (j0 < ye - 1 && y[j0] === 48 && isDigit(y[j0 + 1]!)) j0++;
    let i1 = i0,
      j1 = j0;
    while (i1 < xe && isDigit(x[i1]!)) i1++;
    while (j1 < ye && isDigit(y[j1]!)) j1++;
    if (i1 - i0 !== j1 - j0) return i1 - i0 - (j1 - j0);
    for (let k = 0; k < i1 - i0; k++) if (x[i0 + k] !== y[j0 + k]) return x[i0 + k]! - y[j0 + k]!;
    i = i1;
    j = j1;
  }
  if (i < xe || j < ye) return xe - i - (ye - j);
  return byteCompare(x, xa, xe, y, ya, ye);
}

/** A set of ids by their strings (a whole-file read keeps the strings anyway). */
export class StringIds implements IdSet {
  private readonly set = new Set<string>();
  private readonly utf8 = new TextDecoder('utf-8');
  constructor(ids: Iterable<string> = []) {
    for (const id of ids) this.set.add(id);
  }
  add(b: Uint8Array, a: number, e: number): boolean {
    const id = this.utf8.decode(b.subarray(a, e));
    if (this.set.has(id)) return false;
    this.set.add(id);
    return true;
  }
}

/**
 * A set of ids by a 64-bit fingerprint each (two 32-bit hashes: FNV-1a and a multiplicative one) in a
 * flat table, open addressing, at most half full: 16 to 32 bytes an id. A clash, about one in 10^7
 * files of a million ids out of order, reads as a repeat: the file goes to readCsv, which is exact.
 */
export class IdHashes implements IdSet {
  private table = new Int32Array(1 << 12); // pairs; (0, 0) is empty
  private n = 0;
  add(b: Uint8Array, a: number, e: number): boolean {
    let h1 = 0x811c9dc5,
      h2 = 0x9e3779b9;
    for (let i = a; i < e; i++) {
      h1 = Math.imul(h1 ^ b[i]!, 16777619);
      h2 = Math.imul(h2 + b[i]! + 1, 0x85ebca6b) ^ (h2 >>> 13);
    }
    if (h1 === 0 && h2 === 0) h2 = 1;
    if (2 * (this.n + 1) > this.table.length / 2) this.rehash();
    return this.put(h1, h2);
  }
  private put(h1: number, h2: number): boolean {
    const t = this.table;
    const mask = t.length / 2 - 1;
    for (let k = (h1 ^ (h2 >>> 7)) & mask; ; k = (k + 1) & mask) {
      const [x, y] = [t[2 * k]!, t[2 * k + 1]!];
      if (x === 0 && y === 0) {
        t[2 * k] = h1;
        t[2 * k + 1] = h2;
        this.n++;
        return true;
      }
      if (x === h1 && y === h2) return false;
    }
  }
  private rehash(): void {
    const old = this.table;
    this.table = new Int32Array(old.length * 2);
    this.n = 0;
    for (let k = 0; k < old.length; k += 2) if (old[k] !== 0 || old[k + 1] !== 0) this.put(old[k]!, old[k + 1]!);
  }
}
