// The CLI's (and scenarios') side of the control socket: typed calls, and every failure turned into
// a SupervisorError worded for the user ("no cluster is running in DIR; start one with ...").
import { resolve } from 'node:path';
import { ControlSocketError, controlPaths, controlRequest, readPidFile } from './control-socket.js';
import { isSupervisorErrorCode, SupervisorError } from './errors.js';
import type { ActionResult, ProcessAction } from './process-actions.js';
import type { ReadyState } from './readiness.js';
import type { ClusterStatus } from '../shared/status-table.js';

export interface SupervisorInfo {
  pid: number;
  dir: string;
  nodes: number;
  basePort: number;
  proxyPort: number;
  startedAt: string;
}

/** "no cluster is running in DIR; start one with `raft-sup up -d`" (with --dir when it is not the default). */
export function notRunningMessage(dir: string, defaultDir = '.raft-sup'): string {
  const abs = resolve(dir);
  const flag = abs === resolve(defaultDir) ? '' : ` --dir ${abs}`;
  return `no cluster is running in ${abs}; start one with \`raft-sup up -d${flag}\``;
}

/** Talks to the supervisor of one state dir. */
export class SupervisorClient {
  readonly dir: string;
  readonly socketPath: string;
  readonly pidPath: string;

  constructor(dir: string) {
    const p = controlPaths(dir);
    this.dir = p.stateDir;
    this.socketPath = p.socketPath;
    this.pidPath = p.pidPath;
  }

  /** The supervisor's pid as recorded in the state dir (null if none). */
  pid(): number | null { return readPidFile(this.pidPath); }

  ready(): Promise<ReadyState> { return this.#call('GET', '/ready'); }
  status(): Promise<ClusterStatus> { return this.#call('GET', '/status'); }
  info(): Promise<SupervisorInfo> { return this.#call('GET', '/info'); }

  async targets(target: string): Promise<string[]> {
    const r = await this.#call<{ names: string[] }>('GET', `/targets?target=${encodeURIComponent(target)}`);
    return r.names;
  }

  async act(action: ProcessAction, target: string, signal?: string): Promise<ActionResult[]> {
    const body: { target: string; signal?: string } = { target };
    if (signal !== undefined) body.signal = signal;
    const r = await this.#call<{ results: ActionResult[] }>('POST', `/process/${action}`, body, 120_000);
    return r.results;
  }

  partition(groups: readonly string[]): Promise<{ groups: number[][]; message: string }> {
    return this.#call('POST', '/partition', { groups });
  }

  isolate(target: string): Promise<{ groups: number[][]; message: string; isolated: string[] }> {
    return this.#call('POST', '/isolate', { target });
  }

  heal(): Promise<{ message: string }> { return this.#call('POST', '/heal'); }

  /** Stop every child and the supervisor; resolves with the names stopped (the supervisor exits right after). */
  async down(): Promise<string[]> {
    const r = await this.#call<{ stopped: string[] }>('POST', '/down', undefined, 120_000);
    return r.stopped;
  }

  async #call<T>(method: 'GET' | 'POST', url: string, body?: unknown, timeoutMs = 30_000): Promise<T> {
    let res;
    try {
      res = await controlRequest(this.socketPath, method, url, body, { timeoutMs });
    } catch (err) {
      if (err instanceof ControlSocketError && err.code === 'NOT_RUNNING') throw new SupervisorError('NOT_RUNNING', notRunningMessage(this.dir));
      if (err instanceof ControlSocketError) throw new SupervisorError('INTERNAL', err.message);
      throw err;
    }
    if (res.status >= 200 && res.status < 300) return res.body as T;
    const e = (res.body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
    if (e !== undefined && typeof e.message === 'string') throw new SupervisorError(isSupervisorErrorCode(e.code) ? e.code : 'INTERNAL', e.message);
    throw new SupervisorError('INTERNAL', `the supervisor answered ${res.status}: ${typeof res.body === 'string' ? res.body : JSON.stringify(res.body)}`);
  }
}
