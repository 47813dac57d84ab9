// What applying a command answers. A result is a value (protocol outcome), never an exception: a CAS
// mismatch and an expired session are answers the client receives. `index` is the log index of the
// entry that produced the answer; a deduplicated retry gets the first answer, first index included.

/** The answer to one applied command; the HTTP layer maps it to 200 / 409 / indefinite. */
export type KvResult =
  | { ok: true; op: 'put'; key: string; value: string; index: number }
  | { ok: true; op: 'delete'; key: string; deleted: boolean; index: number }
  | { ok: true; op: 'cas'; key: string; value: string; index: number }
  | { ok: false; code: 'CAS_MISMATCH'; key: string; current: string | null; index: number }
  | { ok: false; code: 'SESSION_EXPIRED'; key: string; index: number };

/** A remembered result as it sits in a snapshot: [tag, key, index, payload]. Arrays of primitives
 *  parse several times faster than objects, and a full session table holds millions of them. */
export type ResultRecord = [tag: 'p' | 'd' | 'c' | 'm', key: string, index: number, payload: string | boolean | null];

/** Number of array elements one ResultRecord takes in a flattened list. */
export const RESULT_RECORD_WIDTH = 4;

/** Appends the record of `r` to `out` (flattened). SESSION_EXPIRED is never remembered, so never written. */
export function pushResultRecord(out: unknown[], r: KvResult): void {
  if (r.ok) {
    if (r.op === 'delete') out.push('d', r.key, r.index, r.deleted);
    else out.push(r.op === 'put' ? 'p' : 'c', r.key, r.index, r.value);
  } else if (r.code === 'CAS_MISMATCH') {
    out.push('m', r.key, r.index, r.current);
  } else {
    throw new Error(`pushResultRecord: a ${r.code} result is never remembered`);
  }
}

/**
 * Rebuilds a result from the flattened records in `flat` at offset `at`, in canonical field order (so
 * a restored machine serialises byte-identically), or returns an explanation of what is wrong.
 */
export function readResultRecord(flat: readonly unknown[], at: number): KvResult | string {
  const tag = flat[at];
  const key = flat[at + 1];
  const index = flat[at + 2];
  const payload = flat[at + 3];
  if (typeof key !== 'string') return 'the key must be a string';
  if (typeof index !== 'number' || !Number.isSafeInteger(index) || index < 1) return 'the index must be a positive integer';
  switch (tag) {
    case 'p':
    case 'c':
      if (typeof payload !== 'string') return `the value of a ${tag === 'p' ? 'put' : 'cas'} must be a string`;
      return tag === 'p' ? { ok: true, op: 'put', key, value: payload, index } : { ok: true, op: 'cas', key, value: payload, index };
    case 'd':
      if (typeof payload !== 'boolean') return 'deleted must be a boolean';
      return { ok: true, op: 'delete', key, deleted: payload, index };
    case 'm':
      if (payload !== null && typeof payload !== 'string') return 'the current value of a CAS mismatch must be a string or null';
      return { ok: false, code: 'CAS_MISMATCH', key, current: payload, index };
    default:
      return `unknown result tag ${JSON.stringify(tag)} (expected "p", "d", "c" or "m")`;
  }
}
