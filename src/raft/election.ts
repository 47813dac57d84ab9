// Elections and the non-leader roles (§5.2, §5.4.1, thesis §9.6): campaigning with or without
// Pre-Vote, counting votes, granting them, and how followers and candidates handle messages.
import type { Raft } from './raft.js';
import { handleAppend, handleSnapshot } from './follower.js';
import { handleReadIndexResp } from './reads.js';
import { NONE, type Message, type MsgVote, type NodeId } from './types.js';

export type CampaignKind = 'pre' | 'real' | 'transfer';

/** Start an election (Pre-Vote round, real, or after TimeoutNow). */
export function runCampaign(r: Raft, kind: CampaignKind): void {
  if (kind === 'pre') r.becomePreCandidate();
  else r.becomeCandidate();
  const voteTerm = kind === 'pre' ? r.term + 1 : r.term;
  const result = poll(r, r.id, true);
  if (result === 'won') {
    if (kind === 'pre') runCampaign(r, 'real');
    else r.becomeLeader();
    return;
  }
  const type = kind === 'pre' ? 'PreVote' : 'Vote';
  for (const id of r.peers) {
    if (id === r.id) continue;
    r.send({
      type,
      to: id,
      term: voteTerm,
      lastLogIndex: r.log.lastIndex(),
      lastLogTerm: r.log.lastTerm(),
      ...(kind === 'transfer' ? { transfer: true } : {}),
    });
  }
}

/** Record a vote answer; tell whether the round is won, lost, or still open. */
function poll(r: Raft, id: NodeId, granted: boolean): 'won' | 'lost' | 'pending' {
  if (!r.votes.has(id)) r.votes.set(id, granted);
  let yes = 0;
  let no = 0;
  for (const g of r.votes.values()) {
    if (g) yes++;
    else no++;
  }
  if (yes >= r.quorum) return 'won';
  if (no >= r.quorum) return 'lost';
  return 'pending';
}

/** §5.2, §5.4.1, rules 4-5: one vote per term, only for an up-to-date log. */
export function handleVoteRequest(r: Raft, m: MsgVote): void {
  const respType = m.type === 'Vote' ? 'VoteResp' : 'PreVoteResp';
  const canVote =
    r.vote === m.from ||
    (r.vote === NONE && r.leader === NONE) ||
    (m.type === 'PreVote' && m.term > r.term);
  if (canVote && r.log.isUpToDate(m.lastLogIndex, m.lastLogTerm)) {
    // A grant carries the candidate's term: for a pre-vote that is a term we have not adopted.
    r.send({ type: respType, to: m.from, term: m.term, granted: true });
    if (m.type === 'Vote') {
      r.electionElapsed = 0; // rule 1: granting a vote resets the timer
      r.vote = m.from;
    }
  } else {
    r.send({ type: respType, to: m.from, granted: false });
  }
}

/** Candidate and pre-candidate behaviour. */
export function stepCandidate(r: Raft, m: Message): void {
  switch (m.type) {
    case 'App':
      r.becomeFollower(m.term, m.from);
      handleAppend(r, m);
      return;
    case 'Snap':
      r.becomeFollower(m.term, m.from);
      handleSnapshot(r, m);
      return;
    case 'VoteResp':
    case 'PreVoteResp': {
      if ((m.type === 'PreVoteResp') !== (r.role === 'pre-candidate')) return; // not our round
      const result = poll(r, m.from, m.granted);
      if (result === 'won') {
        if (r.role === 'pre-candidate') runCampaign(r, 'real');
        else r.becomeLeader();
      } else if (result === 'lost') {
        r.becomeFollower(r.term, NONE);
      }
      return;
    }
    case 'ReadIndex':
      r.send({ type: 'ReadIndexResp', to: m.from, ctx: m.ctx, index: 0, rejected: true });
      return;
    default:
      return;
  }
}

/** Follower behaviour. */
export function stepFollower(r: Raft, m: Message): void {
  switch (m.type) {
    case 'App':
      r.electionElapsed = 0; // rule 1: an append from the current leader
      r.leader = m.from;
      handleAppend(r, m);
      return;
    case 'Snap':
      r.electionElapsed = 0;
      r.leader = m.from;
      handleSnapshot(r, m);
      return;
    case 'TimeoutNow':
      // The leader is handing over: campaign at once, skipping Pre-Vote and the lease.
      r.hup(true);
      return;
    case 'ReadIndex':
      r.send({ type: 'ReadIndexResp', to: m.from, ctx: m.ctx, index: 0, rejected: true });
      return;
    case 'ReadIndexResp':
      handleReadIndexResp(r, m);
      return;
    default:
      return;
  }
}
