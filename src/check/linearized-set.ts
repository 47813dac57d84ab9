// The linearized set of the search and Lowe's cache of visited (set, state) configurations.
//
// Storing each visited set as a bitset costs n/32 words per entry: on a 10,000-op key, over a
// kilobyte per configuration, and a million configurations is not unusual. But a linearized set
// is always "everything that returned before some point, plus a few ops in flight at that point":
// an op can only be linearized while its call precedes every remaining return, and no return can
// be passed with its op unlinearized. So, ranking ops by completion time, a set is encoded exactly
// as (p, extra): ranks 0..p-1 are all in, rank p is out, and `extra` lists the (few) ranks > p
// that are in, sorted. Extra lists live in one append-only pool and are never modified, so the
// search stack and the cache share them; nothing is allocated per probe, and nothing per entry
// but a few words in typed arrays (this code runs millions of times on hard histories).
//
// The set's hash is maintained incrementally (Zobrist: XOR of a fixed random word per op).

/** Deterministic 32-bit words for the Zobrist hash (mulberry32; the seed is arbitrary). */
function zobristWords(n: number): Int32Array {
  const out = new Int32Array(n);
  let s = 0x2f6b3c1d;
  for (let i = 0; i < n; i++) {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    out[i] = t ^ (t >>> 14);
  }
  return out;
}

function grow(a: Int32Array<ArrayBuffer>, need: number): Int32Array<ArrayBuffer> {
  if (need <= a.length) return a;
  const out = new Int32Array(Math.max(need, a.length * 2));
  out.set(a);
  return out;
}

/** A set of op indices with the (p, extra) encoding over a fixed rank order. */
export class LinearizedSet {
  /** Append-only storage of extra lists. */
  pool = new Int32Array(1024);
  private poolUsed = 0;

  /** Current set: prefix length, extra list at pool[off, off+len), hash. */
  p = 0;
  off = 0;
  len = 0;
  hash = 0;

  /**
   * "current ∪ {op}" after `probe(op)`, described without writing anything: its extra list is
   * pool[off + start, off + len) with `ins` inserted at index `at` (ins = -1: nothing inserted).
   */
  nextP = 0;
  nextHash = 0;
  nextLen = 0;
  private nextStart = 0;
  private nextIns = -1;
  private nextPos = 0;

  private readonly zob: Int32Array;

  /**
   * `rankOf[op]` is a permutation of 0..n-1 (ops ranked by completion time); ranks >= `infoFrom`
   * are info ops, left out of the hash (see VisitedCache).
   */
  constructor(
    private readonly rankOf: Int32Array,
    infoFrom: number,
  ) {
    this.zob = zobristWords(rankOf.length);
    rankOf.forEach((r, op) => {
      if (r >= infoFrom) this.zob[op] = 0;
    });
  }

  /** Describes current ∪ {op} (op not in the set) in the next* fields. */
  probe(op: number): void {
    const r = this.rankOf[op] as number;
    const pool = this.pool;
    const off = this.off;
    const len = this.len;
    this.nextHash = this.hash ^ (this.zob[op] as number);
    if (r !== this.p) {
      // r > p (ranks below p are all in): insert it into the sorted extra list.
      let at = 0;
      while (at < len && (pool[off + at] as number) < r) at++;
      this.nextP = this.p;
      this.nextStart = 0;
      this.nextIns = r;
      this.nextPos = at;
      this.nextLen = len + 1;
      return;
    }
    // r fills the hole at p: the prefix grows over the run of extra ranks p+1, p+2, ...
    let p = r + 1;
    let i = 0;
    while (i < len && pool[off + i] === p) {
      p++;
      i++;
    }
    this.nextP = p;
    this.nextStart = i;
    this.nextIns = -1;
    this.nextLen = len - i;
  }

  /** Element j of the probed extra list. */
  nextAt(j: number): number {
    const base = this.off;
    if (this.nextIns < 0) return this.pool[base + this.nextStart + j] as number;
    return j < this.nextPos ? (this.pool[base + j] as number) : j === this.nextPos ? this.nextIns : (this.pool[base + j - 1] as number);
  }

  /** Stores the probed extra list (sharing the current one when possible); returns its offset. */
  materialize(): number {
    if (this.nextIns < 0) return this.off + this.nextStart;
    const len = this.len;
    const at = this.nextPos;
    this.pool = grow(this.pool, this.poolUsed + len + 1);
    const pool = this.pool;
    const dst = this.poolUsed;
    pool.copyWithin(dst, this.off, this.off + at);
    pool[dst + at] = this.nextIns;
    pool.copyWithin(dst + at + 1, this.off + at, this.off + len);
    this.poolUsed += len + 1;
    return dst;
  }

  /** Adds the probed op, whose extra list was stored at `off`. */
  commit(off: number): void {
    this.p = this.nextP;
    this.off = off;
    this.len = this.nextLen;
    this.hash = this.nextHash;
  }

  /** Removes op, restoring the encoding it had before it was committed (stack discipline). */
  remove(op: number, prevP: number, prevOff: number, prevLen: number): void {
    this.hash ^= this.zob[op] as number;
    this.p = prevP;
    this.off = prevOff;
    this.len = prevLen;
  }
}

/**
 * Lowe's cache: which (linearized set, state) configurations the search has entered, with
 * subsumption for info ops. A configuration is pruned if one was entered with the same state, the
 * same known-return ops linearized, and a *subset* of its info ops linearized: having an info op
 * still unplaced can only help (it may be placed later or never), so the earlier configuration
 * can do everything this one can — and it either failed or is an ancestor still being explored,
 * whose other branches cover this one (the usual DFS-with-subsumption argument: a minimal-distance
 * entered configuration that could reach the goal would have a child on its path that is either
 * entered, or subsumed by an entered one at no greater distance — a contradiction).
 * This is what makes placing an info write and then overwriting it cheap: the search lands on a
 * configuration already explored without it, and stops.
 *
 * Layout: open addressing on the 32-bit key (hash of the known-return ops and the state); each
 * slot heads a chain of entries sharing that key (they differ in their info ops, or collide).
 */
export class VisitedCache {
  size = 0;
  private heads = 0;
  /** Pool offset of the extra list stored by the last successful `add`. */
  lastOff = 0;

  private slots = new Int32Array(1 << 12); // entry index + 1; 0 = empty
  private eKey = new Int32Array(1024);
  private eState = new Int32Array(1024);
  private eP = new Int32Array(1024);
  private eOff = new Int32Array(1024);
  private eLen = new Int32Array(1024);
  private eK = new Int32Array(1024);
  private eNext = new Int32Array(1024); // next entry with the same key, + 1

  /** Extra ranks >= infoFrom are info ops (see LinearizedSet). */
  constructor(private readonly infoFrom: number) {}

  /** Records the probed configuration of `set` with `state`; false if it (or one subsuming it) was entered. */
  add(set: LinearizedSet, state: number): boolean {
    const key = set.nextHash ^ Math.imul(state + 1, 0x9e3779b1);
    const len = set.nextLen;
    let k = len; // elements k.. are the info ops (a suffix: they rank last)
    while (k > 0 && set.nextAt(k - 1) >= this.infoFrom) k--;
    const p = set.nextP;
    const mask = this.slots.length - 1;
    let slot = (Math.imul(key, 0x85ebca6b) >>> 0) & mask;
    let head = 0;
    for (;;) {
      const s = this.slots[slot] as number;
      if (s === 0) break;
      if (this.eKey[s - 1] === key) {
        head = s;
        break;
      }
      slot = (slot + 1) & mask;
    }
    for (let e = head - 1; e >= 0; e = (this.eNext[e] as number) - 1) {
      if (this.subsumes(e, set, state, p, k, len)) return false;
    }
    // New entry, at the head of its chain.
    const idx = this.size;
    if (idx === this.eKey.length) this.growEntries();
    const off = set.materialize();
    this.eKey[idx] = key;
    this.eState[idx] = state;
    this.eP[idx] = p;
    this.eOff[idx] = off;
    this.eLen[idx] = len;
    this.eK[idx] = k;
    this.eNext[idx] = head;
    this.slots[slot] = idx + 1;
    this.size++;
    this.lastOff = off;
    if (head === 0 && ++this.heads * 2 > this.slots.length) this.rehash();
    return true;
  }

  /** Entry e subsumes the probed configuration: same state and known-return ops, info ops a subset. */
  private subsumes(e: number, set: LinearizedSet, state: number, p: number, k: number, len: number): boolean {
    const eLen = this.eLen[e] as number;
    if (this.eState[e] !== state || this.eP[e] !== p || this.eK[e] !== k || eLen > len) return false;
    const pool = set.pool;
    const off = this.eOff[e] as number;
    for (let j = 0; j < k; j++) if (pool[off + j] !== set.nextAt(j)) return false;
    let j = k;
    for (let i = k; i < eLen; i++) {
      const want = pool[off + i] as number;
      while (j < len && set.nextAt(j) < want) j++;
      if (j === len || set.nextAt(j) !== want) return false;
      j++;
    }
    return true;
  }

  private growEntries(): void {
    const n = this.eKey.length * 2;
    this.eKey = grow(this.eKey, n);
    this.eState = grow(this.eState, n);
    this.eP = grow(this.eP, n);
    this.eOff = grow(this.eOff, n);
    this.eLen = grow(this.eLen, n);
    this.eK = grow(this.eK, n);
    this.eNext = grow(this.eNext, n);
  }

  /** Doubles the slot table (kept at most half full of chain heads); chains stay intact. */
  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2);
    const mask = slots.length - 1;
    const isHead = new Uint8Array(this.size);
    for (const s of this.slots) if (s !== 0) isHead[s - 1] = 1;
    for (let e = 0; e < this.size; e++) {
      if (isHead[e] !== 1) continue;
      let slot = (Math.imul(this.eKey[e] as number, 0x85ebca6b) >>> 0) & mask;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = e + 1;
    }
    this.slots = slots;
  }
}
