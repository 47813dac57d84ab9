// The sequential specification: one register per key, compiled to small integers for the search.
//
// Values are interned per key (absent = 0, each distinct string gets an id), so a state is an
// int: equality is `===` and hashing is free. Each operation becomes an opcode plus two value ids,
// and `step` is a switch — the search's hot loop never touches strings.
import { completeTime } from './operation.js';
import type { Operation } from './types.js';

export const ABSENT = 0;
/** Every present value that no op of the key ever tests for (see compileKey). */
export const UNREAD = 1;
/** Returned by `step` when the operation's recorded result contradicts the state. */
export const ILLEGAL = -1;

// Opcodes. The comment says what the op asserts about the state before it, and the state after.
export const OP_PUT = 0; //          nothing;               a
export const OP_GET = 1; //          state === a;           state
export const OP_DEL_TRUE = 2; //     state !== absent;      absent
export const OP_DEL_FALSE = 3; //    state === absent;      absent
export const OP_DEL_ANY = 4; //      nothing (info / unknown answer); absent
export const OP_CAS_OK = 5; //       state === b;           a
export const OP_CAS_MISMATCH = 6; // state !== b;           state
export const OP_CAS_MAYBE = 7; //    nothing (info): applies iff state === b

/** One key's history, ready for the search. Index i describes `ops[i]`. */
export interface CompiledKey {
  key: string;
  ops: Operation[];
  code: Uint8Array;
  a: Int32Array;
  b: Int32Array;
  invoke: Float64Array;
  /** Infinity for info operations. */
  complete: Float64Array;
  /** Value id → value (0: absent; 1: UNREAD, shown as "a value never read"). */
  values: Array<string | null>;
  initial: number;
}

/**
 * Whether an op constrains or changes anything. 'fail' ops never happened; an 'info' get may have
 * returned anything to nobody, so it asserts nothing and changes nothing.
 */
export function isRelevant(op: Operation): boolean {
  if (op.outcome === 'fail') return false;
  return !(op.kind === 'get' && op.outcome === 'info');
}

/** Splits a history per key (P-compositionality: a history is linearizable iff each key's is). */
export function partitionByKey(ops: readonly Operation[]): Map<string, Operation[]> {
  const byKey = new Map<string, Operation[]>();
  for (const op of ops) {
    if (!isRelevant(op)) continue;
    let list = byKey.get(op.key);
    if (!list) byKey.set(op.key, (list = []));
    list.push(op);
  }
  return byKey;
}

/**
 * Compiles one key's relevant operations (as returned by `partitionByKey`).
 *
 * State abstraction (exact): a value that no op tests for equality — no get returned it, no cas
 * expected it — behaves exactly like any other such value: every step only compares the state
 * with tested values or with absent. So all untested values share one id, UNREAD. With unique
 * written values (the usual workload), every overwritten-before-read write then leads to the same
 * state, and the cache sees far more repeats.
 */
export function compileKey(key: string, ops: Operation[], initial: string | null = null): CompiledKey {
  const tested = new Set<string>();
  for (const op of ops) {
    if (op.kind === 'get' && typeof op.value === 'string') tested.add(op.value);
    if (op.kind === 'cas' && typeof op.from === 'string') tested.add(op.from);
  }
  const ids = new Map<string, number>();
  const values: Array<string | null> = [null, null];
  const intern = (v: string | null | undefined): number => {
    if (v === null || v === undefined) return ABSENT;
    if (!tested.has(v)) return UNREAD;
    let id = ids.get(v);
    if (id === undefined) {
      id = values.length;
      ids.set(v, id);
      values.push(v);
    }
    return id;
  };
  const n = ops.length;
  const c: CompiledKey = {
    key,
    ops,
    code: new Uint8Array(n),
    a: new Int32Array(n),
    b: new Int32Array(n),
    invoke: new Float64Array(n),
    complete: new Float64Array(n),
    values,
    initial: intern(initial),
  };
  ops.forEach((op, i) => {
    c.invoke[i] = op.invoke;
    c.complete[i] = completeTime(op);
    const ok = op.outcome === 'ok';
    switch (op.kind) {
      case 'put':
        c.code[i] = OP_PUT;
        c.a[i] = intern(op.value);
        break;
      case 'get':
        c.code[i] = OP_GET;
        c.a[i] = intern(op.value);
        break;
      case 'delete':
        c.code[i] = ok && op.deleted === true ? OP_DEL_TRUE : ok && op.deleted === false ? OP_DEL_FALSE : OP_DEL_ANY;
        break;
      case 'cas':
        c.code[i] = !ok ? OP_CAS_MAYBE : op.casFailed === true ? OP_CAS_MISMATCH : OP_CAS_OK;
        c.a[i] = intern(op.value);
        c.b[i] = intern(op.from);
        break;
    }
  });
  return c;
}

/** Applies op i to `state`; returns the new state or ILLEGAL. The whole sequential model. */
export function step(c: CompiledKey, i: number, state: number): number {
  const a = c.a[i] as number;
  const b = c.b[i] as number;
  switch (c.code[i]) {
    case OP_PUT:
      return a;
    case OP_GET:
      return state === a ? state : ILLEGAL;
    case OP_DEL_TRUE:
      return state !== ABSENT ? ABSENT : ILLEGAL;
    case OP_DEL_FALSE:
      return state === ABSENT ? ABSENT : ILLEGAL;
    case OP_DEL_ANY:
      return ABSENT;
    case OP_CAS_OK:
      return state === b ? a : ILLEGAL;
    case OP_CAS_MISMATCH:
      return state !== b ? state : ILLEGAL;
    case OP_CAS_MAYBE:
      return state === b ? a : state;
    default:
      throw new Error(`unknown opcode ${c.code[i]}`);
  }
}

/**
 * True when the op never changes the register, in any state where it is legal: reads, 409 cas
 * mismatches, deletes that found nothing, and a matching cas from x to x. (An info cas is not:
 * where it does not match now it might match later.)
 */
export function isReadOnly(c: CompiledKey, i: number): boolean {
  const code = c.code[i];
  return code === OP_GET || code === OP_CAS_MISMATCH || code === OP_DEL_FALSE || (code === OP_CAS_OK && c.a[i] === c.b[i]);
}
