// Names the kind of anomaly behind a linearizability failure, in the words a reader looks for
// ("stale read"), and points at the write the read missed. The checker's own message stays the
// authority; this adds the headline.
import { precedes, type KeyFailure, type Operation } from '../check/index.js';

export interface Anomaly {
  /** 'stale-read' | 'lost-update' | 'impossible-read' | 'other' */
  kind: 'stale-read' | 'impossible-read' | 'lost-update' | 'other';
  /** One line: "stale read: node-3 returned "v12" after op 40 had overwritten it (put "v15", done 120 ms before the read began)". */
  headline: string;
  /** The write the read should have seen, when there is one. */
  missed?: Operation;
}

const writes = (o: Operation): boolean => o.outcome !== 'fail' && (o.kind === 'put' || o.kind === 'delete' || (o.kind === 'cas' && o.casFailed !== true));
const valueOf = (o: Operation): string | null => (o.kind === 'delete' ? null : (o.value ?? null));
const show = (v: string | null | undefined): string => (v == null ? 'absent' : JSON.stringify(v));

/** Classify one failure against the whole history of its key. */
export function classifyFailure(f: KeyFailure, history: readonly Operation[]): Anomaly {
  const op = f.op;
  const keyOps = history.filter((o) => o.key === f.key);
  if (op.kind === 'get' && op.outcome === 'ok') {
    const v = op.value ?? null;
    // Only writes that began before the read ended could have produced what it saw.
    const writers = keyOps.filter((o) => writes(o) && valueOf(o) === v && o.invoke < (op.complete ?? Infinity));
    if (v !== null && writers.length === 0) {
      return { kind: 'impossible-read', headline: `impossible read: ${where(op)} returned ${show(v)}, which no operation ever wrote` };
    }
    // A definite write of another value that finished before the read began, after every writer of
    // the value read had finished (or, for "absent", after the key's only possible deleters).
    const missed = keyOps
      .filter((o) => o.outcome === 'ok' && writes(o) && valueOf(o) !== v && precedes(o, op) && writers.every((w) => precedes(w, o)))
      .sort((a, b) => (b.complete ?? 0) - (a.complete ?? 0))[0];
    if (missed !== undefined) {
      const gap = op.invoke - (missed.complete ?? op.invoke);
      return {
        kind: 'stale-read',
        headline: `stale read: ${where(op)} returned ${show(v)} although op ${missed.id} (${missed.kind} ${show(valueOf(missed))}, client ${missed.client}) had replaced it ${gap.toFixed(0)} ms before the read began`,
        missed,
      };
    }
    return { kind: 'stale-read', headline: `stale or out-of-order read: ${where(op)} returned ${show(v)}, which no linearization allows at that moment` };
  }
  if (op.kind === 'cas' && op.outcome === 'ok' && op.casFailed !== true) {
    return { kind: 'lost-update', headline: `impossible cas: ${where(op)} succeeded from ${show(op.from)}, but the key could not hold that value then` };
  }
  return { kind: 'other', headline: `not linearizable: op ${op.id} (${op.kind} by client ${op.client}) cannot be placed` };
}

function where(op: Operation): string {
  return `op ${op.id} (${op.kind} by client ${op.client}${op.node ? ` via ${op.node}` : ''})`;
}
