// Turns a failed search into something a person can act on: which op, why, and against what.
//
// The search reports the longest linearizable prefix it found and the op whose return it hit
// there. We replay that prefix to find the write that produced the state the op saw, then name the
// ops that matter: that last write, every op overlapping the blocked one in time, and (for a read
// or a cas) every op that wrote the value it expected — usually the stale source.
import { describeOp, fmtTime, fmtValue, mayWrite, refOp } from './operation.js';
import { type CompiledKey, ILLEGAL, step } from './register-model.js';
import type { KeyFailure, Operation } from './types.js';

/** At most this many conflicting ops are listed (the message names fewer). */
const MAX_CONFLICTS = 20;

/** Builds the KeyFailure for one key. `t0` is the history's first invoke (times are shown relative to it). */
export function explainFailure(
  c: CompiledKey,
  prefix: number[],
  blocked: number,
  state: number,
  t0: number,
): KeyFailure {
  const op = c.ops[blocked] as Operation;
  const linearized = prefix.map((i) => c.ops[i] as Operation);

  // Replay the prefix: the last op that changed (or set) the register is "the last write before it".
  let s = c.initial;
  let lastWrite: Operation | undefined;
  for (const i of prefix) {
    const ns = step(c, i, s);
    if (ns === ILLEGAL) break; // cannot happen for a prefix the search accepted
    const o = c.ops[i] as Operation;
    // A cas writes only when it matched (an info cas may not have); puts and deletes always write.
    if (o.kind !== 'cas' ? mayWrite(o) : mayWrite(o) && s === c.b[i]) lastWrite = o;
    s = ns;
  }
  const current = c.values[state] ?? null;

  const inPrefix = new Set(prefix);
  const concurrent = c.ops.filter(
    (o, i) => i !== blocked && !inPrefix.has(i) && o.invoke <= (c.complete[blocked] as number) && (c.complete[i] as number) >= op.invoke,
  );
  // The value the op expected to see, if it expected one.
  const expected = expectedValue(op);
  const writersOfExpected =
    expected === undefined ? [] : c.ops.filter((o) => o !== op && mayWrite(o) && o.kind !== 'delete' && o.value === expected);

  const conflicts: Operation[] = [];
  const add = (o: Operation | undefined): void => {
    if (o && o !== op && !conflicts.includes(o) && conflicts.length < MAX_CONFLICTS) conflicts.push(o);
  };
  add(lastWrite);
  writersOfExpected.forEach(add);
  concurrent.filter(mayWrite).forEach(add);
  concurrent.forEach(add);

  const who = `${describeOp(op)} by client ${op.client}${op.node ? ` via ${op.node}` : ''} at ${fmtTime(op.invoke, t0)}`;
  const before = lastWrite
    ? `last write before it is ${describeOp(lastWrite)} (op ${lastWrite.id}, client ${lastWrite.client}), so the value was ${fmtValue(current)}`
    : `nothing was written before it, so the value was ${fmtValue(current)} (initial)`;
  let tail = '';
  if (expected !== undefined && op.kind !== 'delete') {
    const shown = writersOfExpected.slice(0, 3).map((o) => `op ${o.id} (client ${o.client}, ${fmtTime(o.invoke, t0)}–${fmtTime(o.complete ?? Infinity, t0)})`);
    if (expected === null) tail = '';
    else if (writersOfExpected.length === 0) tail = `; no operation ever wrote ${fmtValue(expected)}`;
    else tail = `; ${fmtValue(expected)} was written by ${shown.join(', ')}${writersOfExpected.length > 3 ? ', ...' : ''}`;
  }
  const overlapping = concurrent.filter(mayWrite);
  const conc = overlapping.length
    ? `; concurrent writes: ${overlapping.slice(0, 3).map(refOp).join(', ')}${overlapping.length > 3 ? ', ...' : ''}`
    : '; no write was concurrent with it';
  const message = `key ${c.key}: ${who} cannot be placed: ${before}${tail}${conc}`;
  return { key: c.key, message, op, conflicts, linearized };
}

/** What the op asserts the value was (undefined when it asserts nothing about one value). */
function expectedValue(op: Operation): string | null | undefined {
  if (op.outcome !== 'ok') return undefined;
  if (op.kind === 'get') return op.value ?? null;
  if (op.kind === 'cas' && op.casFailed !== true) return op.from ?? null;
  return undefined;
}
