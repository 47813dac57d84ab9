// Where a scenario's cluster comes from and where it goes:
// - fresh (default): a supervisor in THIS process, in a new temp state dir, on free ports (bound to
//   port 0 to find them), sized by the scenario's `cluster: {nodes}`. Its children watch a lifeline
//   to this process, so even a SIGKILLed runner leaves no node behind. Torn down afterwards (every
//   child stopped, the dir deleted), on success, failure and Ctrl+C alike.
// - attached (`--attach [--dir D]`): the cluster `raft-sup up -d` started; left running.

import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CLUSTER_DEFAULTS, CLUSTER_LOG, freePort, logsDir, freePortBlock, Supervisor, SupervisorError, validateClusterSpec, type ClusterSpec, type ReadyState,
} from '../../supervisor/index.js';
import { SupervisorAdapter } from './supervisor-adapter.js';

/** The compiled CLI the children run: this file is dist/src/scenarios/runner/cluster-lifecycle.js. */
export const CLI_ENTRY = fileURLToPath(new URL('../../cli/main.js', import.meta.url));

/** A cluster a scenario runs against. */
export interface ScenarioCluster {
  readonly mode: 'fresh' | 'attached';
  readonly adapter: SupervisorAdapter;
  /** The state dir (a temp dir for a fresh cluster; deleted at teardown). */
  readonly dir: string;
  readonly nodes: number;
  /** One line for the checklist: "3 nodes on 127.0.0.1:41213..41215, proxy :41216, ready in 0.9 s". */
  readonly summary: string;
  /** Fresh: stop every process and delete the dir. Attached: release clients only. Idempotent. */
  teardown(): Promise<void>;
}

export interface FreshOptions {
  readonly nodes: number;
  /** How long to wait for a leader and a committed write (default 30 s). */
  readonly readyTimeoutMs?: number;
  /** SIGTERM → SIGKILL grace per process on stop/teardown (default 5 s). */
  readonly stopGraceMs?: number;
  /** Startup progress ("waiting for a leader (3 of 3 nodes answering)"). */
  readonly onProgress?: (text: string) => void;
  /** Where temp state dirs go (default the OS temp dir). */
  readonly tmpRoot?: string;
  /** Extra flags for every node (`--unsafe-stale-reads` plants the original's bug, to see a scenario catch it). */
  readonly nodeArgs?: readonly string[];
  /** Copy the cluster's log (every process's output, prefixed) here before the state dir is deleted. */
  readonly saveLogTo?: string;
}

/** Startup attempts: a port found free can be taken before a node binds it; then try other ports. */
const START_ATTEMPTS = 3;

/** Start a fresh cluster; throws SupervisorError (exit 2) when it cannot become ready. */
export async function startFreshCluster(opts: FreshOptions): Promise<ScenarioCluster> {
  let lastError: unknown;
  for (let attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
    try {
      return await startOnce(opts);
    } catch (err) {
      lastError = err;
      if (!(err instanceof SupervisorError && /EADDRINUSE|in use/i.test(err.message))) throw err;
      opts.onProgress?.(`a port was taken meanwhile (${err.message}); trying other ports`);
    }
  }
  throw lastError;
}

async function startOnce(opts: FreshOptions): Promise<ScenarioCluster> {
  const t0 = Date.now();
  const dir = mkdtempSync(join(opts.tmpRoot ?? tmpdir(), 'raft-sup-scenario-'));
  let sup: Supervisor | null = null;
  let adapter: SupervisorAdapter | null = null;
  let torn: Promise<void> | null = null;
  const teardown = (): Promise<void> => {
    torn ??= (async () => {
      await adapter?.close();
      await sup?.down();
      if (opts.saveLogTo !== undefined) {
        try {
          mkdirSync(dirname(opts.saveLogTo), { recursive: true });
          copyFileSync(join(logsDir(dir), CLUSTER_LOG), opts.saveLogTo);
        } catch { /* no log yet (the cluster never started): nothing to keep */ }
      }
      rmSync(dir, { recursive: true, force: true });
    })();
    return torn;
  };
  try {
    const spec = await freeSpec(opts.nodes, dir, opts.nodeArgs ?? []);
    opts.onProgress?.(`starting ${spec.nodes} nodes and the proxy on ${spec.host}:${spec.basePort}..${spec.basePort + spec.nodes - 1}, proxy :${spec.proxyPort}`);
    sup = await Supervisor.start({
      spec, cliEntry: CLI_ENTRY, readyTimeoutMs: opts.readyTimeoutMs ?? 30_000,
      ...(opts.stopGraceMs !== undefined ? { stopGraceMs: opts.stopGraceMs } : {}),
    });
    const ready = await waitReady(sup, opts.onProgress);
    if (ready.phase !== 'ready') throw new SupervisorError('NOT_READY', `the fresh cluster did not become ready: ${ready.error ?? ready.detail}`);
    adapter = new SupervisorAdapter(dir);
    const summary = `${spec.nodes} nodes on ${spec.host}:${spec.basePort}..${spec.basePort + spec.nodes - 1}, proxy :${spec.proxyPort}, ready in ${((Date.now() - t0) / 1000).toFixed(1)} s${spec.nodeArgs.length > 0 ? ` (nodes run with ${spec.nodeArgs.join(' ')})` : ''}`;
    return { mode: 'fresh', adapter, dir, nodes: spec.nodes, summary, teardown };
  } catch (err) {
    await teardown();
    throw err;
  }
}

/** Attach to the cluster running in `dir`; throws SupervisorError NOT_RUNNING (exit 2) when there is none. */
export async function attachCluster(dir: string): Promise<ScenarioCluster> {
  const adapter = new SupervisorAdapter(dir);
  const info = await adapter.client.info();
  const status = await adapter.status();
  const nodes = status.processes.filter((p) => p.kind === 'node').length;
  const leader = status.leader === null ? 'no leader yet' : `leader node-${status.leader}`;
  const summary = `attached to ${adapter.client.dir} (supervisor pid ${info.pid}, ${nodes} nodes, ${leader})`;
  return { mode: 'attached', adapter, dir: adapter.client.dir, nodes, summary, teardown: () => adapter.close() };
}

/** A spec on ports free right now: a block for the nodes, one more for the proxy outside it. */
async function freeSpec(nodes: number, dir: string, nodeArgs: readonly string[]): Promise<ClusterSpec> {
  const basePort = await freePortBlock(nodes, CLUSTER_DEFAULTS.host);
  let proxyPort = await freePort(CLUSTER_DEFAULTS.host);
  while (proxyPort >= basePort && proxyPort < basePort + nodes) proxyPort = await freePort(CLUSTER_DEFAULTS.host);
  return validateClusterSpec({ nodes, basePort, proxyPort, dir, host: CLUSTER_DEFAULTS.host, nodeArgs });
}

/** Follow the supervisor's readiness (leader elected, a write committed), reporting each phase. */
async function waitReady(sup: Supervisor, onProgress?: (text: string) => void): Promise<ReadyState> {
  let done = false;
  const final = sup.ready.finally(() => { done = true; });
  let shown = '';
  while (!done) {
    const s = sup.readyState;
    if (s.detail !== shown) {
      shown = s.detail;
      onProgress?.(s.detail);
    }
    await Promise.race([final, new Promise((r) => setTimeout(r, 100))]);
  }
  return final;
}
