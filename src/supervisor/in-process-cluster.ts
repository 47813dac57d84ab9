// A fresh cluster run by a Supervisor inside the calling process (benchmarks, chaos): free loopback
// ports, a temp state dir (or a given one), preflight, start, and wait until a leader is elected
// and a write commits. Or the cluster a `raft-sup up -d` runs, attached through its control socket.
// Either way, process actions go through the supervisor's control API, so `raft-sup status` stays
// true while the caller kills, pauses and partitions.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLUSTER_DEFAULTS, logsDir, resolveClusterSpec, type ClusterSpec } from './cluster-spec.js';
import { SupervisorError } from './errors.js';
import { freePortBlock } from './port-check.js';
import { preflight } from './run-up.js';
import { Supervisor } from './supervisor.js';
import { SupervisorClient } from './supervisor-client.js';

export interface InProcessClusterOptions {
  readonly nodes: number;
  /** Use this dir (kept afterwards) instead of a fresh temp dir. */
  readonly dir?: string | undefined;
  /** Temp dir name prefix; short, since the control socket's path must fit in sun_path. */
  readonly tempPrefix: string;
  readonly nodeArgs: readonly string[];
  /** The compiled CLI the children run (dist/src/cli/main.js). */
  readonly cliEntry: string;
  readonly stopGraceMs: number;
  readonly readyTimeoutMs: number;
  readonly random?: () => number;
  /** What the cluster is for, in the not-ready error ("benchmark", "chaos"). */
  readonly purpose: string;
  /** Warm spares for nodes that are down (default on; false = `up --no-warm-spares`). */
  readonly warmSpares?: boolean;
}

/** Where a cluster's members answer, and a client for its supervisor. */
export interface ClusterAddresses {
  readonly dir: string;
  readonly nodeIds: readonly number[];
  readonly proxyUrl: string;
  readonly control: SupervisorClient;
  nodeUrl(id: number): string;
}

export interface InProcessCluster extends ClusterAddresses {
  readonly sup: Supervisor;
  /** True when `dir` is a temp dir made here (removed by removeTemp). */
  readonly temporary: boolean;
  /** Stops every child and the supervisor. Idempotent. */
  down(): Promise<void>;
  /** Removes the temp dir, if one was made (call after down, and after copying any logs). */
  removeTemp(): Promise<void>;
}

function addresses(dir: string, nodes: number, basePort: number, proxyPort: number, control: SupervisorClient): ClusterAddresses {
  const host = CLUSTER_DEFAULTS.host;
  return {
    dir,
    nodeIds: Array.from({ length: nodes }, (_, i) => i + 1),
    proxyUrl: `http://${host}:${proxyPort}`,
    control,
    nodeUrl: (id) => `http://${host}:${basePort + id - 1}`,
  };
}

/** Starts a cluster and waits until it is ready. Throws SupervisorError (temp dir removed). */
export async function startInProcessCluster(o: InProcessClusterOptions): Promise<InProcessCluster> {
  const temporary = o.dir === undefined;
  const dir = o.dir ?? (await mkdtemp(join(tmpdir(), o.tempPrefix)));
  const removeTemp = async (): Promise<void> => {
    if (temporary) await rm(dir, { recursive: true, force: true }).catch(() => undefined);
  };
  let sup: Supervisor;
  try {
    const basePort = await freePortBlock(o.nodes + 1, CLUSTER_DEFAULTS.host);
    const spec = resolveClusterSpec({ nodes: o.nodes, basePort, proxyPort: basePort + o.nodes, dir, nodeArgs: o.nodeArgs });
    await preflight(spec);
    sup = await Supervisor.start({ spec, cliEntry: o.cliEntry, stopGraceMs: o.stopGraceMs, readyTimeoutMs: o.readyTimeoutMs, warmSpares: o.warmSpares !== false, ...(o.random ? { random: o.random } : {}) });
  } catch (err) {
    await removeTemp();
    throw err;
  }
  const ready = await sup.ready;
  if (ready.phase !== 'ready') {
    await sup.down();
    await removeTemp();
    throw new SupervisorError('NOT_READY', `the ${o.purpose} cluster did not become ready: ${ready.error ?? ready.detail} (logs in ${logsDir(sup.spec.dir)})`);
  }
  const spec: ClusterSpec = sup.spec;
  let stopped: Promise<void> | undefined;
  return {
    ...addresses(spec.dir, spec.nodes, spec.basePort, spec.proxyPort, new SupervisorClient(spec.dir)),
    sup,
    temporary,
    down: () => (stopped ??= sup.down()),
    removeTemp,
  };
}

/** The cluster a `raft-sup up -d` runs in `dir`. Throws SupervisorError('NOT_RUNNING') with the fix. */
export async function attachToCluster(dir: string): Promise<ClusterAddresses> {
  const control = new SupervisorClient(dir);
  const info = await control.info();
  return addresses(info.dir, info.nodes, info.basePort, info.proxyPort, control);
}
