// Wing–Gong–Lowe search for one key, with Lowe's cache of visited (linearized set, state) pairs.
//
// The algorithm of porcupine's checkSingle (Athalye; Lowe, "Testing for linearizability"; Horn &
// Kroening, "Faster linearizability checking via P-compositionality"), written from the papers:
// walking the time-ordered events from the head, a call event is an op we may linearize next
// (its call precedes every remaining return, so nothing must come before it); the first return
// event reached belongs to an op that should have been linearized by now, so we backtrack.
// Linearizing an op lifts its events out of the list; backtracking puts them back.
//
// The cache makes it tractable: two paths that linearized the same set of ops and reached the same
// register state have the same future, so the second is pruned (linearized-set.ts encodes sets
// compactly). Three reductions on top, each argued where it is applied:
// - read-only ops that are legal now are linearized at once, without branching;
// - 'info' ops are tried only after every candidate with a known return (event-lists.ts), and
//   once every op with a known return is placed we stop: the rest go last, or never happened;
// - of several 'info' ops with the same effect (same opcode and operands; typically puts of values
//   nobody read), only the earliest-invoked unplaced one is a candidate (see `sameBefore`).
import { EventLists } from './event-lists.js';
import { LinearizedSet, VisitedCache } from './linearized-set.js';
import { type CompiledKey, ILLEGAL, isReadOnly, step } from './register-model.js';

export type KeyVerdict = { configurations: number } & (
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
    }
);

/** How often (in loop iterations) the deadline is read; a power of two minus one. */
const DEADLINE_MASK = 1023;

/** Searches one key. `deadline` is compared against `now()` every ~1000 steps. */
export function searchKey(c: CompiledKey, deadline: number, now: () => number): KeyVerdict {
  const n = c.ops.length;
  const ev = new EventLists(c);
  const { next, nodeOp, isCall, time } = ev;
  let remainingFinite = ev.finite;
  if (remainingFinite === 0) return { kind: 'ok', configurations: 0 };

  // Ops ranked by completion time, for the set encoding (info ops last).
  const opAt = Int32Array.from({ length: n }, (_, i) => i).sort(
    (x, y) => (c.complete[x] as number) - (c.complete[y] as number) || (c.invoke[x] as number) - (c.invoke[y] as number) || x - y,
  );
  const rankOf = new Int32Array(n);
  opAt.forEach((op, r) => (rankOf[op] = r));
  const set = new LinearizedSet(rankOf, ev.finite);
  const cache = new VisitedCache(ev.finite);
  const readOnly = new Uint8Array(n);
  for (let i = 0; i < n; i++) readOnly[i] = isReadOnly(c, i) ? 1 : 0;
  // Symmetry reduction for info ops. Two info ops with the same opcode and operands are
  // interchangeable except for their invoke times, and neither ever returns. So any valid order
  // that places some of them can be rewritten to place, at the same positions, the earliest-invoked
  // unplaced ones instead: the i-th placement happens no earlier than i ops of the class were
  // callable, so the i-th earliest is callable too. Hence only the earliest unplaced op of each
  // class is tried, the placed ones of a class always form a prefix in invoke order, and checking
  // that the op just before (`sameBefore`) is placed is enough. Without this, k identical info puts
  // give 2^k linearized sets that the cache cannot tell apart.
  const sameBefore = new Int32Array(n).fill(-1);
  const lastOfClass = new Map<string, number>();
  for (let node = next[ev.headInfo] as number; node !== ev.tailInfo; node = next[node] as number) {
    const op = nodeOp[node] as number;
    const cls = `${c.code[op]}:${c.a[op]}:${c.b[op]}`;
    sameBefore[op] = lastOfClass.get(cls) ?? -1;
    lastOfClass.set(cls, op);
  }
  const placed = new Uint8Array(n);

  // The stack of linearized ops (as call nodes), with what is needed to undo each.
  let state = c.initial;
  const stackNode = new Int32Array(n);
  const stackState = new Int32Array(n);
  const stackForced = new Uint8Array(n);
  const stackP = new Int32Array(n);
  const stackOff = new Int32Array(n);
  const stackLen = new Int32Array(n);
  let sp = 0;
  // The same stack as an immutable list (newest first), so the deepest failure can be kept in O(1).
  interface Cell {
    op: number;
    parent: Cell | null;
  }
  let chain: Cell | null = null;

  /** Records (linearized ∪ {op}, ns) as visited; false if it was visited before (and so failed). */
  const visit = (op: number, ns: number): boolean => {
    set.probe(op);
    return cache.add(set, ns);
  };

  /** Linearizes the op of call node `node`, right after a successful `visit` of it. */
  const push = (node: number, ns: number, forced: boolean): void => {
    const op = nodeOp[node] as number;
    stackNode[sp] = node;
    stackState[sp] = state;
    stackForced[sp] = forced ? 1 : 0;
    stackP[sp] = set.p;
    stackOff[sp] = set.off;
    stackLen[sp] = set.len;
    sp++;
    set.commit(cache.lastOff);
    chain = { op, parent: chain };
    state = ns;
    ev.lift(node);
    placed[op] = 1;
    if ((c.complete[op] as number) !== Infinity) remainingFinite--;
  };

  /**
   * Undoes linearizations until one with untried alternatives; returns its call node (scanning
   * resumes after it), or -1 when the stack is empty: no linearization exists. Forced frames have
   * no alternatives, so they are popped straight through.
   */
  const backtrack = (): number => {
    for (;;) {
      if (sp === 0) return -1;
      sp--;
      const top = stackNode[sp] as number;
      const topOp = nodeOp[top] as number;
      state = stackState[sp] as number;
      set.remove(topOp, stackP[sp] as number, stackOff[sp] as number, stackLen[sp] as number);
      ev.unlift(top);
      placed[topOp] = 0;
      chain = (chain as Cell).parent;
      if ((c.complete[topOp] as number) !== Infinity) remainingFinite++;
      if (stackForced[sp] === 0) return top;
    }
  };

  // Deepest failure seen, for the explanation.
  let bestDepth = -1;
  let bestChain: Cell | null = null;
  let bestBlocked = -1;
  let bestState = c.initial;
  const record = (returnNode: number): void => {
    if (sp <= bestDepth) return;
    bestDepth = sp;
    bestChain = chain;
    bestBlocked = nodeOp[returnNode] as number;
    bestState = state;
  };
  const failed = (): KeyVerdict => {
    if (bestBlocked < 0) throw new Error('wgl-search: failed without reaching a return (bug)');
    const prefix: number[] = [];
    for (let x = bestChain as Cell | null; x; x = x.parent) prefix.push(x.op);
    return { kind: 'fail', prefix: prefix.reverse(), blocked: bestBlocked, state: bestState, configurations: cache.size };
  };

  let iter = 0;
  let fresh = true; // just arrived at a new configuration: look for a forced move first
  let entry = -1; // the next event to consider
  let firstReturn = -1; // in the info phase: the main list's first remaining return
  for (;;) {
    if ((++iter & DEADLINE_MASK) === 0 && now() > deadline) return { kind: 'timeout', configurations: cache.size };
    if (fresh) {
      fresh = false;
      // Partial-order reduction: a read-only op that is minimal (its call precedes every remaining
      // return) and legal in the current state can be linearized right now without loss of
      // generality — in any valid continuation, moving it to the front breaks no real-time
      // constraint (nothing unlinearized returned before it was called) and changes no state. So
      // it is taken without trying alternatives, and if (set ∪ {it}, state) was already visited
      // (and so failed), this configuration fails too. Reads are most of a workload.
      let forced = -1;
      for (let f = next[ev.headMain] as number; isCall[f] === 1; f = next[f] as number) {
        const o = nodeOp[f] as number;
        if (readOnly[o] === 1 && step(c, o, state) !== ILLEGAL) {
          forced = f;
          break;
        }
      }
      if (forced !== -1) {
        if (visit(nodeOp[forced] as number, state)) {
          push(forced, state, true);
          if (remainingFinite === 0) return { kind: 'ok', configurations: cache.size };
          fresh = true;
          continue;
        }
        entry = backtrack();
        if (entry === -1) return failed();
        firstReturn = ev.isInfo(entry) ? ev.firstReturn() : -1;
        entry = next[entry] as number;
        continue;
      }
      entry = next[ev.headMain] as number;
      firstReturn = -1;
    }

    if (firstReturn === -1 && isCall[entry] === 0) {
      // Main phase over: every known-return candidate was tried. Now the info ops whose call
      // precedes this return (calls first at equal times).
      firstReturn = entry;
      entry = next[ev.headInfo] as number;
    }
    if (firstReturn !== -1 && (entry === ev.tailInfo || (time[entry] as number) > (time[firstReturn] as number))) {
      // Nothing left to try here: the op of `firstReturn` cannot be placed. Backtrack.
      record(firstReturn);
      entry = backtrack();
      if (entry === -1) return failed();
      firstReturn = ev.isInfo(entry) ? ev.firstReturn() : -1;
      entry = next[entry] as number;
      continue;
    }

    const op = nodeOp[entry] as number;
    const before = sameBefore[op] as number;
    if (before !== -1 && placed[before] === 0) {
      entry = next[entry] as number; // an earlier identical info op is still unplaced: try that one
      continue;
    }
    const ns = readOnly[op] === 1 ? ILLEGAL : step(c, op, state); // legal read-only ops were forced
    // An info op that leaves the state as it is only uses up the op: subsumed by not placing it.
    if (ns !== ILLEGAL && !(firstReturn !== -1 && ns === state) && visit(op, ns)) {
      push(entry, ns, false);
      if (remainingFinite === 0) return { kind: 'ok', configurations: cache.size };
      fresh = true;
      continue;
    }
    entry = next[entry] as number;
  }
}
