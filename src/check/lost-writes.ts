// The lost-write check: after healing and reading every key, no acknowledged write may have vanished.
//
// Weaker than linearizability but independent of it (it uses the final reads, which the history
// does not contain), and its failures are the easiest to read: "this acknowledged write is gone".
import { completeTime, describeOp, fmtTime, fmtValue, mayWrite, validateHistory } from './operation.js';
import type { LostWrite, Operation } from './types.js';

/**
 * Every acknowledged (ok) put and applied cas must be the final value of its key, or be superseded
 * by another write or delete of that key (ok or info — it may have happened) that did not finish
 * before it started. Keys missing from `finalReads` were not read and are not checked;
 * null in `finalReads` means the key was absent.
 */
export function checkLostWrites(
  ops: readonly Operation[],
  finalReads: Map<string, string | null>,
): { ok: boolean; lost: LostWrite[] } {
  validateHistory(ops);
  const t0 = ops.reduce((min, op) => Math.min(min, op.invoke), Infinity);
  const writesByKey = new Map<string, Operation[]>();
  for (const op of ops) {
    if (!mayWrite(op)) continue;
    let list = writesByKey.get(op.key);
    if (!list) writesByKey.set(op.key, (list = []));
    list.push(op);
  }
  const lost: LostWrite[] = [];
  for (const [key, writes] of writesByKey) {
    if (!finalReads.has(key)) continue;
    const final = finalReads.get(key) ?? null;
    // W is superseded iff another write finished at or after W's invoke: compare with the latest
    // completion among the *other* writes (the top two completions cover every W).
    let first: Operation | undefined;
    let second = -Infinity;
    for (const o of writes) {
      if (!first || completeTime(o) > completeTime(first)) {
        second = first ? completeTime(first) : -Infinity;
        first = o;
      } else if (completeTime(o) > second) second = completeTime(o);
    }
    for (const op of writes) {
      if (op.outcome !== 'ok' || op.kind === 'delete') continue; // only acknowledged values
      if (op.value === final) continue;
      const latestOther = op === first ? second : completeTime(first as Operation);
      if (latestOther >= op.invoke) continue;
      const message =
        `key ${key}: ${describeOp(op)} (op ${op.id}, client ${op.client}${op.node ? ` via ${op.node}` : ''}) ` +
        `acknowledged at ${fmtTime(completeTime(op), t0)} is lost: the final value is ${fmtValue(final)} ` +
        `and no write or delete of the key ran concurrently with it or after it`;
      lost.push({ key, op, final, message });
    }
  }
  return { ok: lost.length === 0, lost };
}
