// Leadership transfer (thesis §3.10): bring the target up to date, then TimeoutNow; refuse
// proposals meanwhile; give up after an election timeout.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Message } from '../../src/raft/index.js';
import { ELECTION_TICK, appOk, as, core, flush, makeLeader } from './fixtures.js';
import { Network } from './network.js';

const isTimeoutNow = (m: Message): boolean => m.type === 'TimeoutNow';

test('§3.10: the leader first brings a lagging target up to date, then sends TimeoutNow, and the target wins', () => {
  const net = new Network({ seed: 21 });
  const old = net.electLeader(1);
  const target = 2;
  net.cut(old, target);
  for (let i = 0; i < 5; i++) net.proposeAndCommit(`v${i}`);
  const oldTerm = net.raft(old).term;
  net.autoDeliver = false;
  net.heal();
  assert.equal(net.transferLeadership(old, target), true);
  assert.deepEqual(net.inFlight(isTimeoutNow), [], 'not while the target lags');
  // Run everything but TimeoutNow until the leader sends it.
  for (let t = 0; net.inFlight(isTimeoutNow).length === 0; t++) {
    assert.ok(t < ELECTION_TICK, 'TimeoutNow within an election timeout');
    net.settle((m) => !isTimeoutNow(m));
    if (net.inFlight(isTimeoutNow).length === 0) net.tick();
  }
  assert.equal(net.raft(target).log.lastIndex(), net.raft(old).log.lastIndex(), 'the target holds the whole log');
  net.autoDeliver = true;
  net.settle();
  assert.equal(net.leader(), target);
  assert.equal(net.raft(target).term, oldTerm + 1);
  assert.equal(net.raft(old).role, 'follower');
  const votes = net.sent.filter((m) => m.type === 'Vote' && m.from === target).map((m) => as(m, 'Vote'));
  assert.ok(votes.length > 0 && votes.every((v) => v.transfer === true), 'a transfer campaign skips Pre-Vote and the lease');
  const { index } = net.proposeAndCommit('under-new-leader');
  net.waitApplied(index);
  net.assertSafe();
});

test('§3.10: a transfer to an up-to-date follower sends TimeoutNow at once', () => {
  const r = core(1, { terms: [1], hard: { term: 1 } });
  makeLeader(r);
  r.step(appOk(2, 1, 2, 2));
  flush(r);
  assert.equal(r.transferLeadership(2), true);
  const msgs = flush(r).messages;
  assert.deepEqual(msgs.map((m) => [m.type, m.to]), [['TimeoutNow', 2]]);
});

test('§3.10: a follower told TimeoutNow campaigns at once, even within its leader lease', () => {
  const f = core(2, { terms: [1], hard: { term: 1 } });
  f.step({ type: 'App', from: 1, to: 2, term: 1, prevLogIndex: 1, prevLogTerm: 1, entries: [], commit: 1 });
  flush(f);
  f.step({ type: 'TimeoutNow', from: 1, to: 2, term: 1 });
  assert.equal(f.role, 'candidate');
  assert.equal(f.term, 2);
  const votes = flush(f).messages.map((m) => as(m, 'Vote'));
  assert.deepEqual(votes.map((v) => [v.to, v.term, v.transfer]), [[1, 2, true], [3, 2, true]]);
  // A peer within the lease of leader 1 still answers a transfer vote.
  const peer = core(3, { terms: [1], hard: { term: 1 } });
  peer.step({ type: 'App', from: 1, to: 3, term: 1, prevLogIndex: 1, prevLogTerm: 1, entries: [], commit: 1 });
  flush(peer);
  peer.step(votes[1] as Message);
  assert.equal(as(flush(peer).messages[0], 'VoteResp').granted, true);
});

test('§3.10: proposals are refused while a transfer is in progress', () => {
  const net = new Network({ seed: 22 });
  const l = net.electLeader(1);
  net.isolate(3);
  assert.equal(net.transferLeadership(l, 3), true);
  assert.deepEqual(net.propose('x', l), { ok: false, reason: 'transferring', leader: l });
});

test('§3.10: a transfer to a node that never answers is abandoned after one election timeout', () => {
  const net = new Network({ seed: 23 });
  const l = net.electLeader(1);
  net.isolate(3);
  const term = net.raft(l).term;
  net.transferLeadership(l, 3);
  net.tick(ELECTION_TICK - 1);
  assert.equal(net.raft(l).status().transferee, 3, 'still trying');
  net.tick();
  assert.equal(net.raft(l).status().transferee, 0, 'given up');
  assert.equal(net.leader(), l);
  assert.equal(net.raft(l).term, term);
  const { index } = net.proposeAndCommit('accepted-again');
  assert.ok(index > 0);
});

test('§3.10: transferLeadership refuses when not leader, to itself, or to a stranger', () => {
  const net = new Network({ seed: 24 });
  const l = net.electLeader(1);
  assert.equal(net.transferLeadership(2, 3), false, 'not the leader');
  assert.equal(net.transferLeadership(l, l), false, 'to itself');
  assert.equal(net.transferLeadership(l, 9), false, 'not a member');
});
