// Which node leads, as far as the proxy can tell: learned from /status polling (a node that says it
// is the leader, highest term wins), from 421 leader hints, and from successful writes. Refreshes
// are single-flight and rate-limited, so 64 writers hitting a dead leader at once cause one round
// of /status calls, not 64.
import { KvBatcher, KvClient } from '../client/index.js';
import type { LeaderRef, NodeStatus, ProxyNodeView, RoleName } from '../shared/index.js';

export interface TrackedNode {
  readonly id: number;
  readonly url: string;
  readonly client: KvClient;
  /** The same KV calls, coalesced with other concurrent ones into POST /batch requests. */
  readonly batch: KvBatcher;
}

interface View {
  reachable: boolean;
  role: RoleName | null;
  term: number | null;
  leader: number | null;
  lastError?: string;
}

export interface LeaderTrackerOptions {
  readonly nodes: ReadonlyMap<number, string>;
  readonly token?: string | undefined;
  /** Background /status polling interval (ms); 0 = only on demand. */
  readonly pollMs: number;
  /** Deadline of one /status call during a refresh (ms). */
  readonly statusTimeoutMs: number;
  /** Minimum spacing of on-demand refreshes (ms). */
  readonly minRefreshGapMs: number;
  /** Connections per node pool. */
  readonly connections: number;
}

export class LeaderTracker {
  readonly nodes: ReadonlyMap<number, TrackedNode>;
  readonly #o: LeaderTrackerOptions;
  readonly #views = new Map<number, View>();
  #leader: number | undefined;
  #leaderTerm = 0;
  #refreshing: Promise<number | undefined> | undefined;
  #lastRefresh = -Infinity;
  #timer: NodeJS.Timeout | undefined;
  #rr = 0;
  /** Waiters for the leader to become some node other than the one they name. */
  readonly #moveWaiters = new Set<{ from: number; resolve: (n: TrackedNode) => void }>();

  constructor(o: LeaderTrackerOptions) {
    this.#o = o;
    const nodes = new Map<number, TrackedNode>();
    for (const [id, url] of o.nodes) {
      const client = new KvClient(url, { token: o.token, connections: o.connections, timeoutMs: 5_000 });
      nodes.set(id, { id, url, client, batch: new KvBatcher(client) });
      this.#views.set(id, { reachable: true, role: null, term: null, leader: null });
    }
    this.nodes = nodes;
  }

  start(): void {
    if (this.#o.pollMs > 0 && this.#timer === undefined) {
      this.#timer = setInterval(() => void this.refresh(true), this.#o.pollMs);
      this.#timer.unref();
    }
    void this.refresh(true);
  }

  get leader(): TrackedNode | undefined {
    return this.#leader === undefined ? undefined : this.nodes.get(this.#leader);
  }

  /** A node answered a write as leader (or a 421 pointed at it). */
  setLeader(id: number, term?: number): void {
    if (!this.nodes.has(id)) return;
    this.#adopt(id);
    if (term !== undefined) this.#leaderTerm = Math.max(this.#leaderTerm, term);
  }

  /**
   * Resolves with the new leader as soon as the tracker believes some node other than `from` leads
   * (from polling, a hint or another request's success). Lets a request stuck at a paused or
   * deposed leader move on without waiting out its timeout. `cancel` drops the waiter.
   */
  whenLeaderMoves(from: number): { moved: Promise<TrackedNode>; cancel: () => void } {
    let waiter: { from: number; resolve: (n: TrackedNode) => void } | undefined;
    const moved = new Promise<TrackedNode>((resolve) => {
      waiter = { from, resolve };
      this.#moveWaiters.add(waiter);
    });
    return { moved, cancel: () => void (waiter && this.#moveWaiters.delete(waiter)) };
  }

  #adopt(id: number): void {
    this.#leader = id;
    if (this.#moveWaiters.size === 0) return;
    const node = this.nodes.get(id);
    if (node === undefined) return;
    for (const w of [...this.#moveWaiters]) {
      if (w.from === id) continue;
      this.#moveWaiters.delete(w);
      w.resolve(node);
    }
  }

  /** Follows a 421 hint (a URL); returns the node it names, if it is one of ours. */
  hint(url: string | undefined): TrackedNode | undefined {
    if (url === undefined) return undefined;
    const clean = url.replace(/\/+$/, '');
    for (const n of this.nodes.values()) {
      if (n.url === clean) {
        this.#adopt(n.id);
        return n;
      }
    }
    return undefined;
  }

  /** The node we sent to failed in a way that says it is not (or no longer) the leader. */
  suspect(id: number, why: string): void {
    if (this.#leader === id) this.#leader = undefined;
    const v = this.#views.get(id);
    if (v) {
      v.lastError = why;
      if (why.startsWith('UNREACHABLE') || why.startsWith('CONNECTION_LOST')) v.reachable = false;
    }
  }

  /** Nodes to read from: followers first (round-robin), then the leader, then the rest. */
  readOrder(): TrackedNode[] {
    const all = [...this.nodes.values()];
    const leader = this.#leader;
    const followers = all.filter((n) => n.id !== leader && this.#views.get(n.id)?.reachable !== false);
    const rest = all.filter((n) => n.id !== leader && !followers.includes(n));
    if (followers.length > 1) {
      const k = this.#rr++ % followers.length;
      followers.push(...followers.splice(0, k));
    }
    const out = [...followers];
    const l = this.leader;
    if (l) out.push(l);
    out.push(...rest);
    return out;
  }

  /** Any node, round-robin (when no leader is known, one of them may know). */
  anyNode(): TrackedNode {
    const all = [...this.nodes.values()];
    const n = all[this.#rr++ % all.length];
    if (n === undefined) throw new Error('LeaderTracker has no nodes');
    return n;
  }

  /**
   * Asks every node for /status and adopts the leader with the highest term. Single-flight; an
   * on-demand call within minRefreshGapMs of the last one just waits for / returns the current view.
   */
  refresh(force = false): Promise<number | undefined> {
    if (this.#refreshing) return this.#refreshing;
    const now = performance.now();
    if (!force && now - this.#lastRefresh < this.#o.minRefreshGapMs) return Promise.resolve(this.#leader);
    this.#lastRefresh = now;
    this.#refreshing = this.#poll().finally(() => {
      this.#refreshing = undefined;
    });
    return this.#refreshing;
  }

  /**
   * Asks every node for /status. Resolves as soon as a node says it leads (in a term at least as new
   * as the last leader's) — a slow or dead node does not delay the answer — or once all have answered.
   */
  #poll(): Promise<number | undefined> {
    return new Promise((resolve) => {
      let pending = this.nodes.size;
      let resolved = false;
      const consider = (s: NodeStatus): void => {
        if (s.kind === 'node' && s.role === 'leader' && s.term >= this.#leaderTerm) {
          this.#adopt(s.id);
          this.#leaderTerm = s.term;
          if (!resolved) {
            resolved = true;
            resolve(s.id);
          }
        }
      };
      const settled = (): void => {
        if (--pending > 0 || resolved) return;
        resolved = true;
        // Nobody claims leadership right now; keep the last leader only if it is still up.
        if (this.#leader !== undefined && !this.#views.get(this.#leader)?.reachable) this.#leader = undefined;
        resolve(this.#leader);
      };
      for (const n of this.nodes.values()) {
        n.client.status({ timeoutMs: this.#o.statusTimeoutMs }).then(
          (st) => {
            const s = st as NodeStatus;
            this.#views.set(n.id, { reachable: true, role: s.role ?? null, term: s.term ?? null, leader: s.leader?.id ?? null });
            if (this.#leader === n.id && s.role !== 'leader') this.#leader = undefined;
            consider(s);
            settled();
          },
          (err: unknown) => {
            const v = this.#views.get(n.id);
            this.#views.set(n.id, { reachable: false, role: v?.role ?? null, term: v?.term ?? null, leader: null, lastError: err instanceof Error ? err.message : String(err) });
            settled();
          },
        );
      }
      if (pending === 0) resolve(undefined);
    });
  }

  /** For the proxy's /status. */
  view(): { leader: LeaderRef | null; nodes: ProxyNodeView[] } {
    const l = this.leader;
    return {
      leader: l ? { id: l.id, url: l.url } : null,
      nodes: [...this.nodes.values()].map((n) => {
        const v = this.#views.get(n.id);
        return {
          id: n.id,
          url: n.url,
          reachable: v?.reachable ?? false,
          role: v?.role ?? null,
          term: v?.term ?? null,
          ...(v?.lastError !== undefined && !v.reachable ? { lastError: v.lastError } : {}),
        };
      }),
    };
  }

  async close(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    await Promise.all([...this.nodes.values()].map((n) => n.client.close()));
  }
}
