// Pipelining and batching (§5.3 flow control, etcd-style Progress): proposals between Readies travel
// as one append, at most maxInflight appends per follower are in flight, maxMsgBytes caps a message
// (but at least one entry goes), and lost pipelined appends are recovered.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Message, MsgApp, Raft } from '../../src/raft/index.js';
import { ELECTION_TICK, appOk, appReject, as, core, flush, makeLeader, ticks } from './fixtures.js';
import { Network } from './network.js';
import type { RaftOverrides } from './node-driver.js';

const appsTo = (msgs: readonly Message[], to: number): MsgApp[] => msgs.filter((m) => m.type === 'App' && m.to === to).map((m) => as(m, 'App'));
const withEntries = (m: Message): boolean => m.type === 'App' && m.entries.length > 0;

/** Leader 1 of [1,2,3] in term 2 with both followers acked up to its no-op (replicating). */
function replicatingLeader(config: RaftOverrides = {}): Raft {
  const r = core(1, { terms: [1], hard: { term: 1 }, config });
  makeLeader(r);
  r.step(appOk(2, 1, 2, 2));
  r.step(appOk(3, 1, 2, 2));
  flush(r);
  return r;
}

test('pipelining: 50 proposals before one Ready travel as one append per follower', () => {
  const r = replicatingLeader();
  for (let i = 0; i < 50; i++) assert.ok(r.propose(`p${i}`).ok);
  const rd = flush(r);
  assert.equal(rd.entries.length, 50, 'persisted together');
  for (const to of [2, 3]) {
    const apps = appsTo(rd.messages, to);
    assert.equal(apps.length, 1, `one append to ${to}`);
    assert.deepEqual(apps[0]?.entries.map((e) => e.index), Array.from({ length: 50 }, (_, i) => i + 3));
  }
});

test('pipelining: appends in separate Readies go out without waiting for answers, up to maxInflight', () => {
  const r = replicatingLeader({ maxInflight: 3 });
  let sent = 0;
  for (let i = 0; i < 10; i++) {
    r.propose(`p${i}`);
    sent += appsTo(flush(r).messages, 2).filter((m) => m.entries.length > 0).length;
  }
  assert.equal(sent, 3, 'the window is full after 3');
  assert.equal(r.status().progress?.[2]?.inflight, 3);
  r.step(appOk(2, 1, 2, 3)); // the first append is acknowledged: the window slides
  const next = appsTo(flush(r).messages, 2).filter((m) => m.entries.length > 0);
  assert.ok(next.length >= 1, 'more appends flow as soon as the window opens');
  assert.ok((r.status().progress?.[2]?.inflight ?? 0) <= 3);
});

test('pipelining: in a network the window never exceeds maxInflight and everything commits', () => {
  const net = new Network({ seed: 31, config: { maxInflight: 2, maxMsgBytes: 1 } });
  const l = net.electLeader(1);
  net.autoDeliver = false;
  for (let i = 0; i < 8; i++) net.propose(`v${i}`, l);
  for (const to of [2, 3]) assert.equal(net.inFlight((m) => withEntries(m) && m.to === to).length, 2, `to ${to}`);
  let last = 0;
  while (net.deliver() > 0) {
    for (const to of [2, 3]) {
      const inflight = net.raft(l).status().progress?.[to]?.inflight ?? 0;
      assert.ok(inflight <= 2, `inflight to ${to} is ${inflight}`);
    }
    last = net.raft(l).log.committed;
  }
  assert.equal(last, net.raft(l).log.lastIndex());
  net.autoDeliver = true;
  net.waitApplied(last);
  assert.deepEqual(net.node(3).app.values(), Array.from({ length: 8 }, (_, i) => `v${i}`));
});

test('batching: maxMsgBytes caps an append, and a single oversized entry still goes alone', () => {
  // Each 40-byte entry counts 72 bytes (data + 32 of overhead): two fit in 200.
  const r = replicatingLeader({ maxMsgBytes: 200 });
  for (let i = 0; i < 5; i++) r.propose('x'.repeat(40));
  const first = appsTo(flush(r).messages, 2);
  assert.deepEqual(first.map((m) => m.entries.length), [2]);
  r.step(appOk(2, 1, 2, 4));
  assert.deepEqual(appsTo(flush(r).messages, 2).map((m) => m.entries.length), [2, 1], 'the rest, in capped pieces');

  const big = replicatingLeader({ maxMsgBytes: 100 });
  big.propose('y'.repeat(500));
  big.propose('z');
  const apps = appsTo(flush(big).messages, 2);
  assert.deepEqual(apps.map((m) => m.entries.map((e) => e.data.length)), [[500]], 'never an empty append for want of room');
});

test('pipelining: lost appends in the middle of the pipeline are recovered', () => {
  const net = new Network({ seed: 32, config: { maxMsgBytes: 1 } });
  const l = net.electLeader(1);
  net.autoDeliver = false;
  for (let i = 0; i < 10; i++) net.propose(`v${i}`, l);
  const toTwo = net.inFlight((m) => withEntries(m) && m.to === 2);
  assert.equal(toTwo.length, 10);
  net.dropWhere((m) => m === toTwo[3] || m === toTwo[4]);
  net.settle();
  net.autoDeliver = true;
  const last = net.raft(l).log.lastIndex();
  net.waitApplied(last, [2], 2 * ELECTION_TICK);
  assert.deepEqual(net.node(2).app.values(), Array.from({ length: 10 }, (_, i) => `v${i}`));
  net.assertSafe();
});

test('pipelining: a lost final append (no later append to reveal the gap) is recovered after a stall', () => {
  const net = new Network({ seed: 33, config: { maxMsgBytes: 1 } });
  const l = net.electLeader(1);
  net.autoDeliver = false;
  for (let i = 0; i < 4; i++) net.propose(`v${i}`, l);
  const toTwo = net.inFlight((m) => withEntries(m) && m.to === 2);
  net.dropWhere((m) => m === toTwo[toTwo.length - 1]);
  net.cut(l, 3); // so the entry cannot commit without node 2: recovery is required for progress
  net.settle();
  net.autoDeliver = true;
  const last = net.raft(l).log.lastIndex();
  const took = net.waitApplied(last, [l, 2], 4 * ELECTION_TICK);
  assert.ok(took <= 2 * ELECTION_TICK + 2, `recovered in ${took} ticks`);
});

test('pipelining: rejections restart replication at most 4 times per tick (overtaken appends cannot feed a storm)', () => {
  const r = replicatingLeader({ maxMsgBytes: 1 });
  for (let i = 0; i < 10; i++) {
    r.propose(`p${i}`);
    flush(r);
  }
  const states: string[] = [];
  for (let k = 1; k <= 6; k++) {
    r.step(appOk(2, 1, 2, 2 + k)); // progress: back to replicating
    flush(r);
    r.step(appReject(2, 1, 2, 11, [2 + k, 2])); // an append further along was overtaken: restart?
    flush(r);
    states.push(r.status().progress?.[2]?.state ?? '?');
  }
  assert.deepEqual(states, ['probe', 'probe', 'probe', 'probe', 'replicate', 'replicate'], 'the 5th and 6th in the same tick wait');
  ticks(r, 1);
  assert.equal(r.status().progress?.[2]?.state, 'probe', 'the refused restart happens on the next tick, without waiting for the stall check');
  const probe = appsTo(flush(r).messages, 2);
  assert.equal(probe[0]?.prevLogIndex, 8, 'probing from what node 2 is known to hold');
});

test('a probing follower that confirms the known match goes straight to pipelined replication', () => {
  // Leader 1 knows node 2 holds up to 2, then loses track (probe), e.g. node 2 restarted.
  const r = replicatingLeader({ maxMsgBytes: 200, maxInflight: 8 });
  for (let i = 0; i < 6; i++) r.propose('x'.repeat(40)); // entries 3..8, two per append
  flush(r);
  r.step(appReject(2, 1, 2, 4, [2, 1])); // a rejection: back to probing from 3
  assert.equal(r.status().progress?.[2]?.state, 'probe');
  flush(r);
  // The answer to the probe (or a heartbeat) confirms match 2, which the leader already knew.
  r.step(appOk(2, 1, 2, 2));
  assert.equal(r.status().progress?.[2]?.state, 'replicate');
  const apps = appsTo(flush(r).messages, 2).filter(withEntries);
  assert.deepEqual(apps.map((m) => [m.prevLogIndex, m.entries.length]), [[2, 2], [4, 2], [6, 2]], 'every missing entry in flight at once, not one append per round trip');
});

test('an answer that confirms an older index than the known match does not leave probing', () => {
  const r = replicatingLeader();
  r.step(appReject(2, 1, 2, 3, [2, 1]));
  assert.equal(r.status().progress?.[2]?.state, 'probe');
  flush(r);
  r.step(appOk(2, 1, 2, 1)); // stale: below match 2
  assert.equal(r.status().progress?.[2]?.state, 'probe');
});

test('a stalled pipeline restarts pipelined when an answer confirms the match (a follower back from a restart)', () => {
  const r = replicatingLeader({ maxMsgBytes: 200, maxInflight: 2 });
  let sent = 0;
  for (let i = 0; i < 4; i++) {
    r.propose('x'.repeat(40));
    r.propose('x'.repeat(40)); // entries 3..10, two per append
    sent += appsTo(flush(r).messages, 2).filter(withEntries).length;
  }
  assert.equal(sent, 2, 'the window (2) fills; node 2 is down, they are lost');
  ticks(r, ELECTION_TICK); // no progress for an election timeout: stalled
  flush(r);
  r.step(appOk(2, 1, 2, 2)); // node 2 is back: its heartbeat answer confirms match 2
  assert.equal(r.status().progress?.[2]?.state, 'replicate');
  const apps = appsTo(flush(r).messages, 2).filter(withEntries);
  assert.deepEqual(apps.map((m) => [m.prevLogIndex, m.entries.length]), [[2, 2], [4, 2]], 'a full window from match + 1, not one probe');
});

test('a stalled pipeline whose answer does not confirm the match falls back to probing', () => {
  const r = replicatingLeader({ maxMsgBytes: 200, maxInflight: 2 });
  for (let i = 0; i < 4; i++) {
    r.propose('x'.repeat(40));
    r.propose('x'.repeat(40));
    flush(r);
  }
  ticks(r, ELECTION_TICK);
  flush(r);
  r.step(appOk(2, 1, 2, 1)); // a stale duplicate below the known match
  assert.equal(r.status().progress?.[2]?.state, 'probe');
  assert.equal(appsTo(flush(r).messages, 2).filter(withEntries).length, 1, 'one probe');
});

test('peerStarted: a leader heartbeats that peer at once; a follower ignores the hint', () => {
  const r = replicatingLeader();
  flush(r);
  r.peerStarted(2);
  const sent = flush(r).messages;
  assert.deepEqual(sent.map((m) => [m.type, m.to]), [['App', 2]], 'one heartbeat, to node 2 only');
  assert.equal(as(sent[0], 'App').prevLogIndex, 2, 'anchored at the match, like every heartbeat');
  r.peerStarted(1); // itself: nothing
  r.peerStarted(9); // not a member: nothing
  assert.equal(flush(r).messages.length, 0);
  const f = core(2, { terms: [1], hard: { term: 1 } });
  f.peerStarted(3);
  assert.equal(flush(f).messages.length, 0, 'only a leader acts on it');
});

test('§7: a pipeline restarting behind the snapshot takes the snapshot when the entries outweigh it, the entries otherwise', () => {
  for (const [data, expected] of [['small state', 'Snap'], ['x'.repeat(100_000), 'App']] as const) {
    const r = replicatingLeader();
    for (let i = 0; i < 50; i++) r.propose('v'.repeat(100)); // entries 3..52, ~6.6 kB with overhead
    flush(r);
    r.step(appOk(2, 1, 2, 52)); // node 2 has everything: 3..52 commit; node 3 stays at 2
    flush(r);
    r.compact({ meta: { index: 52, term: 2, voters: [1, 2, 3] }, data }, 2); // snapshot, all entries kept
    r.step(appReject(3, 1, 2, 52, [2, 1])); // node 3 restarts its pipeline from 3
    const to3 = flush(r).messages.filter((m) => m.to === 3);
    assert.deepEqual(to3.map((m) => m.type), [expected], `snapshot of ${data.length} chars`);
    if (expected === 'App') assert.equal(as(to3[0], 'App').prevLogIndex, 2, 'the entries from where node 3 ends');
  }
});

test('a new leader that knows no match yet does not resend its whole log on a heartbeat answer', () => {
  // Leader 1 elected in term 2 over a log of 30 entries that both followers hold.
  const r = core(1, { terms: Array.from({ length: 30 }, () => 1), hard: { term: 1 } });
  makeLeader(r);
  flush(r);
  assert.equal(r.status().progress?.[2]?.state, 'probe');
  r.step(appOk(2, 1, 2, 0)); // the answer to a heartbeat anchored at match 0
  const apps = appsTo(flush(r).messages, 2);
  assert.ok(apps.every((m) => m.prevLogIndex >= 30), `probes from the end of the log, not from 1: ${JSON.stringify(apps.map((m) => [m.prevLogIndex, m.entries.length]))}`);
  assert.notEqual(r.status().progress?.[2]?.state, 'replicate');
});
