// The in-memory network itself: partitions, faults, pause, crash, and its diagnostics behave as the
// rule tests assume.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Message } from '../../src/raft/index.js';
import { ELECTION_TICK } from './fixtures.js';
import { Network } from './network.js';
import { Prng } from './prng.js';

test('network: the seeded PRNG replays the same sequence for the same seed', () => {
  const draw = (seed: number): number[] => { const p = new Prng(seed); return Array.from({ length: 20 }, () => p.int(1000)); };
  assert.deepEqual(draw(42), draw(42));
  assert.notDeepEqual(draw(42), draw(43));
  const p = new Prng(7);
  for (let i = 0; i < 1000; i++) { const x = p.int(5); assert.ok(Number.isInteger(x) && x >= 0 && x < 5); }
});

test('network: cut drops messages both ways, in flight ones too; heal restores delivery', () => {
  const net = new Network({ seed: 1 });
  const l = net.electLeader(1);
  net.autoDeliver = false;
  net.tick(2); // heartbeats queued
  assert.ok(net.inFlight((m) => m.to === 2).length > 0);
  net.cut(l, 2);
  const before = net.delivered.length;
  net.settle();
  assert.ok(net.delivered.slice(before).every((m) => !(m.from === l && m.to === 2) && !(m.from === 2 && m.to === l)));
  net.heal();
  net.tick(2);
  net.settle();
  assert.ok(net.delivered.some((m) => m.from === 2 && m.to === l));
});

test('network: cutOneWay drops one direction only', () => {
  const net = new Network({ seed: 2 });
  const l = net.electLeader(1);
  net.cutOneWay(2, l);
  net.delivered = [];
  net.tick(4);
  assert.ok(net.delivered.some((m) => m.from === l && m.to === 2));
  assert.ok(!net.delivered.some((m) => m.from === 2 && m.to === l));
});

test('network: with a drop rate of 1 nothing arrives and tickUntil fails naming the seed', () => {
  const net = new Network({ seed: 3, faults: { drop: 1 } });
  assert.throws(() => net.electLeader(undefined, 5 * ELECTION_TICK), (e: Error) => /a leader not reached within 50 ticks \(seed=3/.test(e.message) && e.message.includes('--- last events ---'));
  assert.equal(net.delivered.length, 0);
  assert.ok(net.counts.lost > 0);
});

test('network: with a duplicate rate of 1 every message arrives twice, and Raft does not care', () => {
  const net = new Network({ seed: 4, faults: { duplicate: 1 } });
  net.electLeader();
  net.proposeAndCommit('x');
  assert.equal(net.counts.duplicated, net.sent.length);
  assert.equal(net.delivered.length, 2 * net.sent.length);
  net.assertSafe();
});

test('network: delay holds messages until their tick; reorder shuffles delivery', () => {
  const net = new Network({ seed: 5, faults: { maxDelay: 4 } });
  net.autoDeliver = false;
  net.campaign(1);
  assert.equal(net.queued(), 2);
  net.tick(4);
  assert.equal(net.inFlight().length, net.queued(), 'after maxDelay ticks everything is due');

  const order = (reorder: boolean): number[] => {
    const n = new Network({ seed: 6, config: { maxMsgBytes: 1 }, faults: { reorder } });
    const l = n.electLeader(1);
    n.autoDeliver = false;
    for (let i = 0; i < 10; i++) n.propose(`v${i}`, l);
    n.delivered = [];
    n.deliver((m) => m.to === 2);
    return n.delivered.map((m) => (m.type === 'App' ? (m.entries[0]?.index ?? 0) : 0));
  };
  const inOrder = order(false);
  assert.deepEqual(inOrder, [...inOrder].sort((a, b) => a - b));
  assert.notDeepEqual(order(true), inOrder);
});

test('network: a paused node neither ticks nor receives; on resume its backlog arrives', () => {
  const net = new Network({ seed: 7 });
  const l = net.electLeader(1);
  net.pause(2);
  net.tick(5 * ELECTION_TICK);
  assert.equal(net.raft(2).role, 'follower', 'no election while paused');
  const backlog = net.inFlight((m: Message) => m.to === 2).length;
  assert.ok(backlog > 0);
  net.resume(2);
  assert.equal(net.inFlight((m: Message) => m.to === 2).length, 0);
  assert.equal(net.raft(2).leader, l);
});

test('network: crashMidReady loses the Ready; restart recovers only what was persisted', () => {
  const net = new Network({ seed: 8 });
  const l = net.electLeader(1);
  net.proposeAndCommit('kept');
  net.raft(l).propose('lost');
  net.crashMidReady(l);
  assert.equal(net.stores.get(l)?.entries.some((e) => e.data === 'lost'), false);
  net.restart(l);
  assert.equal(net.raft(l).role, 'follower');
  assert.ok(net.raft(l).log.lastIndex() >= 2);
  assert.ok(net.node(l).app.values().includes('kept'));
  assert.throws(() => net.restart(l), /already running/);
});
