// Every node killed with SIGKILL at once after 300 acknowledged writes: after a restart, all 300
// are readable (fsync before acknowledging; WAL replay on start).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ProcessCluster } from './process-cluster.js';

describe('crash of every node', () => {
  test('300 acknowledged writes survive kill -9 of all nodes at once', async () => {
    const c = await ProcessCluster.start({ nodes: 3 });
    try {
      const proxy = await c.startProxy(20_000);
      const acked: number[] = [];
      const inflight: Promise<void>[] = [];
      for (let i = 0; i < 300; i++) inflight.push(proxy.put(`w${i}`, `value-${i}`).then(() => void acked.push(i)));
      await Promise.all(inflight);
      assert.equal(acked.length, 300);
      await Promise.all(c.ids.map((id) => c.kill(id, 'SIGKILL')));
      for (const id of c.ids) c.startNode(id);
      await c.waitForLeader(60_000);
      for (const i of acked) assert.equal(await proxy.get(`w${i}`), `value-${i}`, `write ${i} survived`);
    } finally {
      await c.close();
    }
  });
});
