// Catch-up time: stop a follower, write `writes` entries without it, start it again and time how
// long until its applied index reaches what the leader had committed. Far enough behind, the
// leader has compacted its log and the follower catches up through a snapshot — the realistic path.
//
// Two clocks, both from the moment the start request is sent: until the node first answers /status
// (process start-up: loading code, opening storage), and until it has applied everything.
import { setTimeout as sleep } from 'node:timers/promises';
import { KvClient } from '../client/index.js';
import type { BenchCluster } from './cluster.js';
import { restoreCluster } from './failover.js';
import { runCounted } from './load.js';
import { benchKey, benchValue } from './workload-ops.js';

export interface CatchUpResult {
  follower: number;
  writes: number;
  failedWrites: number;
  /** Leader's commit index when the follower was started. */
  commitIndex: number;
  /** start request → first /status answer (ms). */
  answeringMs: number | null;
  /** start request → applied index ≥ commitIndex (ms); null if not within the deadline. */
  caughtUpMs: number | null;
  /** The follower's applied index before it was stopped and at the end. */
  appliedBefore: number;
  appliedAfter: number;
}

export async function measureCatchUp(
  cluster: BenchCluster,
  o: { writes: number; clients: number; valueSize: number; keys: number; onStatus?: (t: string) => void; deadlineMs?: number },
): Promise<CatchUpResult> {
  const leader = await restoreCluster(cluster);
  const follower = cluster.nodeIds.find((id) => id !== leader);
  if (follower === undefined) throw new Error('catch-up needs at least two nodes');
  const st0 = await cluster.status();
  const appliedBefore = st0.processes.find((p) => p.id === follower)?.appliedIndex ?? 0;
  o.onStatus?.(`catch-up: stopping node-${follower}`);
  await cluster.control.act('stop', `node-${follower}`);
  const proxy = new KvClient(cluster.proxyUrl, { connections: o.clients, timeoutMs: 10_000 });
  const value = benchValue(o.valueSize);
  let failedWrites = 0;
  try {
    const r = await runCounted({
      clients: o.clients,
      total: o.writes,
      op: (_c, i) => proxy.put(benchKey(i % o.keys), value, { timeoutMs: 10_000 }),
      onProgress: (n) => o.onStatus?.(`catch-up: ${n.toLocaleString('en-US')}/${o.writes.toLocaleString('en-US')} writes while node-${follower} is down`),
      progressEvery: 1000,
    });
    failedWrites = r.failed;
  } finally {
    await proxy.close();
  }
  const st1 = await cluster.status();
  const lead = st1.processes.find((p) => p.id === st1.leader);
  const commitIndex = lead?.commitIndex ?? 0;
  const probe = new KvClient(cluster.nodeUrl(follower), { connections: 1, timeoutMs: 500 });
  o.onStatus?.(`catch-up: starting node-${follower}; waiting until it applied index ${commitIndex}`);
  const t0 = performance.now();
  const started = cluster.control.act('start', `node-${follower}`);
  let answeringMs: number | null = null;
  let caughtUpMs: number | null = null;
  let appliedAfter = 0;
  const deadline = t0 + (o.deadlineMs ?? 60_000);
  try {
    while (performance.now() < deadline) {
      try {
        const s = await probe.nodeStatus({ timeoutMs: 500 });
        answeringMs ??= performance.now() - t0;
        appliedAfter = s.appliedIndex;
        if (s.appliedIndex >= commitIndex) {
          caughtUpMs = performance.now() - t0;
          break;
        }
      } catch {
        /* not listening yet */
      }
      await sleep(2);
    }
  } finally {
    await started.catch(() => undefined);
    await probe.close();
  }
  return { follower, writes: o.writes, failedWrites, commitIndex, answeringMs, caughtUpMs, appliedBefore, appliedAfter };
}
