// Leader side: sending appends, heartbeats and snapshots, handling their answers, and commit (§5.3,
// §5.4.2). Replication is pipelined per follower (a window of in-flight appends) and batched (all
// proposals since the last Ready travel in one append, up to maxMsgBytes).
import type { Raft } from './raft.js';
import { quorumMatch } from './quorum.js';
import { handleReadAck, handleReadIndexRequest, releaseReadsAfterCommit } from './reads.js';
import type { Message, MsgAppResp, NodeId } from './types.js';

/** How many times per tick a follower's rejections may restart its replication (see below). */
const MAX_RESTARTS_PER_TICK = 4;

export function stepLeader(r: Raft, m: Message): void {
  const pr = r.prs.get(m.from);
  if (pr === undefined) return;
  pr.recentActive = true; // any message of our term from a peer proves it is reachable (CheckQuorum)
  switch (m.type) {
    case 'AppResp':
      handleAppendResponse(r, m);
      return;
    case 'ReadIndex':
      handleReadIndexRequest(r, m.ctx, m.from);
      return;
    default:
      // Vote answers after winning, stale TimeoutNow, etc. An App or Snap of our own term from
      // another node would mean two leaders in one term: impossible while the core is correct.
      return;
  }
}

function handleAppendResponse(r: Raft, m: MsgAppResp): void {
  const pr = r.prs.get(m.from);
  if (pr === undefined) return;
  if (!m.success) {
    // Rule 13 is handled in step(): a rejection with a higher term never reaches here.
    let nextProbe = m.conflictIndex;
    if (m.conflictTerm > 0) nextProbe = r.log.findConflictByTerm(m.conflictIndex, m.conflictTerm);
    // At most a few restarts per tick. Where messages overtake each other, every overtaken append of
    // a window is rejected; the first rejection restarts replication (probe, then a new window),
    // and with near-zero delay the rest would each restart it again within the same tick, every
    // restart sending a window whose overtaken appends are rejected in turn: a retransmission storm
    // (simulator seeds 12058, 12324). A restart the cap refuses is done on the next tick instead
    // (restartDeferred), so a follower left behind is not idle until the stall check (seed 15710).
    if (pr.state === 'replicate' && m.rejectedIndex > pr.match && pr.restartsIn(r.tickCount) >= MAX_RESTARTS_PER_TICK) {
      pr.restartPending = true; // the next tick restarts, unless progress makes it moot
      if (m.readCtx !== undefined) handleReadAck(r, m.from, m.readCtx);
      return;
    }
    if (pr.maybeDecrTo(m.rejectedIndex, nextProbe)) {
      if (pr.state === 'replicate') pr.restart(r.tickCount);
      sendAppend(r, m.from, true);
    }
  } else {
    const wasPaused = pr.isPaused();
    // A probing follower that confirms the match we already knew (a heartbeat answer, or the probe
    // of a follower back from a restart) has proved its log agrees up to there: replicate at once,
    // pipelined, instead of one append per round trip until match moves (etcd does the same:
    // heartbeat_rep_recovers_from_probing). It cut a restarted follower's catch-up of 10,000
    // entries by a round trip and a whole 1 MiB append's persist.
    // Only where the probe stands (next = match + 1): a new leader knows no match yet (0) and
    // probes from its last index, and an answer at 0 must not make it resend the whole log.
    const confirmsProbe = pr.state === 'probe' && m.matchIndex === pr.match && pr.next === pr.match + 1;
    if (pr.maybeUpdate(m.matchIndex, r.tickCount) || confirmsProbe) {
      if (pr.state === 'probe') pr.becomeReplicate(r.tickCount);
      else if (pr.state === 'snapshot' && pr.match >= pr.pendingSnapshot) {
        pr.becomeProbe();
        pr.becomeReplicate(r.tickCount);
      } else if (pr.state === 'replicate') pr.freeUpTo(m.matchIndex);
      if (maybeCommit(r)) bcastAppend(r);
      else if (wasPaused) sendAppend(r, m.from, false);
      while (sendAppend(r, m.from, false)) {
        // keep the pipeline full while there are entries and window space
      }
      if (m.from === r.leadTransferee && pr.match === r.log.lastIndex()) sendTimeoutNow(r, m.from);
    } else {
      onIdleResponse(r, m.from, m.matchIndex === pr.match);
    }
  }
  if (m.readCtx !== undefined) handleReadAck(r, m.from, m.readCtx);
}

/**
 * Each tick: restarts that the per-tick cap refused (see handleAppendResponse) happen now, for
 * followers still replicating and still behind; waiting for the stall check instead would leave
 * them an election timeout without appends.
 */
export function restartDeferred(r: Raft): void {
  for (const [id, pr] of r.prs) {
    if (!pr.restartPending) continue;
    pr.restartPending = false;
    if (id === r.id || pr.state !== 'replicate' || pr.match >= r.log.lastIndex()) continue;
    pr.restart(r.tickCount);
    sendAppend(r, id, true);
  }
}

/**
 * An answer that moved nothing (a heartbeat answer, a duplicate). It is the moment to recover from
 * lost messages: a probe is resent, a full window frees a slot, a pipeline that has made no
 * progress for an election timeout restarts — pipelined from the match when this answer confirms
 * it (`confirmsMatch`: the follower is back, e.g. restarted, and agrees up to there), otherwise by
 * probing — and a lost snapshot is sent again.
 */
function onIdleResponse(r: Raft, id: NodeId, confirmsMatch: boolean): void {
  const pr = r.prs.get(id);
  if (pr === undefined) return;
  const behind = pr.match < r.log.lastIndex();
  switch (pr.state) {
    case 'probe':
      pr.probeSent = false;
      if (behind) sendAppend(r, id, true);
      return;
    case 'replicate':
      if (behind && r.tickCount - pr.lastProgressTick >= r.cfg.electionTick) {
        if (confirmsMatch) {
          // At most once per election timeout (becomeReplicate restarts the stall clock).
          pr.becomeReplicate(r.tickCount);
          while (sendAppend(r, id, false)) {
            // refill the whole window from match + 1
          }
          return;
        }
        pr.becomeProbe();
        sendAppend(r, id, true);
        return;
      }
      if (pr.isPaused()) pr.freeFirst();
      sendAppend(r, id, false);
      return;
    case 'snapshot':
      if (r.tickCount - pr.snapshotSentTick >= 2 * r.cfg.electionTick) {
        pr.becomeProbe();
        sendAppend(r, id, true);
      }
      return;
  }
}

/**
 * Send the next append to `to` if its flow control allows. With `sendIfEmpty` false nothing is
 * sent when there are no new entries. Returns whether a message was sent.
 */
export function sendAppend(r: Raft, to: NodeId, sendIfEmpty: boolean): boolean {
  const pr = r.prs.get(to);
  if (pr === undefined || to === r.id || pr.isPaused()) return false;
  const prevLogIndex = pr.next - 1;
  const prevLogTerm = r.log.termAt(prevLogIndex);
  // A pipeline (re)starting may also take the snapshot when it is the lighter way there.
  const starting = pr.state === 'probe' || pr.inflightCount() === 0;
  if (prevLogTerm === undefined || (starting && snapshotIsLighter(r, pr.next))) {
    // The entries this follower needs were compacted, or outweigh the snapshot: send it instead (§7).
    const snap = r.log.snapshot;
    if (snap === undefined) throw new Error(`no snapshot to send to ${to} (next ${pr.next}, first ${r.log.firstIndex()})`);
    pr.becomeSnapshot(snap.meta.index, r.tickCount);
    r.send({ type: 'Snap', to, snapshot: snap });
    return true;
  }
  const entries = pr.next <= r.log.lastIndex() ? r.log.slice(pr.next, r.log.lastIndex() + 1, r.cfg.maxMsgBytes) : [];
  if (entries.length === 0 && !sendIfEmpty) return false;
  r.send({ type: 'App', to, prevLogIndex, prevLogTerm, entries, commit: r.log.committed });
  const last = entries[entries.length - 1];
  if (last) pr.sentEntries(last.index, r.tickCount);
  else if (pr.state === 'probe') pr.probeSent = true;
  return true;
}

/**
 * Whether the entries from `next` up to the latest snapshot's index weigh more than the snapshot
 * (counted like maxMsgBytes: data + 32 per entry). Then the snapshot brings the follower there with
 * fewer bytes to send, persist and apply: a follower restarted after missing 10,000 writes to 10,000
 * keys caught up in ~80 ms through the snapshot and ~200 ms through the entries. Stops counting as
 * soon as the answer is known, so it costs at most a snapshot's worth of entries, and only when a
 * pipeline (re)starts behind the snapshot.
 */
function snapshotIsLighter(r: Raft, next: number): boolean {
  const snap = r.log.snapshot;
  if (snap === undefined || next > snap.meta.index) return false;
  const budget = snap.data.length;
  let bytes = 0;
  for (let i = next; i <= snap.meta.index; i++) {
    const e = r.log.entry(i);
    if (e === undefined) return true; // compacted: the snapshot is the only way
    bytes += e.data.length + 32;
    if (bytes > budget) return true;
  }
  return false;
}

export function bcastAppend(r: Raft): void {
  for (const id of r.peers) if (id !== r.id) sendAppend(r, id, true);
}

/**
 * Heartbeats are appends with no entries anchored at the follower's match index, so the
 * consistency check runs on every one (rule 9) and the commit index they carry is safe
 * (min(commit, match), rule 11). They carry the newest read seq for ReadIndex confirmation.
 */
export function bcastHeartbeat(r: Raft): void {
  for (const id of r.peers) if (id !== r.id) sendHeartbeat(r, id);
}

/**
 * A hint from outside the protocol that `from` has just (re)started (a node announcing itself). A
 * leader heartbeats it now rather than at the next heartbeat tick, so its answer restarts
 * replication to it up to a heartbeat interval sooner; anyone else ignores it. Always safe: a
 * leader may send a heartbeat whenever it likes.
 */
export function onPeerStarted(r: Raft, from: NodeId): void {
  if (r.role !== 'leader' || from === r.id || !r.prs.has(from)) return;
  sendHeartbeat(r, from);
}

/** One heartbeat (see bcastHeartbeat) to `to`. */
function sendHeartbeat(r: Raft, to: NodeId): void {
  const pr = r.prs.get(to);
  if (pr === undefined) return;
  const seq = r.readQueue.lastSeq();
  const readCtx = seq !== undefined ? { readCtx: String(seq) } : {};
  let prev = pr.match;
  let prevTerm = r.log.termAt(prev);
  if (prevTerm === undefined) {
    prev = 0; // below our compaction point: index 0 matches everywhere
    prevTerm = 0;
  }
  r.send({ type: 'App', to, prevLogIndex: prev, prevLogTerm: prevTerm, entries: [], commit: Math.min(r.log.committed, prev), ...readCtx });
}

/**
 * Advance commitIndex to the highest index stored on a majority, but only by counting replicas of
 * an entry from the current term (§5.4.2, Figure 8, rule 15). Returns whether it moved.
 */
export function maybeCommit(r: Raft): boolean {
  const matches: number[] = [];
  for (const id of r.peers) matches.push(r.prs.get(id)?.match ?? 0);
  const n = quorumMatch(matches);
  if (n <= r.log.committed) return false;
  if (r.log.termAt(n) !== r.term && !r.cfg.bugs?.commitOldTermByCounting) return false;
  r.log.commitTo(n);
  releaseReadsAfterCommit(r);
  return true;
}

export function sendTimeoutNow(r: Raft, to: NodeId): void {
  r.send({ type: 'TimeoutNow', to });
}
