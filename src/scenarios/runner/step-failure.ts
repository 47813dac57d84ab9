// How a step says it failed: an expectation and what was actually seen, both one readable line.
// Thrown inside step code, caught by the engine, which adds the path and the cluster status.

/** The step's expectation was not met. */
export class StepFailure extends Error {
  override readonly name = 'StepFailure';
  constructor(readonly expected: string, readonly seen: string) {
    super(`expected ${expected}; saw ${seen}`);
  }
}

/** Something the parser promised did not hold: a bug in raft-sup, never the cluster's fault. */
export class RunnerBug extends Error {
  override readonly name = 'RunnerBug';
  constructor(message: string) {
    super(`runner bug: ${message}`);
  }
}

/** The run was interrupted (Ctrl+C) while the step ran. */
export class Interrupted extends Error {
  override readonly name = 'Interrupted';
  constructor() {
    super('interrupted');
  }
}

/** One attempt's deadline and the run's interruption, passed to every step implementation. */
export interface Attempt {
  /** Absolute Date.now() deadline of this attempt. */
  readonly deadline: number;
  /** Aborted on interruption (not on the deadline: steps watch the deadline themselves). */
  readonly signal: AbortSignal;
  /** Live progress for the checklist ("node-3 lag 12"). */
  progress(text: string): void;
}

/** Milliseconds left, at least 1 (HTTP deadlines refuse 0). */
export function remaining(a: Attempt): number {
  return Math.max(1, a.deadline - Date.now());
}

/** Throws Interrupted when the run was interrupted. */
export function checkInterrupted(a: { signal: AbortSignal }): void {
  if (a.signal.aborted) throw new Interrupted();
}

/**
 * Wait `ms` (a poll interval between two looks at the cluster, never a stand-in for a condition),
 * returning early on interruption.
 */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted || ms <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/** The interval between two looks at the cluster while waiting for a condition. */
export const POLL_MS = 50;

/**
 * Poll `look` until it reports done or the attempt's deadline passes. `look` returns what it saw (for
 * the failure message and the live progress). Throws StepFailure(expected, last seen) at the deadline.
 */
export async function pollUntil(a: Attempt, expected: string, look: () => Promise<{ done: boolean; seen: string }>): Promise<string> {
  for (;;) {
    checkInterrupted(a);
    const r = await look();
    if (r.done) return r.seen;
    a.progress(r.seen);
    const left = a.deadline - Date.now();
    // The last look happens at the deadline, not a poll interval before it.
    if (left <= 0) throw new StepFailure(expected, r.seen);
    await pause(Math.min(POLL_MS, left), a.signal);
  }
}

/** A readable one-line account of any error (KvError code + message, or the message). */
export function describeError(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return typeof code === 'string' && !err.message.startsWith(code) ? `${code}: ${err.message}` : err.message;
  }
  return String(err);
}
