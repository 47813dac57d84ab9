// Turns a failed search into something a person can act on: which op, why, and against what.
//
// The search reports the longest linearizable prefix it found and the op whose return it hit
// there. We replay that prefix to find the write that produced the state the op saw, then name the
// ops that matter: that last write, every op overlapping the blocked one in time, and (for a read
// or a cas) every op that wrote the value it expected — usually the stale source.
import { completeTime, describeOp, fmtTime, fmtValue, mayWrite, precedes, refOp } from './operation.js';
import { type CompiledKey, ILLEGAL, step, UNREAD } from './register-model.js';
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
  const current = state === UNREAD ? 'a value never read' : fmtValue(c.values[state] ?? null);

  const concurrent = c.ops.filter(
    (o, i) => i !== blocked && o.invoke <= (c.complete[blocked] as number) && (c.complete[i] as number) >= op.invoke,
  );
  // The value the op expected to see, if it expected one.
  const expected = expectedValue(op);
  const writersOfExpected =
    expected === undefined ? [] : c.ops.filter((o) => o !== op && mayWrite(o) && o.kind !== 'delete' && o.value === expected);

  // For each writer of the expected value: a definite write of another value that started after
  // it finished and finished before `op` started. If every writer has one, `op` cannot see the value.
  const overwriterOf = (w: Operation): Operation | undefined =>
    c.ops.find(
      (o) => o.outcome === 'ok' && mayWrite(o) && o.value !== expected && precedes(w, o) && precedes(o, op),
    );

  // "Last write before it": the definite write that finished last before `op` began (a real-time
  // fact, unlike the search's prefix, which may have placed concurrent writes first).
  const precedingWrite = c.ops.reduce<Operation | undefined>(
    (best, o) => (o.outcome === 'ok' && mayWrite(o) && precedes(o, op) && (!best || completeTime(o) > completeTime(best)) ? o : best),
    undefined,
  );

  const conflicts: Operation[] = [];
  const add = (o: Operation | undefined): void => {
    if (o && o !== op && !conflicts.includes(o) && conflicts.length < MAX_CONFLICTS) conflicts.push(o);
  };
  add(precedingWrite);
  add(lastWrite);
  for (const w of writersOfExpected) {
    add(w);
    add(overwriterOf(w));
  }
  concurrent.filter((o) => mayWrite(o) && o.outcome === 'ok').forEach(add);
  concurrent.filter(mayWrite).forEach(add);
  concurrent.forEach(add);


  const who = `${describeOp(op)} by client ${op.client}${op.node ? ` via ${op.node}` : ''} at ${fmtTime(op.invoke, t0)}`;
  const before = precedingWrite
    ? `last write before it is ${refOp(precedingWrite)}`
    : `no write finished before it began (initial value ${c.initial === UNREAD ? 'a value never read' : fmtValue(c.values[c.initial] ?? null)})`;
  const reached = `; the longest linearizable prefix (${prefix.length} op${prefix.length === 1 ? '' : 's'}) leaves ${current}${
    lastWrite ? ` (last: op ${lastWrite.id})` : ''
  }`;
  let tail = '';
  if (expected !== undefined && op.kind !== 'delete') {
    const shown = writersOfExpected.slice(0, 3).map((o) => {
      const over = overwriterOf(o);
      const span = `op ${o.id} (client ${o.client}, ${fmtTime(o.invoke, t0)}–${fmtTime(o.complete ?? Infinity, t0)})`;
      return over ? `${span}, overwritten by ${refOp(over)} before it began` : span;
    });
    if (expected === null) tail = '';
    else if (writersOfExpected.length === 0) tail = `; no operation ever wrote ${fmtValue(expected)}`;
    else tail = `; ${fmtValue(expected)} was written by ${shown.join(', ')}${writersOfExpected.length > 3 ? ', ...' : ''}`;
  }
  // Definite concurrent writes are named; indefinite ones (which overlap everything after their
  // call) are only counted, or they would crowd out the interesting ones.
  const overlapping = concurrent.filter((o) => mayWrite(o) && o.outcome === 'ok');
  const maybe = concurrent.filter((o) => mayWrite(o) && o.outcome === 'info').length;
  const conc =
    (overlapping.length
      ? `; concurrent writes: ${overlapping.slice(0, 3).map(refOp).join(', ')}${overlapping.length > 3 ? `, ... (${overlapping.length})` : ''}`
      : '; no acknowledged write was concurrent with it') + (maybe ? `; ${maybe} indefinite write${maybe === 1 ? '' : 's'} could also land here` : '');
  const message = `key ${c.key}: ${who} cannot be placed: ${before}${tail}${conc}${reached}`;
  return { key: c.key, message, op, conflicts, linearized };
}

/** What the op asserts the value was (undefined when it asserts nothing about one value). */
function expectedValue(op: Operation): string | null | undefined {
  if (op.outcome !== 'ok') return undefined;
  if (op.kind === 'get') return op.value ?? null;
  if (op.kind === 'cas' && op.casFailed !== true) return op.from ?? null;
  return undefined;
}
