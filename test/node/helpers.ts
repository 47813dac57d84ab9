// Shared test helpers for node/proxy tests: temp dirs, free ports, waiting for conditions, and a
// single-node in-process node (real core, KV and storage; silent logs).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startNode } from '../../src/node/index.js';
import type { NodeConfig, RunningNode } from '../../src/node/index.js';
import { createLogger } from '../../src/shared/index.js';

export async function tempDir(prefix = 'raft-sup-test-'): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** A free port drawn from below the ephemeral range (see src/supervisor/port-check.ts for why). */
export { freePort } from '../../src/supervisor/port-check.js';

/** Polls `check` until it returns a truthy value or the deadline passes (then throws `what`). */
export async function waitFor<T>(what: string, check: () => T | Promise<T>, timeoutMs = 10_000, everyMs = 20): Promise<NonNullable<T>> {
  const deadline = performance.now() + timeoutMs;
  let lastErr: unknown;
  while (performance.now() < deadline) {
    try {
      const v = await check();
      if (v) return v as NonNullable<T>;
    } catch (err) {
      lastErr = err;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastErr ? ` (last error: ${String(lastErr)})` : ''}`);
}

export function testNodeConfig(dir: string, over: Partial<NodeConfig> = {}): NodeConfig {
  return {
    id: 1,
    peers: new Map([[1, 'http://127.0.0.1:1']]),
    host: '127.0.0.1',
    port: 0,
    dataDir: join(dir, 'node-1'),
    clusterId: 'test',
    enableFaults: false,
    lifeline: false,
    tickMs: 5,
    electionTicks: 4,
    heartbeatTicks: 1,
    snapshotEvery: 0,
    snapshotKeep: 100,
    writeTimeoutMs: 2000,
    readTimeoutMs: 2000,
    peerTimeoutMs: 500,
    earlySend: true,
    unsafeStaleReads: false,
    logLevel: 'silent',
    ...over,
  };
}

/** A one-node cluster in this process, leader once resolved. */
export async function startSingleNode(over: Partial<NodeConfig> = {}): Promise<{ node: RunningNode; close: () => Promise<void> }> {
  const tmp = await tempDir();
  const config = testNodeConfig(tmp.dir, over);
  const node = await startNode(config, { log: createLogger({ level: 'silent' }) });
  try {
    await waitFor('the single node to lead', () => node.driver.status().raft.role === 'leader' && node.driver.status().applied >= 1, 5_000, 5);
  } catch (err) {
    await node.close();
    await tmp.cleanup();
    throw err;
  }
  return {
    node,
    close: async () => {
      await node.close();
      await tmp.cleanup();
    },
  };
}

/** The `error` object of a JSON error answer. */
export function errorOf(body: string): { code: string; message: string; definite: boolean; leader?: string } {
  return (JSON.parse(body) as { error: { code: string; message: string; definite: boolean; leader?: string } }).error;
}
