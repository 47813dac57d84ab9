// `raft-sup bench` flags → one validated options object. The only place raw flag text is read; every
// mistake is a UsageError (one line, exit 2) naming the flag, what was expected and what was received.
import { formatDuration, parseDuration } from '../scenarios/index.js';
import { UsageError } from '../shared/cli-errors.js';
import { MAX_VALUE_BYTES } from '../shared/index.js';

export const WORKLOADS = ['write', 'read', 'stale-read', 'mixed'] as const;
export type Workload = (typeof WORKLOADS)[number];
export const TARGETS = ['proxy', 'leader'] as const;
export type BenchTarget = (typeof TARGETS)[number];

export interface BenchOptions {
  clients: number;
  durationMs: number;
  warmupMs: number;
  workload: Workload;
  keys: number;
  valueSize: number;
  target: BenchTarget;
  attach: boolean;
  /** State dir of the attached cluster, or where our own cluster lives (default: a temp dir). */
  dir: string | undefined;
  json: boolean;
  /** Kill the leader this many times under write load (0 = a plain throughput run). */
  failover: number;
  /** Write bench.json and latency.svg here. */
  reportDir: string | undefined;
  /** Nodes of a fresh cluster. */
  nodes: number;
  /** Write a CPU profile of every node and proxy process here (fresh cluster only). */
  profileDir: string | undefined;
}

/** The flags as commander hands them over. */
export interface BenchFlags {
  clients?: string;
  duration?: string;
  warmup?: string;
  workload?: string;
  keys?: string;
  valueSize?: string;
  target?: string;
  attach?: boolean;
  dir?: string;
  json?: boolean;
  failover?: string;
  report?: string;
  nodes?: string;
  profile?: string;
}

export const BENCH_DEFAULTS = {
  clients: 64,
  durationMs: 10_000,
  warmupMs: 2_000,
  workload: 'write' as Workload,
  keys: 1_000,
  valueSize: 100,
  target: 'proxy' as BenchTarget,
  nodes: 3,
  attachDir: './.raft-sup',
} as const;

export const MAX_CLIENTS = 1024;
export const MAX_KEYS = 1_000_000;
export const MAX_FAILOVERS = 100;

/** Validates every flag; throws UsageError naming the flag. */
export function parseBenchFlags(f: BenchFlags): BenchOptions {
  const workload = choice('--workload', f.workload, WORKLOADS, BENCH_DEFAULTS.workload);
  const target = choice('--target', f.target, TARGETS, BENCH_DEFAULTS.target);
  const failover = f.failover === undefined ? 0 : int('--failover', f.failover, 1, MAX_FAILOVERS);
  if (failover > 0 && f.workload !== undefined && workload !== 'write') {
    throw new UsageError(`--failover measures kill → first successful write, so it runs a write workload; drop --workload ${workload}`);
  }
  if (failover > 0 && f.target !== undefined && target !== 'proxy') {
    throw new UsageError('--failover writes through the proxy (a client sending to the killed leader has nowhere to go); drop --target leader');
  }
  if (f.attach === true && f.nodes !== undefined) throw new UsageError('--nodes sets the size of a cluster bench starts; with --attach the running cluster decides');
  if (f.attach === true && f.profile !== undefined) throw new UsageError('--profile needs a cluster bench starts itself (its processes are started with --cpu-prof); drop --attach');
  return {
    clients: f.clients === undefined ? BENCH_DEFAULTS.clients : int('--clients', f.clients, 1, MAX_CLIENTS),
    durationMs: f.duration === undefined ? BENCH_DEFAULTS.durationMs : duration('--duration', f.duration, 200, false),
    warmupMs: f.warmup === undefined ? BENCH_DEFAULTS.warmupMs : duration('--warmup', f.warmup, 0, true),
    workload,
    keys: f.keys === undefined ? BENCH_DEFAULTS.keys : int('--keys', f.keys, 1, MAX_KEYS),
    valueSize: f.valueSize === undefined ? BENCH_DEFAULTS.valueSize : int('--value-size', f.valueSize, 0, MAX_VALUE_BYTES),
    target,
    attach: f.attach === true,
    dir: f.attach === true ? (f.dir ?? BENCH_DEFAULTS.attachDir) : f.dir,
    json: f.json === true,
    failover,
    reportDir: f.report,
    nodes: f.nodes === undefined ? BENCH_DEFAULTS.nodes : int('--nodes', f.nodes, 1, 9),
    profileDir: f.profile,
  };
}

function choice<T extends string>(flag: string, raw: string | undefined, allowed: readonly T[], dflt: T): T {
  if (raw === undefined) return dflt;
  if ((allowed as readonly string[]).includes(raw)) return raw as T;
  throw new UsageError(`${flag}: expected one of ${allowed.join(', ')}, received ${JSON.stringify(raw)}`);
}

export function int(flag: string, raw: string, min: number, max: number): number {
  const text = String(raw).trim();
  if (!/^\d+$/.test(text)) throw new UsageError(`${flag}: expected an integer ${min}..${max}, received ${JSON.stringify(raw)}`);
  const n = Number(text);
  if (n < min || n > max) throw new UsageError(`${flag}: expected an integer ${min}..${max}, received ${n}`);
  return n;
}

/** A duration flag (30s, 500ms, 1m30s); `0` is accepted where `zeroOk` (no warm-up). */
export function duration(flag: string, raw: string, minMs: number, zeroOk: boolean): number {
  const text = String(raw).trim();
  if (zeroOk && /^0+(ms|s|m)?$/.test(text)) return 0;
  const r = parseDuration(text);
  if (!r.ok) throw new UsageError(`${flag}: expected a duration like 500ms, 10s or 1m, received ${r.problem}`);
  if (r.ms < minMs) throw new UsageError(`${flag}: expected at least ${formatDuration(minMs)}, received ${formatDuration(r.ms)}`);
  if (r.ms > 3_600_000) throw new UsageError(`${flag}: expected at most 1h, received ${formatDuration(r.ms)}`);
  return r.ms;
}
