// Votes (§5.2, §5.4.1; RAFT-CHECKLIST 4-5): the election restriction, one vote per term, and the
// vote durable before the grant leaves the node — across a crash too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Raft, raftConfig, type PlantedBugs } from '../../src/raft/index.js';
import { ELECTION_TICK, HEARTBEAT_TICK, as, core, flush, noJitter, sentBy, vote, NONE } from './fixtures.js';
import { MemoryStore } from './memory-store.js';
import { Network } from './network.js';

// --- Rule 4: grant only to a candidate whose last (term, index) is at least as up to date as ours.

// The voter's log is [1/t1, 2/t2]: last (index 2, term 2).
const restrictionCases: readonly { lastIndex: number; lastTerm: number; grant: boolean; why: string }[] = [
  { lastIndex: 2, lastTerm: 2, grant: true, why: 'same last entry' },
  { lastIndex: 3, lastTerm: 2, grant: true, why: 'same last term, longer' },
  { lastIndex: 1, lastTerm: 2, grant: false, why: 'same last term, shorter' },
  { lastIndex: 1, lastTerm: 3, grant: true, why: 'higher last term, though shorter' },
  { lastIndex: 9, lastTerm: 1, grant: false, why: 'lower last term, though longer' },
  { lastIndex: 0, lastTerm: 0, grant: false, why: 'empty log' },
];

for (const type of ['Vote', 'PreVote'] as const) {
  test(`§5.4.1 rule 4: the election restriction decides a ${type}, case by case`, () => {
    for (const c of restrictionCases) {
      const r = core(1, { terms: [1, 2], hard: { term: 2 } });
      r.step(vote(3, 1, 3, c.lastIndex, c.lastTerm, type));
      const resp = as(sentBy(r)[0], type === 'Vote' ? 'VoteResp' : 'PreVoteResp');
      assert.equal(resp.granted, c.grant, `${type} for last ${c.lastIndex}/t${c.lastTerm} (${c.why})`);
      if (type === 'PreVote') assert.equal(r.term, 2, 'a pre-vote leaves our term alone');
    }
  });
}

// --- Rule 5: at most one vote per term, durable before the grant leaves the node.

test('§5.2 rule 5: one vote per term: a second candidate in the same term is refused, the first re-granted', () => {
  const r = core(1, { terms: [1], hard: { term: 1 }, config: { preVote: false } });
  r.step(vote(2, 1, 2, 1, 1));
  assert.equal(as(sentBy(r)[0], 'VoteResp').granted, true);
  r.step(vote(3, 1, 2, 5, 1));
  assert.equal(as(sentBy(r)[0], 'VoteResp').granted, false, 'the vote is taken');
  r.step(vote(2, 1, 2, 1, 1));
  assert.equal(as(sentBy(r)[0], 'VoteResp').granted, true, 'a retried request from the same candidate');
  assert.equal(r.vote, 2);
});

test('§5.2 rule 5: a candidate that voted for itself refuses a rival in the same term', () => {
  const r = core(1, { config: { preVote: false } });
  r.campaign();
  flush(r);
  r.step(vote(2, 1, 1, 5, 1));
  assert.equal(as(sentBy(r)[0], 'VoteResp').granted, false);
});

test('§5.2 rule 5: the vote is in the same Ready as its grant, so it is durable before the grant is sent', () => {
  const r = core(1, { terms: [1], hard: { term: 1 } });
  r.step(vote(2, 1, 2, 1, 1));
  const rd = flush(r);
  assert.deepEqual(rd.hardState, { term: 2, vote: 2, commit: 0 });
  assert.equal(as(rd.messages[0], 'VoteResp').granted, true);
});

test("§5.2 rule 5: a candidate's own vote is in the Ready that carries its vote requests", () => {
  const r = core(1, { config: { preVote: false } });
  r.campaign();
  const rd = flush(r);
  assert.deepEqual(rd.hardState, { term: 1, vote: 1, commit: 0 });
  assert.equal(rd.messages.filter((m) => m.type === 'Vote').length, 2);
});

test('§9.6: granting a pre-vote records no vote and no term', () => {
  const r = core(1, { terms: [1], hard: { term: 1 } });
  r.step(vote(2, 1, 2, 1, 1, 'PreVote'));
  const rd = flush(r);
  assert.equal(rd.hardState, undefined);
  assert.equal(as(rd.messages[0], 'PreVoteResp').granted, true);
  assert.equal(r.vote, NONE);
});

/**
 * Vote for 2 in term 2 through a driver that persists to `store`, crash (losing everything but the
 * store), restart, and ask again for candidate 3 in the same term. Returns the vote the store held
 * when the grant was sent, and what 3 was told.
 */
function voteCrashRestartVote(bugs: PlantedBugs): { persistedVote: number; secondGranted: boolean } {
  const cfg = raftConfig(1, [1, 2, 3], noJitter, { electionTick: ELECTION_TICK, heartbeatTick: HEARTBEAT_TICK, preVote: false, bugs });
  const store = new MemoryStore({ hardState: { term: 1, vote: NONE, commit: 1 }, entries: [{ term: 1, index: 1, type: 'normal', data: 'x' }] });
  const before = new Raft(cfg, store.restoreState());
  before.step(vote(2, 1, 2, 1, 1));
  const rd = before.ready();
  store.persist(rd); // persist, then send the grant: the node crashes right after sending it
  assert.equal(as(rd.messages[0], 'VoteResp').granted, true);
  const persistedVote = store.hardState.vote;

  const after = new Raft(cfg, store.restoreState());
  assert.equal(after.term, 2);
  after.step(vote(3, 1, 2, 1, 1));
  return { persistedVote, secondGranted: as(sentBy(after)[0], 'VoteResp').granted };
}

test('§5.2 rule 5: after voting, a crash and a restart from the persisted hard state, no second vote in that term', () => {
  const { persistedVote, secondGranted } = voteCrashRestartVote({});
  assert.equal(persistedVote, 2);
  assert.equal(secondGranted, false);
});

test('§5.2 rule 5 has teeth: with bugs.voteBeforePersist the restarted node votes twice in one term', () => {
  const { persistedVote, secondGranted } = voteCrashRestartVote({ voteBeforePersist: true });
  assert.equal(persistedVote, NONE, 'the Ready carried the grant but not the vote');
  assert.equal(secondGranted, true);
});

/** Node 3 votes for 1, crashes, restarts and is asked by 2 in the same term. Two leaders? */
function twoCandidatesOneCrash(bugs: PlantedBugs): { leaders: number[]; violations: readonly string[] } {
  const net = new Network({ seed: 1, autoDeliver: false, config: { preVote: false, bugs } });
  net.cut(1, 2);
  net.campaign(1);
  net.deliver(); // vote request to 3
  net.deliver(); // its grant
  assert.equal(net.raft(1).role, 'leader', 'node 1 won term 1 with the vote of node 3');
  net.cut(1, 3); // 3 never sees 1's no-op, so its log stays as empty as 2's
  net.crash(3);
  net.restart(3);
  net.campaign(2);
  net.settle();
  return { leaders: net.ids.filter((id) => net.raft(id).role === 'leader' && net.raft(id).term === 1), violations: net.violations };
}

test('§5.2 rule 5 in a network: a voter that crashes and restarts cannot elect a second leader in the term', () => {
  assert.deepEqual(twoCandidatesOneCrash({}), { leaders: [1], violations: [] });
});

test('§5.2 rule 5 has teeth in a network: with bugs.voteBeforePersist term 1 gets two leaders', () => {
  const { leaders, violations } = twoCandidatesOneCrash({ voteBeforePersist: true });
  assert.deepEqual(leaders, [1, 2]);
  assert.deepEqual(violations, ['two leaders in term 1: 1,2']);
});
