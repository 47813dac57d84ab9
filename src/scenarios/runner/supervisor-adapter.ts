// The real ClusterAdapter: a supervisor's control socket (status, process actions, partition, heal)
// plus one keep-alive KV client per process URL. The same adapter serves a fresh cluster (whose
// supervisor lives in this process) and `--attach` (a supervisor started by `raft-sup up -d`).

import { KvClient } from '../../client/index.js';
import { SupervisorClient, type ClusterStatus } from '../../supervisor/index.js';
import type { ProcessAction } from '../types.js';
import type { ActionOutcome, ClusterAdapter, KvEndpoint } from './cluster-adapter.js';

export class SupervisorAdapter implements ClusterAdapter {
  readonly client: SupervisorClient;
  readonly #kv = new Map<string, KvClient>();

  constructor(dir: string) {
    this.client = new SupervisorClient(dir);
  }

  status(): Promise<ClusterStatus> {
    return this.client.status();
  }

  async act(action: ProcessAction, names: readonly string[], signal?: string): Promise<ActionOutcome[]> {
    const results = await this.client.act(action, names.join(','), signal);
    return results.map((r) => ({ name: r.name, ok: r.ok, message: r.message }));
  }

  async partition(groups: readonly (readonly string[])[]): Promise<string> {
    return (await this.client.partition(groups.map((g) => g.join(',')))).message;
  }

  async heal(): Promise<string> {
    return (await this.client.heal()).message;
  }

  endpoint(url: string): KvEndpoint {
    let kv = this.#kv.get(url);
    if (kv === undefined) {
      kv = new KvClient(url, { timeoutMs: 10_000, connections: 16 });
      this.#kv.set(url, kv);
    }
    return kv;
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.#kv.values()].map((kv) => kv.close()));
    this.#kv.clear();
  }
}
