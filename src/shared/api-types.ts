// The JSON shapes of the HTTP API, shared by the node (which produces them), the proxy and the
// client library (which consume them). Plain types only: no behaviour, so any layer may import them.

export type RoleName = 'follower' | 'pre-candidate' | 'candidate' | 'leader';

export interface LeaderRef {
  readonly id: number;
  /** Base URL of the leader as configured in --peers (null if the id is unknown to us). */
  readonly url: string | null;
}

/** One follower as the leader sees it (only on the leader's /status). */
export interface PeerProgress {
  readonly id: number;
  readonly url: string;
  readonly matchIndex: number;
  readonly nextIndex: number;
  readonly state: string;
}

/** `GET /status` on a node (SPEC). */
export interface NodeStatus {
  readonly kind: 'node';
  readonly id: number;
  readonly url: string;
  readonly clusterId: string;
  readonly role: RoleName;
  readonly term: number;
  readonly vote: number;
  readonly leader: LeaderRef | null;
  readonly commitIndex: number;
  readonly appliedIndex: number;
  readonly lastLogIndex: number;
  readonly lastLogTerm: number;
  readonly firstIndex: number;
  readonly snapshotIndex: number;
  readonly keys: number;
  readonly uptimeMs: number;
  /** Present on the leader. */
  readonly peers?: readonly PeerProgress[];
  /** Present when the node runs with --enable-faults. */
  readonly faults?: FaultSpec;
  /** WAL counters since start: fdatasync calls (one per persisted batch), bytes, segment files. */
  readonly storage?: { readonly fsyncs: number; readonly walBytes: number; readonly segments: number };
}

/** One node as the proxy last saw it. */
export interface ProxyNodeView {
  readonly id: number;
  readonly url: string;
  readonly reachable: boolean;
  readonly role: RoleName | null;
  readonly term: number | null;
  readonly lastError?: string;
}

/** `GET /status` on the proxy. */
export interface ProxyStatus {
  readonly kind: 'proxy';
  readonly leader: LeaderRef | null;
  readonly nodes: readonly ProxyNodeView[];
  readonly uptimeMs: number;
}

/**
 * The transport fault filter of a node (admin API, `--enable-faults`, loopback only).
 * dropTo: never send to these peers; dropFrom: discard everything received from them;
 * delayMs (+ up to jitterMs): hold every outgoing batch that long; loss: drop each outgoing batch
 * with this probability (0..1).
 */
export interface FaultSpec {
  readonly dropTo: readonly number[];
  readonly dropFrom: readonly number[];
  readonly delayMs: number;
  readonly jitterMs: number;
  readonly loss: number;
}

export const NO_FAULTS: FaultSpec = Object.freeze({ dropTo: [], dropFrom: [], delayMs: 0, jitterMs: 0, loss: 0 });

/** Successful answers of the KV API. */
export interface PutAnswer {
  readonly key: string;
  readonly value: string;
  readonly index: number;
}
export interface GetAnswer {
  readonly key: string;
  readonly value: string;
}
export interface DeleteAnswer {
  readonly key: string;
  readonly deleted: boolean;
  readonly index: number;
}
export type CasAnswer = PutAnswer;

export type Consistency = 'linearizable' | 'stale';
