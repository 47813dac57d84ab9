// Pre-Vote, CheckQuorum and the leader lease (thesis §9.6, §6.2, §4.2.3; RAFT-CHECKLIST 6-7).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ELECTION_TICK, appOk, core, flush, follow, makeLeader, sentBy, ticks, vote } from './fixtures.js';
import { Network } from './network.js';

// --- Rule 6: Pre-Vote. A node cut off for many timeouts rejoins without changing the leader.

function isolateFollowerAndRejoin(preVote: boolean, seed: number): { before: { leader: number; term: number }; after: { leader: number | undefined; term: number }; isolatedTerm: number } {
  const net = new Network({ seed, config: { preVote } });
  const leader = net.electLeader();
  const before = { leader, term: net.raft(leader).term };
  const lonely = net.ids.find((id) => id !== leader) ?? 0;
  net.isolate(lonely);
  net.tick(20 * ELECTION_TICK);
  const isolatedTerm = net.raft(lonely).term;
  net.heal();
  net.tick(10 * ELECTION_TICK);
  net.assertSafe();
  const l = net.leader();
  return { before, after: { leader: l, term: l === undefined ? 0 : net.raft(l).term }, isolatedTerm };
}

test('§9.6 rule 6: with Pre-Vote a node isolated for 20 timeouts rejoins without changing the leader or the term', () => {
  for (let seed = 1; seed <= 20; seed++) {
    const { before, after, isolatedTerm } = isolateFollowerAndRejoin(true, seed);
    assert.equal(isolatedTerm, before.term, `seed ${seed}: pre-votes never raise the isolated node's term`);
    assert.deepEqual(after, before, `seed ${seed}: same leader, same term`);
  }
});

test('§9.6 rule 6 has teeth: without Pre-Vote the rejoining node forces a new term', () => {
  const { before, after, isolatedTerm } = isolateFollowerAndRejoin(false, 1);
  assert.ok(isolatedTerm > before.term + 5, `the isolated node inflated its term to ${isolatedTerm}`);
  assert.ok(after.term > before.term, `term ${before.term} -> ${after.term}`);
});

test('§9.6: a rejoining node catches up on what it missed', () => {
  const net = new Network({ seed: 7 });
  const leader = net.electLeader();
  const lonely = net.ids.find((id) => id !== leader) ?? 0;
  net.isolate(lonely);
  net.tick(5 * ELECTION_TICK);
  const { index } = net.proposeAndCommit('while-away');
  net.heal();
  net.waitApplied(index);
  assert.deepEqual(net.node(lonely).app.values(), ['while-away']);
});

// --- Rule 7: CheckQuorum. A leader that has not heard from a majority for an election timeout
// steps down.

test('§6.2 rule 7: a leader that hears from no one for one election timeout steps down', () => {
  const r = core(1, { terms: [1], hard: { term: 1 } });
  makeLeader(r);
  ticks(r, ELECTION_TICK - 1);
  assert.equal(r.role, 'leader');
  r.tick();
  assert.equal(r.role, 'follower');
  assert.equal(r.term, 2, 'stepping down does not change the term');
});

test('§6.2 rule 7: a leader that hears from one follower (a majority with itself) stays', () => {
  const r = core(1, { terms: [1], hard: { term: 1 } });
  makeLeader(r);
  for (let round = 0; round < 5; round++) {
    ticks(r, ELECTION_TICK - 1);
    r.step(appOk(2, 1, r.term, 0));
    flush(r);
    r.tick();
    assert.equal(r.role, 'leader', `round ${round}`);
  }
});

test('§6.2 rule 7: an isolated leader steps down within two election timeouts, and the rest elect a new one', () => {
  // The check runs every electionTick; acks heard just before the cut count for the first check,
  // so the bound is 2 * electionTick — still before the followers' timeouts can all have fired.
  for (let seed = 1; seed <= 20; seed++) {
    const net = new Network({ seed });
    const old = net.electLeader();
    net.tick(seed % ELECTION_TICK); // cut at an arbitrary phase of the check
    net.isolate(old);
    const took = net.tickUntil(() => net.raft(old).role !== 'leader', 2 * ELECTION_TICK, 'step-down');
    assert.ok(took <= 2 * ELECTION_TICK);
    net.tickUntil(() => { const l = net.leader(); return l !== undefined && l !== old; }, 10 * ELECTION_TICK, 'new leader');
    net.assertSafe();
  }
});

test('§6.2 rule 7 has teeth: without CheckQuorum an isolated leader stays leader indefinitely', () => {
  const net = new Network({ seed: 3, config: { checkQuorum: false } });
  const old = net.electLeader();
  net.isolate(old);
  net.tick(20 * ELECTION_TICK);
  assert.equal(net.raft(old).role, 'leader');
});

// --- Leader lease (thesis §4.2.3 with CheckQuorum): a follower that hears from a live leader
// ignores vote requests, so a disruptive node cannot depose it.

for (const type of ['Vote', 'PreVote'] as const) {
  test(`§4.2.3: a follower within its leader's lease ignores a higher-term ${type}`, () => {
    const r = core(1, { terms: [1], hard: { term: 1 } });
    follow(r, 2, 1);
    ticks(r, ELECTION_TICK - 1);
    r.step(vote(3, 1, 5, 9, 9, type));
    assert.deepEqual(sentBy(r), [], 'no answer at all');
    assert.equal(r.term, 1);
    assert.equal(r.leader, 2);
  });
}

test('§4.2.3: once the lease has run out (no word from the leader for a timeout) the vote is considered', () => {
  const r = core(1, { terms: [1], hard: { term: 1 }, randInt: () => ELECTION_TICK - 1, config: { preVote: false } });
  follow(r, 2, 1);
  ticks(r, ELECTION_TICK); // randomized timeout is 2*ELECTION_TICK-1: still a follower, lease over
  assert.equal(r.role, 'follower');
  r.step(vote(3, 1, 5, 9, 9));
  const resp = sentBy(r)[0];
  assert.equal(resp?.type === 'VoteResp' && resp.granted, true);
  assert.equal(r.term, 5);
});

test('§4.2.3: a leader ignores a disruptive higher-term vote request', () => {
  const r = core(1, { terms: [1], hard: { term: 1 } });
  makeLeader(r);
  r.step(vote(3, 1, 9, 9, 9));
  assert.equal(r.role, 'leader');
  assert.equal(r.term, 2);
  assert.deepEqual(sentBy(r, 'VoteResp'), []);
});
