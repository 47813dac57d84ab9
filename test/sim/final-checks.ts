// The end of a run: has the healed cluster converged, and is what it ended with right? (one state
// machine image everywhere, a linearizable client history in which no acknowledged write is lost).
import { checkLinearizable, checkLostWrites, type Operation } from '../../src/check/index.js';
import type { Raft } from '../../src/raft/index.js';
import { SimViolation } from './invariants.js';
import type { SimNode } from './node.js';

/** Everyone up and running, following one leader, with every log identical, committed and applied. */
export function clusterConverged(nodes: readonly SimNode[], leader: Raft | undefined, pendingOps: number): boolean {
  if (leader === undefined || pendingOps > 0) return false;
  const last = leader.log.lastIndex();
  for (const n of nodes) {
    const r = n.raft;
    if (r === undefined || n.paused || r.term !== leader.term || r.leader !== leader.id) return false;
    if (r.log.lastIndex() !== last || r.log.committed !== last || r.log.applied !== last || n.kv.appliedIndex !== last) return false;
  }
  return true;
}

export function describeCluster(nodes: readonly SimNode[], pendingOps: number): string {
  const parts = nodes.map((n) => {
    const r = n.raft;
    if (r === undefined) return `n${n.id} down`;
    if (n.paused) return `n${n.id} paused`;
    return `n${n.id} ${r.role} t${r.term} leader=${r.leader} last=${r.log.lastIndex()}/t${r.log.lastTerm()} commit=${r.log.committed} applied=${r.log.applied}`;
  });
  return `${parts.join('; ')}; pending client ops ${pendingOps}`;
}

/** Every replica's state machine is byte-identical to the leader's. */
export function checkSameState(nodes: readonly SimNode[], leader: SimNode): void {
  const image = leader.kv.snapshot();
  for (const n of nodes) {
    if (n.kv.snapshot() !== image) throw new SimViolation(`final: node ${n.id}'s state machine differs from leader ${leader.id}'s at index ${n.kv.appliedIndex}`);
  }
}

/** Milliseconds of CPU this process has used (user + system). */
function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/**
 * The client history, plus a final read of every key (taken at `at`, after everything else), must be
 * linearizable: reads see the latest acknowledged write or a concurrent one, and no acknowledged
 * write disappears.
 */
export function checkClientHistory(ops: readonly Operation[], finalReads: ReadonlyMap<string, string | null>, at: number, node: string): void {
  const history = ops.slice();
  for (const [key, value] of finalReads) {
    history.push({ id: history.length + 1_000_000, client: 0, kind: 'get', key, value, invoke: at, complete: at, outcome: 'ok', node: `${node} (final)` });
  }
  // The budget counts this process's CPU time, not wall time: a paused or CPU-starved run (a busy CI
  // machine, a SIGSTOP) must not turn into a "checker gave up" failure.
  const lin = checkLinearizable(history, { timeoutMs: 30_000, now: cpuMs });
  if (lin.valid === true) return;
  // Explain with the dedicated lost-write check when it applies (it reads better than a WGL trace).
  const lost = checkLostWrites(ops, new Map(finalReads));
  if (!lost.ok) throw new SimViolation(`lost write: ${lost.lost.map((l) => l.message).join('; ')}`);
  if (lin.valid === false) throw new SimViolation(`linearizability: ${lin.failures.map((f) => f.message).join('; ')}`);
  throw new SimViolation(`linearizability: checker gave up on keys ${lin.unknownKeys.join(', ')} (history of ${history.length} ops)`);
}
