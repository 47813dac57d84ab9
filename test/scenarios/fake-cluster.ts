// An in-memory cluster behind the runner's ClusterAdapter: nodes with states and roles, one KV store,
// and switches that plant the bugs the runner must catch (stale reads, lost writes, refusals, hangs).
// Elections happen when status() has been asked `electionPolls` times after the leader went away,
// so awaits really poll, and `elect: false` makes a cluster that never recovers.
import { KvError } from '../../src/client/index.js';
import type { ActionOutcome, ClusterAdapter, KvEndpoint } from '../../src/scenarios/index.js';
import type { ClusterStatus, StatusProcess } from '../../src/supervisor/index.js';

type State = 'running' | 'stopped' | 'crashed' | 'paused';

interface FakeNode { id: number; name: string; state: State; role: 'leader' | 'follower' | null; term: number; applied: number }

export interface FakeOptions {
  nodes?: number;
  /** status() calls after the leader vanished before a new one is elected (default 2). */
  electionPolls?: number;
  /** false: no new leader is ever elected. */
  elect?: boolean;
}

export class FakeCluster implements ClusterAdapter {
  readonly nodes: FakeNode[];
  readonly store = new Map<string, string>();
  index = 0;
  statusCalls = 0;
  #sinceLeaderLost = 0;
  partitions: string[][] | null = null;
  readonly log: string[] = [];

  // Planted behaviour -------------------------------------------------------------------------------
  /** The next N linearizable gets of a key return this value instead of the truth. */
  staleReads = new Map<string, { value: string | null; times: number }>();
  /** Puts of these values are acknowledged but not stored (a lost write). */
  readonly dropped = new Set<string>();
  /** Every write is refused with this code (definite), e.g. NO_QUORUM. */
  refuseWrites: string | null = null;
  /** Every request waits this long before answering (or forever, capped by the caller's timeout). */
  delayMs = 0;
  /** Requests waiting out delayMs right now. */
  delayed = 0;
  elect: boolean;
  electionPolls: number;

  constructor(opts: FakeOptions = {}) {
    const n = opts.nodes ?? 3;
    this.elect = opts.elect ?? true;
    this.electionPolls = opts.electionPolls ?? 2;
    this.nodes = Array.from({ length: n }, (_, i) => ({ id: i + 1, name: `node-${i + 1}`, state: 'running' as State, role: i === 0 ? 'leader' as const : 'follower' as const, term: 1, applied: 0 }));
  }

  leader(): FakeNode | undefined {
    return this.nodes.find((n) => n.role === 'leader' && n.state === 'running');
  }

  status(): Promise<ClusterStatus> {
    this.statusCalls++;
    this.#maybeElect();
    const leader = this.leader();
    const rows: StatusProcess[] = this.nodes.map((n) => {
      const live = n.state === 'running';
      return {
        name: n.name, kind: 'node', id: n.id, pid: live || n.state === 'paused' ? 1000 + n.id : null, state: n.state, url: `fake://${n.name}`,
        role: live ? n.role : null, term: live ? n.term : null, leader: live ? (leader?.id ?? null) : null,
        commitIndex: live ? this.index : null, appliedIndex: live ? n.applied : null, lastLogIndex: live ? this.index : null,
        lag: live && leader !== undefined ? Math.max(0, this.index - n.applied) : null,
      };
    });
    rows.push({ name: 'proxy', kind: 'proxy', id: null, pid: 2000, state: 'running', url: 'fake://proxy', leader: leader?.id ?? null });
    return Promise.resolve({ leader: leader?.id ?? null, term: Math.max(...this.nodes.map((n) => n.term)), processes: rows, partition: this.partitions?.map((g) => g.map((x) => Number(x.slice(5)))) ?? null });
  }

  act(action: string, names: readonly string[]): Promise<ActionOutcome[]> {
    this.log.push(`${action} ${names.join(',')}`);
    return Promise.resolve(names.map((name) => {
      const n = this.nodes.find((x) => x.name === name);
      if (n === undefined) return { name, ok: name === 'proxy', message: `${action} proxy` };
      const was = n.role === null ? '' : ` (${n.role}, term ${n.term})`;
      switch (action) {
        case 'kill': case 'stop':
          n.state = action === 'kill' ? 'crashed' : 'stopped';
          n.role = null;
          return { name, ok: true, message: `${action === 'kill' ? 'killed' : 'stopped'} ${name}${was}` };
        case 'start':
          n.state = 'running';
          n.role = 'follower';
          n.applied = this.index;
          n.term = Math.max(...this.nodes.map((x) => x.term)); // it hears from the leader at once
          return { name, ok: true, message: `started ${name}` };
        case 'pause':
          n.state = 'paused';
          return { name, ok: true, message: `paused ${name}${was}` };
        case 'resume':
          n.state = 'running';
          return { name, ok: true, message: `resumed ${name}` };
        default:
          return { name, ok: true, message: `${action} ${name}` };
      }
    }));
  }

  partition(groups: readonly (readonly string[])[]): Promise<string> {
    this.partitions = groups.map((g) => [...g]);
    return Promise.resolve(`partitioned: ${groups.map((g) => `{${g.join(',')}}`).join(' | ')}`);
  }

  heal(): Promise<string> {
    this.partitions = null;
    return Promise.resolve('healed');
  }

  endpoint(url: string): KvEndpoint {
    const name = url.replace('fake://', '');
    const up = async (timeoutMs = 10_000): Promise<void> => {
      if (this.delayMs > 0) {
        this.delayed++;
        try {
          await waitOrTimeout(this.delayMs, timeoutMs, url);
        } finally {
          this.delayed--;
        }
      }
      if (name === 'proxy') {
        if (this.leader() === undefined) throw new KvError('NO_QUORUM', 503, true, 'no leader');
        return;
      }
      const n = this.nodes.find((x) => x.name === name);
      if (n === undefined || n.state === 'stopped' || n.state === 'crashed') throw new KvError('UNREACHABLE', 0, true, `${url}: cannot connect`);
    };
    const write = async (timeoutMs?: number): Promise<void> => {
      await up(timeoutMs);
      if (this.refuseWrites !== null) throw new KvError(this.refuseWrites, 503, true, `refused: ${this.refuseWrites}`);
    };
    const commit = (): number => {
      this.index++;
      for (const n of this.nodes) if (n.state === 'running') n.applied = this.index;
      return this.index;
    };
    return {
      put: async (key, value, opts) => {
        await write(opts?.timeoutMs);
        if (!this.dropped.has(value)) this.store.set(key, value);
        return { index: commit() };
      },
      get: async (key, opts) => {
        await up(opts?.timeoutMs);
        const stale = this.staleReads.get(key);
        if (stale !== undefined && stale.times > 0 && opts?.consistency !== 'stale') {
          stale.times--;
          return stale.value;
        }
        return this.store.get(key) ?? null;
      },
      delete: async (key, opts) => {
        await write(opts?.timeoutMs);
        const deleted = this.store.delete(key);
        commit();
        return { deleted };
      },
      cas: async (key, from, to, opts) => {
        await write(opts?.timeoutMs);
        const current = this.store.get(key) ?? null;
        if (current !== from) throw new KvError('CAS_MISMATCH', 409, true, 'mismatch', undefined, current);
        this.store.set(key, to);
        return { index: commit() };
      },
    };
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  #maybeElect(): void {
    if (this.leader() !== undefined) {
      this.#sinceLeaderLost = 0;
      return;
    }
    const running = this.nodes.filter((n) => n.state === 'running');
    if (!this.elect || running.length <= this.nodes.length / 2) return;
    if (++this.#sinceLeaderLost < this.electionPolls) {
      for (const n of running) n.role = 'follower';
      return;
    }
    const next = running[0];
    if (next === undefined) return;
    const term = Math.max(...this.nodes.map((n) => n.term)) + 1;
    for (const n of running) {
      n.term = term;
      n.role = n === next ? 'leader' : 'follower';
    }
  }
}

/** Resolve after `ms`, or reject with a client-side TIMEOUT (no answer) when the caller's deadline is shorter. */
function waitOrTimeout(ms: number, timeoutMs: number, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    // unref: a request abandoned by an interrupted step must not keep the test process alive.
    if (timeoutMs < ms) setTimeout(() => reject(new KvError('TIMEOUT', 0, false, `${what}: no answer within ${timeoutMs} ms`)), timeoutMs).unref();
    else setTimeout(resolve, ms).unref();
  });
}
