// `raft-sup chaos` flags → one validated options object (the only place raw flag text is read), and
// the replay command that prints them back.
import { UsageError } from '../shared/cli-errors.js';
import { formatDuration, parseDuration } from '../scenarios/index.js';
import { DEFAULT_NEMESES, parseNemesisList, type NemesisName } from './nemesis-kinds.js';
import { MAX_SEED, randomSeed } from './prng.js';

export interface ChaosOptions {
  durationMs: number;
  seed: number;
  nemeses: NemesisName[];
  clients: number;
  keys: number;
  nodes: number;
  /** Write history, schedule, results, logs and report.html here. */
  reportDir: string | undefined;
  attach: boolean;
  /** State dir: the attached cluster's, or where our own cluster lives (default: a temp dir). */
  dir: string | undefined;
  unsafeStaleReads: boolean;
  /** Deadline of the linearizability checker; past it the verdict is 'unknown'. */
  checkTimeoutMs: number;
}

/** The flags as commander hands them over (strings, booleans, or absent). */
export interface ChaosFlags {
  duration?: string;
  seed?: string;
  nemesis?: string;
  clients?: string;
  keys?: string;
  nodes?: string;
  report?: string;
  attach?: boolean;
  dir?: string;
  unsafeStaleReads?: boolean;
  checkTimeout?: string;
}

export const CHAOS_DEFAULTS = { durationMs: 60_000, clients: 8, keys: 5, nodes: 3, checkTimeoutMs: 30_000, dir: './.raft-sup' } as const;

/** Validate every flag; throws UsageError naming the flag, what was expected and what was received. */
export function parseChaosFlags(f: ChaosFlags): ChaosOptions {
  const durationMs = f.duration === undefined ? CHAOS_DEFAULTS.durationMs : duration('--duration', f.duration, 1000);
  const seed = f.seed === undefined ? randomSeed() : int('--seed', f.seed, 0, MAX_SEED);
  let nemeses: NemesisName[] = [...DEFAULT_NEMESES];
  if (f.nemesis !== undefined) {
    try {
      nemeses = parseNemesisList(f.nemesis);
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
  }
  if (f.attach === true && f.unsafeStaleReads === true) {
    throw new UsageError('--unsafe-stale-reads starts nodes with a planted bug, so it needs a cluster of its own: drop --attach');
  }
  if (f.attach === true && f.nodes !== undefined) throw new UsageError('--nodes sets the size of a cluster chaos starts; with --attach the running cluster decides');
  return {
    durationMs,
    seed,
    nemeses,
    clients: f.clients === undefined ? CHAOS_DEFAULTS.clients : int('--clients', f.clients, 1, 64),
    keys: f.keys === undefined ? CHAOS_DEFAULTS.keys : int('--keys', f.keys, 1, 100),
    nodes: f.nodes === undefined ? CHAOS_DEFAULTS.nodes : int('--nodes', f.nodes, 1, 9),
    reportDir: f.report,
    attach: f.attach === true,
    dir: f.attach === true ? (f.dir ?? CHAOS_DEFAULTS.dir) : f.dir,
    unsafeStaleReads: f.unsafeStaleReads === true,
    checkTimeoutMs: f.checkTimeout === undefined ? CHAOS_DEFAULTS.checkTimeoutMs : duration('--check-timeout', f.checkTimeout, 100),
  };
}

/** `raft-sup chaos --seed N --duration D --nemesis ...`: draws the same schedule and workload again. */
export function replayCommand(o: ChaosOptions): string {
  const parts = ['raft-sup chaos', `--seed ${o.seed}`, `--duration ${formatDuration(o.durationMs)}`, `--nemesis ${o.nemeses.length ? o.nemeses.join(',') : 'none'}`];
  if (o.clients !== CHAOS_DEFAULTS.clients) parts.push(`--clients ${o.clients}`);
  if (o.keys !== CHAOS_DEFAULTS.keys) parts.push(`--keys ${o.keys}`);
  if (!o.attach && o.nodes !== CHAOS_DEFAULTS.nodes) parts.push(`--nodes ${o.nodes}`);
  if (o.unsafeStaleReads) parts.push('--unsafe-stale-reads');
  if (o.attach) parts.push('--attach');
  return parts.join(' ');
}

function int(flag: string, raw: string, min: number, max: number): number {
  const text = String(raw).trim();
  if (!/^\d+$/.test(text)) throw new UsageError(`${flag}: expected an integer ${min}..${max}, received ${JSON.stringify(raw)}`);
  const n = Number(text);
  if (n < min || n > max) throw new UsageError(`${flag}: expected an integer ${min}..${max}, received ${n}`);
  return n;
}

function duration(flag: string, raw: string, minMs: number): number {
  // A bare number on the command line is seconds-ambiguous; insist on a unit like the scenarios do.
  const text = String(raw).trim();
  if (/^\d+$/.test(text)) throw new UsageError(`${flag}: expected a duration with a unit like 30s, 1m or 1m30s, received ${JSON.stringify(text)} (did you mean ${text}s?)`);
  const r = parseDuration(text);
  if (!r.ok) throw new UsageError(`${flag}: expected a duration like 30s, 1m or 1m30s, received ${r.problem}`);
  if (r.ms < minMs) throw new UsageError(`${flag}: expected at least ${formatDuration(minMs)}, received ${formatDuration(r.ms)}`);
  return r.ms;
}
