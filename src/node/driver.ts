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
import type { Logger } from 'pino';
import type { KvResult } from '../kv/index.js';
import { NONE } from '../raft/index.js';
import type { Entry, Message, NodeId, Ready, RaftStatus, Snapshot } from '../raft/index.js';
import { ApiError, apiError } from '../shared/index.js';
import type { DriverStorage, RaftCore, StateMachine, Transport } from './ports.js';
import { PendingReads } from './pending-reads.js';
import { PendingWrites } from './pending-writes.js';
import { SnapshotPolicy } from './snapshot-policy.js';
import { TransitionLog } from './transition-log.js';

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

interface QueuedProposal {
  data: string;
  done: boolean;
  /** performance.now() by which the write must be answered. */
  deadline: number;
  resolve: (r: KvResult | undefined) => void;
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
  #inOps: (() => void)[] = [];
  #pendingTicks = 0;

  readonly #writes = new PendingWrites();
  readonly #reads: PendingReads;
  readonly #transitions: TransitionLog;

  readonly #leaderWatchers = new Set<() => void>();
  readonly #snapshots: SnapshotPolicy;
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
    this.#snapshots = new SnapshotPolicy(opts.snapshotEvery, opts.snapshotKeep, opts.voters, deps.storage, deps.log, deps.snapshotIndex ?? 0);
    const st = this.#raft.status();
    this.#reads = new PendingReads(opts.id);
    this.#transitions = new TransitionLog(opts.id, deps.log, st.vote);
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
    this.#writes.failAll('the node shut down while the write was in flight; it may or may not be applied');
    this.#reads.failAll(down);
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
    const p = this.#reads.enqueue(key, timeoutMs);
    this.#kick();
    return p;
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

  /** Peer `from` says it has just started (POST /raft/hello): a leader heartbeats it now. */
  peerStarted(from: NodeId): void {
    this.#inOps.push(() => this.#raft.peerStarted(from));
    this.#kick();
  }

  /** Start an election now (admin). */
  campaign(): void {
    this.#inOps.push(() => this.#raft.campaign());
    this.#kick();
  }

  /** Core status plus what only the driver knows. */
  status(): { raft: RaftStatus; applied: number; keys: number; snapshotIndex: number } {
    return { raft: this.#raft.status(), applied: this.#sm.appliedIndex, keys: this.#sm.size, snapshotIndex: this.#snapshots.lastIndex };
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
    // Ticks this process could not take — it was descheduled on a busy machine, SIGSTOPped, or its
    // loop sat in a slow fsync — are dropped, not delivered in a burst (Go's time.Ticker does the
    // same for etcd). A starved node's clock slows down instead of jumping ahead, so it does not call
    // an election, or as a leader step down for lack of answers to heartbeats it never sent, because
    // *it* stalled. The clock is still monotonic (rule 23): ticks are counted, never invented.
    // Up to half an election timeout is caught up (ordinary timer jitter); more is a stall.
    this.#pendingTicks = Math.min(this.#pendingTicks + (due - this.#ticksIssued), Math.max(2, Math.floor(this.#o.electionTick / 2)));
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
        this.#snapshots.maybeTake(this.#raft, this.#sm, (compact) => {
          this.#inOps.push(compact);
          this.#kick();
        });
        continue;
      }
      if (this.#hasInput()) continue;
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
      });
    }
  }

  #hasInput(): boolean {
    return this.#inMessages.length > 0 || this.#pendingTicks > 0 || this.#inProposals.length > 0 || this.#reads.hasQueued || this.#inOps.length > 0;
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
    // One ReadIndex round for every read that arrived since the last one (see pending-reads.ts).
    const ctx = this.#reads.startBatch();
    if (ctx !== undefined) this.#raft.readIndex(ctx);
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
    this.#writes.add(r.index, r.term, p.deadline, p.resolve, p.reject);
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
    if (rd.softState || rd.hardState) this.#transitions.observe(rd, rd.hardState?.term ?? this.#raft.status().term);
    try {
      if (rd.snapshot) this.#installSnapshot(rd.snapshot);
      for (const e of rd.committedEntries) this.#applyOne(e);
    } catch (err) {
      this.#log.fatal({ err }, 'applying committed entries failed: stopping');
      this.#onFatal(err);
      return false;
    }
    for (const rs of rd.readStates) this.#reads.confirmed(rs.ctx, rs.index);
    if (rd.readFailures.length > 0) {
      const hint = this.leaderHint();
      for (const rf of rd.readFailures) {
        const detail =
          rf.reason === 'no-leader'
            ? 'no leader is known, so the read cannot be confirmed (election in progress or no quorum)'
            : 'leadership changed while the read was being confirmed; retry';
        this.#reads.failed(rf.ctx, () => apiError('NO_QUORUM', { detail }, { leader: hint?.url }));
      }
    }
    this.#reads.serve(this.#sm.appliedIndex, (key) => this.#sm.get(key));
    return true;
  }

  #applyOne(e: Entry): void {
    if (e.index <= this.#sm.appliedIndex) return; // covered by an installed snapshot
    this.#writes.applied(e, this.#sm.apply(e));
  }

  #installSnapshot(snap: Snapshot): void {
    this.#sm = this.#restore(snap.data);
    this.#snapshots.installed(snap.meta.index);
    this.#log.info({ index: snap.meta.index, term: snap.meta.term, bytes: snap.data.length }, `installed snapshot at index ${snap.meta.index} from the leader`);
    this.#writes.failUpTo(snap.meta.index);
  }

  #settle(w: { done: boolean; timer: NodeJS.Timeout }, fn: () => void): void {
    if (w.done) return;
    w.done = true;
    clearTimeout(w.timer);
    fn();
  }

  #notifyLeaderWatchers(rd: Ready): void {
    if (rd.softState && this.#leaderWatchers.size > 0) for (const w of [...this.#leaderWatchers]) w();
  }
}
