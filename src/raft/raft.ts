// The Raft state machine (§5, thesis ch. 3, 6, 9). Pure and deterministic: messages and ticks go in,
// a Ready batch comes out. Role behaviour is swapped in on role change (etcd style): `stepRole` and
// `tickRole` point at the current role's handlers; `step()` handles what all roles share first.
import { RaftLog } from './raft-log.js';
import { Progress } from './progress.js';
import { ReadIndexQueue } from './read-index.js';
import { quorumSize } from './quorum.js';
import { validateConfig } from './config.js';
import { stepLeader, bcastAppend, bcastHeartbeat, sendAppend, onPeerStarted, maybeCommit, sendTimeoutNow, restartDeferred } from './leader.js';
import { handleVoteRequest, runCampaign, stepCandidate, stepFollower } from './election.js';
import { failAllReads, handleReadIndexRequest } from './reads.js';
import {
  NONE,
  type HardState,
  type Message,
  type NodeId,
  type RaftConfig,
  type RaftRestoreState,
  type ReadFailure,
  type ReadState,
  type Ready,
  type Role,
  type Snapshot,
  type SoftState,
} from './types.js';

export type ProposeResult =
  | { readonly ok: true; readonly index: number; readonly term: number }
  | { readonly ok: false; readonly reason: 'not-leader' | 'transferring'; readonly leader: NodeId };

export interface RaftStatus {
  readonly id: NodeId;
  readonly role: Role;
  readonly term: number;
  readonly vote: NodeId;
  readonly leader: NodeId;
  readonly commit: number;
  readonly applied: number;
  readonly lastIndex: number;
  readonly lastTerm: number;
  readonly firstIndex: number;
  readonly snapshotIndex: number;
  readonly transferee: NodeId;
  readonly progress?: Readonly<Record<number, { match: number; next: number; state: string; inflight: number }>>;
}

export class Raft {
  readonly id: NodeId;
  readonly peers: readonly NodeId[];
  readonly cfg: RaftConfig;
  readonly quorum: number;

  // Persistent state (§5, Figure 2), made durable through Ready.hardState.
  term = 0;
  vote: NodeId = NONE;
  readonly log: RaftLog;

  // Volatile state.
  role: Role = 'follower';
  leader: NodeId = NONE;
  /** Leader only: one Progress per voter, self included. */
  prs = new Map<NodeId, Progress>();
  /** Candidate / pre-candidate: the answers received so far. */
  votes = new Map<NodeId, boolean>();
  electionElapsed = 0;
  heartbeatElapsed = 0;
  randomizedElectionTimeout = 0;
  /** Monotonic tick counter (never reset): used to age snapshot sends and stalled pipelines. */
  tickCount = 0;
  /** Leader: the follower we are handing leadership to (thesis §3.10), or NONE. */
  leadTransferee: NodeId = NONE;

  // Reads (thesis §6.4).
  readonly readQueue = new ReadIndexQueue();
  /** Leader: reads that arrived before this term's no-op committed (rule 20). */
  pendingReadsBeforeCommit: { ctx: string; from: NodeId }[] = [];
  /** Follower: reads forwarded to the leader and not yet answered. */
  readonly forwardedReads = new Set<string>();

  // Effects accumulated for the next Ready.
  msgs: Message[] = [];
  readStates: ReadState[] = [];
  readFailures: ReadFailure[] = [];
  /** New entries or a commit advance must reach followers at the next ready(): one batched append. */
  needBroadcast = false;
  /** New reads were registered: send one heartbeat round carrying the newest read seq. */
  needReadBroadcast = false;

  /** What the last Ready reported: the base for deriving the next hard/soft state by diff. */
  private prevHard: HardState;
  private prevSoft: SoftState;
  private readyInFlight = false;

  private stepRole: (m: Message) => void = (m) => stepFollower(this, m);
  private tickRole: () => void = () => this.tickElection();

  constructor(config: RaftConfig, restore: RaftRestoreState) {
    validateConfig(config);
    this.cfg = config;
    this.id = config.id;
    this.peers = [...config.peers].sort((a, b) => a - b);
    this.quorum = quorumSize(this.peers.length);
    this.log = new RaftLog(restore);
    this.term = restore.hardState.term;
    this.vote = restore.hardState.vote;
    this.prevHard = { term: this.term, vote: this.vote, commit: restore.hardState.commit };
    this.prevSoft = { leader: NONE, role: 'follower' };
    this.becomeFollower(this.term, NONE);
  }

  // ------------------------------------------------------------------------------------------
  // Public API

  tick(): void {
    this.assertNotInReady('tick');
    this.tickCount++;
    this.tickRole();
  }

  step(m: Message): void {
    this.assertNotInReady('step');
    if (m.to !== this.id) throw new Error(`message for ${m.to} stepped into ${this.id}`);
    if (!this.peers.includes(m.from)) return; // not a member: ignore
    if (this.cfg.bugs?.resetTimerOnAnyMessage) this.electionElapsed = 0;

    if (m.term > this.term) {
      if (m.type === 'Vote' || m.type === 'PreVote') {
        // Leader lease (thesis §4.2.3 with CheckQuorum): while we hear from a live leader, a
        // disruptive candidate is ignored, unless the leader itself asked for the transfer.
        const inLease = this.cfg.checkQuorum && this.leader !== NONE && this.electionElapsed < this.cfg.electionTick;
        if (inLease && !m.transfer) return;
      }
      if (m.type === 'PreVote' || (m.type === 'PreVoteResp' && m.granted)) {
        // A pre-vote never changes terms: the request carries a hypothetical future term, and a
        // grant echoes it back (thesis §9.6).
      } else {
        // Rule 3: adopt the higher term, clear the vote, become follower, then handle the message.
        const lead = m.type === 'App' || m.type === 'Snap' ? m.from : NONE;
        // Rule 1: adopting a term from a vote request does not reset the election timer; only
        // granting the vote does (handleVoteRequest). Otherwise a candidate with a stale log, which
        // we refuse, keeps up-to-date nodes from ever timing out and standing (6.824 guide).
        const elapsed = this.electionElapsed;
        this.becomeFollower(m.term, lead);
        if (m.type === 'Vote') this.electionElapsed = elapsed;
      }
    } else if (m.term < this.term) {
      if (m.type === 'App' && (this.cfg.checkQuorum || this.cfg.preVote)) {
        // A stale leader (e.g. after a partition) learns our term from this and steps down.
        this.send({ type: 'AppResp', to: m.from, success: false, matchIndex: 0, rejectedIndex: m.prevLogIndex, conflictIndex: 0, conflictTerm: 0 });
      } else if (m.type === 'PreVote') {
        this.send({ type: 'PreVoteResp', to: m.from, granted: false });
      }
      // Everything else from an older term is stale and ignored (rule 12).
      return;
    }

    if (m.type === 'Vote' || m.type === 'PreVote') {
      handleVoteRequest(this, m);
      return;
    }
    this.stepRole(m);
  }

  /** Append a client command (leader only). Batched into one append per follower at ready(). */
  propose(data: string): ProposeResult {
    this.assertNotInReady('propose');
    if (this.role !== 'leader') return { ok: false, reason: 'not-leader', leader: this.leader };
    if (this.leadTransferee !== NONE) return { ok: false, reason: 'transferring', leader: this.id };
    const index = this.log.lastIndex() + 1;
    this.log.append([{ term: this.term, index, type: 'normal', data }]);
    this.needBroadcast = true;
    return { ok: true, index, term: this.term };
  }

  /** Ask for a linearizable read point; the answer arrives in Ready.readStates or readFailures. */
  readIndex(ctx: string): void {
    this.assertNotInReady('readIndex');
    if (this.role === 'leader') {
      handleReadIndexRequest(this, ctx, this.id);
    } else if (this.cfg.bugs?.followerReadWithoutReadIndex) {
      this.readStates.push({ ctx, index: this.log.committed }); // planted bug: local, possibly stale
    } else if (this.leader === NONE) {
      this.readFailures.push({ ctx, reason: 'no-leader' });
    } else {
      this.forwardedReads.add(ctx);
      this.send({ type: 'ReadIndex', to: this.leader, ctx });
    }
  }

  /** A hint that `from` has just (re)started: a leader heartbeats it now (leader.ts, onPeerStarted). */
  peerStarted(from: NodeId): void {
    this.assertNotInReady('peerStarted');
    onPeerStarted(this, from);
  }

  /** Leader: bring `to` up to date, then tell it to campaign at once (thesis §3.10). */
  transferLeadership(to: NodeId): boolean {
    this.assertNotInReady('transferLeadership');
    if (this.role !== 'leader' || to === this.id || !this.prs.has(to)) return false;
    if (this.leadTransferee === to) return true;
    this.leadTransferee = to;
    this.electionElapsed = 0; // the transfer is abandoned after one election timeout
    const pr = this.prs.get(to);
    if (pr && pr.match === this.log.lastIndex()) sendTimeoutNow(this, to);
    else sendAppend(this, to, true);
    return true;
  }

  /** Start an election now (tests, operators). Goes through Pre-Vote when enabled. */
  campaign(): void {
    this.assertNotInReady('campaign');
    this.hup(false);
  }

  /**
   * The application has taken `snapshot` (at an index it has applied). Entries up to `compactTo`
   * (<= the snapshot index) leave the in-memory log; the snapshot is what lagging followers get.
   */
  compact(snapshot: Snapshot, compactTo: number): void {
    this.assertNotInReady('compact');
    this.log.compact(snapshot, compactTo);
  }

  termAt(index: number): number | undefined {
    return this.log.termAt(index);
  }

  hasReady(): boolean {
    return (
      this.needBroadcast ||
      this.needReadBroadcast ||
      this.msgs.length > 0 ||
      this.readStates.length > 0 ||
      this.readFailures.length > 0 ||
      this.log.pendingSnapshot !== undefined ||
      this.log.stabled < this.log.lastIndex() ||
      this.log.hasNextCommittedEntries() ||
      !sameHard(this.reportedHardState(), this.prevHard) ||
      this.leader !== this.prevSoft.leader ||
      this.role !== this.prevSoft.role
    );
  }

  /**
   * Everything the driver must do, in order: persist hardState/snapshot/entries (fsync), then send
   * messages, then apply committedEntries and serve readStates, then call advance(). Messages that
   * promise durability (vote grants, append acks) are in the same batch as the state they promise,
   * so "persist before send" holds by construction (rules 5, 8).
   */
  ready(): Ready {
    this.assertNotInReady('ready');
    if (this.needBroadcast && this.role === 'leader') bcastAppend(this);
    this.needBroadcast = false;
    if (this.needReadBroadcast && this.role === 'leader') bcastHeartbeat(this);
    this.needReadBroadcast = false;

    const hs = this.reportedHardState();
    const soft: SoftState = { leader: this.leader, role: this.role };
    const rd: Ready = {
      ...(sameHard(hs, this.prevHard) ? {} : { hardState: hs }),
      ...(this.log.pendingSnapshot ? { snapshot: this.log.pendingSnapshot } : {}),
      entries: this.log.unstableEntries(),
      messages: this.msgs,
      committedEntries: this.log.nextCommittedEntries(),
      readStates: this.readStates,
      readFailures: this.readFailures,
      ...(soft.leader !== this.prevSoft.leader || soft.role !== this.prevSoft.role ? { softState: soft } : {}),
    };
    this.msgs = [];
    this.readStates = [];
    this.readFailures = [];
    this.readyInFlight = true;
    return rd;
  }

  /** The driver performed `rd`: record what is now durable and applied. */
  advance(rd: Ready): void {
    if (!this.readyInFlight) throw new Error('advance() without a ready()');
    this.readyInFlight = false;
    if (rd.hardState) this.prevHard = rd.hardState;
    if (rd.softState) this.prevSoft = rd.softState;
    if (rd.snapshot) this.log.snapshotPersisted(rd.snapshot.meta.index);
    const lastEntry = rd.entries[rd.entries.length - 1];
    if (lastEntry) this.log.stableTo(lastEntry.index, lastEntry.term);
    const lastApplied = rd.committedEntries[rd.committedEntries.length - 1];
    if (lastApplied) this.log.appliedTo(lastApplied.index);
    if (this.role === 'leader') {
      // Rule 8: the leader counts its own entries only once they are durable.
      const self = this.prs.get(this.id);
      if (self && self.maybeUpdate(this.log.stabled, this.tickCount) && maybeCommit(this)) this.needBroadcast = true;
    }
  }

  status(): RaftStatus {
    const progress: Record<number, { match: number; next: number; state: string; inflight: number }> = {};
    for (const [id, pr] of this.prs) progress[id] = { match: pr.match, next: pr.next, state: pr.state, inflight: pr.inflightCount() };
    return {
      id: this.id,
      role: this.role,
      term: this.term,
      vote: this.vote,
      leader: this.leader,
      commit: this.log.committed,
      applied: this.log.applied,
      lastIndex: this.log.lastIndex(),
      lastTerm: this.log.lastTerm(),
      firstIndex: this.log.firstIndex(),
      snapshotIndex: this.log.snapshot?.meta.index ?? 0,
      transferee: this.leadTransferee,
      ...(this.role === 'leader' ? { progress } : {}),
    };
  }

  // ------------------------------------------------------------------------------------------
  // Internals shared with leader.ts / follower.ts / reads.ts

  send(m: DistributiveOmit<Message, 'from' | 'term'> & { term?: number }): void {
    // Defaults first, then the message's own fields (a vote answer may carry another term). Adding
    // keys after a spread is several times slower in V8; this is the core's hottest line.
    this.msgs.push({ from: this.id, term: this.term, ...m } as Message);
  }

  becomeFollower(term: number, leader: NodeId): void {
    this.reset(term);
    this.role = 'follower';
    this.leader = leader;
    this.stepRole = (m) => stepFollower(this, m);
    this.tickRole = () => this.tickElection();
  }

  becomePreCandidate(): void {
    // Term and vote stay as they are: a pre-candidate disturbs nobody (thesis §9.6).
    this.role = 'pre-candidate';
    this.leader = NONE;
    this.votes = new Map();
    failAllReads(this, 'no-leader');
    this.stepRole = (m) => stepCandidate(this, m);
    this.tickRole = () => this.tickElection();
  }

  becomeCandidate(): void {
    this.reset(this.term + 1);
    this.vote = this.id;
    this.role = 'candidate';
    this.stepRole = (m) => stepCandidate(this, m);
    this.tickRole = () => this.tickElection();
  }

  becomeLeader(): void {
    this.reset(this.term);
    this.role = 'leader';
    this.leader = this.id;
    const last = this.log.lastIndex();
    for (const id of this.peers) {
      const pr = new Progress(last + 1, this.cfg.maxInflight);
      if (id === this.id) {
        pr.maybeUpdate(this.log.stabled, this.tickCount);
        pr.becomeReplicate(this.tickCount);
        pr.next = last + 1;
        pr.recentActive = true;
      }
      this.prs.set(id, pr);
    }
    this.stepRole = (m) => stepLeader(this, m);
    this.tickRole = () => this.tickHeartbeat();
    // §5.4.2 / Figure 8: a leader commits nothing of older terms until an entry of its own term
    // commits. The no-op makes that happen at once (and unblocks reads, rule 20).
    this.log.append([{ term: this.term, index: last + 1, type: 'noop', data: '' }]);
    this.needBroadcast = true;
  }

  private reset(term: number): void {
    if (term !== this.term) {
      this.term = term;
      this.vote = NONE;
    }
    this.leader = NONE;
    this.electionElapsed = 0;
    this.heartbeatElapsed = 0;
    this.randomizedElectionTimeout = this.cfg.electionTick + this.cfg.randInt(this.cfg.electionTick);
    this.leadTransferee = NONE;
    this.votes = new Map();
    this.prs = new Map();
    failAllReads(this, 'not-leader');
  }

  private tickElection(): void {
    this.electionElapsed++;
    if (this.electionElapsed >= this.randomizedElectionTimeout) {
      this.electionElapsed = 0;
      this.hup(false);
    }
  }

  private tickHeartbeat(): void {
    this.heartbeatElapsed++;
    this.electionElapsed++;
    if (this.electionElapsed >= this.cfg.electionTick) {
      this.electionElapsed = 0;
      // Rule 7 (CheckQuorum): a leader that has not heard from a majority for an election timeout
      // steps down, so a partitioned leader stops accepting writes it can never commit.
      if (this.cfg.checkQuorum && !this.quorumActive()) {
        this.becomeFollower(this.term, NONE);
        return;
      }
      if (this.leadTransferee !== NONE) this.leadTransferee = NONE; // transfer timed out
    }
    restartDeferred(this);
    if (this.heartbeatElapsed >= this.cfg.heartbeatTick) {
      this.heartbeatElapsed = 0;
      bcastHeartbeat(this);
    }
  }

  private quorumActive(): boolean {
    let active = 0;
    for (const [id, pr] of this.prs) {
      if (id === this.id || pr.recentActive) active++;
      if (id !== this.id) pr.recentActive = false;
    }
    return active >= this.quorum;
  }

  hup(transfer: boolean): void {
    if (this.role === 'leader') return;
    if (this.log.pendingSnapshot) return; // finish installing the snapshot first
    runCampaign(this, this.cfg.preVote && !transfer ? 'pre' : transfer ? 'transfer' : 'real');
  }

  /** The hard state the next Ready reports (the planted vote bug hides a fresh vote from storage). */
  private reportedHardState(): HardState {
    let vote = this.vote;
    if (this.cfg.bugs?.voteBeforePersist && vote !== this.id) {
      vote = this.prevHard.term === this.term ? this.prevHard.vote : NONE;
    }
    return { term: this.term, vote, commit: this.log.committed };
  }

  private assertNotInReady(op: string): void {
    if (this.readyInFlight) throw new Error(`${op}() between ready() and advance(): queue it until advance()`);
  }
}

function sameHard(a: HardState, b: HardState): boolean {
  return a.term === b.term && a.vote === b.vote && a.commit === b.commit;
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
