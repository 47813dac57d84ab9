// checkLinearizable: split per key, search each key under one shared deadline, explain failures.
import { explainFailure } from './explain.js';
import { validateHistory } from './operation.js';
import { compileKey, partitionByKey } from './register-model.js';
import type { CheckResult, KeyFailure, Operation } from './types.js';
import { searchKey } from './wgl-search.js';

export interface CheckOptions {
  /** Give up after this long and answer 'unknown' (default 10 000 ms). */
  timeoutMs?: number;
  /** Register values before the history began; keys not listed start absent. */
  initial?: Map<string, string | null>;
  /** Monotonic clock in ms, injectable for tests (default performance.now). */
  now?: () => number;
}

export const DEFAULT_CHECK_TIMEOUT_MS = 10_000;

/**
 * Is the history linearizable for the KV register model? Each key is checked separately
 * (P-compositionality), in key order, all under one deadline (shared fairly, see below). A definite failure on any key makes
 * the verdict false even if other keys ran out of time; otherwise running out of time is 'unknown'.
 * Throws HistoryError on a malformed history.
 */
export function checkLinearizable(ops: readonly Operation[], opts: CheckOptions = {}): CheckResult {
  const now = opts.now ?? (() => performance.now());
  const timeoutMs = opts.timeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS;
  if (typeof timeoutMs !== 'number' || !(timeoutMs >= 0)) {
    throw new RangeError(`timeoutMs must be a number >= 0, got ${String(timeoutMs)}`);
  }
  const start = now();
  const deadline = start + timeoutMs;
  validateHistory(ops);
  const t0 = ops.reduce((min, op) => Math.min(min, op.invoke), Infinity);

  const byKey = partitionByKey(ops);
  const failures: KeyFailure[] = [];
  let keysChecked = 0;
  // Pass 1 gives each key a fair share of the time left, so one pathological key cannot starve
  // the others; pass 2 gives the keys still undecided everything that remains.
  let pending = [...byKey.keys()].sort();
  for (const pass of [1, 2]) {
    const undecided: string[] = [];
    pending.forEach((key, i) => {
      const left = deadline - now();
      if (left <= 0) {
        undecided.push(key);
        return;
      }
      const keyDeadline = pass === 1 ? now() + left / (pending.length - i) : deadline;
      const compiled = compileKey(key, byKey.get(key) ?? [], opts.initial?.get(key) ?? null);
      const verdict = searchKey(compiled, keyDeadline, now);
      if (verdict.kind === 'timeout') {
        undecided.push(key);
        return;
      }
      keysChecked++;
      if (verdict.kind === 'fail') failures.push(explainFailure(compiled, verdict.prefix, verdict.blocked, verdict.state, t0));
    });
    pending = undecided;
    if (pending.length === 0) break;
  }
  const unknownKeys = pending;
  failures.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const valid = failures.length > 0 ? false : unknownKeys.length > 0 ? 'unknown' : true;
  return { valid, keysChecked, elapsedMs: now() - start, failures, unknownKeys };
}
