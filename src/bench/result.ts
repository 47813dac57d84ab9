// What one `raft-sup bench` run found — the `--json` document (stable field names, ms and bytes) —
// and its rendering as a few aligned lines for people.
import type { FailoverRound } from './failover.js';
import { formatErrors, formatInt, formatMs, formatRate } from './format.js';
import type { LatencySummary } from './histogram.js';
import type { TimelinePoint } from './load.js';
import type { ProfileSummary } from './profile-summary.js';

export interface BenchResult {
  kind: 'load' | 'failover';
  workload: string;
  target: string;
  clients: number;
  warmupMs: number;
  durationMs: number;
  keys: number;
  valueSize: number;
  cluster: { fresh: boolean; nodes: number };
  /** Operations that succeeded inside the measured window. */
  ops: number;
  seconds: number;
  /** Successful operations per second (NaN → null in JSON for a failover run). */
  throughput: number;
  latencyMs: LatencySummary;
  /** Failures in the window, by error code. */
  errors: Record<string, number>;
  errorCount: number;
  warmupErrors: number;
  abandoned: number;
  /** Leader changes seen during the run; atMs since the measured window opened. */
  leaderChanges: { atMs: number | null; from: number | null; to: number | null; term: number | null }[];
  /** CPU over every cluster process and the load generator (null where /proc is missing). */
  cpu: { msPerOp: number | null; totalCores: number; cores: Record<string, number> } | null;
  /** WAL fdatasync calls per node during the window (from the nodes' /status; null when absent). */
  fsyncs?: Record<string, number> | null;
  intervalMs: number;
  timeline: TimelinePoint[];
  failover?: { rounds: FailoverRound[]; medianMs: number; maxMs: number; minMs: number; kills: { t: number; victim: number }[] };
  machine?: { cpus: number; node: string; loadAverageBefore: number[]; loadAverageAfter: number[] };
  profiles?: ProfileSummary[];
}

function latencyLine(l: LatencySummary): string {
  return `p50 ${formatMs(l.p50)}  p90 ${formatMs(l.p90)}  p99 ${formatMs(l.p99)}  max ${formatMs(l.max)}  (mean ${formatMs(l.mean)})`;
}

/** The human-readable result. */
export function renderResultText(r: BenchResult): string {
  const lines: string[] = [];
  const row = (k: string, v: string): void => {
    lines.push(`${k.padEnd(12)} ${v}`);
  };
  const where = r.cluster.fresh ? `a fresh ${r.cluster.nodes}-node cluster` : `the running ${r.cluster.nodes}-node cluster`;
  if (r.kind === 'failover' && r.failover) {
    const f = r.failover;
    lines.push(`raft-sup bench: leader killed ${f.rounds.length} times under ${r.clients} writers via the proxy · ${r.valueSize}-byte values · ${where}`);
    row('failover', `median ${formatMs(f.medianMs)}  max ${formatMs(f.maxMs)}  min ${formatMs(f.minMs)}  (SIGKILL of the leader → first successful write issued after it)`);
    for (const x of f.rounds) {
      row('', `#${x.round}: killed node-${x.victim} → ${x.newLeader === null ? 'no leader yet' : `node-${x.newLeader} leads`}; ${x.ms === null ? 'no successful write within the deadline' : `first write after ${formatMs(x.ms)}`}${x.failedWrites ? ` (${x.failedWrites} writes failed meanwhile)` : ''}`);
    }
    row('writes', `${formatInt(r.ops)} succeeded; latency ${latencyLine(r.latencyMs)}`);
    row('errors', formatErrors(r.errors));
  } else {
    lines.push(`raft-sup bench: ${r.workload} via ${r.target} · ${r.clients} client${r.clients === 1 ? '' : 's'} · ${(r.durationMs / 1000).toFixed(1)} s after ${(r.warmupMs / 1000).toFixed(1)} s warm-up · ${formatInt(r.keys)} keys · ${r.valueSize}-byte values · ${where}`);
    row('throughput', `${formatRate(r.throughput)}  (${formatInt(r.ops)} ops in ${r.seconds.toFixed(1)} s)`);
    row('latency', latencyLine(r.latencyMs));
    row('errors', r.errorCount === 0 ? 'none' : `${formatInt(r.errorCount)}: ${formatErrors(r.errors)}`);
    if (r.abandoned > 0) row('', `${r.abandoned} operations still unanswered at the end were abandoned`);
    if (r.leaderChanges.length === 0) row('leader', 'no change during the run');
    else for (const c of r.leaderChanges) row('leader', `changed ${c.atMs === null ? '' : `at ${(c.atMs / 1000).toFixed(1)} s `}from node-${c.from ?? '?'} to node-${c.to ?? '?'} (term ${c.term ?? '?'})`);
  }
  if (r.fsyncs && r.kind === 'load' && r.workload !== 'read' && r.workload !== 'stale-read') {
    const most = Math.max(...Object.values(r.fsyncs));
    const per = Object.entries(r.fsyncs).map(([n, c]) => `${n} ${formatInt(c)}`).join(', ');
    row('fsync', `${per} in the window; ${most > 0 ? (r.ops / most).toFixed(1) : '-'} writes per fsync on the busiest node (group commit)`);
  }
  if (r.cpu && r.cpu.msPerOp !== null) {
    const parts = Object.entries(r.cpu.cores).map(([n, c]) => `${n} ${c.toFixed(2)}`).join(', ');
    row('CPU', `${r.cpu.msPerOp.toFixed(3)} ms/op over every process; cores busy: ${r.cpu.totalCores.toFixed(2)} (${parts})`);
  }
  if (r.machine) {
    const la = (x: number[]): string => x.map((v) => v.toFixed(1)).join(' ');
    row('machine', `${r.machine.cpus} cores, Node ${r.machine.node}, load average ${la(r.machine.loadAverageBefore)} before, ${la(r.machine.loadAverageAfter)} after`);
  }
  for (const p of r.profiles ?? []) {
    lines.push('');
    lines.push(`profile ${p.file} (pid ${p.pid ?? '?'}, ${formatMs(p.totalMs)} of CPU):`);
    lines.push(`  by area: ${p.byArea.slice(0, 8).map((a) => `${a.area} ${(a.share * 100).toFixed(1)}%`).join(', ')}`);
    for (const f of p.top) lines.push(`  ${(f.share * 100).toFixed(1).padStart(5)}%  ${formatMs(f.selfMs).padStart(9)}  ${f.name}`);
  }
  return `${lines.join('\n')}\n`;
}
