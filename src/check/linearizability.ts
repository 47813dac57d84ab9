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
 * (P-compositionality), in key order, all under one deadline. A definite failure on any key makes
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
  const keys = [...byKey.keys()].sort();
  const failures: KeyFailure[] = [];
  const unknownKeys: string[] = [];
  let keysChecked = 0;
  for (const key of keys) {
    if (now() > deadline) {
      unknownKeys.push(key);
      continue;
    }
    const compiled = compileKey(key, byKey.get(key) ?? [], opts.initial?.get(key) ?? null);
    const verdict = searchKey(compiled, deadline, now);
    if (verdict.kind === 'timeout') {
      unknownKeys.push(key);
      continue;
    }
    keysChecked++;
    if (verdict.kind === 'fail') failures.push(explainFailure(compiled, verdict.prefix, verdict.blocked, verdict.state, t0));
  }
  const valid = failures.length > 0 ? false : unknownKeys.length > 0 ? 'unknown' : true;
  return { valid, keysChecked, elapsedMs: now() - start, failures, unknownKeys };
}
