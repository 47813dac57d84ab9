// Raft safety from the nodes' own event logs: Election Safety and State Machine Safety (paper §5.2, §5.4.3).
//
// The node log format is not fixed yet, so this takes a minimal local event type; whoever parses
// node logs maps their lines onto it. `digest` is anything that identifies an entry's content
// (e.g. a hash of the command, or "clientId:seq").

/** One fact a node logged about itself. */
export type RaftEvent =
  | { node: string; type: 'leader'; term: number; at?: number }
  | { node: string; type: 'commit'; index: number; term: number; digest: string; at?: number };

export interface RaftInvariantResult {
  ok: boolean;
  /** One line per violation, naming term/index and the nodes involved. */
  violations: string[];
}

/** At most one leader per term; every node that committed index i committed the same entry there. */
export function checkRaftInvariants(events: readonly RaftEvent[]): RaftInvariantResult {
  const violations: string[] = [];
  const leaders = new Map<number, Set<string>>();
  const committed = new Map<number, { term: number; digest: string; node: string }>();
  const reported = new Set<number>();
  for (const ev of events) {
    if (ev.type === 'leader') {
      let set = leaders.get(ev.term);
      if (!set) leaders.set(ev.term, (set = new Set()));
      set.add(ev.node);
    } else {
      const first = committed.get(ev.index);
      if (!first) committed.set(ev.index, { term: ev.term, digest: ev.digest, node: ev.node });
      else if ((first.term !== ev.term || first.digest !== ev.digest) && !reported.has(ev.index)) {
        reported.add(ev.index);
        violations.push(
          `index ${ev.index} committed differently: ${first.node} has term ${first.term} ${JSON.stringify(first.digest)}, ` +
            `${ev.node} has term ${ev.term} ${JSON.stringify(ev.digest)}`,
        );
      }
    }
  }
  for (const [term, nodes] of [...leaders].sort((a, b) => a[0] - b[0])) {
    if (nodes.size > 1) violations.push(`term ${term} has ${nodes.size} leaders: ${[...nodes].sort().join(', ')}`);
  }
  return { ok: violations.length === 0, violations };
}
