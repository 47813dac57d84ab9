// A real 3-node cluster (child processes, fsync on) and an in-process proxy on ephemeral ports:
// the original project's four scenarios done right, plus exactly-once retries and a partition.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { KvError } from '../../src/client/index.js';
import type { KvClient } from '../../src/client/index.js';
import { ProcessCluster } from './process-cluster.js';
import { waitFor } from './helpers.js';

describe('3-node cluster behind the proxy', () => {
  let c: ProcessCluster;
  let proxy: KvClient;
  before(async () => {
    c = await ProcessCluster.start({ nodes: 3, snapshotEvery: 60, snapshotKeep: 20 });
    // Generous deadlines: CI runs this beside other heavy tests on two cores.
    proxy = await c.startProxy(20_000);
  });
  after(async () => c.close());

  test('writes through the proxy are readable, linearizably, from every node', async () => {
    for (let i = 0; i < 20; i++) await proxy.put(`k${i}`, `v${i}`);
    await proxy.put('latest', 'one');
    await proxy.put('latest', 'two');
    for (const id of c.ids) {
      assert.equal(await c.client(id).get('latest'), 'two', `node ${id} (linearizable read) sees the latest write`);
      assert.equal(await c.client(id).get('k7'), 'v7');
    }
    assert.equal(await proxy.get('latest'), 'two');
  });

  test('followers refuse writes with 421 and a leader hint', async () => {
    const leader = await c.waitForLeader();
    const follower = c.ids.find((id) => id !== leader) as number;
    await assert.rejects(c.client(follower).put('x', 'y'), (err: unknown) => {
      assert.ok(err instanceof KvError);
      assert.equal(err.status, 421);
      assert.equal(err.code, 'NOT_LEADER');
      assert.equal(err.leader, c.members.get(leader)?.url);
      return true;
    });
  });

  test('a duplicate retry (same clientId/seq) is applied once', async () => {
    const leader = c.client(await c.waitForLeader());
    const first = await leader.put('dup', 'first', { clientId: 'test-client', seq: 1 });
    await leader.put('dup', 'other');
    const again = await leader.put('dup', 'first', { clientId: 'test-client', seq: 1 });
    assert.deepEqual(again, first);
    assert.equal(await leader.get('dup'), 'other', 'the retry did not overwrite the later write');
  });

  test('leader killed: the proxy keeps writing; the restarted node catches up through a snapshot', async () => {
    const victim = await c.waitForLeader();
    await c.kill(victim, 'SIGKILL');
    const started = performance.now();
    await proxy.put('after-kill', '1'); // retried by the proxy across the election
    const failover = performance.now() - started;
    const newLeader = await c.waitForLeader(30_000, victim);
    assert.notEqual(newLeader, victim);
    // Far more entries than snapshotEvery + snapshotKeep while the victim is down: the leader
    // compacts them away, so the victim can only catch up from a snapshot.
    for (let round = 0; round < 10; round++) {
      await Promise.all(Array.from({ length: 25 }, (_, j) => proxy.put(`bulk${j}`, `b${round}-${j}`)));
    }
    await proxy.put('final', 'yes');
    const ls = await c.status(newLeader);
    assert.ok(ls && ls.firstIndex > 1, `the leader compacted its log (firstIndex ${ls?.firstIndex})`);
    c.startNode(victim);
    await c.waitApplied(victim, ls.commitIndex, 60_000);
    assert.equal(await c.client(victim).get('final', { consistency: 'stale' }), 'yes');
    assert.equal(await c.client(victim).get('after-kill', { consistency: 'stale' }), '1');
    await waitFor('the victim to log the snapshot install', () => c.logLines(victim).some((l) => l.includes('installed snapshot')), 10_000);
    console.log(`# failover: first write after kill -9 of the leader took ${Math.round(failover)} ms`);
  });

  test('an isolated leader cannot commit; the majority elects a new one; after heal all converge', async () => {
    for (const id of c.ids) if (!c.running(id)) c.startNode(id);
    const old = await c.waitForLeader();
    const others = c.ids.filter((id) => id !== old);
    await c.client(old).setFaults({ dropTo: others, dropFrom: others });
    for (const id of others) await c.client(id).setFaults({ dropTo: [old], dropFrom: [old] });
    try {
      await assert.rejects(c.client(old).put('minority', 'no', { timeoutMs: 4000 }), (err: unknown) => {
        assert.ok(err instanceof KvError);
        assert.ok([503, 504, 421].includes(err.status), `status ${err.status} ${err.code}`);
        return true;
      });
      await proxy.put('majority', 'yes');
    } finally {
      for (const id of c.ids) await c.client(id).heal();
    }
    const leader = await c.waitForLeader(30_000);
    const ls = await c.status(leader);
    assert.ok(ls);
    await c.waitApplied(old, ls.commitIndex, 30_000);
    assert.equal(await c.client(old).get('majority'), 'yes');
    assert.equal(await c.client(old).get('minority'), null, 'the minority write never happened');
  });
});
