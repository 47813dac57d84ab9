// `raft-sup bench-all` (hidden; what `npm run bench` runs): the standard set of figures from issue 9,
// each printed as one line beside its target and etcd's reference on this kind of machine:
// writes via the proxy and to the leader (64 clients), sequential writes (p50), linearizable reads
// (64 clients), failover, catch-up after 10,000 missed writes, node memory after many writes, and
// the storage layer's own figures. Figures 1–6 share one fresh cluster; memory gets its own, so it
// counts only its own writes.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError } from '../shared/cli-errors.js';
import { measureCatchUp, type CatchUpResult } from './catch-up.js';
import { median } from './histogram.js';
import { startFreshCluster, type BenchCluster } from './cluster.js';
import { formatInt, formatMb, formatMs, formatRate } from './format.js';
import { measureMemory } from './memory.js';
import { BENCH_DEFAULTS, duration, int, type BenchOptions, type Workload, type BenchTarget } from './options.js';
import { loadAverage } from './proc-stats.js';
import { Progress } from './progress.js';
import { measure, type BenchIo } from './run-bench.js';

export const FIGURES = ['write', 'leader', 'seq', 'read', 'failover', 'catchup', 'memory', 'storage'] as const;
export type FigureName = (typeof FIGURES)[number];

export interface BenchAllOptions {
  durationMs: number;
  warmupMs: number;
  clients: number;
  failovers: number;
  catchUpWrites: number;
  /** Rounds of the catch-up figure (stop a follower, write, start it); the median is the figure. */
  catchUps: number;
  /** Run the shared cluster with warm spares (the default; `--no-warm-spares` turns them off). */
  warmSpares: boolean;
  memoryWrites: number;
  only: FigureName[];
  json: boolean;
}

export interface BenchAllFlags {
  duration?: string;
  warmup?: string;
  clients?: string;
  failovers?: string;
  catchUpWrites?: string;
  catchUps?: string;
  warmSpares?: boolean;
  memoryWrites?: string;
  only?: string;
  json?: boolean;
}

export function parseBenchAllFlags(f: BenchAllFlags): BenchAllOptions {
  let only: FigureName[] = [...FIGURES];
  if (f.only !== undefined) {
    const parts = f.only.split(',').map((s) => s.trim()).filter(Boolean);
    const bad = parts.find((p) => !(FIGURES as readonly string[]).includes(p));
    if (bad !== undefined || parts.length === 0) throw new UsageError(`--only: expected a comma list of ${FIGURES.join(', ')}, received ${JSON.stringify(f.only)}`);
    only = parts as FigureName[];
  }
  return {
    durationMs: f.duration === undefined ? 10_000 : duration('--duration', f.duration, 200, false),
    warmupMs: f.warmup === undefined ? 2_000 : duration('--warmup', f.warmup, 0, true),
    clients: f.clients === undefined ? 64 : int('--clients', f.clients, 1, 1024),
    failovers: f.failovers === undefined ? 10 : int('--failovers', f.failovers, 1, 100),
    catchUpWrites: f.catchUpWrites === undefined ? 10_000 : int('--catch-up-writes', f.catchUpWrites, 1, 10_000_000),
    catchUps: f.catchUps === undefined ? 5 : int('--catch-ups', f.catchUps, 1, 100),
    warmSpares: f.warmSpares !== false,
    memoryWrites: f.memoryWrites === undefined ? 1_000_000 : int('--memory-writes', f.memoryWrites, 1, 100_000_000),
    only,
    json: f.json === true,
  };
}

/** One line of the table. */
export interface Figure {
  name: FigureName;
  label: string;
  /** The figure in its unit (per second, ms or bytes); null when it could not be measured. */
  value: number | null;
  unit: '/s' | 'ms' | 'bytes' | 'text';
  shown: string;
  target: string;
  /** true: target met; false: missed; null: no target or not measured. */
  met: boolean | null;
  etcd: string;
  detail: string;
}

type Check = (v: number) => boolean;

/**
 * Least warm-up of the first load on the fresh cluster. Its code starts unoptimised: a node spends
 * several times the CPU per request until V8 has compiled the hot paths, which takes a few thousand
 * requests. Sequential writes measured on a cold cluster after the usual 2 s warm-up had a p50 of
 * 2.0-2.9 ms, falling to 1.2-1.4 ms after 8-10 s of the same load (one timeline per second,
 * 2026-12-07). In the whole set the first figure (64 clients) pays this and the rest start warm;
 * with `--only seq`, seq is the first and would otherwise measure the compiler, not the cluster.
 */
export const FIRST_WARMUP_MS = 8_000;

export function loadOptions(o: BenchAllOptions, workload: Workload, target: BenchTarget, clients: number, first = false): BenchOptions {
  return {
    ...BENCH_DEFAULTS, clients, durationMs: o.durationMs, warmupMs: first && o.warmupMs > 0 ? Math.max(o.warmupMs, FIRST_WARMUP_MS) : o.warmupMs, workload, target,
    attach: false, dir: undefined, json: false, failover: 0, reportDir: undefined, nodes: 3, profileDir: undefined,
    keys: BENCH_DEFAULTS.keys, valueSize: 100,
  };
}

function rateFigure(name: FigureName, label: string, r: Awaited<ReturnType<typeof measure>>, target: string, check: Check, etcd: string): Figure {
  // How much of the machine the cluster got, and what that CPU cost per operation would allow on two
  // free cores (an estimate: on a busy machine CPU per operation is itself inflated).
  const cpu = r.cpu?.msPerOp == null ? '' : `; CPU ${r.cpu.msPerOp.toFixed(2)} ms/op on ${r.cpu.totalCores.toFixed(2)} cores (≈${formatRate(2000 / r.cpu.msPerOp)} if CPU-bound on 2 free cores)`;
  const errs = r.errorCount > 0 ? `; ${r.errorCount} errors` : '';
  const lc = r.leaderChanges.length > 0 ? `; ${r.leaderChanges.length} leader change(s)` : '';
  return {
    name, label, value: r.throughput, unit: '/s', shown: formatRate(r.throughput), target, met: check(r.throughput), etcd,
    detail: `p50 ${formatMs(r.latencyMs.p50)}, p99 ${formatMs(r.latencyMs.p99)}${cpu}${errs}${lc}`,
  };
}

function failed(name: FigureName, label: string, target: string, etcd: string, err: unknown): Figure {
  return { name, label, value: null, unit: 'text', shown: 'failed', target, met: null, etcd, detail: err instanceof Error ? err.message : String(err) };
}

/** Runs `node dist/test/storage/bench.js --quick` when it exists (a source checkout) and returns its lines. */
function storageBench(signal?: AbortSignal): Promise<string[] | null> {
  const script = fileURLToPath(new URL('../../test/storage/bench.js', import.meta.url));
  if (!existsSync(script)) return Promise.resolve(null);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [script, '--quick'], { stdio: ['ignore', 'pipe', 'pipe'], signal });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (out += d.toString('utf8')));
    child.on('error', () => resolve(null));
    child.on('close', () => resolve(out.split('\n').filter((l) => l.trim() !== '')));
  });
}

const pad = (s: string, n: number): string => (s.length >= n ? s : s + ' '.repeat(n - s.length));

export function renderFigure(f: Figure): string {
  const mark = f.met === null ? ' ' : f.met ? '✓' : '✗';
  return `${pad(f.label, 46)} ${f.shown.padStart(10)}  ${mark} target ${pad(f.target, 10)}  etcd ${pad(f.etcd, 12)}  ${f.detail}`;
}

export async function runBenchAll(o: BenchAllOptions, io: BenchIo): Promise<number> {
  const progress = new Progress(io.err, { tty: io.tty });
  const figures: Figure[] = [];
  const emit = (f: Figure): void => {
    figures.push(f);
    if (!o.json) {
      progress.clear();
      io.out.write(`${renderFigure(f)}\n`);
    }
  };
  const want = (n: FigureName): boolean => o.only.includes(n) && io.signal?.aborted !== true;
  const loadBefore = loadAverage();
  if (!o.json) {
    io.out.write(`raft-sup standard benchmark: 3 nodes + proxy + load generator on this machine (${cpus().length} cores, Node ${process.version}, load average ${loadBefore.map((x) => x.toFixed(1)).join(' ')}); fsync on; 100-byte values\n`);
    io.out.write(`${o.clients} clients, ${(o.durationMs / 1000).toFixed(0)} s per throughput figure after ${(o.warmupMs / 1000).toFixed(0)} s warm-up (the first on the fresh cluster: at least ${FIRST_WARMUP_MS / 1000} s, while V8 compiles the hot paths); etcd = 3-member etcd over its HTTP/JSON gateway on this kind of machine (issue 9)\n\n`);
  }
  const needShared = (['write', 'leader', 'seq', 'read', 'failover', 'catchup'] as const).some(want);
  let cluster: BenchCluster | undefined;
  try {
    if (needShared) {
      progress.live('starting a fresh 3-node cluster and the proxy…');
      cluster = await startFreshCluster({ nodes: 3, warmSpares: o.warmSpares });
      progress.clear();
      const c = cluster;
      let first = true; // the next load is the first on this cluster (see FIRST_WARMUP_MS)
      const measureLoad = async (workload: Workload, target: BenchTarget, clients: number): ReturnType<typeof measure> => {
        const r = await measure(c, loadOptions(o, workload, target, clients, first), progress, io.signal);
        first = false;
        return r;
      };
      const load = async (name: FigureName, label: string, workload: Workload, target: BenchTarget, clients: number, tgt: string, check: Check, etcd: string): Promise<void> => {
        try {
          const r = await measureLoad(workload, target, clients);
          emit(rateFigure(name, label, r, tgt, check, etcd));
        } catch (err) {
          emit(failed(name, label, tgt, etcd, err));
        }
      };
      if (want('write')) await load('write', `writes via proxy, ${o.clients} clients`, 'write', 'proxy', o.clients, '≥ 4,000/s', (v) => v >= 4000, '3,000/s');
      if (want('leader')) await load('leader', `writes to the leader, ${o.clients} clients`, 'write', 'leader', o.clients, '≥ 6,000/s', (v) => v >= 6000, '3,000/s');
      if (want('seq')) {
        const label = 'sequential writes via proxy (1 client), p50';
        try {
          const r = await measureLoad('write', 'proxy', 1);
          const p50 = r.latencyMs.p50;
          emit({
            name: 'seq', label, value: p50, unit: 'ms', shown: formatMs(p50), target: '< 1.5 ms', met: p50 < 1.5, etcd: '2.5 ms',
            detail: `${formatRate(r.throughput)} (etcd 360/s), p99 ${formatMs(r.latencyMs.p99)}${r.cpu?.msPerOp == null ? '' : `; CPU ${r.cpu.msPerOp.toFixed(3)} ms/op`}`,
          });
        } catch (err) {
          emit(failed('seq', label, '< 1.5 ms', '2.5 ms', err));
        }
      }
      if (want('read')) await load('read', `linearizable reads via proxy, ${o.clients} clients`, 'read', 'proxy', o.clients, '≥ 6,000/s', (v) => v >= 6000, '4,800/s');
      if (want('failover')) {
        const label = `failover median (${o.failovers} kills of the leader)`;
        try {
          const opts: BenchOptions = { ...loadOptions(o, 'write', 'proxy', Math.min(o.clients, 16)), failover: o.failovers };
          const r = await measure(c, opts, progress, io.signal);
          const f = r.failover;
          const med = f?.medianMs ?? NaN;
          emit({
            name: 'failover', label, value: Number.isFinite(med) ? med : null, unit: 'ms', shown: formatMs(med), target: '< 400 ms', met: med < 400, etcd: '1,300 ms',
            detail: `max ${formatMs(f?.maxMs ?? NaN)}, min ${formatMs(f?.minMs ?? NaN)}; all: ${(f?.rounds ?? []).map((x) => (x.ms === null ? 'none' : Math.round(x.ms))).join(', ')} ms`,
          });
        } catch (err) {
          emit(failed('failover', label, '< 400 ms', '1,300 ms', err));
        }
      }
      if (want('catchup')) {
        const label = `catch-up after missing ${formatInt(o.catchUpWrites)} writes${o.catchUps > 1 ? ` (median of ${o.catchUps})` : ''}${o.warmSpares ? '' : ', no warm spares'}`;
        try {
          // Like failover, a median of several rounds: one restart is one sample of a noisy machine.
          const rounds: CatchUpResult[] = [];
          for (let i = 0; i < o.catchUps && io.signal?.aborted !== true; i++) {
            rounds.push(await measureCatchUp(c, { writes: o.catchUpWrites, clients: o.clients, valueSize: 100, keys: 10_000, onStatus: (t) => progress.live(`round ${i + 1}/${o.catchUps}: ${t}`) }));
          }
          const caught = rounds.map((r) => r.caughtUpMs);
          const v = caught.some((x) => x === null) ? null : median(caught as number[]);
          const answering = median(rounds.map((r) => r.answeringMs ?? NaN));
          const failedWrites = rounds.reduce((n, r) => n + r.failedWrites, 0);
          emit({
            name: 'catchup', label, value: v, unit: 'ms', shown: formatMs(v ?? NaN), target: '< 300 ms', met: v === null ? false : v < 300, etcd: '-',
            detail: `start → answering ${formatMs(answering)} (median); all: ${caught.map((x) => (x === null ? 'none' : Math.round(x))).join(', ')} ms; ` +
              `nodes ${[...new Set(rounds.map((r) => r.follower))].map((f) => `node-${f}`).join(', ')}${failedWrites ? `; ${failedWrites} writes failed` : ''}`,
          });
        } catch (err) {
          emit(failed('catchup', label, '< 300 ms', '-', err));
        }
      }
    }
  } finally {
    if (cluster) {
      progress.live('stopping the benchmark cluster…');
      await cluster.shutdown();
      progress.clear();
    }
  }
  if (want('memory')) {
    const label = `node RSS after ${formatInt(o.memoryWrites)} writes`;
    let mc: BenchCluster | undefined;
    let memLogDir: string | undefined;
    try {
      progress.live('starting a fresh cluster for the memory figure…');
      memLogDir = await mkdtemp(join(tmpdir(), 'rs-bench-mem-'));
      mc = await startFreshCluster({ nodes: 3, memLogDir });
      const r = await measureMemory(mc, { writes: o.memoryWrites, clients: o.clients, keys: 10_000, valueSize: 100, onStatus: (t) => progress.live(t), signal: io.signal, memLogDir });
      // RSS split into what V8's heap holds (live objects / reserved) and buffers outside it.
      const per = Object.entries(r.rssAfter).map(([n, b]) => {
        const u = r.usage[n];
        return u ? `${n} ${formatMb(b)} (heap ${formatMb(u.heapUsed)} used of ${formatMb(u.heapTotal)}, external ${formatMb(u.external)})` : `${n} ${formatMb(b)}`;
      }).join(', ');
      emit({
        name: 'memory', label, value: r.maxNodeRss, unit: 'bytes', shown: formatMb(r.maxNodeRss), target: '< 150 MB', met: r.maxNodeRss < 150e6, etcd: '-',
        detail: `${per} (started at ${formatMb(Math.max(0, ...Object.values(r.rssBefore)))}); ${formatInt(r.keys)} keys; ${formatRate(r.writesPerSecond)}${r.failedWrites ? `; ${r.failedWrites} failed` : ''}${o.memoryWrites < 1_000_000 ? '; target is for 1,000,000 writes (--memory-writes 1000000)' : ''}`,
      });
    } catch (err) {
      emit(failed('memory', label, '< 150 MB', '-', err));
    } finally {
      progress.live('stopping the memory cluster…');
      await mc?.shutdown();
      if (memLogDir !== undefined) await rm(memLogDir, { recursive: true, force: true });
      progress.clear();
    }
  }
  let storage: string[] | null = null;
  if (want('storage')) {
    progress.live('storage benchmark (node dist/test/storage/bench.js --quick)…');
    storage = await storageBench(io.signal);
    progress.clear();
    if (!o.json) io.out.write(storage === null ? '\nstorage: skipped (dist/test/storage/bench.js is only in a source checkout)\n' : `\nstorage (node dist/test/storage/bench.js --quick):\n${storage.map((l) => `  ${l}`).join('\n')}\n`);
  }
  const loadAfter = loadAverage();
  if (o.json) {
    io.out.write(`${JSON.stringify({ figures, storage, machine: { cpus: cpus().length, node: process.version, loadAverageBefore: loadBefore, loadAverageAfter: loadAfter } }, null, 2)}\n`);
  } else {
    const missed = figures.filter((f) => f.met === false).map((f) => f.name);
    io.out.write(`\nload average ${loadAfter.map((x) => x.toFixed(1)).join(' ')} at the end${missed.length ? `; targets missed: ${missed.join(', ')}` : '; every measured target met'}\n`);
  }
  return 0;
}

