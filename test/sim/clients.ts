// Simulated clients: each runs one operation at a time (put/get/cas/delete on a few shared keys),
// retries it on another node when an attempt fails or times out, and keeps the same (clientId, seq)
// across retries so the state machine applies a write once. Every operation lands in a history that
// the linearizability checker reads at the end.
import { encodeCommand, type KvCommand, type KvResult } from '../../src/kv/index.js';
import type { Operation } from '../../src/check/index.js';
import { NONE, type NodeId } from '../../src/raft/index.js';
import type { SimParams } from './params.js';
import type { Prng } from './prng.js';

/** What clients need from the simulator: a clock for the history and two ways to reach a node. */
export interface ClientHost {
  /** Event counter: strictly increasing, so real-time order in the history is exact. */
  clock(): number;
  readonly now: number;
  readonly nodeIds: readonly NodeId[];
  /** Propose on `node`: 'down', a redirect (not leader / transferring), or proposed. */
  tryWrite(node: NodeId, data: string, client: number, opId: number): { kind: 'down' } | { kind: 'redirect'; leader: NodeId } | { kind: 'proposed' };
  /** Ask `node` for a ReadIndex; the answer comes back through onReadResult / onReadFailed. */
  tryRead(node: NodeId, ctx: string, key: string, client: number, opId: number): 'down' | 'sent';
  trace?: ((line: string) => void) | undefined;
}

interface InFlight {
  readonly op: Operation;
  readonly data: string;
  attempts: number;
  /** Waiting for the current attempt's answer until `deadline`; otherwise retry at `retryAt`. */
  waiting: boolean;
  deadline: number;
  retryAt: number;
  lastTarget: NodeId;
}

interface ClientState {
  readonly id: number;
  seq: number;
  current: InFlight | undefined;
  leaderHint: NodeId;
}

export class Clients {
  readonly history: Operation[] = [];
  private readonly clients: ClientState[];
  private nextOpId = 1;
  completed = 0;
  retries = 0;

  constructor(
    private readonly rng: Prng,
    private readonly params: SimParams,
    private readonly host: ClientHost,
    /** Planted bug: send writes without (clientId, seq), so a retry is applied again. */
    private readonly skipSessions: boolean,
  ) {
    this.clients = Array.from({ length: params.clients }, (_, i) => ({ id: i + 1, seq: 0, current: undefined, leaderHint: NONE }));
  }

  pending(): number {
    return this.clients.filter((c) => c.current !== undefined).length;
  }

  /** Start new operations (when `issuing`), retry failed or timed-out attempts. */
  tick(issuing: boolean): void {
    for (const c of this.clients) {
      const f = c.current;
      if (f === undefined) {
        if (issuing && this.rng.chance(this.params.issueRate)) this.start(c);
        continue;
      }
      if (f.waiting && this.host.now >= f.deadline) {
        f.waiting = false; // no answer in time: the attempt is indefinite, try again elsewhere
        f.retryAt = this.host.now;
        c.leaderHint = NONE;
      }
      if (!f.waiting && this.host.now >= f.retryAt) this.attempt(c, f);
    }
  }

  onWriteResult(client: number, opId: number, r: KvResult): void {
    const f = this.inflight(client, opId);
    if (f === undefined) return;
    const op = f.op;
    if (!r.ok && r.code === 'SESSION_EXPIRED') {
      this.finish(client, 'info', `SESSION_EXPIRED at ${r.index}`);
      return;
    }
    if (op.kind === 'cas' && !r.ok) op.casFailed = true;
    if (op.kind === 'delete' && r.ok && r.op === 'delete') op.deleted = r.deleted;
    this.finish(client, 'ok');
  }

  /** The entry proposed for this op was replaced (leadership changed): retry at once. */
  onWriteIndefinite(client: number, opId: number): void {
    const f = this.inflight(client, opId);
    if (f === undefined) return;
    f.waiting = false;
    f.retryAt = this.host.now + 1;
    this.byId(client).leaderHint = NONE;
  }

  onReadResult(client: number, opId: number, value: string | null): void {
    const f = this.inflight(client, opId);
    if (f === undefined) return;
    f.op.value = value;
    this.finish(client, 'ok');
  }

  onReadFailed(client: number, opId: number): void {
    const f = this.inflight(client, opId);
    if (f === undefined) return;
    f.waiting = false;
    f.retryAt = this.host.now + 1 + this.rng.int(3);
  }

  /** End of the run: operations still in flight may or may not have happened. */
  abandonPending(): void {
    for (const c of this.clients) if (c.current) this.finish(c.id, 'info', 'never answered');
  }

  private start(c: ClientState): void {
    const key = `k${this.rng.int(this.params.keys)}`;
    const id = this.nextOpId++;
    const value = `v${id}`; // unique per operation: the exactly-once check keys on it
    const roll = this.rng.float();
    let op: Operation;
    let cmd: KvCommand | undefined;
    const base = { id, client: c.id, key, invoke: this.host.clock(), complete: null, outcome: 'info' as const };
    if (roll < this.params.readShare) {
      op = { ...base, kind: 'get' };
    } else if (roll < this.params.readShare + (1 - this.params.readShare) * 0.6) {
      op = { ...base, kind: 'put', value };
      cmd = { op: 'put', key, value };
    } else if (roll < this.params.readShare + (1 - this.params.readShare) * 0.85) {
      const from = this.rng.chance(0.3) ? null : `v${1 + this.rng.int(id)}`;
      op = { ...base, kind: 'cas', from, value };
      cmd = { op: 'cas', key, from, to: value };
    } else {
      op = { ...base, kind: 'delete' };
      cmd = { op: 'delete', key };
    }
    const seq = ++c.seq;
    const session = this.skipSessions ? {} : { clientId: `c${c.id}`, seq };
    const data = cmd ? encodeCommand({ ...cmd, ...session }) : '';
    this.history.push(op);
    c.current = { op, data, attempts: 0, waiting: false, deadline: 0, retryAt: this.host.now, lastTarget: NONE };
    this.host.trace?.(`t=${this.host.now} client ${c.id} invoke op ${id}: ${op.kind} ${key}${op.kind === 'get' || op.kind === 'delete' ? '' : ` ${value}`}`);
    this.attempt(c, c.current);
  }

  private attempt(c: ClientState, f: InFlight): void {
    const op = f.op;
    const ids = this.host.nodeIds;
    if (f.attempts > 0) this.retries++;
    f.attempts++;
    const read = op.kind === 'get';
    let target: NodeId;
    if (c.leaderHint !== NONE && !(read && this.rng.chance(this.params.followerReadShare))) target = c.leaderHint;
    else {
      target = this.rng.pick(ids);
      if (target === f.lastTarget && ids.length > 1) target = this.rng.pick(ids);
    }
    f.lastTarget = target;
    this.host.trace?.(`t=${this.host.now} client ${c.id} attempt ${f.attempts} of op ${op.id} on n${target}`);
    const backoff = (): number => this.host.now + 1 + this.rng.int(4);
    if (read) {
      const sent = this.host.tryRead(target, `${op.id}.${f.attempts}`, op.key, c.id, op.id);
      if (sent === 'down') {
        f.retryAt = backoff();
        return;
      }
    } else {
      const r = this.host.tryWrite(target, f.data, c.id, op.id);
      if (r.kind === 'down') {
        c.leaderHint = NONE;
        f.retryAt = backoff();
        return;
      }
      if (r.kind === 'redirect') {
        c.leaderHint = r.leader === target ? NONE : r.leader;
        f.retryAt = r.leader !== NONE && r.leader !== target ? this.host.now : backoff();
        return;
      }
      c.leaderHint = target;
    }
    // The answer may already have arrived synchronously (a one-node cluster); only wait if not.
    if (c.current === f) {
      f.waiting = true;
      f.deadline = this.host.now + this.params.attemptTimeout;
    }
  }

  private finish(client: number, outcome: 'ok' | 'info', error?: string): void {
    const c = this.byId(client);
    const f = c.current;
    if (f === undefined) return;
    f.op.outcome = outcome;
    if (outcome === 'ok') {
      f.op.complete = this.host.clock();
      this.completed++;
    } else {
      f.op.complete = null;
      f.op.error = error ?? 'indefinite';
    }
    c.current = undefined;
    this.host.trace?.(
      `t=${this.host.now} client ${client} ${outcome} op ${f.op.id}: ${f.op.kind} ${f.op.key}` +
        `${f.op.kind === 'get' ? ` → ${JSON.stringify(f.op.value)}` : ''}${f.op.casFailed ? ' (cas mismatch)' : ''} after ${f.attempts} attempt(s)`,
    );
  }

  private inflight(client: number, opId: number): InFlight | undefined {
    const f = this.byId(client).current;
    return f !== undefined && f.op.id === opId ? f : undefined;
  }

  private byId(client: number): ClientState {
    const c = this.clients[client - 1];
    if (c === undefined) throw new Error(`no client ${client}`);
    return c;
  }
}
