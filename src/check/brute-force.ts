// The definition of linearizability, executed literally: the oracle the fast checker is tested against.
//
// Deliberately shares nothing with the fast path (no per-key split, no interning, no cache, no
// "info ops go last" shortcut): pick which indefinite ops happened, then try every order of the
// ops that happened that respects real time, replaying a Map of all keys. Exponential; tiny
// histories only.
import { completeTime, validateHistory } from './operation.js';
import type { Operation } from './types.js';

/** Refuse histories larger than this many non-failed ops (the search is factorial). */
export const BRUTE_FORCE_MAX_OPS = 10;

/** Exhaustive linearizability check for tiny histories (≤ 10 non-failed ops); for tests. */
export function bruteForceLinearizable(ops: readonly Operation[], initial?: Map<string, string | null>): boolean {
  validateHistory(ops);
  const happened = ops.filter((o) => o.outcome !== 'fail'); // definite failures never happened
  if (happened.length > BRUTE_FORCE_MAX_OPS) {
    throw new RangeError(`bruteForceLinearizable handles at most ${BRUTE_FORCE_MAX_OPS} operations, got ${happened.length}`);
  }
  const maybe = happened.filter((o) => o.outcome === 'info');
  const start = new Map<string, string | null>(initial ?? []);
  // Every subset of the indefinite ops may be the ones that never took effect.
  for (let mask = 0; mask < 1 << maybe.length; mask++) {
    const omitted = new Set(maybe.filter((_, i) => (mask & (1 << i)) !== 0));
    const chosen = happened.filter((o) => !omitted.has(o));
    if (orderExists(chosen, new Array<boolean>(chosen.length).fill(false), chosen.length, start)) return true;
  }
  return false;
}

/** Is there an order of the unplaced ops, consistent with real time, in which every result holds? */
function orderExists(ops: Operation[], placed: boolean[], left: number, state: Map<string, string | null>): boolean {
  if (left === 0) return true;
  for (let i = 0; i < ops.length; i++) {
    if (placed[i]) continue;
    const op = ops[i] as Operation;
    // op may go next only if no other unplaced op finished strictly before op started.
    const blocked = ops.some((o, j) => j !== i && !placed[j] && completeTime(o) < op.invoke);
    if (blocked) continue;
    const after = apply(op, state);
    if (after === undefined) continue;
    placed[i] = true;
    const found = orderExists(ops, placed, left - 1, after);
    placed[i] = false;
    if (found) return true;
  }
  return false;
}

/** The register semantics of SPEC, per op; undefined when the recorded result is impossible. */
function apply(op: Operation, state: Map<string, string | null>): Map<string, string | null> | undefined {
  const cur = state.get(op.key) ?? null;
  const known = op.outcome === 'ok';
  const set = (v: string | null): Map<string, string | null> => new Map(state).set(op.key, v);
  switch (op.kind) {
    case 'put':
      return set(op.value ?? null);
    case 'get':
      if (!known) return state; // nobody saw the answer
      return cur === (op.value ?? null) ? state : undefined;
    case 'delete':
      if (known && op.deleted !== undefined && op.deleted !== (cur !== null)) return undefined;
      return set(null);
    case 'cas': {
      const matches = cur === (op.from ?? null);
      if (!known) return matches ? set(op.value ?? null) : state;
      if (op.casFailed === true) return matches ? undefined : state;
      return matches ? set(op.value ?? null) : undefined;
    }
  }
}
