// Memory after many writes: N writes through the proxy to a bounded key set (so the state machine
// stays small and what grows is what should not — the log, sessions, caches), then the resident set
// size of every node. A leak shows as RSS growing with N; a healthy node levels off after its first
// snapshots and compactions.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KvClient } from '../client/index.js';
import type { BenchCluster } from './cluster.js';
import { runCounted } from './load.js';
import { rssOf } from './proc-stats.js';
import { benchKey, benchValue } from './workload-ops.js';

export interface MemoryResult {
  writes: number;
  failedWrites: number;
  keys: number;
  /** name → RSS in bytes after the writes, and at the start. */
  rssAfter: Record<string, number>;
  rssBefore: Record<string, number>;
  /** Largest node RSS after the writes (bytes). */
  maxNodeRss: number;
  writesPerSecond: number;
  /** name → the node's last process.memoryUsage() (when the cluster logs it: memLogDir). */
  usage: Record<string, MemoryUsageLine>;
}

export interface MemoryUsageLine {
  rss: number;
  heapTotal: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
}

/** The last line of DIR/mem.<pid>.jsonl (diagnostics-preload.ts), or undefined. */
export function lastMemoryLine(dir: string, pid: number): MemoryUsageLine | undefined {
  try {
    const lines = readFileSync(join(dir, `mem.${pid}.jsonl`), 'utf8').trimEnd().split('\n');
    return JSON.parse(lines[lines.length - 1] ?? '') as MemoryUsageLine;
  } catch {
    return undefined;
  }
}

function nodeRss(pids: ReadonlyMap<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, pid] of pids) {
    const r = rssOf(pid);
    if (r !== undefined) out[name] = r;
  }
  return out;
}

export async function measureMemory(
  cluster: BenchCluster,
  o: { writes: number; clients: number; keys: number; valueSize: number; onStatus?: (t: string) => void; signal?: AbortSignal; memLogDir?: string },
): Promise<MemoryResult> {
  const st = await cluster.status();
  const pids = new Map<string, number>();
  for (const p of st.processes) if (p.kind === 'node' && typeof p.pid === 'number') pids.set(p.name, p.pid);
  const rssBefore = nodeRss(pids);
  const proxy = new KvClient(cluster.proxyUrl, { connections: o.clients, timeoutMs: 10_000 });
  const value = benchValue(o.valueSize);
  const t0 = performance.now();
  let failed = 0;
  try {
    const r = await runCounted({
      clients: o.clients,
      total: o.writes,
      signal: o.signal,
      op: (_c, i) => proxy.put(benchKey(i % o.keys), value, { timeoutMs: 10_000 }),
      onProgress: (n) => {
        const rate = (n * 1000) / (performance.now() - t0);
        const worst = Math.max(0, ...Object.values(nodeRss(pids)));
        o.onStatus?.(`memory: ${n.toLocaleString('en-US')}/${o.writes.toLocaleString('en-US')} writes (${Math.round(rate).toLocaleString('en-US')}/s), largest node RSS ${(worst / 1e6).toFixed(0)} MB`);
      },
      progressEvery: 2000,
    });
    failed = r.failed;
  } finally {
    await proxy.close();
  }
  const seconds = (performance.now() - t0) / 1000;
  const rssAfter = nodeRss(pids);
  const usage: Record<string, MemoryUsageLine> = {};
  if (o.memLogDir !== undefined) {
    await new Promise((r) => setTimeout(r, 1100)); // one more line after the last write
    for (const [name, pid] of pids) {
      const u = lastMemoryLine(o.memLogDir, pid);
      if (u) usage[name] = u;
    }
  }
  return {
    usage,
    writes: o.writes,
    failedWrites: failed,
    keys: o.keys,
    rssAfter,
    rssBefore,
    maxNodeRss: Math.max(0, ...Object.values(rssAfter)),
    writesPerSecond: o.writes / Math.max(0.001, seconds),
  };
}
