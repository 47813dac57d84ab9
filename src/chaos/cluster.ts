// The cluster a chaos run works on: its own (a supervisor inside this process, on free ports, in a
// temp dir or --dir) or an attached one (--attach: a running `raft-sup up -d`). Either way every
// fault goes through the supervisor's control API (SupervisorClient), so the supervisor's view of
// each process (paused, crashed, partitioned) stays true and `raft-sup status` works during a run.
//
// Why in-process for our own cluster: the supervisor's spec takes extra node flags
// (`nodeArgs`, e.g. --unsafe-stale-reads) but `up -d` has no flag for them; starting the
// Supervisor here needs no change to the supervisor and its children still have a lifeline to us.
import { fileURLToPath } from 'node:url';
import { attachToCluster, startInProcessCluster, type SupervisorClient } from '../supervisor/index.js';

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
  const c = await startInProcessCluster({
    nodes: opts.nodes, dir: opts.dir, tempPrefix: 'rs-chaos-', nodeArgs: opts.nodeArgs, cliEntry: CLI_ENTRY,
    stopGraceMs: 2000, readyTimeoutMs: opts.readyTimeoutMs ?? 30_000, random: opts.random, purpose: 'chaos',
  });
  return {
    dir: c.dir,
    nodeIds: c.nodeIds,
    proxyUrl: c.proxyUrl,
    control: c.control,
    owned: true,
    temporary: c.temporary,
    nodeUrl: c.nodeUrl,
    shutdown: () => c.down(),
    dispose: async () => {
      await c.down();
      await c.removeTemp();
    },
  };
}

/** Use the cluster a `raft-sup up -d` runs in `dir`. Throws SupervisorError('NOT_RUNNING') with the fix. */
export async function attachCluster(dir: string): Promise<ChaosCluster> {
  const c = await attachToCluster(dir);
  return { ...c, owned: false, temporary: false, shutdown: async () => undefined, dispose: async () => undefined };
}
