// Shared fixtures for the storage tests: temp directories that are always removed, entry builders.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import type { Entry } from '../../src/raft/index.js';
import { openStorage, type OpenStorageOptions, type RaftStorage } from '../../src/storage/index.js';

/** A fresh directory under the OS temp dir, removed when the test ends (pass or fail). */
export async function tempDir(t: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'raft-sup-storage-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

export function makeEntries(first: number, count: number, term: number, tag = 'v'): Entry[] {
  return Array.from({ length: count }, (_, i) => ({ term, index: first + i, type: 'normal' as const, data: `${tag}-${first + i}` }));
}

/** Messages logged by the storage, for asserting on warnings. */
export interface LogSink {
  readonly lines: { level: string; msg: string }[];
  readonly log: (level: 'info' | 'warn' | 'error', msg: string) => void;
}

export function logSink(): LogSink {
  const lines: { level: string; msg: string }[] = [];
  return { lines, log: (level, msg) => lines.push({ level, msg }) };
}

/** Open with test defaults (node 1 of cluster "test"); the storage is closed when the test ends. */
export async function open(t: TestContext, dir: string, extra: Partial<OpenStorageOptions> = {}): Promise<RaftStorage> {
  const s = await openStorage({ dir, nodeId: 1, clusterId: 'test', ...extra });
  t.after(() => s.close().catch(() => undefined));
  return s;
}
