// "Ready" means what a user means: a leader is elected AND a write has committed through the proxy
// (so clients can use the cluster right now). `up` waits for it; `up -d` shows each phase.
import type { ClusterStatus } from '../shared/status-table.js';

export type ReadyPhase = 'starting' | 'electing' | 'committing' | 'ready' | 'failed';

/** Where startup stands; served on the control socket as GET /ready. */
export interface ReadyState {
  phase: ReadyPhase;
  /** One human line: "waiting for a leader (3 nodes answering)". */
  detail: string;
  /** Since the supervisor started. */
  elapsedMs: number;
  leader: number | null;
  term: number | null;
  /** Set when phase is failed. */
  error?: string;
}

/** The key the readiness write uses (a visible, harmless marker in the keyspace). */
export const READY_KEY = 'raft-sup:ready';

export interface ReadinessDeps {
  status(): Promise<ClusterStatus>;
  /** A child that died while we were waiting, with its last words: fail fast instead of timing out. */
  crashed(): string | null;
  /** One write through the proxy; resolves on commit, rejects otherwise. */
  writeThroughProxy(): Promise<void>;
  /** Aborts the wait (the cluster is going down). */
  signal: AbortSignal;
  timeoutMs: number;
  pollMs?: number;
  onChange(state: ReadyState): void;
}

/** Wait until ready, failed (a child died) or timed out; reports every phase through onChange. */
export async function awaitReady(deps: ReadinessDeps): Promise<ReadyState> {
  const t0 = Date.now();
  const pollMs = deps.pollMs ?? 100;
  let last = null as ReadyState | null;
  const report = (phase: ReadyPhase, detail: string, leader: number | null = null, term: number | null = null, error?: string): ReadyState => {
    const state: ReadyState = { phase, detail, elapsedMs: Date.now() - t0, leader, term };
    if (error !== undefined) state.error = error;
    if (last === null || last.phase !== state.phase || last.detail !== state.detail) deps.onChange(state);
    last = state;
    return state;
  };
  let lastWriteError = '';
  for (;;) {
    if (deps.signal.aborted) return report('failed', 'stopped before the cluster was ready', null, null, 'the cluster was stopped before it was ready');
    const crash = deps.crashed();
    if (crash !== null) return report('failed', crash, null, null, crash);
    if (Date.now() - t0 > deps.timeoutMs) {
      const why = last?.phase === 'committing' ? `no write committed through the proxy${lastWriteError ? ` (last error: ${lastWriteError})` : ''}` : 'no leader was elected';
      return report('failed', `not ready after ${Math.round(deps.timeoutMs / 1000)} s: ${why}`, last?.leader ?? null, last?.term ?? null, `not ready after ${Math.round(deps.timeoutMs / 1000)} s: ${why}`);
    }
    let status: ClusterStatus | null = null;
    try {
      status = await deps.status();
    } catch { /* next round */ }
    const answering = status?.processes.filter((p) => p.kind === 'node' && p.role != null).length ?? 0;
    const nodes = status?.processes.filter((p) => p.kind === 'node').length ?? 0;
    if (status === null || answering === 0) {
      report('starting', `starting ${nodes} nodes and the proxy`);
    } else if (status.leader === null) {
      report('electing', `waiting for a leader (${answering} of ${nodes} nodes answering)`, null, status.term);
    } else {
      report('committing', `node-${status.leader} leads term ${status.term ?? '?'}; writing through the proxy`, status.leader, status.term);
      try {
        await deps.writeThroughProxy();
        return report('ready', `ready: node-${status.leader} leads term ${status.term ?? '?'}, a write committed through the proxy`, status.leader, status.term);
      } catch (err) {
        lastWriteError = err instanceof Error ? err.message : String(err);
      }
    }
    await new Promise<void>((resolve) => {
      const onAbort = (): void => { clearTimeout(timer); resolve(); };
      const timer = setTimeout(() => { deps.signal.removeEventListener('abort', onAbort); resolve(); }, pollMs);
      deps.signal.addEventListener('abort', onAbort, { once: true });
    });
  }
}
