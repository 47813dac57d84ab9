// Watches every Ready of every node for the two safety properties a rule test can break outright:
// Election Safety (at most one leader per term) and State Machine Safety (one entry per index).
import type { Entry, NodeId, Raft } from '../../src/raft/index.js';

export class SafetyMonitor {
  readonly violations: string[] = [];
  private readonly leadersByTerm = new Map<number, Set<NodeId>>();
  /** The first entry ever applied at each index, by any node: every later apply must agree. */
  private readonly appliedAt = new Map<number, Entry>();

  /** `r` just performed a Ready that applied `applied`. */
  observe(r: Raft, applied: readonly Entry[]): void {
    if (r.role === 'leader') {
      const set = this.leadersByTerm.get(r.term) ?? new Set<NodeId>();
      if (!set.has(r.id)) {
        set.add(r.id);
        this.leadersByTerm.set(r.term, set);
        if (set.size > 1) this.violations.push(`two leaders in term ${r.term}: ${[...set].join(',')}`);
      }
    }
    for (const e of applied) {
      const first = this.appliedAt.get(e.index);
      if (first === undefined) this.appliedAt.set(e.index, e);
      else if (first.term !== e.term || first.data !== e.data) {
        this.violations.push(`n${r.id} applied ${e.index}/t${e.term} ${JSON.stringify(e.data)} but ${first.index}/t${first.term} ${JSON.stringify(first.data)} was applied before`);
      }
    }
  }
}
