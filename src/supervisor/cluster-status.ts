// What `status` shows: each child's process state (from the supervisor) merged with what each live
// node says about itself (GET /status), plus the lag of every node behind the leader.
//
// Decisions:
// - Only running children are asked (a paused node cannot answer; a stopped one is not there), each
//   with a short deadline in parallel, so one stuck node never stalls the table.
// - The cluster's leader is the node claiming leadership with the highest term: a partitioned old
//   leader may still believe it leads in an older term.
// - lag = leader's commitIndex − node's appliedIndex (≥ 0): how many committed entries this node has
//   not applied yet. 0 means caught up. Unknown (null) without a leader or an answer.
import type { NodeStatus, ProxyStatus } from '../shared/index.js';
import type { ChildSnapshot } from './child-process.js';
import type { ClusterStatus, StatusProcess } from '../shared/status-table.js';

/** One child as the status collector needs it. */
export interface StatusChild {
  snapshot: ChildSnapshot;
  kind: 'node' | 'proxy';
  id: number | null;
  url: string;
}

/** What a live process answered on /status, or null if it did not answer in time. */
export type Probe = NodeStatus | ProxyStatus | null;

/** Merge process snapshots and /status answers into the SPEC `status --json` shape. */
export function mergeStatus(children: readonly StatusChild[], probes: ReadonlyMap<string, Probe>, partition: number[][] | null): ClusterStatus {
  const nodeAnswers = children
    .map((c) => probes.get(c.snapshot.name))
    .filter((s): s is NodeStatus => s != null && s.kind === 'node');
  const leaders = nodeAnswers.filter((s) => s.role === 'leader');
  const leader = leaders.length === 0 ? null : leaders.reduce((a, b) => (b.term > a.term ? b : a));
  const term = nodeAnswers.length === 0 ? null : Math.max(...nodeAnswers.map((s) => s.term));

  const processes: StatusProcess[] = children.map((c) => {
    const snap = c.snapshot;
    const probe = probes.get(snap.name) ?? null;
    const row: StatusProcess = {
      name: snap.name,
      kind: c.kind,
      id: c.id,
      pid: snap.pid,
      state: snap.state,
      url: c.url,
      role: null,
      term: null,
      leader: null,
      commitIndex: null,
      appliedIndex: null,
      lastLogIndex: null,
      lag: null,
    };
    if (snap.sparePid !== null) row.sparePid = snap.sparePid;
    if (snap.state === 'crashed' && snap.lastExit !== null) {
      row.exitCode = snap.lastExit.code;
      row.signal = snap.lastExit.signal ?? (snap.lastExit.error !== undefined ? 'spawn failed' : null);
    }
    if (probe?.kind === 'node') {
      row.role = probe.role;
      row.term = probe.term;
      row.leader = probe.leader?.id ?? null;
      row.commitIndex = probe.commitIndex;
      row.appliedIndex = probe.appliedIndex;
      row.lastLogIndex = probe.lastLogIndex;
      row.lag = leader === null ? null : Math.max(0, leader.commitIndex - probe.appliedIndex);
    } else if (probe?.kind === 'proxy') {
      row.leader = probe.leader?.id ?? null;
    }
    return row;
  });
  return { leader: leader?.id ?? null, term, processes, partition };
}
