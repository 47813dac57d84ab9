// The shape of one local cluster (how many nodes, which ports, where its state lives) and the
// command lines of its children. Validated once at the edge; everything below trusts it.
//
// State dir layout (SPEC): `supervisor.sock`, `supervisor.pid`, `cluster.json` (this spec, so a
// later `up` in the same dir keeps the node count its data was made with), `node-<id>/` data,
// `logs/` (raw `<name>.log` per child, `cluster.log` with every line prefixed, `supervisor.log`
// for a detached supervisor).
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { ChildSpec } from './child-process.js';
import { LIFELINE_FLAG } from '../shared/lifeline.js';
import { NODE_RUNTIME_FLAGS } from '../shared/runtime-flags.js';
/** The child launcher's flag for a warm spare (src/cli/child-launch.ts). */
export const AWAIT_ARGS_FLAG = '--await-args';
import { SupervisorError } from './errors.js';

export interface ClusterSpec {
  /** Number of nodes; ids are 1..nodes. */
  readonly nodes: number;
  /** node-<id> listens on basePort + id - 1. */
  readonly basePort: number;
  readonly proxyPort: number;
  /** Absolute state dir. */
  readonly dir: string;
  readonly host: string;
  /** Extra flags for every node (tests pass faster ticks); empty by default. */
  readonly nodeArgs: readonly string[];
}

export const CLUSTER_DEFAULTS = { nodes: 3, basePort: 5001, proxyPort: 5000, dir: '.raft-sup', host: '127.0.0.1' } as const;
export const MAX_NODES = 9;
export const CLUSTER_FILE = 'cluster.json';
export const LOGS_DIR = 'logs';
/** Every child's output, prefixed `HH:MM:SS name │`, one file: what `raft-sup logs` reads. */
export const CLUSTER_LOG = 'cluster.log';
export const SUPERVISOR_LOG = 'supervisor.log';

export const nodeName = (id: number): string => `node-${id}`;
export const nodeIds = (spec: Pick<ClusterSpec, 'nodes'>): number[] => Array.from({ length: spec.nodes }, (_, i) => i + 1);
export const nodePort = (spec: Pick<ClusterSpec, 'basePort'>, id: number): number => spec.basePort + id - 1;
export const nodeUrl = (spec: Pick<ClusterSpec, 'basePort' | 'host'>, id: number): string => `http://${spec.host}:${nodePort(spec, id)}`;
export const proxyUrl = (spec: Pick<ClusterSpec, 'proxyPort' | 'host'>): string => `http://${spec.host}:${spec.proxyPort}`;
export const logsDir = (dir: string): string => join(dir, LOGS_DIR);

/** Every port the cluster needs, with the process that needs it. */
export function portsOf(spec: ClusterSpec): { port: number; name: string }[] {
  return [...nodeIds(spec).map((id) => ({ port: nodePort(spec, id), name: nodeName(id) })), { port: spec.proxyPort, name: 'proxy' }];
}

/** Checks ranges and collisions; throws SupervisorError('USAGE') naming the flag. */
export function validateClusterSpec(spec: ClusterSpec): ClusterSpec {
  const int = (v: number, flag: string, min: number, max: number): void => {
    if (!Number.isSafeInteger(v) || v < min || v > max) throw new SupervisorError('USAGE', `${flag}: expected an integer ${min}..${max}, received ${String(v)}`);
  };
  int(spec.nodes, '--nodes', 1, MAX_NODES);
  int(spec.basePort, '--base-port', 1, 65_535 - spec.nodes + 1);
  int(spec.proxyPort, '--proxy-port', 1, 65_535);
  const last = spec.basePort + spec.nodes - 1;
  if (spec.proxyPort >= spec.basePort && spec.proxyPort <= last) {
    throw new SupervisorError('USAGE', `--proxy-port ${spec.proxyPort} collides with the node ports ${spec.basePort}..${last}; choose another --proxy-port or --base-port`);
  }
  return { ...spec, dir: resolve(spec.dir) };
}

/** Raw flag text → integer, or a one-line SupervisorError('USAGE'). */
export function parseIntFlag(flag: string, raw: unknown, min: number, max: number): number {
  const text = String(raw).trim();
  if (!/^\d+$/.test(text)) throw new SupervisorError('USAGE', `${flag}: expected an integer, received ${JSON.stringify(String(raw))}`);
  const n = Number(text);
  if (n < min || n > max) throw new SupervisorError('USAGE', `${flag}: expected ${min}..${max}, received ${n}`);
  return n;
}

interface SavedCluster { nodes: number; basePort: number; proxyPort: number }

/** The shape saved by an earlier `up` in this dir, or null. */
export function readSavedCluster(dir: string): SavedCluster | null {
  try {
    const v = JSON.parse(readFileSync(join(dir, CLUSTER_FILE), 'utf8')) as Partial<SavedCluster>;
    if (typeof v.nodes === 'number' && typeof v.basePort === 'number' && typeof v.proxyPort === 'number') {
      return { nodes: v.nodes, basePort: v.basePort, proxyPort: v.proxyPort };
    }
  } catch { /* absent or unreadable: a fresh dir */ }
  return null;
}

/** Records the shape so a later `up`/`logs`/`down --wipe` in this dir knows it. */
export function saveCluster(spec: ClusterSpec): void {
  mkdirSync(spec.dir, { recursive: true, mode: 0o700 });
  const path = join(spec.dir, CLUSTER_FILE);
  const saved: SavedCluster = { nodes: spec.nodes, basePort: spec.basePort, proxyPort: spec.proxyPort };
  writeFileSync(`${path}.tmp`, `${JSON.stringify(saved, null, 2)}\n`);
  renameSync(`${path}.tmp`, path);
}

/**
 * Flags given by the user (undefined = not given) + the saved shape + defaults → a validated spec.
 * Node data is tied to its membership: a different --nodes on an existing dir is refused.
 */
export function resolveClusterSpec(flags: { nodes?: number; basePort?: number; proxyPort?: number; dir: string; nodeArgs?: readonly string[] }): ClusterSpec {
  const dir = resolve(flags.dir);
  const saved = readSavedCluster(dir);
  if (saved !== null && flags.nodes !== undefined && flags.nodes !== saved.nodes) {
    throw new SupervisorError('USAGE', `${dir} holds the data of a ${saved.nodes}-node cluster; run \`raft-sup up --nodes ${saved.nodes}\`, pick another --dir, or delete it with \`raft-sup down --wipe --dir ${dir}\``);
  }
  return validateClusterSpec({
    nodes: flags.nodes ?? saved?.nodes ?? CLUSTER_DEFAULTS.nodes,
    basePort: flags.basePort ?? saved?.basePort ?? CLUSTER_DEFAULTS.basePort,
    proxyPort: flags.proxyPort ?? saved?.proxyPort ?? CLUSTER_DEFAULTS.proxyPort,
    dir,
    host: CLUSTER_DEFAULTS.host,
    nodeArgs: flags.nodeArgs ?? [],
  });
}

/**
 * The script the children run: `child-launch.js` beside the compiled CLI, which takes the same
 * `node ...` / `proxy ...` arguments as the CLI but runs them from the one-file bundle with a code
 * cache (src/cli/child-launch.ts): a node is up in about a third of the time, and a node's start-up
 * is on the path of every restart.
 */
export function childEntryOf(cliEntry: string): string {
  return join(dirname(cliEntry), 'child-launch.js');
}

/**
 * The children: every node with `--lifeline --enable-faults` (under NODE_RUNTIME_FLAGS) and the proxy with `--lifeline`.
 * `cliEntry` is the compiled CLI (`dist/src/cli/main.js`); children run childEntryOf(cliEntry) under this same Node.
 */
export function childSpecs(spec: ClusterSpec, cliEntry: string, stopGraceMs?: number, o: { warmSpares?: boolean } = {}): ChildSpec[] {
  const entry = childEntryOf(cliEntry);
  const ids = nodeIds(spec);
  const members = ids.map((id) => `${id}=${nodeUrl(spec, id)}`).join(',');
  const grace = stopGraceMs === undefined ? {} : { stopGraceMs };
  const nodes: ChildSpec[] = ids.map((id) => {
    const nodeArgs = [
      'node', '--id', String(id), '--port', String(nodePort(spec, id)), '--host', spec.host,
      '--peers', members, '--data-dir', join(spec.dir, nodeName(id)), '--log-dir', logsDir(spec.dir),
      '--enable-faults', LIFELINE_FLAG, ...spec.nodeArgs,
    ];
    return {
      name: nodeName(id),
      command: process.execPath,
      args: [...NODE_RUNTIME_FLAGS, entry, ...nodeArgs],
      // With warm spares, a node that is down gets one (child-process.ts); the labels name it in `ps`.
      ...(o.warmSpares === true ? { warm: { args: [...NODE_RUNTIME_FLAGS, entry, AWAIT_ARGS_FLAG, nodeName(id), spec.dir], send: nodeArgs } } : {}),
      cwd: spec.dir,
      ...grace,
    };
  });
  const proxy: ChildSpec = {
    name: 'proxy',
    command: process.execPath,
    args: [entry, 'proxy', '--port', String(spec.proxyPort), '--host', spec.host, '--nodes', members, '--log-dir', logsDir(spec.dir), LIFELINE_FLAG],
    cwd: spec.dir,
    ...grace,
  };
  return [...nodes, proxy];
}
