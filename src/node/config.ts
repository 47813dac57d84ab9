// A node's configuration: one typed object, named defaults, and one validation at the edge (the CLI
// flags). Nothing below main reads process.env.
import { UsageError } from '../shared/cli-errors.js';
import { isLoopbackHost } from '../shared/http/index.js';

/** Timing defaults: a dead leader is replaced in ~0.25–0.5 s, while a 2-core box under full load
 * (fsync + HTTP on every write) never stalls a heartbeat for a whole election timeout. */
export const NODE_DEFAULTS = {
  host: '127.0.0.1',
  tickMs: 25,
  electionTicks: 10,
  heartbeatTicks: 2,
  snapshotEvery: 10_000,
  snapshotKeep: 5_000,
  writeTimeoutMs: 3_000,
  readTimeoutMs: 3_000,
  peerTimeoutMs: 1_000,
  clusterId: 'raft-sup',
  earlySend: true,
} as const;

export interface NodeConfig {
  readonly id: number;
  /** Every member (self included) → base URL, in id order. */
  readonly peers: ReadonlyMap<number, string>;
  readonly host: string;
  /** 0 = any free port (tests). */
  readonly port: number;
  readonly dataDir: string;
  readonly clusterId: string;
  readonly token?: string | undefined;
  readonly enableFaults: boolean;
  readonly lifeline: boolean;
  readonly tickMs: number;
  readonly electionTicks: number;
  readonly heartbeatTicks: number;
  readonly snapshotEvery: number;
  readonly snapshotKeep: number;
  readonly writeTimeoutMs: number;
  readonly readTimeoutMs: number;
  readonly peerTimeoutMs: number;
  readonly earlySend: boolean;
  /** Planted bug for demonstrations: serve every read from local state (the original's behaviour). */
  readonly unsafeStaleReads: boolean;
  /** Where the warnings-and-errors file goes (default: the data dir). */
  readonly logDir?: string | undefined;
  readonly logLevel: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'silent';
}

/** Parses `1=http://127.0.0.1:5001,2=http://...` into an id → URL map (ids sorted). */
export function parseMembers(spec: string, flag = '--peers'): Map<number, string> {
  const out = new Map<number, string>();
  const parts = spec.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  if (parts.length === 0) throw new UsageError(`${flag}: expected id=url pairs like 1=http://127.0.0.1:5001,2=http://127.0.0.1:5002, received ${JSON.stringify(spec)}`);
  for (const part of parts) {
    const eq = part.indexOf('=');
    if (eq <= 0) throw new UsageError(`${flag}: "${part}" is not id=url (e.g. 1=http://127.0.0.1:5001)`);
    const idText = part.slice(0, eq);
    const url = part.slice(eq + 1).replace(/\/+$/, '');
    if (!/^[1-9]\d{0,5}$/.test(idText)) throw new UsageError(`${flag}: node id "${idText}" must be a positive integer`);
    const id = Number(idText);
    if (out.has(id)) throw new UsageError(`${flag}: node id ${id} appears twice`);
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new UsageError(`${flag}: "${url}" (node ${id}) is not a URL; expected e.g. http://127.0.0.1:500${id}`);
    }
    if (parsed.protocol !== 'http:') throw new UsageError(`${flag}: ${url} (node ${id}) must be an http:// URL`);
    if (parsed.pathname !== '/' || parsed.search || parsed.hash) throw new UsageError(`${flag}: ${url} (node ${id}) must be a bare origin like http://host:port`);
    out.set(id, parsed.origin);
  }
  return new Map([...out].sort((a, b) => a[0] - b[0]));
}

/** Parses an integer flag within bounds. */
export function intFlag(name: string, raw: unknown, min: number, max: number): number {
  const text = String(raw);
  if (!/^-?\d+$/.test(text)) throw new UsageError(`${name}: expected an integer, received ${JSON.stringify(text)}`);
  const n = Number(text);
  if (n < min || n > max) throw new UsageError(`${name}: expected ${min}..${max}, received ${n}`);
  return n;
}

/** Refuses configurations that would be unsafe or cannot work, with one line saying why. */
export function validateNodeConfig(c: NodeConfig): void {
  if (!c.peers.has(c.id)) throw new UsageError(`--peers must include this node's own id ${c.id} (received ids ${[...c.peers.keys()].join(', ')})`);
  if (c.heartbeatTicks >= c.electionTicks) throw new UsageError(`--heartbeat-ticks (${c.heartbeatTicks}) must be smaller than --election-ticks (${c.electionTicks})`);
  if (!isLoopbackHost(c.host) && !c.token) {
    throw new UsageError(`--host ${c.host} is reachable from other machines: set a token with --token or RAFT_SUP_TOKEN (it then guards client, peer and admin endpoints), or bind 127.0.0.1`);
  }
  if (c.token !== undefined && c.token.length < 8) throw new UsageError('--token must be at least 8 characters');
  if (c.snapshotEvery > 0 && c.snapshotKeep < 0) throw new UsageError('--snapshot-keep must be >= 0');
}
