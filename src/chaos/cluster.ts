// The cluster a chaos run works on: its own (a supervisor inside this process, on free ports, in a
// temp dir or --dir) or an attached one (--attach: a running `raft-sup up -d`). Either way every
// fault goes through the supervisor's control API (SupervisorClient), so the supervisor's view of
// each process (paused, crashed, partitioned) stays true and `raft-sup status` works during a run.
//
// Why in-process for our own cluster: the supervisor's spec takes extra node flags
// (`nodeArgs`, e.g. --unsafe-stale-reads) but `up -d` has no flag for them; starting the
// Supervisor here needs no change to the supervisor and its children still have a lifeline to us.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CLUSTER_DEFAULTS, freePortBlock, logsDir, preflight, resolveClusterSpec, Supervisor, SupervisorClient, SupervisorError,
} from '../supervisor/index.js';

export interface ChaosCluster {
  /** Absolute state dir (control socket, node data, logs). */
  readonly dir: string;
  readonly nodeIds: readonly number[];
  readonly proxyUrl: string;
  readonly control: SupervisorClient;
  /** True when this run started the cluster (and stops it at the end). */
  readonly owned: boolean;
  /** True when `dir` is a temp dir this run created (removed by `dispose`). */
  readonly temporary: boolean;
  nodeUrl(id: number): string;
  /** Stop what this run started (nothing when attached). Idempotent. */
  shutdown(): Promise<void>;
  /** Remove the temp dir, if this run made one (after shutdown and after the logs were copied). */
  dispose(): Promise<void>;
}

export interface StartOptions {
  nodes: number;
  /** Use this dir instead of a fresh temp dir. */
  dir?: string | undefined;
  /** Extra flags for every node (e.g. --unsafe-stale-reads). */
  nodeArgs: readonly string[];
  random: () => number;
  readyTimeoutMs?: number;
}

/** The compiled CLI the children run: dist/src/cli/main.js, beside this file's folder. */
const CLI_ENTRY = fileURLToPath(new URL('../cli/main.js', import.meta.url));

/** Start a fresh cluster and wait until a leader is elected and a write commits. Throws SupervisorError. */
export async function startCluster(opts: StartOptions): Promise<ChaosCluster> {
  const temporary = opts.dir === undefined;
  // Short: the control socket's path must fit in sun_path.
  const dir = opts.dir ?? (await mkdtemp(join(tmpdir(), 'rs-chaos-')));
  const removeTemp = async (): Promise<void> => {
    if (temporary) await rm(dir, { recursive: true, force: true }).catch(() => undefined);
  };
  let sup: Supervisor;
  try {
    const basePort = await freePortBlock(opts.nodes + 1, CLUSTER_DEFAULTS.host);
    const spec = resolveClusterSpec({ nodes: opts.nodes, basePort, proxyPort: basePort + opts.nodes, dir, nodeArgs: opts.nodeArgs });
    await preflight(spec);
    sup = await Supervisor.start({ spec, cliEntry: CLI_ENTRY, stopGraceMs: 2000, readyTimeoutMs: opts.readyTimeoutMs ?? 30_000, random: opts.random });
  } catch (err) {
    await removeTemp();
    throw err;
  }
  const ready = await sup.ready;
  if (ready.phase !== 'ready') {
    await sup.down();
    await removeTemp();
    throw new SupervisorError('NOT_READY', `the chaos cluster did not become ready: ${ready.error ?? ready.detail} (logs in ${logsDir(sup.spec.dir)})`);
  }
  const spec = sup.spec;
  let stopped: Promise<void> | null = null;
  return {
    dir: spec.dir,
    nodeIds: Array.from({ length: spec.nodes }, (_, i) => i + 1),
    proxyUrl: `http://${spec.host}:${spec.proxyPort}`,
    control: new SupervisorClient(spec.dir),
    owned: true,
    temporary,
    nodeUrl: (id) => `http://${spec.host}:${spec.basePort + id - 1}`,
    shutdown: () => (stopped ??= sup.down()),
    dispose: async () => {
      await (stopped ??= sup.down());
      await removeTemp();
    },
  };
}

/** Use the cluster a `raft-sup up -d` runs in `dir`. Throws SupervisorError('NOT_RUNNING') with the fix. */
export async function attachCluster(dir: string): Promise<ChaosCluster> {
  const control = new SupervisorClient(dir);
  const info = await control.info();
  const host = CLUSTER_DEFAULTS.host;
  return {
    dir: info.dir,
    nodeIds: Array.from({ length: info.nodes }, (_, i) => i + 1),
    proxyUrl: `http://${host}:${info.proxyPort}`,
    control,
    owned: false,
    temporary: false,
    nodeUrl: (id) => `http://${host}:${info.basePort + id - 1}`,
    shutdown: async () => undefined,
    dispose: async () => undefined,
  };
}
