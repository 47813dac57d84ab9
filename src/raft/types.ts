// The vocabulary of the pure Raft core: entries, hard state, snapshots, messages, and the Ready batch.
// Everything here is plain data (JSON-serialisable) so the same values travel over HTTP, sit in the
// WAL, and flow through the in-memory simulator unchanged.

/** Node ids are positive integers (1..N). 0 means "none" (no vote, no known leader). */
export type NodeId = number;
export const NONE: NodeId = 0;

/** `normal` carries application data; `noop` is the entry a new leader appends (§5.4.2, Figure 8). */
export type EntryType = 'normal' | 'noop';

export interface Entry {
  readonly term: number;
  readonly index: number;
  readonly type: EntryType;
  /** Opaque to the core: the KV layer's encoded command. Empty string for noop. */
  readonly data: string;
}

/** What must be durable before any message that depends on it leaves the node (§5.1, Figure 2). */
export interface HardState {
  readonly term: number;
  /** Who we voted for in `term`, or NONE. */
  readonly vote: NodeId;
  /** Persisted as a hint only: commit is never lowered on restart, never trusted beyond the log. */
  readonly commit: number;
}

export interface SnapshotMeta {
  /** Last log index covered by the snapshot. */
  readonly index: number;
  /** Term of the entry at `index`. */
  readonly term: number;
  /** The voting members at `index` (static configuration: all ids in the cluster). */
  readonly voters: readonly NodeId[];
}

export interface Snapshot {
  readonly meta: SnapshotMeta;
  /** Opaque to the core: the KV layer's serialised state (sessions included). */
  readonly data: string;
}

export type Role = 'follower' | 'pre-candidate' | 'candidate' | 'leader';

// ---------------------------------------------------------------------------------------------
// Messages. Every message carries from/to/term. Local-only messages never leave a node.

interface MsgBase {
  readonly from: NodeId;
  readonly to: NodeId;
  /** Sender's current term (for PreVote: the term the sender *would* campaign in). */
  readonly term: number;
}

/** RequestVote (§5.2) or PreVote (thesis §9.6). `transfer` marks a campaign after TimeoutNow. */
export interface MsgVote extends MsgBase {
  readonly type: 'Vote' | 'PreVote';
  readonly lastLogIndex: number;
  readonly lastLogTerm: number;
  readonly transfer?: boolean;
}

export interface MsgVoteResp extends MsgBase {
  readonly type: 'VoteResp' | 'PreVoteResp';
  readonly granted: boolean;
}

/** AppendEntries (§5.3). Heartbeats are Appends too (consistency check on every one: rule 9). */
export interface MsgApp extends MsgBase {
  readonly type: 'App';
  readonly prevLogIndex: number;
  readonly prevLogTerm: number;
  readonly entries: readonly Entry[];
  readonly commit: number;
  /** Non-empty when this append also confirms leadership for pending ReadIndex requests. */
  readonly readCtx?: string;
}

export interface MsgAppResp extends MsgBase {
  readonly type: 'AppResp';
  readonly success: boolean;
  /** On success: the index of the last entry the follower now matches (from what was sent). */
  readonly matchIndex: number;
  /** On rejection: the prevLogIndex that was rejected, so stale rejections can be ignored. */
  readonly rejectedIndex: number;
  /** Fast backtracking hints (thesis §5.3 optimisation): follower's conflicting term/index. */
  readonly conflictTerm: number;
  readonly conflictIndex: number;
  /** Echo of the request's readCtx (leadership confirmation for ReadIndex). */
  readonly readCtx?: string;
}

/** InstallSnapshot (§7). The transport may chunk `snapshot.data`; the core sees it whole. */
export interface MsgSnap extends MsgBase {
  readonly type: 'Snap';
  readonly snapshot: Snapshot;
}

/** Follower → leader: "give me a read index for ctx" (thesis §6.4). */
export interface MsgReadIndex extends MsgBase {
  readonly type: 'ReadIndex';
  readonly ctx: string;
}

/** Leader → follower: the index a follower must apply before serving read `ctx`; 0 = rejected. */
export interface MsgReadIndexResp extends MsgBase {
  readonly type: 'ReadIndexResp';
  readonly ctx: string;
  readonly index: number;
  readonly rejected: boolean;
}

/** Leadership transfer (thesis §3.10): "campaign now, you are up to date". */
export interface MsgTimeoutNow extends MsgBase {
  readonly type: 'TimeoutNow';
}

export type Message =
  | MsgVote
  | MsgVoteResp
  | MsgApp
  | MsgAppResp
  | MsgSnap
  | MsgReadIndex
  | MsgReadIndexResp
  | MsgTimeoutNow;

export type MessageType = Message['type'];

// ---------------------------------------------------------------------------------------------
// Ready: the batch of effects the driver performs in order: persist → send → apply → advance.

/** A read that may be served once the local state machine has applied `index`. */
export interface ReadState {
  readonly ctx: string;
  readonly index: number;
}

/** A read that cannot be served (no leader, leadership lost, rejected by the leader). */
export interface ReadFailure {
  readonly ctx: string;
  readonly reason: 'no-leader' | 'not-leader' | 'rejected';
}

export interface SoftState {
  readonly leader: NodeId;
  readonly role: Role;
}

export interface Ready {
  /** Present only when term, vote or commit changed since the last advance (derived by diff). */
  readonly hardState?: HardState;
  /** Present when a snapshot must be installed: persist it, then restore the state machine. */
  readonly snapshot?: Snapshot;
  /**
   * Entries to append to stable storage. If entries[0].index <= the last stored index, storage
   * truncates from entries[0].index first (a real conflict was found).
   */
  readonly entries: readonly Entry[];
  /** To send only after everything above is durable. */
  readonly messages: readonly Message[];
  /** Committed, not yet applied, in index order. Apply exactly once, in order. */
  readonly committedEntries: readonly Entry[];
  readonly readStates: readonly ReadState[];
  readonly readFailures: readonly ReadFailure[];
  /** Present when leader or role changed since the last advance. */
  readonly softState?: SoftState;
}

// ---------------------------------------------------------------------------------------------
// Configuration.

/**
 * Test-only switches that plant known bugs, so tests can prove the simulator catches them.
 * Never set outside tests and the `--unsafe-*` flags.
 */
export interface PlantedBugs {
  /** Commit an old-term entry by counting replicas (violates Figure 8). */
  readonly commitOldTermByCounting?: boolean;
  /** Grant a vote without making it durable (the Ready's hard state omits the vote). */
  readonly voteBeforePersist?: boolean;
  /** Followers answer ReadIndex locally from their commit index without asking the leader. */
  readonly followerReadWithoutReadIndex?: boolean;
  /** Reset the election timer on any message, even stale-term ones and refused votes. */
  readonly resetTimerOnAnyMessage?: boolean;
}

export interface RaftConfig {
  readonly id: NodeId;
  /** All voting members including `id` (static membership). */
  readonly peers: readonly NodeId[];
  /** Election timeout in ticks; the actual timeout is drawn from [electionTick, 2*electionTick). */
  readonly electionTick: number;
  /** Leader sends heartbeats every heartbeatTick ticks. Must be < electionTick. */
  readonly heartbeatTick: number;
  /** Injected randomness: returns an integer in [0, n). Seeded in tests and the simulator. */
  readonly randInt: (n: number) => number;
  readonly preVote: boolean;
  readonly checkQuorum: boolean;
  /** Max in-flight append messages per follower (pipelining window). */
  readonly maxInflight: number;
  /** Max bytes of entry data per append message (at least one entry is always sent). */
  readonly maxMsgBytes: number;
  readonly bugs?: PlantedBugs;
}

/** What the core is started from: whatever storage recovered (all empty for a fresh node). */
export interface RaftRestoreState {
  readonly hardState: HardState;
  /** The latest durable snapshot, if any. The core keeps it to send to lagging followers. */
  readonly snapshot?: Snapshot;
  /**
   * The (index, term) of the entry just before entries[0] (the compaction point). Defaults to the
   * snapshot's (index, term), or (0, 0) for a log that was never compacted. It may lie below the
   * snapshot index: a trailing window of entries is kept so lagging followers catch up from the log.
   */
  readonly logStart?: { readonly index: number; readonly term: number };
  /** Entries after logStart, contiguous, as stored. */
  readonly entries: readonly Entry[];
}

export const EMPTY_HARD_STATE: HardState = { term: 0, vote: NONE, commit: 0 };
