// Follower side of replication: AppendEntries (§5.3) and InstallSnapshot (§7).
import type { Raft } from './raft.js';
import type { MsgApp, MsgSnap } from './types.js';

export function handleAppend(r: Raft, m: MsgApp): void {
  const readCtx = m.readCtx !== undefined ? { readCtx: m.readCtx } : {};
  if (m.prevLogIndex < r.log.committed) {
    // Everything up to our commit index is committed cluster-wide and therefore identical in the
    // leader's log (Leader Completeness): report it as matched without touching the log.
    r.send({ type: 'AppResp', to: m.from, success: true, matchIndex: r.log.committed, rejectedIndex: 0, conflictIndex: 0, conflictTerm: 0, ...readCtx });
    return;
  }
  const lastNew = r.log.maybeAppend(m.prevLogIndex, m.prevLogTerm, m.commit, m.entries);
  if (lastNew !== undefined) {
    // matchIndex comes from what was sent, never from our log length (rule 12).
    r.send({ type: 'AppResp', to: m.from, success: true, matchIndex: lastNew, rejectedIndex: 0, conflictIndex: 0, conflictTerm: 0, ...readCtx });
    return;
  }
  // Rule 14: tell the leader where our log could match: the last index <= prevLogIndex whose term
  // is <= prevLogTerm, so one round trip skips a whole divergent term.
  const hintIndex = r.log.findConflictByTerm(Math.min(m.prevLogIndex, r.log.lastIndex()), m.prevLogTerm);
  const hintTerm = r.log.termAt(hintIndex) ?? 0;
  r.send({ type: 'AppResp', to: m.from, success: false, matchIndex: 0, rejectedIndex: m.prevLogIndex, conflictIndex: hintIndex, conflictTerm: hintTerm, ...readCtx });
}

export function handleSnapshot(r: Raft, m: MsgSnap): void {
  const { index, term } = m.snapshot.meta;
  const ok = (matchIndex: number): void =>
    r.send({ type: 'AppResp', to: m.from, success: true, matchIndex, rejectedIndex: 0, conflictIndex: 0, conflictTerm: 0 });
  if (index <= r.log.committed) {
    ok(r.log.committed); // rule 21: older than what we have committed; ignore it
    return;
  }
  if (r.log.matchTerm(index, term)) {
    // We already hold the snapshot's last entry: keep our (consistent) suffix, just commit.
    r.log.commitTo(index);
    ok(index);
    return;
  }
  r.log.restoreSnapshot(m.snapshot);
  ok(index);
}
