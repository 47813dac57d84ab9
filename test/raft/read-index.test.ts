// Linearizable reads by ReadIndex (thesis §6.4; RAFT-CHECKLIST 19-20): on the leader and on
// followers, never before the new leader's no-op commits, never from a deposed leader.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Message, PlantedBugs } from '../../src/raft/index.js';
import { ELECTION_TICK, appOk, as, core, flush, follow, makeLeader, sentBy } from './fixtures.js';
import { Network } from './network.js';

const ackWithRead = (from: number, term: number, match: number, readCtx: string): Message => ({ ...(appOk(from, 1, term, match) as Message & { type: 'AppResp' }), readCtx });

/** Leader 1 of [1,2,3] in term 2 whose no-op (entry 3) has committed. */
function readyLeader(): ReturnType<typeof core> {
  const r = core(1, { terms: [1, 1], hard: { term: 1, commit: 2 } });
  makeLeader(r);
  r.step(appOk(2, 1, 2, 3));
  flush(r);
  assert.equal(r.log.committed, 3);
  return r;
}

test('§6.4 rule 19: a leader read waits for a heartbeat round acknowledged by a majority', () => {
  const r = readyLeader();
  r.readIndex('r1');
  const rd = flush(r);
  assert.deepEqual(rd.readStates, [], 'not before leadership is confirmed');
  const beats = rd.messages.filter((m) => m.type === 'App').map((m) => as(m, 'App'));
  assert.deepEqual(beats.map((m) => [m.to, m.readCtx]), [[2, '1'], [3, '1']]);
  r.step(ackWithRead(2, 2, 3, '1'));
  assert.deepEqual(flush(r).readStates, [{ ctx: 'r1', index: 3 }]);
});

test('§6.4 rule 19: an answer to an earlier heartbeat does not confirm a later read', () => {
  const r = readyLeader();
  r.readIndex('early');
  flush(r);
  r.readIndex('late');
  flush(r);
  r.step(ackWithRead(2, 2, 3, '1'));
  assert.deepEqual(flush(r).readStates.map((s) => s.ctx), ['early']);
  r.step(ackWithRead(3, 2, 3, '2'));
  assert.deepEqual(flush(r).readStates.map((s) => s.ctx), ['late']);
});

test('§6.4: reads registered before one Ready share one heartbeat round', () => {
  const r = readyLeader();
  r.readIndex('a');
  r.readIndex('b');
  const beats = flush(r).messages.filter((m) => m.type === 'App');
  assert.equal(beats.length, 2, 'one heartbeat per follower');
  r.step(ackWithRead(3, 2, 3, '2'));
  assert.deepEqual(flush(r).readStates.map((s) => s.ctx), ['a', 'b']);
});

test("§6.4 rule 20: a new leader serves no read before its no-op commits, then reads at or after it", () => {
  const r = core(1, { terms: [1, 1], hard: { term: 1, commit: 2 } });
  makeLeader(r);
  r.readIndex('r');
  const rd = flush(r);
  assert.deepEqual(rd.readStates, []);
  assert.ok(rd.messages.every((m) => m.type !== 'App' || m.readCtx === undefined), 'no confirmation round yet');
  r.step(appOk(2, 1, 2, 3)); // the no-op commits
  const beats = flush(r).messages.filter((m) => m.type === 'App' && m.readCtx !== undefined);
  assert.equal(beats.length, 2);
  r.step(ackWithRead(2, 2, 3, '1'));
  assert.deepEqual(flush(r).readStates, [{ ctx: 'r', index: 3 }], 'the read index includes the no-op');
});

test('§6.4: a follower forwards its read to the leader and gets the read index back', () => {
  const f = core(2, { terms: [1], hard: { term: 1 } });
  follow(f, 1, 1);
  f.readIndex('f1');
  const req = as(sentBy(f)[0], 'ReadIndex');
  assert.deepEqual([req.to, req.ctx], [1, 'f1']);
  f.step({ type: 'ReadIndexResp', from: 1, to: 2, term: 1, ctx: 'f1', index: 7, rejected: false });
  assert.deepEqual(flush(f).readStates, [{ ctx: 'f1', index: 7 }]);
});

test('§6.4: a read fails at once without a known leader, and when leadership is lost', () => {
  const f = core(2);
  f.readIndex('x');
  assert.deepEqual(flush(f).readFailures, [{ ctx: 'x', reason: 'no-leader' }]);
  const r = readyLeader();
  r.readIndex('y');
  flush(r);
  r.step(appOk(2, 1, 9, 0)); // a higher term: deposed before confirming
  assert.deepEqual(flush(r).readFailures, [{ ctx: 'y', reason: 'not-leader' }]);
});

test('§6.4 rule 19 in a network: leader and follower reads see the latest acknowledged write', () => {
  const net = new Network({ seed: 2 });
  const leader = net.electLeader();
  const w = net.proposeAndCommit('x1');
  const follower = net.ids.find((id) => id !== leader) ?? 0;
  net.readIndex(leader, 'L');
  net.readIndex(follower, 'F');
  for (const [id, ctx] of [[leader, 'L'], [follower, 'F']] as const) {
    const served = net.node(id).served.find((s) => s.ctx === ctx);
    assert.ok(served !== undefined, `read ${ctx} served`);
    assert.ok(served.index >= w.index && served.appliedIndex >= served.index);
    assert.deepEqual(served.values, ['x1']);
  }
});

test('§6.4 rule 19: pause the leader, let a new leader commit, read through the old one: no stale value', () => {
  const net = new Network({ seed: 8 });
  const old = net.electLeader();
  net.proposeAndCommit('x=1');
  net.pause(old);
  net.tickUntil(() => { const l = net.leader(); return l !== undefined && l !== old && net.leaderReady(l); }, 20 * ELECTION_TICK, 'new leader');
  net.proposeAndCommit('x=2');
  // The old leader wakes up and is asked to read before it has seen any of the news.
  net.autoDeliver = false;
  net.resume(old);
  assert.equal(net.raft(old).role, 'leader', 'it still believes it leads');
  net.readIndex(old, 'stale?');
  net.deliver((m) => m.from === old); // its confirmation round reaches the others ...
  net.deliver((m) => m.to === old); // ... whose answers (and the backlog) carry the new term
  net.autoDeliver = true;
  net.settle();
  assert.deepEqual(net.node(old).served, [], 'the old leader could not confirm leadership');
  assert.deepEqual(net.node(old).failedReads.map((f) => f.ctx), ['stale?']);
  net.tick(ELECTION_TICK);
  net.readIndex(old, 'retry'); // now a follower: forwarded to the new leader
  assert.deepEqual(net.node(old).served.find((s) => s.ctx === 'retry')?.values, ['x=1', 'x=2']);
  net.assertSafe();
});

/** Isolate a follower, commit a write without it, ask it to read, then heal. What became of the read? */
function readOnCutOffFollower(bugs: PlantedBugs): { served: string[][]; failed: string[] } {
  const net = new Network({ seed: 6, config: { bugs } });
  const leader = net.electLeader();
  net.proposeAndCommit('v1');
  const f = net.ids.find((id) => id !== leader) ?? 0;
  net.isolate(f);
  net.proposeAndCommit('v2');
  net.readIndex(f, 'r');
  net.tick(3 * ELECTION_TICK);
  net.heal();
  net.tick(3 * ELECTION_TICK);
  return { served: net.node(f).served.map((s) => [...s.values]), failed: net.node(f).failedReads.map((x) => x.ctx) };
}

test('§6.4 rule 19: a cut-off follower never serves a stale read (it fails it instead)', () => {
  assert.deepEqual(readOnCutOffFollower({}), { served: [], failed: ['r'] });
});

test('§6.4 rule 19 has teeth: with bugs.followerReadWithoutReadIndex the cut-off follower serves a stale read', () => {
  assert.deepEqual(readOnCutOffFollower({ followerReadWithoutReadIndex: true }), { served: [['v1']], failed: [] });
});
