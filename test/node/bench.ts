// Cluster benchmarks (a script, not a test): a real 3-node cluster (fsync on) and the proxy as
// separate processes, the load generator in this one, all on this machine.
//   node dist/test/node/bench.js [--duration 10] [--clients 64] [--kills 5] [--only write,leader,seq,read,failover]
// Prints one line per figure; the node processes are killed and their data removed at the end.
import { readFileSync } from 'node:fs';
import { KvClient, KvError } from '../../src/client/index.js';
import { ProcessCluster } from './process-cluster.js';
import { waitFor } from './helpers.js';

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? (process.argv[i + 1] as string) : dflt;
}
const durationS = Number(arg('duration', '10'));
const clients = Number(arg('clients', '64'));
const kills = Number(arg('kills', '5'));
const only = new Set(arg('only', 'write,leader,seq,read,failover').split(','));
const VALUE = 'x'.repeat(100);

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? NaN;
}
function summary(lat: number[], seconds: number): string {
  lat.sort((a, b) => a - b);
  return `${Math.round(lat.length / seconds)}/s  p50 ${pct(lat, 0.5).toFixed(2)} ms  p99 ${pct(lat, 0.99).toFixed(2)} ms  (${lat.length} ops)`;
}

/** `n` concurrent loops of `op` for `seconds`; returns latencies of successes and the error count. */
async function load(n: number, seconds: number, op: (i: number) => Promise<unknown>): Promise<{ lat: number[]; errors: Map<string, number> }> {
  const lat: number[] = [];
  const errors = new Map<string, number>();
  const end = performance.now() + seconds * 1000;
  let seq = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (performance.now() < end) {
        const t = performance.now();
        try {
          await op(seq++);
          lat.push(performance.now() - t);
        } catch (err) {
          const code = err instanceof KvError ? err.code : String(err);
          errors.set(code, (errors.get(code) ?? 0) + 1);
        }
      }
    }),
  );
  return { lat, errors };
}

/** CPU time (ms) used so far by one process (Linux /proc); 0 if it is gone. */
function cpuOf(pid: number): number {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(f[11]) + Number(f[12])) * 10;
  } catch {
    return 0;
  }
}

/** Runs `fn` and appends the CPU cost per operation, per process and in total, to its line. */
async function measured(c: ProcessCluster, label: string, fn: () => Promise<{ line: string; ops: number }>): Promise<void> {
  const procs = c.processes();
  const before = procs.map((p) => cpuOf(p.pid));
  const self0 = process.cpuUsage();
  const { line, ops } = await fn();
  const n = Math.max(1, ops);
  const per = procs.map((p, i) => ({ name: p.name, ms: (cpuOf(p.pid) - (before[i] ?? 0)) / n }));
  const selfCpu = process.cpuUsage(self0);
  per.push({ name: 'loadgen', ms: (selfCpu.user + selfCpu.system) / 1000 / n });
  const total = per.reduce((a, p) => a + p.ms, 0);
  console.log(`${label}: ${line}`);
  console.log(`    CPU per op: ${per.map((p) => `${p.name} ${p.ms.toFixed(3)}`).join(', ')} = ${total.toFixed(3)} ms → ≈${Math.round(2000 / total)}/s if 2 cores were ours alone`);
}

function errs(e: Map<string, number>): string {
  return e.size === 0 ? 'no errors' : [...e].map(([k, v]) => `${k}×${v}`).join(' ');
}

async function termOf(c: ProcessCluster): Promise<number> {
  const id = await c.waitForLeader();
  return (await c.status(id))?.term ?? -1;
}

const c = await ProcessCluster.start({ nodes: 3, keepLines: 50 });
try {
  const proxy = await c.startProxyProcess(5000);
  await proxy.put('warmup', VALUE);
  console.log(`cluster up: 3 nodes + proxy (separate processes); ${clients} clients; ${durationS} s per figure; 100-byte values`);

  if (only.has('write')) {
    await measured(c, `writes via proxy, ${clients} clients`, async () => {
      const t0 = await termOf(c);
      const r = await load(clients, durationS, (i) => proxy.put(`k${i % 10_000}`, VALUE));
      const t1 = await termOf(c);
      return { line: `${summary(r.lat, durationS)}; ${errs(r.errors)}; leader changes: ${t1 - t0}`, ops: r.lat.length };
    });
  }
  if (only.has('leader')) {
    const leaderId = await c.waitForLeader();
    const direct = new KvClient(c.members.get(leaderId)?.url ?? '', { connections: clients });
    await measured(c, `writes to the leader, ${clients} clients`, async () => {
      const t0 = await termOf(c);
      const r = await load(clients, durationS, (i) => direct.put(`k${i % 10_000}`, VALUE));
      const t1 = await termOf(c);
      return { line: `${summary(r.lat, durationS)}; ${errs(r.errors)}; leader changes: ${t1 - t0}`, ops: r.lat.length };
    });
    await direct.close();
  }
  if (only.has('seq')) {
    const r = await load(1, Math.min(durationS, 5), (i) => proxy.put(`s${i % 100}`, VALUE));
    console.log(`sequential writes via proxy, 1 client: ${summary(r.lat, Math.min(durationS, 5))}; ${errs(r.errors)}`);
  }
  if (only.has('read')) {
    await measured(c, `linearizable reads via proxy (followers), ${clients} clients`, async () => {
      const r = await load(clients, durationS, (i) => proxy.get(`k${i % 1000}`));
      return { line: `${summary(r.lat, durationS)}; ${errs(r.errors)}`, ops: r.lat.length };
    });
  }
  if (only.has('failover')) {
    const times: number[] = [];
    for (let k = 0; k < kills; k++) {
      const victim = await c.waitForLeader();
      // Background load: 16 writers through the proxy; then a probe write issued right after the
      // kill: its latency is what a client sees (the proxy retries it across the election).
      let stop = false;
      let written = 0;
      const writers = Array.from({ length: 16 }, async (_, w) => {
        let i = 0;
        while (!stop) {
          await proxy.put(`f${w}-${i++}`, VALUE).then(() => written++, () => undefined);
        }
      });
      // The kill lands under steady load: once 200 writes have succeeded (at most 10 s).
      await waitFor('200 background writes before the kill', () => written >= 200, 10_000);
      const killedAt = performance.now();
      await c.kill(victim, 'SIGKILL');
      let firstAfter = Infinity;
      for (let attempt = 0; attempt < 3 && firstAfter === Infinity; attempt++) {
        try {
          await proxy.put(`probe-${k}`, VALUE);
          firstAfter = performance.now();
        } catch {
          /* the proxy gave up after its deadline: try again, the clock keeps running */
        }
      }
      times.push(firstAfter - killedAt);
      stop = true;
      await Promise.all(writers);
      c.startNode(victim);
      const l = await c.waitForLeader(60_000);
      const ls = await c.status(l);
      if (ls) await c.waitApplied(victim, ls.commitIndex, 60_000);
    }
    const sorted = [...times].sort((a, b) => a - b);
    console.log(`kill -9 leader under load → first successful write via proxy: median ${pct(sorted, 0.5).toFixed(0)} ms; all ${times.map((t) => t.toFixed(0)).join(', ')} ms`);
  }
} finally {
  await c.close();
}
