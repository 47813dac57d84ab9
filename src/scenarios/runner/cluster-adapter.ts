// What the runner needs from a cluster, and nothing more: its status, process actions on named
// processes, network faults, and a KV client per process. The real implementation talks to a
// supervisor over its control socket (supervisor-adapter.ts); tests pass an in-memory fake, so the
// runner's logic (deadlines, retries, variables, failure reports) is tested fast and deterministically.

import type { ClusterStatus } from '../../supervisor/index.js';
import type { ProcessAction } from '../types.js';

/** The KV calls a client step makes; KvClient satisfies it (errors are KvErrors with code/status/definite). */
export interface KvEndpoint {
  put(key: string, value: string, opts?: { timeoutMs?: number }): Promise<{ index: number }>;
  /** null when the key does not exist. */
  get(key: string, opts?: { consistency?: 'linearizable' | 'stale'; timeoutMs?: number }): Promise<string | null>;
  delete(key: string, opts?: { timeoutMs?: number }): Promise<{ deleted: boolean }>;
  cas(key: string, from: string | null, to: string, opts?: { timeoutMs?: number }): Promise<{ index: number }>;
}

/** What happened to one process of a process step. */
export interface ActionOutcome {
  readonly name: string;
  readonly ok: boolean;
  /** One readable line: "killed node-2 (leader, term 3)" or why it was refused. */
  readonly message: string;
}

export interface ClusterAdapter {
  /** The `status --json` shape (SPEC): one row per process, roles and indexes of live nodes. */
  status(): Promise<ClusterStatus>;
  /** Apply `action` to exactly these processes (names like node-2, proxy). */
  act(action: ProcessAction, names: readonly string[], signal?: string): Promise<ActionOutcome[]>;
  /** Cut node-to-node traffic between groups of node names; replaces any earlier partition. */
  partition(groups: readonly (readonly string[])[]): Promise<string>;
  /** Restore every link. */
  heal(): Promise<string>;
  /** A KV client for the process at `url` (a node or the proxy), reused across calls. */
  endpoint(url: string): KvEndpoint;
  /** Release clients (not the cluster). */
  close(): Promise<void>;
}
