// The driver: the one loop with `await` in a node. It owns the Raft core, the state machine and
// storage, and performs each Ready in the order the core's contract demands:
//
//   persist (one storage.save = one fsync) → send → apply committed entries (answer waiting writes)
//   → serve reads whose index is applied → advance
//
// Nothing touches the core between ready() and advance(): peer messages, ticks, proposals and reads
// that arrive while a batch is being persisted wait in the inbox and are fed in together afterwards.
// That queueing is the group commit — under load, one fsync covers every write that arrived during
// the previous one.
//
// Early send (default on): messages that promise nothing about *our* durable state — appends,
// heartbeats, vote and read requests — leave before the fsync instead of after it, so the leader's
// fsync overlaps the followers' (etcd does the same, thesis §10.2.1). It is safe because every answer
// to them is stepped only after advance(), i.e. after our own fsync; the messages that do promise
// durability (vote grants, append acknowledgements) still leave strictly after the persist.
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { KvResult } from '../kv/index.js';
import { NONE } from '../raft/index.js';
import type { Entry, Message, NodeId, Ready, RaftStatus, Snapshot } from '../raft/index.js';
import { ApiError, apiError } from '../shared/index.js';
import type { DriverStorage, RaftCore, StateMachine, Transport } from './ports.js';

export interface DriverOptions {
  readonly id: NodeId;
  /** Every voter, self included (recorded in snapshot metadata). */
  readonly voters: readonly NodeId[];
  readonly tickMs: number;
  readonly electionTick: number;
  /** Take a snapshot after this many applied entries (0 = never). */
  readonly snapshotEvery: number;
  /** Entries kept in the log behind a snapshot, so a briefly lagging follower catches up from the log. */
  readonly snapshotKeep: number;
  readonly writeTimeoutMs: number;
  readonly readTimeoutMs: number;
  /** Send durability-neutral messages before the fsync (see the header). */
  readonly earlySend: boolean;
  /** Base URL of a node, for leader hints. */
  readonly urlOf: (id: NodeId) => string | undefined;
}

export interface DriverDeps {
  readonly raft: RaftCore;
  readonly sm: StateMachine;
  readonly storage: DriverStorage;
  readonly transport: Transport;
  readonly restoreStateMachine: (data: string) => StateMachine;
  readonly log: Logger;
  /** Storage failed or the state machine threw: the node cannot go on safely. */
  readonly onFatal: (err: unknown) => void;
  /** Index of the snapshot storage recovered (the state machine starts from it). */
  readonly snapshotIndex?: number;
}

interface WriteWaiter {
  index: number;
  term: number;
  resolve: (r: KvResult | undefined) => void;
  reject: (e: ApiError) => void;
  timer: NodeJS.Timeout;
}

interface QueuedProposal {
  data: string;
  done: boolean;
  /** performance.now() by which the write must be answered. */
  deadline: number;
  resolve: (r: KvResult | undefined) => void;
  reject: (e: ApiError) => void;
  timer: NodeJS.Timeout;
}

interface ReadWaiter {
  key: string;
  done: boolean;
  resolve: (v: string | undefined) => void;
  reject: (e: ApiError) => void;
  timer: NodeJS.Timeout;
}

/** Messages whose receipt promises that our state is durable: they wait for the fsync. */
const AFTER_PERSIST = new Set<Message['type']>(['VoteResp', 'AppResp']);

/** Runs one Raft node: feeds the core, performs its Ready batches, answers clients. */
export class NodeDriver {
  readonly #o: DriverOptions;
  readonly #raft: RaftCore;
  #sm: StateMachine;
  readonly #storage: DriverStorage;
  readonly #transport: Transport;
  readonly #restore: (data: string) => StateMachine;
  readonly #log: Logger;
  readonly #onFatal: (err: unknown) => void;

  // Inbox: everything that must reach the core, drained only outside ready()/advance().
  #inMessages: Message[] = [];
  #inProposals: QueuedProposal[] = [];
  #inReads: ReadWaiter[] = [];
  #inOps: (() => void)[] = [];
  #pendingTicks = 0;

  /** Proposed writes by log index (several only if leadership came back and reused an index). */
  readonly #writes = new Map<number, WriteWaiter[]>();
  /** Read batches waiting for their read index, by ctx. */
  readonly #readsByCtx = new Map<string, ReadWaiter[]>();
  /** Read batches with a read index, waiting until it is applied (ascending). */
  #readsToServe: { index: number; waiters: ReadWaiter[] }[] = [];
  readonly #readNonce = randomBytes(4).toString('hex');
  #readSeq = 0;

  readonly #leaderWatchers = new Set<() => void>();
  #lastSnapshotIndex: number;
  /** Applied index at which the next snapshot is due (pushed back after a failure too). */
  #nextSnapshotAt: number;
  #snapshotting = false;
  #prevRole: string = 'follower';
  #prevLeader: NodeId = NONE;
  #prevVote: NodeId = NONE;
  /** Term and vote as last made durable (what a commit-only hard state may be deferred against). */
  #savedTerm: number;
  #savedVote: NodeId;

  #running = false;
  #stopped = false;
  #wake: (() => void) | undefined;
  #wakeScheduled = false;
  #loopDone: Promise<void> = Promise.resolve();
  #tickTimer: NodeJS.Timeout | undefined;
  #tickOrigin = 0;
  #ticksIssued = 0;

  constructor(opts: DriverOptions, deps: DriverDeps) {
    this.#o = opts;
    this.#raft = deps.raft;
    this.#sm = deps.sm;
    this.#storage = deps.storage;
    this.#transport = deps.transport;
    this.#restore = deps.restoreStateMachine;
    this.#log = deps.log;
    this.#onFatal = deps.onFatal;
    this.#lastSnapshotIndex = deps.snapshotIndex ?? 0;
    this.#nextSnapshotAt = this.#lastSnapshotIndex + opts.snapshotEvery;
    const st = this.#raft.status();
    this.#prevVote = st.vote;
    this.#savedTerm = st.term;
    this.#savedVote = st.vote;
  }

  /** Starts the tick timer and the loop. */
  start(): void {
    if (this.#running || this.#stopped) return;
    this.#running = true;
    this.#tickOrigin = performance.now();
    // The timer only says "look at the clock"; ticks are counted from the monotonic clock, so a
    // late timer (GC, load) delivers the ticks that elapsed rather than drifting.
    this.#tickTimer = setInterval(() => this.#onTimer(), Math.max(1, Math.floor(this.#o.tickMs / 2)));
    this.#loopDone = this.#loop().catch((err: unknown) => {
      this.#log.fatal({ err }, 'driver loop failed');
      this.#onFatal(err);
    });
  }

  /** Stops the loop; every waiting client gets SHUTTING_DOWN (indefinite for proposed writes). */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    if (this.#tickTimer) clearInterval(this.#tickTimer);
    this.#kick(true);
    await this.#loopDone;
    const down = (): ApiError => apiError('SHUTTING_DOWN');
    for (const p of this.#inProposals) this.#settle(p, () => p.reject(down()));
    this.#inProposals = [];
    for (const ws of this.#writes.values()) {
      for (const w of ws) {
        clearTimeout(w.timer);
        w.reject(apiError('LEADERSHIP_LOST', {}, { message: 'the node shut down while the write was in flight; it may or may not be applied' }));
      }
    }
    this.#writes.clear();
    const allReads = [...this.#inReads, ...[...this.#readsByCtx.values()].flat(), ...this.#readsToServe.flatMap((b) => b.waiters)];
    for (const r of allReads) this.#settle(r, () => r.reject(down()));
    this.#inReads = [];
    this.#readsByCtx.clear();
    this.#readsToServe = [];
  }

  get stopped(): boolean {
    return this.#stopped;
  }

  // ---------------------------------------------------------------------------------------------
  // Inputs (callable at any time; they queue)

  /** Messages from peers (already validated and filtered by the transport). */
  deliver(messages: readonly Message[]): void {
    if (this.#stopped) return;
    for (const m of messages) this.#inMessages.push(m);
    this.#kick();
  }

  /**
   * Proposes an encoded command; resolves with its result once committed and applied here.
   * Rejects with NOT_LEADER / NO_QUORUM (definite, nothing proposed), TIMEOUT or LEADERSHIP_LOST
   * (indefinite, it may still be applied).
   */
  propose(data: string, timeoutMs = this.#o.writeTimeoutMs): Promise<KvResult | undefined> {
    if (this.#stopped) return Promise.reject(apiError('SHUTTING_DOWN'));
    return new Promise((resolve, reject) => {
      const p: QueuedProposal = {
        data,
        done: false,
        deadline: performance.now() + timeoutMs,
        resolve,
        reject,
        timer: setTimeout(() => {
          // Still queued: it was never handed to the core, so it certainly did not happen.
          this.#settle(p, () => reject(apiError('NO_QUORUM', { detail: `the node was too busy to propose the write within ${timeoutMs} ms` })));
        }, timeoutMs),
      };
      p.timer.unref?.();
      this.#inProposals.push(p);
      this.#kick();
    });
  }

  /** Linearizable read (ReadIndex): the value as of a point after the call began. */
  read(key: string, timeoutMs = this.#o.readTimeoutMs): Promise<string | undefined> {
    if (this.#stopped) return Promise.reject(apiError('SHUTTING_DOWN'));
    return new Promise((resolve, reject) => {
      const r: ReadWaiter = {
        key,
        done: false,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.#settle(r, () => reject(apiError('TIMEOUT', { detail: `no read index confirmed within ${timeoutMs} ms (no quorum reachable?)` })));
        }, timeoutMs),
      };
      r.timer.unref?.();
      this.#inReads.push(r);
      this.#kick();
    });
  }

  /** Local read, possibly stale (consistency=stale). */
  readLocal(key: string): string | undefined {
    return this.#sm.get(key);
  }

  /** Leader: start handing leadership to `to`; resolves when `to` leads, or false on refusal/timeout. */
  transferLeadership(to: NodeId, timeoutMs: number): Promise<{ ok: boolean; leader: NodeId }> {
    return new Promise((resolve) => {
      let finished = false;
      const finish = (ok: boolean): void => {
        if (finished) return;
        finished = true;
        clearTimeout(timer);
        this.#leaderWatchers.delete(watch);
        resolve({ ok, leader: this.#raft.status().leader });
      };
      const watch = (): void => {
        if (this.#raft.status().leader === to) finish(true);
      };
      const timer = setTimeout(() => finish(false), timeoutMs);
      this.#inOps.push(() => {
        if (this.#raft.status().leader === to) return finish(true);
        if (!this.#raft.transferLeadership(to)) return finish(false);
        this.#leaderWatchers.add(watch);
      });
      this.#kick();
    });
  }

  /** Start an election now (admin). */
  campaign(): void {
    this.#inOps.push(() => this.#raft.campaign());
    this.#kick();
  }

  /** Core status plus what only the driver knows. */
  status(): { raft: RaftStatus; applied: number; keys: number; snapshotIndex: number } {
    return { raft: this.#raft.status(), applied: this.#sm.appliedIndex, keys: this.#sm.size, snapshotIndex: this.#lastSnapshotIndex };
  }

  /** A leader hint for clients (undefined when no leader is known). */
  leaderHint(): { id: NodeId; url: string | undefined } | undefined {
    const leader = this.#raft.status().leader;
    return leader === NONE ? undefined : { id: leader, url: this.#o.urlOf(leader) };
  }

  // ---------------------------------------------------------------------------------------------
  // The loop

  #kick(now = false): void {
    if (now) {
      const w = this.#wake;
      this.#wake = undefined;
      w?.();
      return;
    }
    // Deferred to the check phase: every request parsed in this poll phase joins the same batch.
    if (this.#wakeScheduled || this.#wake === undefined) return;
    this.#wakeScheduled = true;
    setImmediate(() => {
      this.#wakeScheduled = false;
      const w = this.#wake;
      this.#wake = undefined;
      w?.();
    });
  }

  #onTimer(): void {
    const due = Math.floor((performance.now() - this.#tickOrigin) / this.#o.tickMs);
    if (due <= this.#ticksIssued) return;
    // After a long stall (SIGSTOP, swap) deliver at most two election timeouts' worth of ticks.
    this.#pendingTicks = Math.min(this.#pendingTicks + (due - this.#ticksIssued), 2 * this.#o.electionTick);
    this.#ticksIssued = due;
    this.#kick();
  }

  async #loop(): Promise<void> {
    while (!this.#stopped) {
      this.#drainInbox();
      if (this.#raft.hasReady()) {
        const rd = this.#raft.ready();
        const ok = await this.#perform(rd);
        if (!ok) return;
        this.#raft.advance(rd);
        this.#notifyLeaderWatchers(rd);
        this.#maybeSnapshot();
        continue;
      }
      if (this.#hasInput()) continue;
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
      });
    }
  }

  #hasInput(): boolean {
    return this.#inMessages.length > 0 || this.#pendingTicks > 0 || this.#inProposals.length > 0 || this.#inReads.length > 0 || this.#inOps.length > 0;
  }

  /** Feeds everything queued into the core: messages first (a heartbeat that arrived counts before a tick fires), then ticks, proposals, reads. */
  #drainInbox(): void {
    if (this.#inMessages.length > 0) {
      const msgs = this.#inMessages;
      this.#inMessages = [];
      for (const m of msgs) this.#raft.step(m);
    }
    while (this.#pendingTicks > 0) {
      this.#pendingTicks--;
      this.#raft.tick();
    }
    if (this.#inOps.length > 0) {
      const ops = this.#inOps;
      this.#inOps = [];
      for (const op of ops) op();
    }
    if (this.#inProposals.length > 0) {
      const props = this.#inProposals;
      this.#inProposals = [];
      for (const p of props) this.#proposeOne(p);
    }
    if (this.#inReads.length > 0) {
      const reads = this.#inReads.filter((r) => !r.done);
      this.#inReads = [];
      if (reads.length > 0) {
        // One ReadIndex round for every read that arrived since the last one: each of them began
        // before this point, so the index confirmed for it is a valid linearization point.
        const ctx = `${this.#o.id}.${this.#readNonce}.${++this.#readSeq}`;
        this.#readsByCtx.set(ctx, reads);
        this.#raft.readIndex(ctx);
      }
    }
  }

  #proposeOne(p: QueuedProposal): void {
    if (p.done) return;
    const r = this.#raft.propose(p.data);
    if (!r.ok) {
      const hint = r.leader !== NONE && r.leader !== this.#o.id ? this.#o.urlOf(r.leader) : undefined;
      let err: ApiError;
      if (r.reason === 'transferring') {
        err = apiError('NO_QUORUM', { detail: 'leadership is being transferred; retry shortly' });
      } else if (hint !== undefined) {
        err = apiError('NOT_LEADER', { id: this.#o.id, hint: `; the leader is node ${r.leader} at ${hint}` }, { leader: hint });
      } else {
        err = apiError('NO_QUORUM', { detail: `node ${this.#o.id} is not the leader and no leader is known (election in progress or no quorum)` });
      }
      this.#settle(p, () => p.reject(err));
      return;
    }
    // Proposed: from now on the write may happen, so failures are indefinite.
    p.done = true;
    clearTimeout(p.timer);
    const deadline = p.deadline;
    const w: WriteWaiter = {
      index: r.index,
      term: r.term,
      resolve: p.resolve,
      reject: p.reject,
      timer: setTimeout(() => {
        this.#removeWrite(w);
        w.reject(apiError('TIMEOUT', { detail: `write proposed at index ${r.index} was not committed in time; it may or may not be applied` }));
      }, Math.max(0, deadline - performance.now())),
    };
    w.timer.unref?.();
    const list = this.#writes.get(r.index);
    if (list) list.push(w);
    else this.#writes.set(r.index, [w]);
  }

  /** persist → send → apply → serve reads. Returns false if the node must stop. */
  async #perform(rd: Ready): Promise<boolean> {
    let late: Message[] = rd.messages as Message[];
    if (this.#o.earlySend && rd.messages.length > 0) {
      const early: Message[] = [];
      late = [];
      for (const m of rd.messages) (AFTER_PERSIST.has(m.type) ? late : early).push(m);
      if (early.length > 0) this.#transport.send(early);
    }
    // The commit index in the hard state is only a hint (types.ts: never trusted beyond the log), so
    // a Ready whose only durable change is a higher commit costs no fsync: the new value rides along
    // with the next save. Term and vote are never deferred.
    const hs = rd.hardState;
    const commitOnly = hs !== undefined && hs.term === this.#savedTerm && hs.vote === this.#savedVote;
    if ((hs !== undefined && !commitOnly) || rd.entries.length > 0 || rd.snapshot !== undefined) {
      try {
        const batch: { hardState?: typeof rd.hardState; entries: readonly Entry[]; snapshot?: Snapshot } = { entries: rd.entries };
        if (rd.hardState) batch.hardState = rd.hardState;
        if (rd.snapshot) batch.snapshot = rd.snapshot;
        await this.#storage.save(batch);
        if (hs) {
          this.#savedTerm = hs.term;
          this.#savedVote = hs.vote;
        }
      } catch (err) {
        this.#log.fatal({ err }, 'cannot persist to storage: stopping');
        this.#onFatal(err);
        return false;
      }
    }
    if (late.length > 0) this.#transport.send(late);
    this.#logTransitions(rd);
    try {
      if (rd.snapshot) this.#installSnapshot(rd.snapshot);
      for (const e of rd.committedEntries) this.#applyOne(e);
    } catch (err) {
      this.#log.fatal({ err }, 'applying committed entries failed: stopping');
      this.#onFatal(err);
      return false;
    }
    for (const rs of rd.readStates) {
      const waiters = this.#readsByCtx.get(rs.ctx);
      if (!waiters) continue;
      this.#readsByCtx.delete(rs.ctx);
      this.#readsToServe.push({ index: rs.index, waiters });
    }
    for (const rf of rd.readFailures) {
      const waiters = this.#readsByCtx.get(rf.ctx);
      if (!waiters) continue;
      this.#readsByCtx.delete(rf.ctx);
      const hint = this.leaderHint();
      const detail =
        rf.reason === 'no-leader'
          ? 'no leader is known, so the read cannot be confirmed (election in progress or no quorum)'
          : 'leadership changed while the read was being confirmed; retry';
      for (const r of waiters) this.#settle(r, () => r.reject(apiError('NO_QUORUM', { detail }, { leader: hint?.url })));
    }
    this.#serveReads();
    return true;
  }

  #applyOne(e: Entry): void {
    if (e.index <= this.#sm.appliedIndex) return; // covered by an installed snapshot
    const result = this.#sm.apply(e);
    const waiters = this.#writes.get(e.index);
    if (!waiters) return;
    this.#writes.delete(e.index);
    for (const w of waiters) {
      clearTimeout(w.timer);
      // Rule 18: the entry applied at our index must be the one we proposed (same term); otherwise
      // leadership changed and our command was overwritten — or may yet be applied elsewhere.
      if (e.term === w.term) w.resolve(result);
      else w.reject(apiError('LEADERSHIP_LOST', { detail: `leadership changed: index ${e.index} holds another entry (term ${e.term}, proposed in term ${w.term}); the write may or may not be applied` }));
    }
  }

  #installSnapshot(snap: Snapshot): void {
    this.#sm = this.#restore(snap.data);
    this.#lastSnapshotIndex = snap.meta.index;
    this.#nextSnapshotAt = snap.meta.index + this.#o.snapshotEvery;
    this.#log.info({ index: snap.meta.index, term: snap.meta.term, bytes: snap.data.length }, `installed snapshot at index ${snap.meta.index} from the leader`);
    for (const [index, ws] of this.#writes) {
      if (index > snap.meta.index) continue;
      this.#writes.delete(index);
      for (const w of ws) {
        clearTimeout(w.timer);
        w.reject(apiError('LEADERSHIP_LOST', { detail: `a snapshot replaced the log up to index ${snap.meta.index}; the write may or may not be applied` }));
      }
    }
  }

  #serveReads(): void {
    if (this.#readsToServe.length === 0) return;
    const applied = this.#sm.appliedIndex;
    const waiting: { index: number; waiters: ReadWaiter[] }[] = [];
    for (const batch of this.#readsToServe) {
      if (batch.index > applied) {
        waiting.push(batch);
        continue;
      }
      for (const r of batch.waiters) this.#settle(r, () => r.resolve(this.#sm.get(r.key)));
    }
    this.#readsToServe = waiting;
  }

  #settle(w: { done: boolean; timer: NodeJS.Timeout }, fn: () => void): void {
    if (w.done) return;
    w.done = true;
    clearTimeout(w.timer);
    fn();
  }

  #removeWrite(w: WriteWaiter): void {
    const list = this.#writes.get(w.index);
    if (!list) return;
    const rest = list.filter((x) => x !== w);
    if (rest.length === 0) this.#writes.delete(w.index);
    else this.#writes.set(w.index, rest);
  }

  #notifyLeaderWatchers(rd: Ready): void {
    if (rd.softState && this.#leaderWatchers.size > 0) for (const w of [...this.#leaderWatchers]) w();
  }

  /** One readable line per role change and per vote (for humans and the supervisor's multiplexer). */
  #logTransitions(rd: Ready): void {
    const hs = rd.hardState;
    if (hs && hs.vote !== this.#prevVote) {
      if (hs.vote !== NONE && hs.vote !== this.#o.id) this.#log.info({ term: hs.term, vote: hs.vote }, `voted for node ${hs.vote} in term ${hs.term}`);
      this.#prevVote = hs.vote;
    }
    const ss = rd.softState;
    if (!ss) return;
    const term = this.#raft.status().term;
    if (ss.role !== this.#prevRole) {
      if (ss.role === 'leader') this.#log.info({ term }, `became leader in term ${term}`);
      else if (this.#prevRole === 'leader') this.#log.info({ term }, `stepped down in term ${term} (now ${ss.role})`);
      else if (ss.role === 'candidate') this.#log.info({ term }, `started an election for term ${term}`);
    }
    if (ss.role === 'follower' && ss.leader !== NONE && ss.leader !== this.#prevLeader) {
      this.#log.info({ term, leader: ss.leader }, `following leader node ${ss.leader} in term ${term}`);
    }
    if (ss.leader === NONE && this.#prevLeader !== NONE && ss.role === 'follower') {
      this.#log.info({ term }, `lost contact with leader node ${this.#prevLeader}`);
    }
    this.#prevRole = ss.role;
    this.#prevLeader = ss.leader;
  }

  /**
   * Snapshot policy: every snapshotEvery applied entries, keeping snapshotKeep entries behind it.
   * The state machine is serialised here, between two Ready batches (so it is exactly the state at
   * `index`); writing it to disk runs in the background (storage orders it with the WAL appends), and
   * the core drops its log prefix once the snapshot is durable — never before.
   */
  #maybeSnapshot(): void {
    const every = this.#o.snapshotEvery;
    if (every <= 0 || this.#snapshotting) return;
    const index = this.#sm.appliedIndex;
    if (index < this.#nextSnapshotAt) return;
    this.#nextSnapshotAt = index + every;
    const term = this.#raft.termAt(index);
    if (term === undefined) return;
    this.#snapshotting = true;
    const started = performance.now();
    const st = this.#raft.status();
    const snapshot: Snapshot = { meta: { index, term, voters: [...this.#o.voters] }, data: this.#sm.snapshot() };
    let cut = Math.max(index - this.#o.snapshotKeep, st.firstIndex - 1, 0);
    let cutTerm = this.#raft.termAt(cut);
    if (cutTerm === undefined) {
      cut = st.firstIndex - 1;
      cutTerm = this.#raft.termAt(cut) ?? 0;
    }
    const compactTo = { index: cut, term: cutTerm };
    this.#storage.createSnapshot(snapshot, compactTo).then(
      () => {
        this.#inOps.push(() => {
          this.#snapshotting = false;
          try {
            this.#raft.compact(snapshot, cut);
          } catch (err) {
            this.#log.error({ err, index, cut }, `compacting the log after snapshot ${index} failed`);
            return;
          }
          if (index > this.#lastSnapshotIndex) this.#lastSnapshotIndex = index;
          const ms = Math.round(performance.now() - started);
          this.#log.info({ index, term, bytes: snapshot.data.length, compactedTo: cut, ms }, `snapshot taken at index ${index} (${snapshot.data.length} bytes, ${ms} ms); log compacted up to ${cut}`);
        });
        this.#kick();
      },
      (err: unknown) => {
        this.#snapshotting = false;
        this.#log.error({ err, index }, `snapshot at index ${index} failed`);
      },
    );
  }
}
