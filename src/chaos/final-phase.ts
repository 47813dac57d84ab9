// The liveness phase, after the faults: heal every link, resume and start every node, restart them
// all (recovery from their own disks), wait for a leader that every node follows,
// then read every key from every node with linearizable reads. The reads are recorded in the
// history (so the checker judges them too) and give the lost-write check its final values.
import { KvClient, KvError } from '../client/index.js';
import type { HistoryRecorder } from '../check/index.js';
import type { ClusterStatus } from '../supervisor/index.js';
import type { ChaosCluster } from './cluster.js';
import { pollUntil, sleep } from './timing.js';

export interface FinalPhaseResult {
  /** The leader every node followed, or null if none emerged in time. */
  leader: number | null;
  /** ms from the start of the phase until that leader was seen (null: never). */
  leaderAfterMs: number | null;
  /** key → node name → value read (null = absent); a node missing from the map never answered. */
  reads: Map<string, Map<string, string | null>>;
  /** key → the value most nodes read (the lost-write check's final value). */
  finalValues: Map<string, string | null>;
  /** Liveness problems: no leader, a node that never answered. Each one fails the run. */
  problems: string[];
  /** Disagreements between nodes (the linearizability check explains them). */
  notes: string[];
}

export interface FinalPhaseOptions {
  cluster: ChaosCluster;
  recorder: HistoryRecorder;
  keys: readonly string[];
  log: (line: string) => void;
  /** Deadline for a leader after the restarts (default 20 s). */
  leaderTimeoutMs?: number;
  /** Deadline per key per node for a successful read (default 10 s). */
  readTimeoutMs?: number;
}

export async function finalPhase(o: FinalPhaseOptions): Promise<FinalPhaseResult> {
  const { control } = o.cluster;
  const problems: string[] = [];
  const t0 = performance.now();
  await control.heal().catch((err: unknown) => problems.push(`heal failed: ${msg(err)}`));
  const status = await control.status();
  const nodes = status.processes.filter((p) => p.kind === 'node');
  for (const p of nodes) {
    const action = p.state === 'paused' ? 'resume' : p.state === 'stopped' || p.state === 'crashed' ? 'start' : null;
    if (action === null) continue;
    const r = await control.act(action, p.name).catch((err: unknown) => [{ ok: false, message: msg(err) }]);
    for (const x of r) if (!x.ok) problems.push(`${action} ${p.name} failed: ${x.message}`);
  }
  // Every node restarts from its own disk: a graceful stop of all of them at once, then a start
  // of all at once (the supervisor acts on every target together; one at a time would take N
  // times as long and prove no more).
  o.log('final phase: healed, every node running; restarting every node');
  const ids = o.cluster.nodeIds.join(',');
  for (const action of ['stop', 'start'] as const) {
    const r = await control.act(action, ids).catch((err: unknown) => [{ ok: false, message: msg(err) }]);
    for (const x of r) if (!x.ok) problems.push(`${action} failed: ${x.message}`);
  }

  const agreed = await pollUntil(async () => {
    const s = await control.status();
    return everyoneFollows(s) ?? undefined;
  }, o.leaderTimeoutMs ?? 20_000, 100);
  const leader = agreed ?? null;
  const leaderAfterMs = leader === null ? null : performance.now() - t0;
  if (leader === null) problems.push(`no leader that every node follows within ${Math.round((o.leaderTimeoutMs ?? 20_000) / 1000)} s after healing and restarting`);
  else o.log(`final phase: node-${leader} leads; reading ${o.keys.length} keys from ${o.cluster.nodeIds.length} nodes`);

  const reads = new Map<string, Map<string, string | null>>();
  const finalValues = new Map<string, string | null>();
  const notes: string[] = [];
  const clients = o.cluster.nodeIds.map((id) => ({ name: `node-${id}`, cid: o.recorder.nextClientId(), client: new KvClient(o.cluster.nodeUrl(id), { timeoutMs: 3000, connections: 1 }) }));
  try {
    for (const key of o.keys) {
      const perNode = new Map<string, string | null>();
      for (const n of clients) {
        const v = await readRecorded(o.recorder, n.cid, n.client, n.name, key, o.readTimeoutMs ?? 10_000);
        if (v === undefined) problems.push(`${n.name} did not answer a linearizable read of ${key} within ${Math.round((o.readTimeoutMs ?? 10_000) / 1000)} s after healing`);
        else perNode.set(n.name, v);
      }
      reads.set(key, perNode);
      const counts = new Map<string | null, number>();
      for (const v of perNode.values()) counts.set(v, (counts.get(v) ?? 0) + 1);
      const best = [...counts].sort((a, b) => b[1] - a[1])[0];
      if (best !== undefined) finalValues.set(key, best[0]);
      if (counts.size > 1) notes.push(`final reads of ${key} disagree: ${[...perNode].map(([n, v]) => `${n} ${v === null ? 'absent' : JSON.stringify(v)}`).join(', ')}`);
    }
  } finally {
    await Promise.all(clients.map((c) => c.client.close()));
  }
  return { leader, leaderAfterMs, reads, finalValues, problems, notes };
}

/** The leader id when every node is running and follows it (and it leads), else null. */
function everyoneFollows(s: ClusterStatus): number | null {
  const nodes = s.processes.filter((p) => p.kind === 'node');
  if (s.leader === null) return null;
  return nodes.every((p) => p.state === 'running' && p.leader === s.leader) ? s.leader : null;
}

/** One recorded read per attempt by node reader `cid` (a failed read is 'fail' and asserts nothing) until one succeeds. */
async function readRecorded(rec: HistoryRecorder, cid: number, client: KvClient, name: string, key: string, timeoutMs: number): Promise<string | null | undefined> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const id = rec.invoke(cid, 'get', key, { node: name });
    try {
      const v = await client.get(key, { timeoutMs: Math.max(500, Math.min(3000, deadline - performance.now())) });
      rec.ok(id, { value: v, node: name });
      return v;
    } catch (err) {
      rec.fail(id, err instanceof KvError ? err : msg(err));
    }
    if (performance.now() >= deadline) return undefined;
    await sleep(100);
  }
}

function msg(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
