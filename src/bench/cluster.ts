// The cluster a benchmark runs on: a fresh one (a supervisor inside this process, free loopback
// ports, a temp state dir removed afterwards) or the one `raft-sup up -d` runs (--attach, left as
// it was found apart from the data written). Process actions (kill the leader, start it again) go
// through the supervisor's control API either way, so `raft-sup status` stays true during a run.
//
// Why a fresh cluster by default: numbers from a cluster with an unknown history (a long log, a
// partition left behind, someone else's load) are not comparable between runs.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  CLUSTER_DEFAULTS, freePortBlock, logsDir, preflight, resolveClusterSpec, Supervisor, SupervisorClient, SupervisorError,
  type ClusterStatus,
} from '../supervisor/index.js';

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
}

/** The compiled CLI the children run (dist/src/cli/main.js). */
const CLI_ENTRY = fileURLToPath(new URL('../cli/main.js', import.meta.url));
const PRELOAD = pathToFileURL(fileURLToPath(new URL('./diagnostics-preload.js', import.meta.url))).href;

/** Starts a cluster and waits until a leader is elected and a write committed. Throws SupervisorError. */
export async function startFreshCluster(o: FreshClusterOptions): Promise<BenchCluster> {
  const temporary = o.dir === undefined;
  // Short prefix: the control socket's path must fit in sun_path.
  const dir = o.dir ?? (await mkdtemp(join(tmpdir(), 'rs-bench-')));
  const removeTemp = async (): Promise<void> => {
    if (temporary) await rm(dir, { recursive: true, force: true }).catch(() => undefined);
  };
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
  let sup: Supervisor;
  try {
    const basePort = await freePortBlock(o.nodes + 1, CLUSTER_DEFAULTS.host);
    const spec = resolveClusterSpec({ nodes: o.nodes, basePort, proxyPort: basePort + o.nodes, dir, nodeArgs: o.nodeArgs ?? [] });
    await preflight(spec);
    sup = await Supervisor.start({ spec, cliEntry: CLI_ENTRY, stopGraceMs: 5000, readyTimeoutMs: o.readyTimeoutMs ?? 60_000 });
  } catch (err) {
    restoreEnv();
    await removeTemp();
    throw err;
  }
  const ready = await sup.ready;
  if (ready.phase !== 'ready') {
    await sup.down();
    restoreEnv();
    await removeTemp();
    throw new SupervisorError('NOT_READY', `the benchmark cluster did not become ready: ${ready.error ?? ready.detail} (logs in ${logsDir(sup.spec.dir)})`);
  }
  const spec = sup.spec;
  let stopped: Promise<void> | undefined;
  return {
    dir: spec.dir,
    nodeIds: Array.from({ length: spec.nodes }, (_, i) => i + 1),
    proxyUrl: `http://${spec.host}:${spec.proxyPort}`,
    control: new SupervisorClient(spec.dir),
    owned: true,
    nodeUrl: (id) => `http://${spec.host}:${spec.basePort + id - 1}`,
    status: () => sup.status(),
    shutdown: () =>
      (stopped ??= (async () => {
        await sup.down();
        restoreEnv();
        await removeTemp();
      })()),
  };
}

/** Uses the cluster a `raft-sup up -d` runs in `dir`. Throws SupervisorError('NOT_RUNNING') with the fix. */
export async function attachCluster(dir: string): Promise<BenchCluster> {
  const control = new SupervisorClient(dir);
  const info = await control.info();
  const host = CLUSTER_DEFAULTS.host;
  return {
    dir: info.dir,
    nodeIds: Array.from({ length: info.nodes }, (_, i) => i + 1),
    proxyUrl: `http://${host}:${info.proxyPort}`,
    control,
    owned: false,
    nodeUrl: (id) => `http://${host}:${info.basePort + id - 1}`,
    status: () => control.status(),
    shutdown: async () => undefined,
  };
}
