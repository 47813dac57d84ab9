// Helpers for tests against real clusters: a fresh-cluster source that remembers every pid it saw
// and keeps its temp dirs under one root, so a test can prove nothing was left behind.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFreshCluster, type ClusterAdapter, type ClusterSource } from '../../src/scenarios/index.js';
import { isAlive } from '../../src/supervisor/index.js';

export class PidWatch {
  readonly root = mkdtempSync(join(tmpdir(), 'raft-sup-scn-test-'));
  readonly pids = new Set<number>();

  /** Fresh clusters under `root` (nodes started with `nodeArgs`), every status() recording the pids it names. */
  source(nodeArgs: readonly string[] = []): ClusterSource {
    return {
      kind: 'custom',
      open: async (scenario) => {
        const c = await startFreshCluster({ nodes: scenario.cluster.nodes, tmpRoot: this.root, nodeArgs });
        return { mode: 'fresh', adapter: this.#recording(c.adapter), dir: c.dir, nodes: c.nodes, summary: c.summary, teardown: () => c.teardown() };
      },
    };
  }

  record(pids: Iterable<number | null | undefined>): void {
    for (const p of pids) if (typeof p === 'number') this.pids.add(p);
  }

  /** Pids we saw that are still alive (there should be none once every scenario is over). */
  alive(): number[] {
    return [...this.pids].filter((p) => isAlive(p));
  }

  /** State dirs left under the root (there should be none). */
  leftovers(): string[] {
    return readdirSync(this.root);
  }

  /** Last resort after a failed assertion: SIGKILL what is left (only pids we saw), remove the root. */
  cleanUp(): void {
    for (const p of this.alive()) {
      try { process.kill(p, 'SIGKILL'); } catch { /* gone */ }
    }
    rmSync(this.root, { recursive: true, force: true });
  }

  #recording(adapter: ClusterAdapter): ClusterAdapter {
    return {
      status: async () => {
        const s = await adapter.status();
        this.record(s.processes.map((p) => p.pid));
        return s;
      },
      act: async (action, names, signal) => {
        const out = await adapter.act(action, names, signal);
        this.record((await adapter.status()).processes.map((p) => p.pid));
        return out;
      },
      partition: (g) => adapter.partition(g),
      heal: () => adapter.heal(),
      endpoint: (url) => adapter.endpoint(url),
      close: () => adapter.close(),
    };
  }
}
