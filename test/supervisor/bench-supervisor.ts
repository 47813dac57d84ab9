// Supervisor figures (reported, not asserted): `up -d` to ready, `down` to nothing left, and
// `kill leader` to the first successful write through the proxy (median of N).
// Run: npx tsc -p tsconfig.json && node dist/test/supervisor/bench-supervisor.js [rounds=10] [ups=3]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePortBlock } from '../../src/supervisor/port-check.js';
import { converged, TestCluster } from './cluster-helpers.js';

const rounds = Number(process.argv[2] ?? 10);
const ups = Number(process.argv[3] ?? 3);
const tmp = mkdtempSync(join(tmpdir(), 'rs-bench-'));
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] ?? 0) : ((s[m - 1] ?? 0) + (s[m] ?? 0)) / 2;
};
const fmt = (xs: number[]): string => `median ${median(xs).toFixed(0)} ms, min ${Math.min(...xs).toFixed(0)}, max ${Math.max(...xs).toFixed(0)} (n=${xs.length})`;

const base = await freePortBlock(4);
const c = new TestCluster(join(tmp, 'c'), base, base + 3);
const upMs: number[] = [];
const downMs: number[] = [];
const failoverMs: number[] = [];
try {
  for (let i = 0; i < ups; i++) {
    const up = await c.run(...c.upArgs());
    if (up.code !== 0) throw new Error(`up failed: ${up.stderr}`);
    upMs.push(up.ms);
    if (i === ups - 1) break;
    const s = await c.status();
    const pids = s.processes.map((p) => p.pid).filter((p): p is number => p != null);
    const t0 = Date.now();
    const down = await c.run('down');
    if (down.code !== 0) throw new Error(`down failed: ${down.stderr}`);
    if (pids.some((p) => c.alive().includes(p))) throw new Error('down left processes behind');
    downMs.push(Date.now() - t0);
  }
  for (let i = 0; i < rounds; i++) {
    await c.until(converged, 'converged before a kill', 30_000);
    const t0 = performance.now();
    const [hit] = await c.client.act('kill', 'leader');
    for (;;) {
      try {
        await c.proxy.put('failover', String(i), { timeoutMs: 2000 });
        break;
      } catch { /* keep trying: the first success is what we measure */ }
    }
    failoverMs.push(performance.now() - t0);
    if (hit !== undefined) await c.client.act('start', hit.name);
  }
  const s = await c.status();
  const pids = s.processes.map((p) => p.pid).filter((p): p is number => p != null);
  const t0 = Date.now();
  const down = await c.run('down');
  if (down.code !== 0) throw new Error(`down failed: ${down.stderr}`);
  if (pids.some((p) => c.alive().includes(p))) throw new Error('down left processes behind');
  downMs.push(Date.now() - t0);
} finally {
  if (c.client.pid() !== null) await c.run('down').catch(() => undefined);
  c.killLeftovers();
  await c.proxy.close();
  rmSync(tmp, { recursive: true, force: true });
}
console.log(`up -d to ready (CLI wall time, incl. ~1 s CLI start): ${fmt(upMs)}`);
console.log(`down to nothing left (CLI wall time):                ${fmt(downMs)}`);
console.log(`kill leader to first successful write via proxy:     ${fmt(failoverMs)}`);
