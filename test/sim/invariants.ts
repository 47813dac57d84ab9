// Raft's safety properties, checked incrementally after every step from what the simulator sees
// (Readies, messages, applied entries). A "ghost" keeps the facts of all time: who led each term,
// what each (index, term) holds, what was committed and applied. Any contradiction throws.
import { type Entry, type Message, type NodeId, type Raft, type Ready } from '../../src/raft/index.js';

/** An invariant does not hold: the message names the property, the nodes, the term and index. */
export class SimViolation extends Error {
  override readonly name = 'SimViolation';
}

interface GhostEntry {
  readonly entry: Entry;
  /** Term of the entry before it, as the log that held it said (undefined when unknown). */
  readonly prevTerm: number | undefined;
  readonly node: NodeId;
}

interface CommitRecord {
  readonly term: number;
  /** A term by which the entry was certainly committed: the smallest term of a node that saw it committed. */
  observedTerm: number;
  readonly node: NodeId;
}

export class Invariants {
  /** Election safety: term → the one node that led it. */
  private readonly leaders = new Map<number, NodeId>();
  /** One vote per term: `${voter}/${term}` → candidate. */
  private readonly votes = new Map<string, NodeId>();
  /** Log matching: index → term → the entry every log holding (index, term) must hold. */
  private readonly ghostLog = new Map<number, Map<number, GhostEntry>>();
  /** Committed entries, by index. */
  private readonly committed: (CommitRecord | undefined)[] = [];
  maxCommitted = 0;
  /** State machine safety: index → the entry applied there (by anyone, ever). */
  private readonly applied: (Entry | undefined)[] = [];
  /** Exactly-once: a written value → the index where it was executed. */
  private readonly executed = new Map<string, number>();
  /** Snapshots: index → state machine data (all replicas must agree). */
  private readonly snapshots = new Map<number, string>();
  private readonly durableTerm = new Map<NodeId, number>();
  leadersElected = 0;
  /** Diagnostics: a leader moved its commit index onto an entry of an older term. */
  oldTermCommits = 0;

  constructor(private readonly currentLeaders: () => Raft[]) {}

  /** After any step of `r`: election safety and, for a new leader, leader completeness. */
  afterStep(r: Raft): void {
    if (r.role !== 'leader') return;
    const known = this.leaders.get(r.term);
    if (known === r.id) return;
    if (known !== undefined) {
      throw new SimViolation(`election safety: term ${r.term} has two leaders, ${known} and ${r.id}`);
    }
    this.leaders.set(r.term, r.id);
    this.leadersElected++;
    // Leader completeness (§5.4): every entry committed before this term is in the new leader's log.
    const first = r.log.firstIndex();
    for (let i = 1; i <= this.maxCommitted; i++) {
      const c = this.committed[i];
      if (c === undefined || c.observedTerm >= r.term || i < first) continue;
      this.checkLeaderHas(r, i, c, 'new leader');
    }
  }

  /** The driver persisted `rd` for `r`: durable term, log matching, commits. */
  onPersist(r: Raft, rd: Ready): void {
    if (rd.hardState) {
      const before = this.durableTerm.get(r.id) ?? 0;
      if (rd.hardState.term < before) throw new SimViolation(`node ${r.id}: durable term went back from ${before} to ${rd.hardState.term}`);
      this.durableTerm.set(r.id, rd.hardState.term);
    }
    if (rd.snapshot) {
      const { index, term } = rd.snapshot.meta;
      const c = this.committed[index];
      if (c !== undefined && c.term !== term) {
        throw new SimViolation(`snapshot: node ${r.id} installs a snapshot at ${index}/t${term} but ${index}/t${c.term} was committed`);
      }
      this.onSnapshot(r.id, index, rd.snapshot.data);
    }
    let prevTerm: number | undefined = rd.entries[0] ? r.termAt(rd.entries[0].index - 1) : undefined;
    for (const e of rd.entries) {
      this.recordEntry(r.id, e, prevTerm);
      prevTerm = e.term;
    }
  }

  /** `r`'s commit index moved from `from` to `to` (just persisted). */
  onCommit(r: Raft, from: number, to: number): void {
    if (r.role === 'leader' && r.termAt(to) !== r.term) this.oldTermCommits++;
    for (let i = from + 1; i <= to; i++) {
      const term = r.termAt(i);
      if (term === undefined) continue; // inside a snapshot: recorded by whoever committed it
      const c = this.committed[i];
      if (c === undefined) {
        const rec: CommitRecord = { term, observedTerm: r.term, node: r.id };
        this.committed[i] = rec;
        if (i > this.maxCommitted) this.maxCommitted = i;
        for (const l of this.currentLeaders()) {
          if (l.term > rec.observedTerm && i >= l.log.firstIndex()) this.checkLeaderHas(l, i, rec, 'leader');
        }
      } else if (c.term !== term) {
        throw new SimViolation(`state machine safety: index ${i} committed as t${c.term} on node ${c.node} and as t${term} on node ${r.id}`);
      } else if (r.term < c.observedTerm) {
        c.observedTerm = r.term;
      }
    }
  }

  /** `node` applied `e` to its state machine. */
  onApply(node: NodeId, e: Entry): void {
    const prev = this.applied[e.index];
    if (prev === undefined) {
      this.applied[e.index] = e;
    } else if (prev.term !== e.term || prev.data !== e.data || prev.type !== e.type) {
      throw new SimViolation(
        `state machine safety: node ${node} applied ${e.index}/t${e.term} ${JSON.stringify(e.data)} where ${e.index}/t${prev.term} ${JSON.stringify(prev.data)} was applied before`,
      );
    }
  }

  /** A write whose value is unique to one client operation was executed (not deduplicated) at `index`. */
  onExecuted(node: NodeId, value: string, index: number): void {
    const at = this.executed.get(value);
    if (at === undefined) this.executed.set(value, index);
    else if (at !== index) {
      throw new SimViolation(`exactly-once: the write of ${JSON.stringify(value)} was executed at index ${at} and again at ${index} (node ${node}): a retry applied twice`);
    }
  }

  onSnapshot(node: NodeId, index: number, data: string): void {
    const prev = this.snapshots.get(index);
    if (prev === undefined) this.snapshots.set(index, data);
    else if (prev !== data) throw new SimViolation(`state machine safety: node ${node}'s snapshot at ${index} differs from an earlier snapshot at the same index`);
  }

  /** Every message leaving a node: at most one vote granted per term, even across crashes (rule 5). */
  onSend(m: Message): void {
    if (m.type !== 'VoteResp' || !m.granted) return;
    const key = `${m.from}/${m.term}`;
    const prev = this.votes.get(key);
    if (prev === undefined) this.votes.set(key, m.to);
    else if (prev !== m.to) throw new SimViolation(`one vote per term: node ${m.from} granted its term-${m.term} vote to ${prev} and to ${m.to}`);
  }

  /** Final check: the leader holds every committed entry at or after its first index. */
  checkFinalLeader(r: Raft): void {
    const first = r.log.firstIndex();
    for (let i = first; i <= this.maxCommitted; i++) {
      const c = this.committed[i];
      if (c !== undefined) this.checkLeaderHas(r, i, c, 'final leader');
    }
  }

  private checkLeaderHas(r: Raft, i: number, c: CommitRecord, who: string): void {
    const t = r.termAt(i);
    if (t !== c.term) {
      throw new SimViolation(
        `leader completeness: ${who} ${r.id} (term ${r.term}) has ${t === undefined ? 'nothing' : `t${t}`} at ${i}, ` +
          `but ${i}/t${c.term} was committed (seen by node ${c.node} in term ${c.observedTerm})`,
      );
    }
  }

  private recordEntry(node: NodeId, e: Entry, prevTerm: number | undefined): void {
    let byTerm = this.ghostLog.get(e.index);
    if (byTerm === undefined) this.ghostLog.set(e.index, (byTerm = new Map()));
    const g = byTerm.get(e.term);
    if (g === undefined) {
      byTerm.set(e.term, { entry: e, prevTerm, node });
      return;
    }
    if (g.entry.data !== e.data || g.entry.type !== e.type) {
      throw new SimViolation(`log matching: ${e.index}/t${e.term} holds ${JSON.stringify(g.entry.data)} on node ${g.node} but ${JSON.stringify(e.data)} on node ${node}`);
    }
    if (g.prevTerm !== undefined && prevTerm !== undefined && g.prevTerm !== prevTerm) {
      throw new SimViolation(`log matching: ${e.index}/t${e.term} follows t${g.prevTerm} on node ${g.node} but t${prevTerm} on node ${node}`);
    }
  }
}

