// Helpers for end-to-end tests against a real supervisor: run the CLI, wait on the cluster's status,
// write through the proxy, and remember every pid we saw so `after` can prove nothing is left.
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { KvClient } from '../../src/client/index.js';
import { isAlive } from '../../src/supervisor/process-group.js';
import type { ClusterStatus, StatusProcess } from '../../src/shared/status-table.js';
import { SupervisorClient } from '../../src/supervisor/supervisor-client.js';
import { waitFor } from './helpers.js';

export const CLI = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

export interface CliResult { code: number; stdout: string; stderr: string; ms: number }

/** Run `raft-sup ...args` to completion (no colours, no TTY). */
export async function cli(args: readonly string[], timeoutMs = 120_000): Promise<CliResult> {
  const t0 = Date.now();
  const r = await execa(process.execPath, [CLI, ...args], { reject: false, timeout: timeoutMs, env: { NO_COLOR: '1' }, stdin: 'ignore' });
  return { code: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr), ms: Date.now() - t0 };
}

/** A cluster under test: its dir, ports, clients, and every pid it ever had. */
export class TestCluster {
  readonly client: SupervisorClient;
  readonly proxy: KvClient;
  readonly seen = new Set<number>();

  constructor(readonly dir: string, readonly basePort: number, readonly proxyPort: number, readonly nodes = 3) {
    this.client = new SupervisorClient(dir);
    this.proxy = new KvClient(`http://127.0.0.1:${proxyPort}`, { timeoutMs: 5000 });
  }

  /** `raft-sup <cmd> ... --dir DIR` */
  run(...args: string[]): Promise<CliResult> {
    return cli([...args, '--dir', this.dir]);
  }

  upArgs(): string[] {
    return ['up', '-d', '--nodes', String(this.nodes), '--base-port', String(this.basePort), '--proxy-port', String(this.proxyPort), '--stop-grace-ms', '3000'];
  }

  /** Status through the control socket; records every pid (the supervisor's too). */
  async status(): Promise<ClusterStatus> {
    const s = await this.client.status();
    for (const p of s.processes) if (p.pid != null) this.seen.add(p.pid);
    const sp = this.client.pid();
    if (sp !== null) this.seen.add(sp);
    return s;
  }

  row(s: ClusterStatus, id: number): StatusProcess {
    const r = s.processes.find((p) => p.kind === 'node' && p.id === id);
    if (r === undefined) throw new Error(`no row for node ${id}`);
    return r;
  }

  /** Wait until `pred(status)` holds; returns that status. */
  async until(pred: (s: ClusterStatus) => boolean, what: string, timeoutMs = 20_000): Promise<ClusterStatus> {
    let last: ClusterStatus | null = null;
    await waitFor(async () => {
      try {
        last = await this.status();
        return pred(last);
      } catch {
        return false;
      }
    }, timeoutMs, `${what} (last status: ${JSON.stringify(last)})`);
    return last as unknown as ClusterStatus;
  }

  /** A write through the proxy, retried until it commits or the deadline passes; returns its index. */
  async write(key: string, value: string, timeoutMs = 15_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    let lastErr: unknown;
    while (Date.now() < deadline) {
      try {
        return (await this.proxy.put(key, value, { timeoutMs: 4000 })).index;
      } catch (err) {
        lastErr = err;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    throw new Error(`write ${key}=${value} did not commit within ${timeoutMs} ms: ${String(lastErr)}`);
  }

  /** Pids we saw that are still alive. */
  alive(): number[] {
    return [...this.seen].filter((p) => isAlive(p));
  }

  /** Last resort in `after`: SIGKILL whatever we saw that is still alive (only our own pids). */
  killLeftovers(): number[] {
    const left = this.alive();
    for (const p of left) {
      try { process.kill(p, 'SIGKILL'); } catch { /* gone */ }
    }
    return left;
  }
}

/** The one node claiming leadership in the newest term, or null. */
export function leaderRow(s: ClusterStatus): StatusProcess | null {
  return s.leader === null ? null : (s.processes.find((p) => p.kind === 'node' && p.id === s.leader) ?? null);
}

/** Every running node agrees on one leader and has applied everything it committed, lag 0. */
export function converged(s: ClusterStatus): boolean {
  const nodes = s.processes.filter((p) => p.kind === 'node');
  const commits = new Set(nodes.map((p) => p.commitIndex));
  return s.leader !== null && nodes.every((p) => p.state === 'running' && p.leader === s.leader && p.lag === 0 && p.appliedIndex === p.commitIndex) && commits.size === 1;
}
