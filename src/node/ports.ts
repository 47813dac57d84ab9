// What the driver needs from its collaborators, as narrow interfaces: the real Raft core, KV state
// machine and storage satisfy them, and tests substitute small fakes.
import type { KvResult } from '../kv/index.js';
import type { Entry, HardState, Message, NodeId, Ready, Snapshot } from '../raft/index.js';
import type { ProposeResult, RaftStatus } from '../raft/index.js';

/** The subset of the Raft core's API the driver uses. */
export interface RaftCore {
  tick(): void;
  step(m: Message): void;
  propose(data: string): ProposeResult;
  readIndex(ctx: string): void;
  transferLeadership(to: NodeId): boolean;
  peerStarted(from: NodeId): void;
  campaign(): void;
  hasReady(): boolean;
  ready(): Ready;
  advance(rd: Ready): void;
  compact(snapshot: Snapshot, compactTo: number): void;
  termAt(index: number): number | undefined;
  status(): RaftStatus;
}

/** The replicated state machine (the KV store). */
export interface StateMachine {
  apply(entry: Entry): KvResult | undefined;
  get(key: string): string | undefined;
  readonly appliedIndex: number;
  readonly size: number;
  snapshot(): string;
}

/** One batch the driver makes durable with a single fsync. */
export interface SaveBatch {
  hardState?: HardState;
  entries: readonly Entry[];
  snapshot?: Snapshot;
}

/** Durable storage as the driver uses it. */
export interface DriverStorage {
  save(batch: SaveBatch): Promise<void>;
  createSnapshot(snapshot: Snapshot, compactTo: { index: number; term: number }): Promise<void>;
}

/** Outbound half of the peer transport. Never blocks: messages are queued per peer. */
export interface Transport {
  send(messages: readonly Message[]): void;
  close(): Promise<void>;
}

/** Assembles an InstallSnapshot that arrives in chunks (storage.beginIncomingSnapshot). */
export interface IncomingSnapshot {
  write(offset: number, chunk: Buffer): Promise<void> | void;
  finish(): Promise<string>;
  abort(): Promise<void> | void;
}

export type BeginIncomingSnapshot = (id: string) => IncomingSnapshot;
