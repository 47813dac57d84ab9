// `status` and `leader` inside the REPL, built from the HTTP /status of the proxy or of any node
// (the REPL may run on another machine than the supervisor, so it does not use the control socket).
// The table is the supervisor's renderer, fed with what the nodes say about themselves.
import { KvError } from '../index.js';
import type { NodeStatus, ProxyStatus } from '../../shared/index.js';
import type { ClusterStatus, StatusProcess } from '../../shared/status-table.js';
import { CANCELLED } from './http-call.js';
import type { HttpCaller } from './http-call.js';
import { withRetries } from './retry.js';

type AnyStatus = NodeStatus | ProxyStatus;

export type ViewOutcome<T> =
  | { readonly ok: true; readonly value: T; readonly servedBy: string; readonly latencyMs: number; readonly attempts: number }
  | { readonly ok: false; readonly error: KvError; readonly gaveUp: boolean; readonly servedBy: string; readonly latencyMs: number; readonly attempts: number };

export interface LeaderView {
  /** null: nobody leads right now (as far as the asked process knows). */
  readonly id: number | null;
  readonly url: string | null;
  readonly term: number | null;
}

/** Per-node /status deadline while drawing the table: a dead node must not stall the others. */
const NODE_STATUS_TIMEOUT_MS = 1000;

/** GET /status of `url`, retrying outages within the deadline. */
export async function fetchStatus(caller: HttpCaller, url: string, deadlineMs: number, signal?: AbortSignal): Promise<ViewOutcome<AnyStatus>> {
  const r = await withRetries(url, (base, timeoutMs) => caller.call<AnyStatus>(base, { method: 'GET', path: '/status', timeoutMs, signal }), { deadlineMs, signal });
  if (r.value !== undefined) return { ok: true, value: r.value.body, servedBy: r.value.servedBy ?? r.url, latencyMs: r.elapsedMs, attempts: r.attempts };
  return { ok: false, error: r.error as KvError, gaveUp: r.gaveUp, servedBy: r.url, latencyMs: r.elapsedMs, attempts: r.attempts };
}

/** Who leads, according to the proxy or node at `url`. */
export async function fetchLeader(caller: HttpCaller, url: string, deadlineMs: number, signal?: AbortSignal): Promise<ViewOutcome<LeaderView>> {
  const s = await fetchStatus(caller, url, deadlineMs, signal);
  if (!s.ok) return s;
  return { ...s, value: leaderOf(s.value) };
}

/** The leader as one /status answer sees it. */
export function leaderOf(s: AnyStatus): LeaderView {
  if (s.leader === null) return { id: null, url: null, term: s.kind === 'node' ? s.term : maxTerm(s) };
  const id = s.leader.id;
  const term = s.kind === 'node' ? s.term : (s.nodes.find((n) => n.id === id)?.term ?? maxTerm(s));
  return { id, url: s.leader.url, term };
}

/** The whole cluster as the status table wants it: the proxy (if asked) and every node it knows. */
export async function fetchCluster(caller: HttpCaller, url: string, deadlineMs: number, signal?: AbortSignal): Promise<ViewOutcome<ClusterStatus>> {
  const first = await fetchStatus(caller, url, deadlineMs, signal);
  if (!first.ok) return first;
  const s = first.value;
  const processes: StatusProcess[] = [];
  let nodes: { id: number; url: string }[];
  let known: Map<number, NodeStatus>;
  if (s.kind === 'proxy') {
    processes.push({ name: 'proxy', kind: 'proxy', state: 'running', url });
    nodes = s.nodes.map((n) => ({ id: n.id, url: n.url }));
    known = new Map();
  } else {
    known = new Map([[s.id, s]]);
    let leader: NodeStatus | undefined = s.role === 'leader' ? s : undefined;
    if (leader === undefined && s.leader?.url) {
      const l = await nodeStatus(caller, s.leader.url, signal);
      if (l !== undefined) {
        known.set(l.id, l);
        leader = l;
      }
    }
    nodes = [{ id: s.id, url: s.url }, ...(leader === undefined ? [] : [{ id: leader.id, url: leader.url }, ...(leader.peers ?? [])])];
  }
  const unique = [...new Map(nodes.map((n) => [n.id, n])).values()].sort((a, b) => a.id - b.id);
  const statuses = await Promise.all(unique.map(async (n) => known.get(n.id) ?? nodeStatus(caller, n.url, signal)));
  // Per-node failures read as "unreachable"; a Ctrl+C must read as what it was.
  if (signal?.aborted === true) {
    return { ok: false, error: new KvError(CANCELLED, 0, true, 'cancelled'), gaveUp: false, servedBy: first.servedBy, latencyMs: first.latencyMs, attempts: first.attempts };
  }
  const leaderStatus = statuses.find((x) => x?.role === 'leader');
  unique.forEach((n, i) => {
    const ns = statuses[i];
    if (ns === undefined) {
      processes.push({ name: `node-${n.id}`, kind: 'node', id: n.id, state: 'unreachable', url: n.url });
      return;
    }
    processes.push({
      name: `node-${n.id}`, kind: 'node', id: n.id, state: 'running', url: n.url, role: ns.role, term: ns.term,
      leader: ns.leader?.id ?? null, commitIndex: ns.commitIndex, appliedIndex: ns.appliedIndex, lastLogIndex: ns.lastLogIndex,
      // Lag: log entries the node is missing compared with the leader (unknown without a leader).
      lag: leaderStatus === undefined ? null : Math.max(0, leaderStatus.lastLogIndex - ns.lastLogIndex),
    });
  });
  const leaderId = s.kind === 'proxy' ? (s.leader?.id ?? leaderStatus?.id ?? null) : (leaderStatus?.id ?? s.leader?.id ?? null);
  const terms = statuses.flatMap((x) => (x === undefined ? [] : [x.term]));
  const term = terms.length > 0 ? Math.max(...terms) : null;
  return { ...first, value: { leader: leaderId, term, processes } };
}

/** Renders the table with the supervisor's renderer (loaded on first use: it is not small). */
export async function renderCluster(status: ClusterStatus, color: boolean): Promise<string> {
  const { renderStatusTable, renderStatusSummary } = await import('../../shared/status-table.js');
  return `${renderStatusTable(status, { color })}\n${renderStatusSummary(status)}`;
}

async function nodeStatus(caller: HttpCaller, url: string, signal?: AbortSignal): Promise<NodeStatus | undefined> {
  try {
    const a = await caller.call<AnyStatus>(url, { method: 'GET', path: '/status', timeoutMs: NODE_STATUS_TIMEOUT_MS, signal });
    return a.body.kind === 'node' ? a.body : undefined;
  } catch {
    return undefined;
  }
}

function maxTerm(s: ProxyStatus): number | null {
  const terms = s.nodes.flatMap((n) => (n.term === null ? [] : [n.term]));
  return terms.length > 0 ? Math.max(...terms) : null;
}
