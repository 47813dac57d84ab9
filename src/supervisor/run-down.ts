// `raft-sup down [--wipe]`: stop every child and the supervisor, wait until nothing is left (no
// process, no socket), optionally delete the cluster's data.
//
// --wipe deletes only what raft-sup put in the dir (node-<id>/, logs/, cluster.json, the socket and
// pid file) and then the dir if it is empty: `--dir .` must never delete a user's files.
import { existsSync, readdirSync, rmdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { CLUSTER_FILE, LOGS_DIR } from './cluster-spec.js';
import { PID_FILE, probeSocket, SOCKET_FILE } from './control-socket.js';
import { SupervisorError } from './errors.js';
import { isAlive } from './process-group.js';
import { notRunningMessage, SupervisorClient } from './supervisor-client.js';
import { waitUntil } from './wait.js';

export interface DownResult {
  /** Names of the children stopped ([] when no supervisor was running). */
  stopped: string[];
  supervisorPid: number | null;
  wiped: boolean;
  elapsedMs: number;
}

/** Stop the cluster in `dir`; with `wipe`, delete its data too (even when nothing was running). */
export async function runDown(dir: string, options: { wipe?: boolean; timeoutMs?: number } = {}): Promise<DownResult> {
  const t0 = Date.now();
  const client = new SupervisorClient(dir);
  const pid = client.pid();
  let stopped: string[] = [];
  let running = true;
  try {
    stopped = await client.down();
  } catch (err) {
    if (!(err instanceof SupervisorError && err.code === 'NOT_RUNNING')) throw err;
    running = false;
  }
  if (!running && !options.wipe) throw new SupervisorError('NOT_RUNNING', notRunningMessage(dir));
  if (running) {
    const timeoutMs = options.timeoutMs ?? 30_000;
    const gone = await waitUntil(() => !existsSync(client.socketPath) && (pid === null || !isAlive(pid)), timeoutMs);
    if (!gone) throw new SupervisorError('INTERNAL', `the supervisor (pid ${pid ?? '?'}) stopped its children but did not exit within ${timeoutMs / 1000} s`);
  }
  if (options.wipe) await wipe(client.dir);
  return { stopped, supervisorPid: running ? pid : null, wiped: options.wipe === true, elapsedMs: Date.now() - t0 };
}

async function wipe(dir: string): Promise<void> {
  if (!existsSync(dir)) return;
  // Never wipe under a live supervisor (a second one may have started meanwhile).
  if ((await probeSocket(join(dir, SOCKET_FILE))) === 'live') throw new SupervisorError('USAGE', `a cluster is running in ${dir} again; not wiping it`);
  for (const name of readdirSync(dir)) {
    if (/^node-\d+$/.test(name) || name === LOGS_DIR || name === CLUSTER_FILE || name === `${CLUSTER_FILE}.tmp` || name === SOCKET_FILE || name === PID_FILE) {
      rmSync(join(dir, name), { recursive: true, force: true });
    }
  }
  try {
    rmdirSync(dir); // only if empty
  } catch { /* the user's own files remain */ }
}
