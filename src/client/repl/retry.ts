// Retrying one client operation within a deadline. The cluster is expected to be broken on purpose
// while someone types (leader killed, quorum lost, proxy restarting), so transient failures are
// retried with a short backoff until the deadline instead of surfacing on the first attempt.
// Writes carry one (clientId, seq) pair across all their attempts, so a retry after an indefinite
// failure is applied at most once by the cluster's session table.
import { setTimeout as sleep } from 'node:timers/promises';
import { KvError } from '../index.js';
import { CANCELLED } from './http-call.js';

/** Codes worth another attempt while time is left: nothing happened, or a retry is deduplicated. */
const TRANSIENT = new Set([
  'UNREACHABLE', 'CONNECTION_LOST', 'NO_QUORUM', 'LEADERSHIP_LOST', 'SHUTTING_DOWN', 'TIMEOUT', 'NOT_LEADER',
]);

/** No new attempt is started with less time than this left (it could only time out). */
const MIN_ATTEMPT_MS = 50;

export interface RetryOptions {
  /** Total budget for all attempts, from the first send (ms). */
  readonly deadlineMs: number;
  readonly signal?: AbortSignal | undefined;
  /** First backoff (ms); doubles up to maxBackoffMs. */
  readonly backoffMs?: number;
  readonly maxBackoffMs?: number;
}

export interface Attempted<T> {
  readonly value?: T;
  readonly error?: KvError;
  /** The base URL of the last attempt (a leader hint may have moved it). */
  readonly url: string;
  readonly attempts: number;
  readonly elapsedMs: number;
  /** true when the last error was transient and the deadline (not the error) ended the retries. */
  readonly gaveUp: boolean;
  /** true when some attempt failed in a way that means it may have taken effect. */
  readonly indefiniteSeen: boolean;
}

/** Is this failure worth another attempt? (definite ones like 404/409/400 are answers, not outages) */
export function isTransient(e: KvError): boolean {
  if (TRANSIENT.has(e.code)) return true;
  // A 502/503 from something in between (not our JSON shape) is an outage too.
  return e.code === 'BAD_RESPONSE' && (e.status === 502 || e.status === 503);
}

/**
 * Calls `attempt(url, timeoutMs)` until it succeeds, fails for good, is cancelled, or the deadline
 * passes. A NOT_LEADER answer with a leader hint moves the next attempt to that URL at once.
 */
export async function withRetries<T>(
  url: string,
  attempt: (url: string, timeoutMs: number) => Promise<T>,
  opts: RetryOptions,
): Promise<Attempted<T>> {
  const start = performance.now();
  const elapsed = (): number => performance.now() - start;
  let target = url;
  let attempts = 0;
  let indefiniteSeen = false;
  let backoff = opts.backoffMs ?? 50;
  const maxBackoff = opts.maxBackoffMs ?? 500;
  for (;;) {
    attempts++;
    const left = opts.deadlineMs - elapsed();
    try {
      const value = await attempt(target, Math.max(1, Math.ceil(left)));
      return { value, url: target, attempts, elapsedMs: elapsed(), gaveUp: false, indefiniteSeen };
    } catch (err) {
      if (!(err instanceof KvError)) throw err;
      if (!err.definite) indefiniteSeen = true;
      const done = (gaveUp: boolean): Attempted<T> => ({ error: err, url: target, attempts, elapsedMs: elapsed(), gaveUp, indefiniteSeen });
      if (err.code === CANCELLED || !isTransient(err)) return done(false);
      if (err.code === 'NOT_LEADER' && err.leader !== undefined && sameBase(err.leader) !== sameBase(target)) {
        if (elapsed() + MIN_ATTEMPT_MS >= opts.deadlineMs) return done(true);
        target = err.leader;
        continue;
      }
      // Wait at most until just before the deadline, so the last attempt still has time to connect.
      const wait = Math.min(backoff, maxBackoff, opts.deadlineMs - elapsed() - MIN_ATTEMPT_MS);
      if (wait < 0) return done(true);
      backoff *= 2;
      try {
        await sleep(wait, undefined, opts.signal ? { signal: opts.signal } : undefined);
      } catch {
        const cancelled = new KvError(CANCELLED, 0, !indefiniteSeen, 'cancelled while waiting to retry');
        return { error: cancelled, url: target, attempts, elapsedMs: elapsed(), gaveUp: false, indefiniteSeen };
      }
    }
  }
}

function sameBase(u: string): string {
  return u.replace(/\/+$/, '');
}
