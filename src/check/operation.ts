// Helpers on single operations: validation at the checker's edge, time, and one-line renderings.
import type { Operation } from './types.js';

const KINDS = new Set(['put', 'get', 'delete', 'cas']);
const OUTCOMES = new Set(['ok', 'fail', 'info']);

/** Thrown when a history is malformed; names the operation, the field, what was expected and got. */
export class HistoryError extends Error {
  override readonly name = 'HistoryError';
}

const got = (v: unknown): string => (v === undefined ? 'undefined' : JSON.stringify(v) ?? String(v));
const isStrOrNull = (v: unknown): v is string | null => v === null || typeof v === 'string';

/** Checks one operation's shape; throws HistoryError naming the op and field (programmer error). */
export function validateOperation(op: Operation, where: string = `operation ${got(op?.id)}`): void {
  const fail = (field: string, expected: string, value: unknown): never => {
    throw new HistoryError(`${where}: ${field} must be ${expected}, got ${got(value)}`);
  };
  if (typeof op !== 'object' || op === null) fail('the operation', 'an object', op);
  if (!Number.isInteger(op.id)) fail('id', 'an integer', op.id);
  if (!Number.isInteger(op.client)) fail('client', 'an integer', op.client);
  if (!KINDS.has(op.kind)) fail('kind', 'one of put, get, delete, cas', op.kind);
  if (typeof op.key !== 'string') fail('key', 'a string', op.key);
  if (!OUTCOMES.has(op.outcome)) fail('outcome', 'one of ok, fail, info', op.outcome);
  if (typeof op.invoke !== 'number' || !Number.isFinite(op.invoke)) fail('invoke', 'a finite number', op.invoke);
  if (op.outcome === 'info') {
    if (op.complete !== null && op.complete !== Infinity) fail('complete', 'null or Infinity for an info operation', op.complete);
  } else {
    if (typeof op.complete !== 'number' || !Number.isFinite(op.complete)) fail('complete', `a finite number for an ${op.outcome} operation`, op.complete);
    else if (op.complete < op.invoke) fail('complete', `>= invoke (${op.invoke})`, op.complete);
  }
  if (op.kind === 'put' && typeof op.value !== 'string') fail('value', 'a string for a put', op.value);
  if (op.kind === 'cas') {
    if (typeof op.value !== 'string') fail('value', 'a string (the cas `to`)', op.value);
    if (!isStrOrNull(op.from)) fail('from', 'a string or null for a cas', op.from);
    if (op.casFailed !== undefined && typeof op.casFailed !== 'boolean') fail('casFailed', 'a boolean', op.casFailed);
    if (op.casFailed === true && op.outcome !== 'ok') fail('casFailed', "set only with outcome 'ok' (a 409 is a definite answer)", op.casFailed);
  }
  if (op.kind === 'get' && op.outcome === 'ok' && !isStrOrNull(op.value)) fail('value', 'a string or null (absent) for an ok get', op.value);
  if (op.kind === 'delete' && op.deleted !== undefined && typeof op.deleted !== 'boolean') fail('deleted', 'a boolean', op.deleted);
}

/** Validates a whole history, including unique ids. */
export function validateHistory(ops: readonly Operation[]): void {
  if (!Array.isArray(ops)) throw new HistoryError(`a history must be an array of operations, got ${got(ops)}`);
  const seen = new Set<number>();
  ops.forEach((op, i) => {
    validateOperation(op, `operation #${i} (id ${got(op?.id)})`);
    if (seen.has(op.id)) throw new HistoryError(`operation #${i}: id ${op.id} is used twice`);
    seen.add(op.id);
  });
}

/** Completion time with "never known" as Infinity, so ordering needs no special case. */
export function completeTime(op: Operation): number {
  return op.outcome === 'info' || op.complete === null ? Infinity : op.complete;
}

/** Real-time order: a precedes b iff a returned strictly before b was invoked (ties are concurrent). */
export function precedes(a: Operation, b: Operation): boolean {
  return completeTime(a) < b.invoke;
}

/** A value as users see it: quoted string, or "absent". */
export function fmtValue(v: string | null | undefined): string {
  if (v === null || v === undefined) return 'absent';
  return JSON.stringify(v.length > 40 ? `${v.slice(0, 37)}...` : v);
}

/** Milliseconds relative to `t0` with one decimal ("12.3ms"). */
export function fmtTime(t: number, t0: number): string {
  return Number.isFinite(t) ? `${(t - t0).toFixed(1)}ms` : 'never';
}

/** "get→\"3\"", "put \"5\"", "cas \"a\"→\"b\" (mismatch)", "delete→true" — no key, no client. */
export function describeOp(op: Operation): string {
  const info = op.outcome === 'info' ? ' (indefinite)' : op.outcome === 'fail' ? ' (failed)' : '';
  switch (op.kind) {
    case 'put':
      return `put ${fmtValue(op.value)}${info}`;
    case 'get':
      return op.outcome === 'ok' ? `get→${fmtValue(op.value)}` : `get${info}`;
    case 'delete':
      return op.outcome === 'ok' && op.deleted !== undefined ? `delete→${op.deleted}` : `delete${info}`;
    case 'cas':
      return `cas ${fmtValue(op.from)}→${fmtValue(op.value)}${op.casFailed ? ' (mismatch)' : ''}${info}`;
  }
}

/** "put \"5\" (op 17, client 2)" — the short reference used inside messages. */
export function refOp(op: Operation): string {
  return `${describeOp(op)} (op ${op.id}, client ${op.client})`;
}

/** True when the op may change the register: puts, deletes, and cas that did not report a mismatch. */
export function mayWrite(op: Operation): boolean {
  if (op.outcome === 'fail') return false;
  if (op.kind === 'put' || op.kind === 'delete') return true;
  return op.kind === 'cas' && op.casFailed !== true;
}
