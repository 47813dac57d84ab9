// Small pieces the thin CLI command files share: colour choice, printing action results, resolving
// a `logs` target with or without a running supervisor.
import { CLUSTER_DEFAULTS, nodeIds, nodeName, readSavedCluster } from './cluster-spec.js';
import { SupervisorError } from './errors.js';
import type { TextSink } from './log-mux.js';
import type { ActionResult } from './process-actions.js';
import { SupervisorClient } from './supervisor-client.js';
import { resolveTarget, TARGET_KEYWORDS, type TargetProcess } from './targets.js';

/** The default state dir, as the `--dir` flags show it. */
export const DEFAULT_DIR = `./${CLUSTER_DEFAULTS.dir}`;

/** Colour only on a TTY, never with --no-color or NO_COLOR set. */
export function useColor(flag: boolean | undefined, stream: { isTTY?: boolean }, env: Record<string, string | undefined>): boolean {
  return flag !== false && stream.isTTY === true && (env.NO_COLOR ?? '') === '';
}

/** One line per process (refusals on `err`); returns the exit code: 2 if any process refused. */
export function printActionResults(results: readonly ActionResult[], out: TextSink, err: TextSink): number {
  let code = 0;
  for (const r of results) {
    if (r.ok) out.write(`${r.message}\n`);
    else {
      err.write(`raft-sup: ${r.message}\n`);
      code = 2;
    }
  }
  return code;
}

/**
 * Process names for `logs TARGET`: through the supervisor when one runs (role targets need live
 * roles), else from the cluster shape saved in the dir (ids, names, proxy, all).
 */
export async function resolveLogTarget(dir: string, target: string | undefined): Promise<Set<string> | null> {
  if (target === undefined || target.trim().toLowerCase() === 'all') return null;
  const client = new SupervisorClient(dir);
  try {
    return new Set(await client.targets(target));
  } catch (err) {
    if (!(err instanceof SupervisorError && err.code === 'NOT_RUNNING')) throw err;
  }
  const saved = readSavedCluster(client.dir);
  if (saved === null) throw new SupervisorError('NOT_RUNNING', `no cluster has run in ${client.dir} (no logs there)`);
  const procs: TargetProcess[] = [...nodeIds(saved).map((id) => ({ name: nodeName(id), kind: 'node' as const, id })), { name: 'proxy', kind: 'proxy' }];
  const roleWords = TARGET_KEYWORDS.filter((k) => k !== 'proxy' && k !== 'all');
  if (target.split(',').some((t) => (roleWords as readonly string[]).includes(t.trim().toLowerCase()))) {
    throw new SupervisorError('USAGE', `\`${target}\` needs a running cluster to know the roles, and none is running in ${client.dir}; name processes instead (e.g. node-2, 2, proxy)`);
  }
  return new Set(resolveTarget(target, procs));
}

/** The body of `raft-sup kill|stop|start|restart|pause|resume TARGET`: returns the exit code. */
export async function runActionCommand(dir: string, action: ActionResult['action'], target: string, signal?: string): Promise<number> {
  const results = await new SupervisorClient(dir).act(action, target, signal);
  return printActionResults(results, process.stdout, process.stderr);
}
