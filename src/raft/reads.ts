// Linearizable reads by ReadIndex (thesis §6.4), on the leader and, forwarded, on followers.
import type { Raft } from './raft.js';
import type { MsgReadIndexResp, NodeId, ReadFailure } from './types.js';

/** Leader: register a read for `ctx` asked by `from` (itself or a follower). */
export function handleReadIndexRequest(r: Raft, ctx: string, from: NodeId): void {
  if (r.role !== 'leader') {
    answerFailure(r, ctx, from, 'not-leader');
    return;
  }
  // Rule 20: until this term's no-op commits, our commit index may be behind the real one.
  if (r.log.termAt(r.log.committed) !== r.term) {
    r.pendingReadsBeforeCommit.push({ ctx, from });
    return;
  }
  if (r.peers.length === 1) {
    answer(r, ctx, from, r.log.committed);
    return;
  }
  r.readQueue.add(ctx, from, r.log.committed);
  r.needReadBroadcast = true;
}

/** Leader: reads that waited for the no-op may proceed once an entry of this term commits. */
export function releaseReadsAfterCommit(r: Raft): void {
  if (r.pendingReadsBeforeCommit.length === 0 || r.log.termAt(r.log.committed) !== r.term) return;
  const waiting = r.pendingReadsBeforeCommit;
  r.pendingReadsBeforeCommit = [];
  for (const { ctx, from } of waiting) handleReadIndexRequest(r, ctx, from);
}

/** Leader: `from` answered a heartbeat stamped with read seq `readCtx` in the current term. */
export function handleReadAck(r: Raft, from: NodeId, readCtx: string): void {
  const seq = Number(readCtx);
  if (!Number.isInteger(seq)) return;
  for (const p of r.readQueue.ack(from, seq, r.quorum)) answer(r, p.ctx, p.from, p.index);
}

/** Follower: the leader's answer to a forwarded read. */
export function handleReadIndexResp(r: Raft, m: MsgReadIndexResp): void {
  if (!r.forwardedReads.delete(m.ctx)) return; // unknown or already failed
  if (m.rejected) r.readFailures.push({ ctx: m.ctx, reason: 'rejected' });
  else r.readStates.push({ ctx: m.ctx, index: m.index });
}

/** Leadership or the known leader changed: every read in progress fails (the client may retry). */
export function failAllReads(r: Raft, reason: ReadFailure['reason']): void {
  for (const p of r.readQueue.drain()) answerFailure(r, p.ctx, p.from, reason);
  for (const p of r.pendingReadsBeforeCommit) answerFailure(r, p.ctx, p.from, reason);
  r.pendingReadsBeforeCommit = [];
  for (const ctx of r.forwardedReads) r.readFailures.push({ ctx, reason });
  r.forwardedReads.clear();
}

function answer(r: Raft, ctx: string, from: NodeId, index: number): void {
  if (from === r.id) r.readStates.push({ ctx, index });
  else r.send({ type: 'ReadIndexResp', to: from, ctx, index, rejected: false });
}

function answerFailure(r: Raft, ctx: string, from: NodeId, reason: ReadFailure['reason']): void {
  if (from === r.id) r.readFailures.push({ ctx, reason });
  else r.send({ type: 'ReadIndexResp', to: from, ctx, index: 0, rejected: true });
}
