// The cluster a benchmark runs on: a fresh one (a supervisor inside this process, free loopback
// ports, a temp state dir removed afterwards) or the one `raft-sup up -d` runs (--attach, left as
// it was found apart from the data written). Process actions (kill the leader, start it again) go
// through the supervisor's control API either way, so `raft-sup status` stays true during a run.
//
// Why a fresh cluster by default: numbers from a cluster with an unknown history (a long log, a
// partition left behind, someone else's load) are not comparable between runs.
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { attachToCluster, startInProcessCluster, type ClusterStatus, type InProcessCluster, type SupervisorClient } from '../supervisor/index.js';

export interface BenchCluster {
  readonly dir: string;
  readonly nodeIds: readonly number[];
  readonly proxyUrl: string;
  readonly control: SupervisorClient;
  /** True when this run started the cluster (and stops it at the end). */
  readonly owned: boolean;
  nodeUrl(id: number): string;
  status(): Promise<ClusterStatus>;
  /** Stops what this run started and removes its temp dir (nothing when attached). Idempotent. */
  shutdown(): Promise<void>;
}

export interface FreshClusterOptions {
  nodes: number;
  /** Use this dir instead of a temp dir (kept afterwards). */
  dir?: string | undefined;
  /** Extra flags for every node. */
  nodeArgs?: readonly string[];
  /** Profile every child's CPU into DIR (written when they stop; see cpu-profile-preload.ts). */
  profileDir?: string | undefined;
  /** Log every child's process.memoryUsage() each second into DIR/mem.<pid>.jsonl. */
  memLogDir?: string | undefined;
  /** Write a heap snapshot of a child into DIR when it receives SIGUSR2 (diagnosis). */
  heapDir?: string | undefined;
  readyTimeoutMs?: number;
  /** Warm spares for nodes that are down (default on; false = `up --no-warm-spares`). */
  warmSpares?: boolean;
}

/** The compiled CLI the children run (dist/src/cli/main.js). */
const CLI_ENTRY = fileURLToPath(new URL('../cli/main.js', import.meta.url));
const PRELOAD = pathToFileURL(fileURLToPath(new URL('./diagnostics-preload.js', import.meta.url))).href;

/** Starts a cluster and waits until a leader is elected and a write committed. Throws SupervisorError. */
export async function startFreshCluster(o: FreshClusterOptions): Promise<BenchCluster> {
  // Children inherit our environment (ChildSpec.env only adds to it), so what is set here reaches
  // every node and the proxy — including nodes restarted during a failover run. Node 20 refuses
  // --cpu-prof in NODE_OPTIONS, hence a preload that runs the profiler (diagnostics-preload.ts).
  const diag: [string, string | undefined][] = [
    ['RAFT_SUP_CPU_PROF_DIR', o.profileDir === undefined ? undefined : resolve(o.profileDir)],
    ['RAFT_SUP_MEM_LOG_DIR', o.memLogDir === undefined ? undefined : resolve(o.memLogDir)],
    ['RAFT_SUP_HEAP_DIR', o.heapDir === undefined ? undefined : resolve(o.heapDir)],
  ];
  const wanted = diag.filter(([, v]) => v !== undefined);
  const saved = new Map(['NODE_OPTIONS', ...diag.map(([k]) => k)].map((k) => [k, process.env[k]]));
  const restoreEnv = (): void => {
    if (wanted.length === 0) return;
    for (const [k, v] of saved) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
  if (wanted.length > 0) {
    process.env.NODE_OPTIONS = `${saved.get('NODE_OPTIONS') ?? ''} --import=${PRELOAD}`.trim();
    for (const [k, v] of wanted) process.env[k] = v;
  }
  let c: InProcessCluster;
  try {
    c = await startInProcessCluster({
      nodes: o.nodes, dir: o.dir, tempPrefix: 'rs-bench-', nodeArgs: o.nodeArgs ?? [], cliEntry: CLI_ENTRY,
      stopGraceMs: 5000, readyTimeoutMs: o.readyTimeoutMs ?? 60_000, purpose: 'benchmark', warmSpares: o.warmSpares !== false,
    });
  } catch (err) {
    restoreEnv();
    throw err;
  }
  let stopped: Promise<void> | undefined;
  return {
    dir: c.dir,
    nodeIds: c.nodeIds,
    proxyUrl: c.proxyUrl,
    control: c.control,
    owned: true,
    nodeUrl: c.nodeUrl,
    status: () => c.sup.status(),
    shutdown: () =>
      (stopped ??= (async () => {
        await c.down();
        restoreEnv();
        await c.removeTemp();
      })()),
  };
}

/** Uses the cluster a `raft-sup up -d` runs in `dir`. Throws SupervisorError('NOT_RUNNING') with the fix. */
export async function attachCluster(dir: string): Promise<BenchCluster> {
  const c = await attachToCluster(dir);
  return { ...c, owned: false, status: () => c.control.status(), shutdown: async () => undefined };
}
