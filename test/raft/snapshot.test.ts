// Snapshots (§7; RAFT-CHECKLIST 21): compaction, InstallSnapshot for a follower that needs
// compacted entries, stale snapshots ignored, a consistent suffix kept, snapshot and log cut durable
// together.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Raft, raftConfig, type Snapshot } from '../../src/raft/index.js';
import { ELECTION_TICK, HEARTBEAT_TICK, as, core, flush, logTerms, noJitter } from './fixtures.js';
import { MemoryStore } from './memory-store.js';
import { Network } from './network.js';

const snap = (index: number, term: number, data = `state@${index}`): Snapshot => ({ meta: { index, term, voters: [1, 2, 3] }, data });

function commitMany(net: Network, n: number, prefix: string): number {
  let last = 0;
  for (let i = 0; i < n; i++) last = net.proposeAndCommit(`${prefix}${i}`).index;
  return last;
}

test('§7: compaction drops the log prefix and keeps the snapshot to send', () => {
  const net = new Network({ seed: 1 });
  const l = net.electLeader();
  const last = commitMany(net, 20, 'v');
  net.waitApplied(last);
  net.compact(l, 15);
  const s = net.raft(l).status();
  assert.equal(s.firstIndex, 16);
  assert.equal(s.snapshotIndex, last);
  assert.equal(net.raft(l).termAt(10), undefined, 'compacted entries are gone');
  assert.equal(net.stores.get(l)?.logStart.index, 15);
  assert.throws(() => net.raft(l).compact(snap(last + 5, 1), last), /beyond applied/, 'cannot snapshot what was not applied');
});

test('§7 rule 21: a follower that needs compacted entries gets InstallSnapshot and catches up', () => {
  const net = new Network({ seed: 2 });
  const l = net.electLeader();
  const lagging = net.ids.find((id) => id !== l) ?? 0;
  commitMany(net, 5, 'early');
  net.isolate(lagging);
  const last = commitMany(net, 25, 'late');
  for (const id of net.ids) if (id !== lagging) net.compact(id);
  net.sent = [];
  net.heal();
  net.waitApplied(last, [lagging]);
  const snaps = net.sent.filter((m) => m.type === 'Snap' && m.to === lagging);
  assert.equal(snaps.length, 1, 'one snapshot, then appends');
  assert.deepEqual(net.node(lagging).app.applied, net.node(l).app.applied);
  assert.equal(net.stores.get(lagging)?.snapshot?.meta.index, as(snaps[0], 'Snap').snapshot.meta.index);
  const { index } = net.proposeAndCommit('after');
  net.waitApplied(index, [lagging]);
  net.assertSafe();
});

test('§7: a lost InstallSnapshot is sent again', () => {
  const net = new Network({ seed: 3 });
  const l = net.electLeader();
  const lagging = net.ids.find((id) => id !== l) ?? 0;
  net.isolate(lagging);
  const last = commitMany(net, 10, 'v');
  net.compact(l);
  net.loseNext((m) => m.type === 'Snap');
  net.heal();
  net.waitApplied(last, [lagging], 10 * ELECTION_TICK);
  assert.equal(net.sent.filter((m) => m.type === 'Snap').length, 2);
});

test('§7 rule 21: a snapshot older than the commit index is ignored', () => {
  const r = core(2, { terms: [1, 1, 1, 1, 1], hard: { term: 1, commit: 5 } });
  r.step({ type: 'Snap', from: 1, to: 2, term: 1, snapshot: snap(3, 1) });
  const rd = flush(r);
  assert.equal(rd.snapshot, undefined, 'nothing to install');
  assert.deepEqual(logTerms(r), [1, 1, 1, 1, 1]);
  const ack = as(rd.messages[0], 'AppResp');
  assert.deepEqual([ack.success, ack.matchIndex], [true, 5], 'the leader learns how far we really are');
});

test('§7 rule 21: a snapshot whose last entry we hold keeps the consistent suffix after it', () => {
  const r = core(2, { terms: [1, 1, 1, 1, 1, 1], hard: { term: 1, commit: 2 } });
  r.step({ type: 'Snap', from: 1, to: 2, term: 1, snapshot: snap(4, 1) });
  const rd = flush(r);
  assert.equal(rd.snapshot, undefined);
  assert.deepEqual(logTerms(r), [1, 1, 1, 1, 1, 1], 'entries 5-6 kept');
  assert.equal(r.log.committed, 4);
  assert.deepEqual(rd.committedEntries.map((e) => e.index), [1, 2, 3, 4], 'applied from the log, not the snapshot');
});

test('§7 rule 21: a snapshot that conflicts with our log replaces it, durable in one Ready', () => {
  const store = new MemoryStore({ hardState: { term: 2, vote: 0, commit: 1 }, entries: [1, 1, 2, 2].map((term, i) => ({ term, index: i + 1, type: 'normal' as const, data: `e${i + 1}` })) });
  const cfg = raftConfig(2, [1, 2, 3], noJitter, { electionTick: ELECTION_TICK, heartbeatTick: HEARTBEAT_TICK });
  const r = new Raft(cfg, store.restoreState());
  r.step({ type: 'Snap', from: 1, to: 2, term: 3, snapshot: snap(4, 3) });
  const rd = r.ready();
  assert.equal(rd.snapshot?.meta.index, 4);
  assert.deepEqual(rd.entries, []);
  assert.deepEqual(rd.committedEntries, [], 'the snapshot is the state; nothing to replay');
  store.persist(rd);
  r.advance(rd);
  assert.deepEqual([r.log.firstIndex(), r.log.lastIndex(), r.log.committed, r.log.applied], [5, 4, 4, 4]);
  assert.deepEqual([store.logStart, store.entries], [{ index: 4, term: 3 }, []], 'the store dropped the old log with it');
  const restarted = new Raft(cfg, store.restoreState());
  assert.deepEqual([restarted.log.firstIndex(), restarted.log.lastIndex(), restarted.termAt(4), restarted.log.applied], [5, 4, 3, 4]);
});

test('§7: a restarted leader with a compacted log still brings a new follower up by snapshot', () => {
  const net = new Network({ seed: 4 });
  const l = net.electLeader();
  const lagging = net.ids.find((id) => id !== l) ?? 0;
  net.crash(lagging);
  const last = commitMany(net, 12, 'v');
  for (const id of net.ids) if (id !== lagging) net.compact(id);
  for (const id of net.ids) if (id !== lagging) net.crash(id);
  for (const id of net.ids) net.restart(id);
  net.electLeader(undefined, 20 * ELECTION_TICK);
  net.waitApplied(last);
  assert.deepEqual(net.node(lagging).app.values(), net.node(l).app.values());
  net.assertSafe();
});
