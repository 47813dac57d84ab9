// The closed-loop load generator: N clients, each issuing its next operation the moment the last one
// answers (what etcd's `benchmark` tool and YCSB do), for a warm-up and then a measured window.
// Only operations that complete inside the measured window count — their latencies go into one
// histogram for the run and one per timeline interval, their failures into a count per error code.
// Loops are bounded: no new operation starts after the window ends, and in-flight ones are waited
// for at most `drainMs` (each has its own deadline in the client anyway).
import { setTimeout as sleep } from 'node:timers/promises';
import { Histogram, type LatencySummary } from './histogram.js';
import { Timeline, type TimelinePoint } from './timeline.js';

export type { TimelinePoint } from './timeline.js';

/** One operation of client `client` (its `i`-th); throws on failure. */
export type Op = (client: number, i: number) => Promise<unknown>;

export interface LoadOptions {
  clients: number;
  warmupMs: number;
  durationMs: number;
  op: Op;
  /** Timeline resolution (ms); default: the window in about 120 points, at least 250 ms. */
  intervalMs?: number;
  /** Called about every `progressMs` with the run so far. */
  onProgress?: (p: LoadProgress) => void;
  progressMs?: number;
  signal?: AbortSignal;
  /** How long to wait for operations still in flight when the window closes (default 3 s). */
  drainMs?: number;
  /** Error code of a failure (default: its `code` property, else its name). */
  classify?: (err: unknown) => string;
  /** Pause after a failure so a refused connection does not become a busy loop (default 5 ms). */
  errorPauseMs?: number;
  /** Called when the measured window opens and when it closes (for CPU samples). */
  onWindowStart?: () => void;
  onWindowEnd?: () => void;
}

export interface LoadProgress {
  phase: 'warm-up' | 'measure';
  /** ms since the load started. */
  elapsedMs: number;
  warmupMs: number;
  durationMs: number;
  /** Operations completed in the measured window so far. */
  ops: number;
  /** Completions per second over the last progress period (warm-up included). */
  recentRate: number;
  errors: number;
  p50: number;
  p99: number;
}

export interface LoadResult {
  ops: number;
  /** Length of the measured window (s). */
  seconds: number;
  throughput: number;
  latency: LatencySummary;
  errors: Record<string, number>;
  errorCount: number;
  /** Operations that failed during the warm-up (not in `errors`). */
  warmupErrors: number;
  intervalMs: number;
  timeline: TimelinePoint[];
  /** Operations still unanswered when the drain period ended. */
  abandoned: number;
}

function defaultClassify(err: unknown): string {
  const e = err as { code?: unknown; name?: unknown };
  if (typeof e?.code === 'string') return e.code;
  if (typeof e?.name === 'string') return e.name;
  return 'ERROR';
}

/** Runs the load; resolves once the window closed and in-flight operations answered (or were abandoned). */
export async function runClosedLoop(o: LoadOptions): Promise<LoadResult> {
  const intervalMs = o.intervalMs ?? Math.max(250, Math.ceil(o.durationMs / 120 / 250) * 250);
  const classify = o.classify ?? defaultClassify;
  const pauseMs = o.errorPauseMs ?? 5;
  const start = performance.now();
  const warmEnd = start + o.warmupMs;
  const end = warmEnd + o.durationMs;
  const total = new Histogram();
  // Warm-up intervals are kept too (at negative t), for the chart.
  const timeline = new Timeline(start, intervalMs, o.warmupMs);
  const errors = new Map<string, number>();
  let errorCount = 0;
  let warmupErrors = 0;
  let completed = 0; // every completion, for the progress rate
  let inFlight = 0;
  const aborted = (): boolean => o.signal?.aborted === true;

  const client = async (c: number): Promise<void> => {
    let i = 0;
    while (!aborted()) {
      const t0 = performance.now();
      if (t0 >= end) return;
      inFlight++;
      let failure: unknown;
      let failed = false;
      try {
        await o.op(c, i++);
      } catch (err) {
        failed = true;
        failure = err;
      } finally {
        inFlight--;
      }
      const t1 = performance.now();
      completed++;
      const inWindow = t1 >= warmEnd && t1 <= end;
      if (failed) {
        if (inWindow) {
          const code = classify(failure);
          errors.set(code, (errors.get(code) ?? 0) + 1);
          errorCount++;
        } else if (t1 < warmEnd) warmupErrors++;
        if (t1 <= end) timeline.failed(t1);
        if (pauseMs > 0) await sleep(pauseMs);
        continue;
      }
      if (t1 <= end) timeline.ok(t1, t1 - t0);
      if (inWindow) total.record(t1 - t0);
    }
  };

  let lastCompleted = 0;
  let lastAt = start;
  const report = (): void => {
    if (!o.onProgress) return;
    const now = performance.now();
    const rate = ((completed - lastCompleted) * 1000) / Math.max(1, now - lastAt);
    lastCompleted = completed;
    lastAt = now;
    o.onProgress({
      phase: now < warmEnd ? 'warm-up' : 'measure',
      elapsedMs: now - start,
      warmupMs: o.warmupMs,
      durationMs: o.durationMs,
      ops: total.count,
      recentRate: rate,
      errors: errorCount,
      p50: total.percentileMs(50),
      p99: total.percentileMs(99),
    });
  };
  const timer = o.onProgress ? setInterval(report, o.progressMs ?? 500) : undefined;
  const windowTimer = setTimeout(() => o.onWindowStart?.(), o.warmupMs);
  const all = Promise.all(Array.from({ length: o.clients }, (_, c) => client(c)));
  // The waits below are cancelled once they lose the race, so no timer outlives the run.
  const waits = new AbortController();
  const onAbort = (): void => waits.abort();
  o.signal?.addEventListener('abort', onAbort, { once: true });
  const wait = (ms: number): Promise<void> => sleep(Math.max(0, ms), undefined, { signal: waits.signal }).catch(() => undefined);
  try {
    // Wait for the window (or an abort), then give in-flight operations a bounded time to answer.
    await Promise.race([all, wait(end - performance.now())]);
    o.onWindowEnd?.();
    const drain = new AbortController();
    await Promise.race([all.then(() => drain.abort()), sleep(o.drainMs ?? 3000, undefined, { signal: drain.signal }).catch(() => undefined)]);
    drain.abort();
  } finally {
    waits.abort();
    clearTimeout(windowTimer);
    o.signal?.removeEventListener('abort', onAbort);
    if (timer) clearInterval(timer);
  }
  report();
  const seconds = Math.max(0.001, (Math.min(performance.now(), end) - warmEnd) / 1000);
  return {
    ops: total.count,
    seconds,
    throughput: total.count / seconds,
    latency: total.summary(),
    errors: Object.fromEntries([...errors].sort((a, b) => b[1] - a[1])),
    errorCount,
    warmupErrors,
    intervalMs,
    timeline: timeline.points(),
    abandoned: inFlight,
  };
}

/**
 * Exactly `total` operations by `clients` concurrent loops (for "after N writes" figures). Failures
 * are counted, not retried; resolves with the count of failures. Progress every `progressEvery` ops.
 */
export async function runCounted(o: { clients: number; total: number; op: Op; onProgress?: (done: number, failed: number) => void; progressEvery?: number; signal?: AbortSignal }): Promise<{ failed: number; ms: number }> {
  let next = 0;
  let done = 0;
  let failed = 0;
  const every = o.progressEvery ?? 5000;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(o.clients, o.total) }, async (_, c) => {
      while (next < o.total && o.signal?.aborted !== true) {
        const i = next++;
        try {
          await o.op(c, i);
        } catch {
          failed++;
          await sleep(5);
        }
        done++;
        if (done % every === 0) o.onProgress?.(done, failed);
      }
    }),
  );
  return { failed, ms: performance.now() - t0 };
}
