// Failover time: with writers running through the proxy, SIGKILL the leader and time how long until
// a write issued after the kill succeeds — the outage a client of the proxy sees. Repeated N times;
// before each round the previous victim is started again and every node caught up, so each round
// starts from a healthy 3-of-3 cluster.
//
// The clock starts when the supervisor confirms the kill; only writes issued after that count.
import { setTimeout as sleep } from 'node:timers/promises';
import type { KvClient } from '../client/index.js';
import type { BenchCluster } from './cluster.js';
import { Histogram, median } from './histogram.js';
import { Timeline, type TimelinePoint } from './timeline.js';
import { benchKey, benchValue } from './workload-ops.js';

export interface FailoverRound {
  round: number;
  victim: number;
  /** Who led after the round (null if unknown). */
  newLeader: number | null;
  /** kill → first successful write issued after the kill (ms); null if none within the deadline. */
  ms: number | null;
  /** Writes that failed between the kill and that success. */
  failedWrites: number;
}

export interface FailoverResult {
  rounds: FailoverRound[];
  medianMs: number;
  maxMs: number;
  minMs: number;
  /** Latency of every successful write during the rounds (kills included). */
  writes: Histogram;
  errors: Record<string, number>;
  /** Writes per interval since the first round began, and when each kill happened on that axis. */
  timeline: TimelinePoint[];
  intervalMs: number;
  kills: { t: number; victim: number }[];
}

export interface FailoverOptions {
  rounds: number;
  clients: number;
  keys: number;
  valueSize: number;
  /** Steady writing before each kill (ms). */
  steadyMs?: number;
  /** Give up on a round after this long without a successful write (ms). */
  deadlineMs?: number;
  onRound?: (r: FailoverRound) => void;
  onStatus?: (text: string) => void;
  signal?: AbortSignal;
}

/** Leader id, when every node runs and has applied everything the leader committed; else null. */
async function healthyLeader(cluster: BenchCluster): Promise<number | null> {
  const st = await cluster.status();
  const nodes = st.processes.filter((p) => p.kind === 'node');
  if (st.leader === null || nodes.some((p) => p.state !== 'running')) return null;
  const leader = nodes.find((p) => p.id === st.leader);
  const commit = leader?.commitIndex;
  if (commit == null) return null;
  return nodes.every((p) => (p.appliedIndex ?? -1) >= commit) ? st.leader : null;
}

/** Starts every stopped or crashed node and waits until the cluster is healthy (bounded). */
export async function restoreCluster(cluster: BenchCluster, timeoutMs = 60_000, signal?: AbortSignal): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  const st = await cluster.status();
  for (const p of st.processes) {
    if (p.kind === 'node' && (p.state === 'stopped' || p.state === 'crashed')) await cluster.control.act('start', p.name);
  }
  while (performance.now() < deadline && signal?.aborted !== true) {
    const leader = await healthyLeader(cluster).catch(() => null);
    if (leader !== null) return leader;
    await sleep(50);
  }
  throw new Error(`the cluster did not become healthy (every node running and caught up with a leader) within ${Math.round(timeoutMs / 1000)} s`);
}

export async function runFailover(cluster: BenchCluster, proxy: KvClient, o: FailoverOptions): Promise<FailoverResult> {
  const rounds: FailoverRound[] = [];
  const writes = new Histogram();
  const errors = new Map<string, number>();
  const value = benchValue(o.valueSize);
  const timeline = new Timeline(performance.now(), 250);
  const kills: { t: number; victim: number }[] = [];
  const aborted = (): boolean => o.signal?.aborted === true;
  for (let r = 1; r <= o.rounds && !aborted(); r++) {
    o.onStatus?.(`failover ${r}/${o.rounds}: waiting for a healthy cluster`);
    await restoreCluster(cluster, 60_000, o.signal);
    let stop = false;
    let killedAt = Infinity;
    let firstOk = Infinity;
    let failedAfterKill = 0;
    let okCount = 0;
    const writer = async (c: number): Promise<void> => {
      let i = 0;
      while (!stop) {
        const t0 = performance.now();
        try {
          await proxy.put(benchKey((c * 7919 + i++) % o.keys), value, { timeoutMs: 10_000 });
          const t1 = performance.now();
          writes.record(t1 - t0);
          timeline.ok(t1, t1 - t0);
          okCount++;
          if (t0 >= killedAt && t1 < firstOk) firstOk = t1;
        } catch (err) {
          const code = (err as { code?: unknown }).code;
          const key = typeof code === 'string' ? code : 'ERROR';
          errors.set(key, (errors.get(key) ?? 0) + 1);
          timeline.failed(performance.now());
          if (t0 >= killedAt && firstOk === Infinity) failedAfterKill++;
          await sleep(5);
        }
      }
    };
    const writers = Array.from({ length: o.clients }, (_, c) => writer(c));
    // Steady state first: the proxy knows the leader and writes flow.
    const steadyUntil = performance.now() + (o.steadyMs ?? 700);
    while ((performance.now() < steadyUntil || okCount < 20) && performance.now() < steadyUntil + 10_000) await sleep(20);
    o.onStatus?.(`failover ${r}/${o.rounds}: killing the leader`);
    // `kill leader` is resolved by the supervisor at the moment of the kill: leadership may have
    // moved during the steady phase (an election on a busy machine), and killing a follower would
    // measure nothing.
    let victim = NaN;
    let why = 'no leader';
    try {
      const killed = await cluster.control.act('kill', 'leader');
      if (killed.length === 1 && killed[0]?.ok === true) victim = Number(/^node-(\d+)$/.exec(killed[0].name)?.[1] ?? NaN);
      else why = killed.map((k) => k.message).join('; ') || why;
    } catch (err) {
      why = err instanceof Error ? err.message : String(err);
    }
    // The clock starts once the supervisor reports the process dead (it answers after the signal
    // was delivered and the exit seen). Starting it when the request left would count writes that
    // the leader, still alive for those milliseconds, answered itself — one round measured 27 ms.
    killedAt = performance.now();
    if (!Number.isSafeInteger(victim)) {
      stop = true; // the writers must end whatever happens: they are bounded by `stop`
      await Promise.all(writers);
      throw new Error(`could not kill the leader: ${why}`);
    }
    kills.push({ t: timeline.axis(killedAt), victim });
    const deadline = killedAt + (o.deadlineMs ?? 15_000);
    while (firstOk === Infinity && performance.now() < deadline && !aborted()) await sleep(2);
    stop = true;
    await Promise.all(writers);
    const after = await cluster.status().catch(() => undefined);
    const round: FailoverRound = {
      round: r,
      victim,
      newLeader: after?.leader ?? null,
      ms: firstOk === Infinity ? null : firstOk - killedAt,
      failedWrites: failedAfterKill,
    };
    rounds.push(round);
    o.onRound?.(round);
  }
  o.onStatus?.('failover: starting the last victim again');
  await restoreCluster(cluster, 60_000, o.signal).catch(() => undefined);
  // A round without any successful write counts as infinitely long: it must worsen the median, not vanish.
  const times = rounds.map((x) => x.ms ?? Infinity);
  return {
    rounds,
    medianMs: median(times),
    maxMs: times.length ? Math.max(...times) : NaN,
    minMs: times.length ? Math.min(...times) : NaN,
    writes,
    errors: Object.fromEntries(errors),
    timeline: timeline.points(),
    intervalMs: timeline.intervalMs,
    kills,
  };
}
