// `raft-sup bench`, as a table of contents: get a cluster (fresh, or the attached one) → pick the
// target → prefill the keys a read workload needs → run the closed loop (or the failover rounds)
// while watching the leader and sampling CPU → tear down what we started → print and save the result.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { KvClient } from '../client/index.js';
import { UsageError } from '../shared/cli-errors.js';
import { attachCluster, startFreshCluster, type BenchCluster } from './cluster.js';
import { runFailover } from './failover.js';
import { LeaderWatch } from './leader-watch.js';
import { runClosedLoop } from './load.js';
import type { BenchOptions } from './options.js';
import { Progress, type ProgressSink } from './progress.js';
import { cpuBetween, loadAverage, sampleCpu, type CpuSample } from './proc-stats.js';
import { summarizeProfileDir } from './profile-summary.js';
import { renderResultText, type BenchResult } from './result.js';
import { renderLatencyChart } from './svg-chart.js';
import { fixedTarget, leaderTarget, makeOp, prefill, type OpTarget } from './workload-ops.js';

export interface BenchIo {
  out: { write(text: string): unknown };
  err: ProgressSink;
  tty: boolean;
  signal?: AbortSignal;
}

/** Deadline of one benchmark operation: longer than the proxy's own 5 s retry deadline. */
const OP_TIMEOUT_MS = 10_000;

/** Pids of the cluster's running processes by name (for CPU and memory readings). */
export async function clusterPids(cluster: BenchCluster): Promise<Map<string, number>> {
  const st = await cluster.status();
  const m = new Map<string, number>();
  for (const p of st.processes) if (typeof p.pid === 'number' && p.state === 'running') m.set(p.name, p.pid);
  return m;
}

/** Opens the cluster for `o` (fresh or attached), reporting progress. */
export async function openCluster(o: Pick<BenchOptions, 'attach' | 'dir' | 'nodes' | 'profileDir'>, progress: Progress): Promise<BenchCluster> {
  if (o.attach) return attachCluster(o.dir ?? './.raft-sup');
  progress.live(`starting a fresh ${o.nodes}-node cluster and the proxy…`);
  const c = await startFreshCluster({ nodes: o.nodes, dir: o.dir, profileDir: o.profileDir });
  progress.clear();
  return c;
}

/** Runs one benchmark as `o` says; returns the process exit code. */
export async function runBench(o: BenchOptions, io: BenchIo): Promise<number> {
  if (o.reportDir !== undefined) {
    try {
      mkdirSync(o.reportDir, { recursive: true });
    } catch (err) {
      throw new UsageError(`--report ${o.reportDir}: cannot create the directory (${(err as Error).message})`);
    }
  }
  if (o.profileDir !== undefined) {
    try {
      mkdirSync(o.profileDir, { recursive: true });
    } catch (err) {
      throw new UsageError(`--profile ${o.profileDir}: cannot create the directory (${(err as Error).message})`);
    }
  }
  const progress = new Progress(io.err, { tty: io.tty });
  const loadBefore = loadAverage();
  const cluster = await openCluster(o, progress);
  let result: BenchResult;
  try {
    result = await measure(cluster, o, progress, io.signal);
  } finally {
    progress.live(cluster.owned ? 'stopping the benchmark cluster…' : 'done');
    await cluster.shutdown();
    progress.clear();
  }
  result.machine = { cpus: cpus().length, node: process.version, loadAverageBefore: loadBefore, loadAverageAfter: loadAverage() };
  if (o.profileDir !== undefined) result.profiles = summarizeProfileDir(o.profileDir, 12);
  if (o.json) io.out.write(`${JSON.stringify(result, null, 2)}\n`);
  else io.out.write(renderResultText(result));
  if (o.reportDir !== undefined) {
    writeFileSync(join(o.reportDir, 'bench.json'), `${JSON.stringify(result, null, 2)}\n`);
    writeFileSync(join(o.reportDir, 'latency.svg'), renderLatencyChart(chartInput(result)));
    if (!o.json) io.out.write(`report: ${join(o.reportDir, 'bench.json')}, ${join(o.reportDir, 'latency.svg')}\n`);
  }
  return 0;
}

/** One benchmark (load or failover) on a cluster that is already up; leaves the cluster running. */
export async function measure(cluster: BenchCluster, o: BenchOptions, progress: Progress, signal?: AbortSignal): Promise<BenchResult> {
  const base = {
    workload: o.workload, target: o.target, clients: o.clients, warmupMs: o.warmupMs, durationMs: o.durationMs, keys: o.keys, valueSize: o.valueSize,
    cluster: { fresh: cluster.owned, nodes: cluster.nodeIds.length },
  };
  const leader = await awaitLeader(cluster, 15_000, signal);
  if (leader === null) throw new UsageError(`the cluster in ${cluster.dir} has had no leader for 15 s; check \`raft-sup status\``);
  const proxy = new KvClient(cluster.proxyUrl, { connections: o.clients, timeoutMs: OP_TIMEOUT_MS });
  const nodeClients = new Map(cluster.nodeIds.map((id) => [cluster.nodeUrl(id), new KvClient(cluster.nodeUrl(id), { connections: o.clients, timeoutMs: OP_TIMEOUT_MS })]));
  try {
    if (o.failover > 0) {
      const f = await runFailover(cluster, proxy, {
        rounds: o.failover, clients: o.clients, keys: o.keys, valueSize: o.valueSize, signal,
        onStatus: (t) => progress.live(t),
        onRound: (r) => progress.line(`failover ${r.round}/${o.failover}: killed node-${r.victim}; first write after ${r.ms === null ? 'none within the deadline' : `${Math.round(r.ms)} ms`}`),
      });
      progress.clear();
      return {
        ...base, kind: 'failover', workload: 'write',
        ops: f.writes.count, seconds: 0, throughput: NaN, latencyMs: f.writes.summary(), errors: f.errors,
        errorCount: Object.values(f.errors).reduce((a, b) => a + b, 0), warmupErrors: 0, abandoned: 0,
        leaderChanges: [], cpu: null, intervalMs: f.intervalMs, timeline: f.timeline,
        failover: { rounds: f.rounds, medianMs: f.medianMs, maxMs: f.maxMs, minMs: f.minMs, kills: f.kills },
      };
    }
    const leaderUrl = cluster.nodeUrl(leader);
    const target: OpTarget = o.target === 'proxy' ? fixedTarget(proxy) : leaderTarget(nodeClients, leaderUrl);
    if (o.workload !== 'write') {
      progress.live(`writing the ${o.keys.toLocaleString('en-US')} keys the reads will find…`);
      const failed = await prefill(target.current(), o.keys, o.valueSize, Math.min(64, o.clients * 4), (n) => progress.live(`prefill: ${n.toLocaleString('en-US')}/${o.keys.toLocaleString('en-US')} keys`));
      if (failed > 0) progress.line(`prefill: ${failed} of ${o.keys} keys could not be written (reads of them count as 404 answers)`);
      progress.clear();
    }
    const watch = new LeaderWatch(cluster.nodeIds.map((id) => cluster.nodeUrl(id)));
    // WAL fsync counters (nodes' /status) at both ends of the window: writes per fsync = group commit.
    const fsyncCounts = async (): Promise<Record<string, number>> => {
      const out: Record<string, number> = {};
      await Promise.all(
        cluster.nodeIds.map(async (id) => {
          const s = await nodeClients.get(cluster.nodeUrl(id))?.nodeStatus({ timeoutMs: 2000 }).catch(() => undefined);
          const n = s?.storage?.fsyncs;
          if (typeof n === 'number') out[`node-${id}`] = n;
        }),
      );
      return out;
    };
    let fsyncStart: Promise<Record<string, number>> | undefined;
    let fsyncEnd: Promise<Record<string, number>> | undefined;
    const pids = await clusterPids(cluster);
    let cpuStart: CpuSample | undefined;
    let cpuEnd: CpuSample | undefined;
    let windowStart = NaN;
    const label = `${o.workload} via ${o.target}, ${o.clients} client${o.clients === 1 ? '' : 's'}`;
    const r = await runClosedLoop({
      clients: o.clients, warmupMs: o.warmupMs, durationMs: o.durationMs, signal,
      op: makeOp({ workload: o.workload, keys: o.keys, valueSize: o.valueSize, clients: o.clients, timeoutMs: OP_TIMEOUT_MS }, target),
      onProgress: (p) => progress.load(label, p),
      progressMs: 250,
      onWindowStart: () => {
        windowStart = performance.now();
        cpuStart = sampleCpu(pids);
        fsyncStart = fsyncCounts();
        // Profiled processes restart their profile now (cpu-profile-preload.ts): the window only.
        if (o.profileDir !== undefined) for (const pid of pids.values()) signalQuietly(pid, 'SIGUSR2');
      },
      onWindowEnd: () => {
        cpuEnd = sampleCpu(pids);
        fsyncEnd = fsyncCounts();
      },
    });
    await watch.stop();
    progress.clear();
    const cpu = cpuStart && cpuEnd ? cpuBetween(cpuStart, cpuEnd, r.ops) : undefined;
    const [f0, f1] = await Promise.all([fsyncStart, fsyncEnd]);
    const fsyncs: Record<string, number> = {};
    for (const [name, n] of Object.entries(f1 ?? {})) {
      const before = f0?.[name];
      if (before !== undefined && n >= before) fsyncs[name] = n - before;
    }
    return {
      ...base, kind: 'load',
      ops: r.ops, seconds: r.seconds, throughput: r.throughput, latencyMs: r.latency, errors: r.errors, errorCount: r.errorCount,
      warmupErrors: r.warmupErrors, abandoned: r.abandoned,
      leaderChanges: watch.changes.map((c) => ({ atMs: Number.isFinite(windowStart) ? Math.round(c.at - windowStart) : null, from: c.from, to: c.to, term: c.term })),
      cpu: cpu ? { msPerOp: cpu.msPerOp ?? null, totalCores: cpu.totalCores, cores: cpu.cores } : null,
      fsyncs: Object.keys(fsyncs).length > 0 ? fsyncs : null,
      intervalMs: r.intervalMs, timeline: r.timeline,
    };
  } finally {
    await Promise.all([proxy.close(), ...[...nodeClients.values()].map((c) => c.close())]);
  }
}

/** The leader's id once one is elected (an election may be running right now), or null after `ms`. */
async function awaitLeader(cluster: BenchCluster, ms: number, signal?: AbortSignal): Promise<number | null> {
  const deadline = performance.now() + ms;
  for (;;) {
    const st = await cluster.status();
    if (st.leader !== null) return st.leader;
    if (performance.now() > deadline || signal?.aborted === true) return null;
    await sleep(50);
  }
}

function signalQuietly(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    /* it exited meanwhile */
  }
}

function chartInput(r: BenchResult): Parameters<typeof renderLatencyChart>[0] {
  const what = r.kind === 'failover' ? `failover × ${r.failover?.rounds.length ?? 0}` : `${r.workload} via ${r.target}`;
  return {
    title: `raft-sup bench: ${what}, ${r.clients} clients`,
    subtitle: `${r.kind === 'failover' ? `failover median ${Math.round(r.failover?.medianMs ?? NaN)} ms` : `${Math.round(r.throughput).toLocaleString('en-US')}/s`} · p50 ${r.latencyMs.p50.toFixed(2)} ms · p99 ${r.latencyMs.p99.toFixed(2)} ms · ${r.valueSize}-byte values · ${r.keys} keys`,
    timeline: r.timeline,
    intervalMs: r.intervalMs || 1000,
    marks: [
      ...r.leaderChanges.filter((c) => c.atMs !== null).map((c) => ({ t: c.atMs as number, label: `leader → ${c.to ?? '?'}` })),
      ...(r.failover?.kills ?? []).map((k) => ({ t: k.t, label: `kill ${k.victim}` })),
    ],
  };
}
