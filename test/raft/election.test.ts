// Elections (§5.2; RAFT-CHECKLIST 1-3): when the election timer resets, re-election in a new term,
// and what a higher term does to any role.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PlantedBugs } from '../../src/raft/index.js';
import { ELECTION_TICK, app, as, core, flush, follow, makeLeader, sentBy, ticks, vote, appReject, NONE } from './fixtures.js';
import { Network } from './network.js';

/** Did the follower start an election (Pre-Vote or Vote) on this tick? */
function campaignedOnNextTick(r: ReturnType<typeof core>): boolean {
  flush(r);
  r.tick();
  return r.role !== 'follower';
}

// --- Rule 1: the timer resets only on an append from the current leader, starting an election,
// or granting a vote. With noJitter the timeout is exactly ELECTION_TICK.

test('§5.2 rule 1: an append from the current leader resets the election timer', () => {
  const r = core(1, { terms: [1], hard: { term: 1 } });
  follow(r, 2, 1);
  ticks(r, ELECTION_TICK - 1);
  r.step(app(2, 1, 1, [1, 1], [], 1));
  flush(r);
  ticks(r, ELECTION_TICK - 1);
  assert.equal(r.role, 'follower', 'a fresh append gives the leader a whole timeout');
  assert.equal(campaignedOnNextTick(r), true);
});

function campaignsAfterStaleAppend(bugs: PlantedBugs = {}): boolean {
  const r = core(1, { terms: [1, 2], hard: { term: 2 }, config: { bugs } });
  ticks(r, ELECTION_TICK - 1);
  r.step(app(3, 1, 1, [1, 1], [], 1)); // a deposed leader of term 1
  assert.equal(as(sentBy(r)[0], 'AppResp').term, 2, 'the stale leader is told the newer term');
  return campaignedOnNextTick(r);
}

test('§5.2 rule 1: a stale-term append does not reset the election timer', () => {
  assert.equal(campaignsAfterStaleAppend(), true);
});

test('§5.2 rule 1 has teeth: with bugs.resetTimerOnAnyMessage a stale append delays the election', () => {
  assert.equal(campaignsAfterStaleAppend({ resetTimerOnAnyMessage: true }), false);
});

test('§5.2 rule 1: a refused vote in the current term does not reset the election timer', () => {
  const r = core(1, { terms: [1, 2], hard: { term: 3, vote: 2 } });
  ticks(r, ELECTION_TICK - 1);
  r.step(vote(3, 1, 3, 5, 2)); // already voted for 2 in term 3
  assert.equal(as(sentBy(r)[0], 'VoteResp').granted, false);
  assert.equal(campaignedOnNextTick(r), true);
});

test('§5.2 rule 1: a refused higher-term vote (candidate log behind) does not reset the timer', () => {
  // Without Pre-Vote, a candidate with a stale log could otherwise keep up-to-date nodes from ever
  // timing out (the MIT 6.824 students' guide): we adopt its term but keep counting.
  const r = core(1, { terms: [1, 2], hard: { term: 2 }, config: { preVote: false } });
  ticks(r, ELECTION_TICK - 1);
  r.step(vote(3, 1, 5, 9, 1));
  assert.equal(as(sentBy(r)[0], 'VoteResp').granted, false);
  assert.equal(r.term, 5, 'the higher term is adopted (rule 3)');
  assert.equal(campaignedOnNextTick(r), true);
});

test('§5.2 rule 1: a refused pre-vote does not reset the election timer', () => {
  const r = core(1, { terms: [1, 2], hard: { term: 2 } });
  ticks(r, ELECTION_TICK - 1);
  r.step(vote(3, 1, 3, 9, 1, 'PreVote'));
  assert.equal(as(sentBy(r)[0], 'PreVoteResp').granted, false);
  assert.equal(r.term, 2, 'a pre-vote never changes our term');
  assert.equal(campaignedOnNextTick(r), true);
});

test('§5.2 rule 1: granting a vote resets the election timer', () => {
  const r = core(1, { terms: [1], hard: { term: 1 } });
  ticks(r, ELECTION_TICK - 1);
  r.step(vote(3, 1, 2, 1, 1));
  assert.equal(as(sentBy(r)[0], 'VoteResp').granted, true);
  ticks(r, ELECTION_TICK - 1);
  assert.equal(r.role, 'follower');
  assert.equal(campaignedOnNextTick(r), true);
});

// --- Rule 2: a candidate whose timer fires again starts a new election in a new term.

test('§5.2 rule 2: starting an election resets the timer; a candidate times out into a new term', () => {
  const r = core(1, { config: { preVote: false } });
  ticks(r, ELECTION_TICK);
  assert.equal(r.role, 'candidate');
  assert.equal(r.term, 1);
  const votes = sentBy(r, 'Vote');
  assert.deepEqual(votes.map((m) => [m.to, m.term]), [[2, 1], [3, 1]]);
  ticks(r, ELECTION_TICK - 1);
  assert.equal(r.term, 1, 'no new election before a whole timeout');
  r.tick();
  assert.equal(r.role, 'candidate');
  assert.equal(r.term, 2);
  assert.equal(r.vote, 1);
  assert.deepEqual(sentBy(r, 'Vote').map((m) => m.term), [2, 2]);
});

test('§5.2 rule 2 with Pre-Vote: a candidate that times out pre-votes for, then runs in, the next term', () => {
  const r = core(1);
  ticks(r, ELECTION_TICK);
  assert.equal(r.role, 'pre-candidate');
  assert.deepEqual(sentBy(r, 'PreVote').map((m) => m.term), [1, 1], 'pre-votes ask for term+1 ...');
  assert.equal(r.term, 0, '... without taking it');
  r.step({ type: 'PreVoteResp', from: 2, to: 1, term: 1, granted: true });
  assert.equal(r.role, 'candidate');
  assert.equal(r.term, 1);
  flush(r);
  ticks(r, ELECTION_TICK);
  assert.equal(r.role, 'pre-candidate', 'the timed-out candidate starts over with a pre-vote');
  r.step({ type: 'PreVoteResp', from: 3, to: 1, term: 2, granted: true });
  assert.equal(r.role, 'candidate');
  assert.equal(r.term, 2);
});

// --- Rule 3: any request or reply with a higher term: adopt it, clear the vote, become follower,
// then handle it.

test('§5.1 rule 3: a candidate that sees a higher-term append becomes a follower with its vote cleared', () => {
  const r = core(1, { config: { preVote: false } });
  r.campaign();
  flush(r);
  assert.equal(r.vote, 1);
  r.step(app(2, 1, 3, [0, 0], [], 0));
  assert.equal(r.role, 'follower');
  assert.equal(r.term, 3);
  assert.equal(r.vote, NONE);
  assert.equal(r.leader, 2);
  const rd = flush(r);
  assert.deepEqual(rd.hardState, { term: 3, vote: NONE, commit: 0 });
  const resp = as(rd.messages[0], 'AppResp');
  assert.equal(resp.success, true, 'the append is then handled in the new term');
  assert.equal(resp.term, 3);
});

test('§5.1 rule 3: a leader that sees a higher-term reply steps down with its vote cleared', () => {
  const r = core(1, { terms: [1], hard: { term: 1 } });
  makeLeader(r);
  assert.equal(r.term, 2);
  r.step(appReject(3, 1, 7, 1));
  assert.equal(r.role, 'follower');
  assert.equal(r.term, 7);
  assert.equal(r.vote, NONE);
  assert.equal(r.leader, NONE);
});

test('§5.1 rule 3: a follower that voted in term 2 may vote again after adopting term 3', () => {
  const r = core(1, { terms: [1], hard: { term: 2, vote: 2 }, config: { preVote: false } });
  r.step(vote(3, 1, 3, 1, 1));
  const rd = flush(r);
  assert.deepEqual(rd.hardState, { term: 3, vote: 3, commit: 0 });
  assert.equal(as(rd.messages[0], 'VoteResp').granted, true);
});

test('§5.1 rule 3: a pre-candidate rejected by a node with a higher term adopts that term', () => {
  const r = core(1, { terms: [1], hard: { term: 1 } });
  r.campaign();
  flush(r);
  r.step({ type: 'PreVoteResp', from: 2, to: 1, term: 4, granted: false });
  assert.equal(r.role, 'follower');
  assert.equal(r.term, 4);
});

// --- Liveness of elections: three (and five) equal nodes elect a leader across many seeds.

for (const [size, preVote] of [[3, true], [3, false], [5, true]] as const) {
  test(`§5.2: ${size} equal nodes (preVote=${preVote}) elect one leader within 10 timeouts across 150 seeds`, () => {
    for (let seed = 1; seed <= 150; seed++) {
      const net = new Network({ seed, size, config: { preVote } });
      net.electLeader(undefined, 10 * 2 * ELECTION_TICK);
      net.tick(5 * ELECTION_TICK);
      const leaders = net.ids.filter((id) => net.raft(id).role === 'leader');
      if (leaders.length !== 1) throw net.failure(`expected one stable leader, got ${leaders.join(',')}`);
      net.assertSafe();
    }
  });
}
