// Wing–Gong–Lowe search for one key, with Lowe's cache of visited (linearized set, state) pairs.
//
// The same algorithm as porcupine's checkSingle (Athalye; Lowe, "Testing for linearizability";
// Horn & Kroening, "Faster linearizability checking via P-compositionality"), written from the
// papers: the history is a doubly linked list of call and return events sorted by time. Walking it
// from the head, a call event is an operation we may linearize next (every op whose call precedes
// the first remaining return is minimal in real-time order); a return event means the op it
// belongs to should have been linearized by now, so we backtrack. Linearizing an op "lifts" its
// call and return out of the list; backtracking puts them back (dancing links).
//
// The cache makes it tractable: two search paths that linearized the same set of ops and reached
// the same register state have the same future, so the second is pruned. The set is a bitset;
// its hash is maintained incrementally (Zobrist: XOR of a fixed random word per op), so a cache
// probe costs O(1) plus a word-by-word compare only on hash hits.
//
// 'info' ops return at Infinity: they may be linearized anywhere after their call, and once every
// op with a known return is linearized we stop — the remaining info ops are placed last (or, the
// same thing, never happened).
import { type CompiledKey, ILLEGAL, step } from './register-model.js';

export type KeyVerdict =
  | { kind: 'ok' }
  | { kind: 'timeout' }
  | {
      kind: 'fail';
      /** Op indices (into CompiledKey.ops) of the longest linearizable prefix found, in order. */
      prefix: number[];
      /** The op whose return was reached without it being placeable after that prefix. */
      blocked: number;
      /** Register state (value id) after the prefix. */
      state: number;
    };

/** How often (in loop iterations) the deadline is read; a power of two minus one. */
const DEADLINE_MASK = 1023;

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

/** Searches one key. `deadline` is compared against `now()` every ~1000 steps. */
export function searchKey(c: CompiledKey, deadline: number, now: () => number): KeyVerdict {
  const n = c.ops.length;
  let remainingFinite = 0;
  for (let i = 0; i < n; i++) if ((c.complete[i] as number) !== Infinity) remainingFinite++;
  if (remainingFinite === 0) return { kind: 'ok' };

  // --- Events, sorted: by time; at equal times calls first, so touching ops count as concurrent.
  const m = 2 * n;
  const evTime = new Float64Array(m);
  for (let i = 0; i < n; i++) {
    evTime[2 * i] = c.invoke[i] as number;
    evTime[2 * i + 1] = c.complete[i] as number;
  }
  const order = Array.from({ length: m }, (_, e) => e);
  order.sort((x, y) => (evTime[x] as number) - (evTime[y] as number) || (x & 1) - (y & 1));

  // --- Linked list over nodes 1..m; node 0 is the head, node m+1 the tail sentinel.
  const head = 0;
  const tail = m + 1;
  const next = new Int32Array(m + 2);
  const prev = new Int32Array(m + 2);
  const nodeOp = new Int32Array(m + 2).fill(-1);
  const isCall = new Uint8Array(m + 2);
  const match = new Int32Array(m + 2); // call node → its return node
  const callNodeOf = new Int32Array(n);
  const returnNodeOf = new Int32Array(n);
  for (let k = 0; k < m; k++) {
    const ev = order[k] as number;
    const node = k + 1;
    const op = ev >> 1;
    nodeOp[node] = op;
    if ((ev & 1) === 0) {
      isCall[node] = 1;
      callNodeOf[op] = node;
    } else {
      returnNodeOf[op] = node;
    }
  }
  for (let i = 0; i < n; i++) match[callNodeOf[i] as number] = returnNodeOf[i] as number;
  for (let node = 0; node <= m + 1; node++) {
    next[node] = node + 1;
    prev[node] = node - 1;
  }

  const unlink = (x: number): void => {
    next[prev[x] as number] = next[x] as number;
    prev[next[x] as number] = prev[x] as number;
  };
  const relink = (x: number): void => {
    next[prev[x] as number] = x;
    prev[next[x] as number] = x;
  };

  // --- Search state.
  const words = (n + 31) >>> 5;
  const bits = new Uint32Array(words);
  const zob = zobristWords(n);
  let hash = 0;
  let state = c.initial;
  const stackNode = new Int32Array(n);
  const stackState = new Int32Array(n);
  let sp = 0;
  // Cache: hash → list of (bitset, state). Only bitsets that were actually visited are stored.
  const cache = new Map<number, Array<{ bits: Uint32Array; state: number }>>();

  // Deepest failure seen, for the explanation.
  let bestDepth = -1;
  let bestPrefix: number[] = [];
  let bestBlocked = -1;
  let bestState = c.initial;

  let iter = 0;
  let entry = next[head] as number;
  for (;;) {
    if ((++iter & DEADLINE_MASK) === 0 && now() > deadline) return { kind: 'timeout' };
    if (entry === tail) throw new Error('wgl-search: reached the end with operations left (bug)');
    const op = nodeOp[entry] as number;
    if (isCall[entry] === 1) {
      const ns = step(c, op, state);
      if (ns !== ILLEGAL) {
        const h = hash ^ (zob[op] as number);
        const w = op >>> 5;
        const mask = 1 << (op & 31);
        const cacheKey = (h ^ Math.imul(ns + 1, 0x9e3779b1)) & 0x3fffffff;
        let bucket = cache.get(cacheKey);
        let seen = false;
        if (bucket) {
          for (const e of bucket) {
            if (e.state !== ns) continue;
            let same = true;
            for (let j = 0; j < words; j++) {
              const want = j === w ? (bits[j] as number) | mask : (bits[j] as number);
              if ((e.bits[j] as number) !== want >>> 0) {
                same = false;
                break;
              }
            }
            if (same) {
              seen = true;
              break;
            }
          }
        }
        if (!seen) {
          bits[w] = (bits[w] as number) | mask;
          hash = h;
          if (!bucket) cache.set(cacheKey, (bucket = []));
          bucket.push({ bits: bits.slice(), state: ns });
          stackNode[sp] = entry;
          stackState[sp] = state;
          sp++;
          state = ns;
          unlink(entry);
          unlink(match[entry] as number);
          if ((c.complete[op] as number) !== Infinity && --remainingFinite === 0) return { kind: 'ok' };
          entry = next[head] as number;
          continue;
        }
      }
      entry = next[entry] as number;
    } else {
      // A return: `op` had to be linearized before this point and could not be. Backtrack.
      if (sp > bestDepth) {
        bestDepth = sp;
        bestPrefix = Array.from(stackNode.subarray(0, sp), (node) => nodeOp[node] as number);
        bestBlocked = op;
        bestState = state;
      }
      if (sp === 0) return { kind: 'fail', prefix: bestPrefix, blocked: bestBlocked, state: bestState };
      sp--;
      const top = stackNode[sp] as number;
      const topOp = nodeOp[top] as number;
      state = stackState[sp] as number;
      bits[topOp >>> 5] = (bits[topOp >>> 5] as number) & ~(1 << (topOp & 31));
      hash ^= zob[topOp] as number;
      // Reinsert in reverse order of removal so the dancing links stay consistent.
      relink(match[top] as number);
      relink(top);
      if ((c.complete[topOp] as number) !== Infinity) remainingFinite++;
      entry = next[top] as number;
    }
  }
}
