// What one benchmark operation is, per workload: a write (PUT of a value of the chosen size), a
// linearizable read (the default GET: ReadIndex), a stale read (local state), or a 50/50 mix of
// writes and linearizable reads. Keys are drawn uniformly from `keys` keys by a per-client
// xorshift generator, so runs are repeatable and clients do not walk the key space in lock-step.
import { KvClient, KvError } from '../client/index.js';
import type { Op } from './load.js';
import type { Workload } from './options.js';

export const KEY_PREFIX = 'bench-';

/** The `i`-th key of the key space. */
export function benchKey(i: number): string {
  return `${KEY_PREFIX}${i}`;
}

/** A value of exactly `size` bytes (printable ASCII). */
export function benchValue(size: number): string {
  const unit = 'raft-sup bench value 0123456789 abcdefghijklmnopqrstuvwxyz ';
  return unit.repeat(Math.ceil(size / unit.length) + 1).slice(0, size);
}

/** xorshift32 state per client, seeded from the client index (never zero). */
function makeRng(clients: number): Uint32Array {
  const s = new Uint32Array(clients);
  for (let c = 0; c < clients; c++) s[c] = (0x9e3779b9 ^ Math.imul(c + 1, 0x85ebca6b)) >>> 0 || 1;
  return s;
}

function nextKey(rng: Uint32Array, c: number, keys: number): number {
  let x = rng[c] as number;
  x ^= x << 13;
  x ^= x >>> 17;
  x ^= x << 5;
  x >>>= 0;
  rng[c] = x;
  return x % keys;
}

/**
 * Where writes and reads go. For `--target leader` the target follows a 421's leader hint, so a
 * leader change costs a few failed operations instead of the rest of the run.
 */
export interface OpTarget {
  current(): KvClient;
  /** A write was refused with NOT_LEADER carrying `hint`. */
  redirect(hint: string | undefined): void;
}

/** A fixed target (the proxy). */
export function fixedTarget(client: KvClient): OpTarget {
  return { current: () => client, redirect: () => undefined };
}

/** The leader, following NOT_LEADER hints among `clients` (by URL). */
export function leaderTarget(clients: ReadonlyMap<string, KvClient>, first: string): OpTarget {
  let cur = clients.get(first);
  if (cur === undefined) throw new Error(`no client for ${first}`);
  return {
    current: () => cur as KvClient,
    redirect: (hint) => {
      const next = hint === undefined ? undefined : clients.get(hint.replace(/\/+$/, ''));
      if (next !== undefined) cur = next;
    },
  };
}

export interface OpSpec {
  workload: Workload;
  keys: number;
  valueSize: number;
  clients: number;
  /** Deadline of one operation (ms). */
  timeoutMs: number;
}

/** The operation a client performs in a loop for `spec.workload`. */
export function makeOp(spec: OpSpec, target: OpTarget): Op {
  const rng = makeRng(spec.clients);
  const value = benchValue(spec.valueSize);
  const timeoutMs = spec.timeoutMs;
  const write = async (key: string): Promise<void> => {
    try {
      await target.current().put(key, value, { timeoutMs });
    } catch (err) {
      if (err instanceof KvError && err.code === 'NOT_LEADER') target.redirect(err.leader);
      throw err;
    }
  };
  switch (spec.workload) {
    case 'write':
      return (c) => write(benchKey(nextKey(rng, c, spec.keys)));
    case 'read':
      return (c) => target.current().get(benchKey(nextKey(rng, c, spec.keys)), { timeoutMs });
    case 'stale-read':
      return (c) => target.current().get(benchKey(nextKey(rng, c, spec.keys)), { consistency: 'stale', timeoutMs });
    case 'mixed':
      return (c, i) => {
        const key = benchKey(nextKey(rng, c, spec.keys));
        return (i + c) % 2 === 0 ? write(key) : target.current().get(key, { timeoutMs });
      };
  }
}

/**
 * Writes every key once (reads of absent keys would measure 404s), `parallel` at a time. Resolves
 * with the number of failures; progress is reported every 1,000 keys.
 */
export async function prefill(client: KvClient, keys: number, valueSize: number, parallel: number, onProgress?: (done: number) => void): Promise<number> {
  const value = benchValue(valueSize);
  let next = 0;
  let done = 0;
  let failed = 0;
  await Promise.all(
    Array.from({ length: Math.min(parallel, keys) }, async () => {
      while (next < keys) {
        const k = next++;
        try {
          await client.put(benchKey(k), value, { timeoutMs: 10_000 });
        } catch {
          failed++;
        }
        done++;
        if (done % 1000 === 0) onProgress?.(done);
      }
    }),
  );
  return failed;
}
