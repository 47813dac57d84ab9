// One simulated server: a Raft core, its KV state machine, its stable storage, and the client
// requests it is holding. A crash throws away everything but `storage`.
import { KvStateMachine } from '../../src/kv/index.js';
import { Raft, raftConfig, type NodeId, type RaftConfig } from '../../src/raft/index.js';
import { MemStorage } from './storage.js';

export interface PendingWrite {
  readonly term: number;
  readonly client: number;
  readonly opId: number;
}

export interface PendingRead {
  readonly client: number;
  readonly opId: number;
  readonly key: string;
}

export type HeldRequest =
  | { readonly kind: 'write'; readonly data: string; readonly client: number; readonly opId: number }
  | { readonly kind: 'read'; readonly ctx: string; readonly key: string; readonly client: number; readonly opId: number };

export class SimNode {
  raft: Raft | undefined;
  kv = new KvStateMachine();
  readonly storage = new MemStorage();
  /** Proposals this node accepted as leader, by log index (rule 18: answered when that index applies). */
  proposals = new Map<number, PendingWrite>();
  /** Reads asked of this node, by ReadIndex ctx. */
  reads = new Map<string, PendingRead>();
  /** Reads with a read index, waiting for the state machine to apply that far. */
  readWaiters: { ctx: string; index: number }[] = [];
  /** Commit index already reported to the invariants (reset from storage on restart). */
  commitSeen = 0;
  /** Applied index of the last snapshot this node took. */
  lastSnapshot = 0;
  downUntil = 0;
  /** Paused (process stopped): no ticks; messages and client requests wait until `pausedUntil`. */
  paused = false;
  pausedUntil = 0;
  /** Client requests that arrived while paused, performed on resume (before the queued messages). */
  held: HeldRequest[] = [];
  incarnation = 0;
  crashes = 0;

  constructor(
    readonly id: NodeId,
    private readonly config: RaftConfig,
  ) {}

  get up(): boolean {
    return this.raft !== undefined;
  }

  /** (Re)start from stable storage: a fresh core, the state machine from the durable snapshot. */
  start(): Raft {
    const restore = this.storage.restoreState();
    const raft = new Raft(this.config, restore);
    const snap = restore.snapshot;
    this.kv = snap ? KvStateMachine.restore(snap.data) : new KvStateMachine();
    if (this.kv.appliedIndex !== raft.log.applied) {
      throw new Error(`node ${this.id}: restored state machine is at ${this.kv.appliedIndex} but the core restarts at applied ${raft.log.applied}`);
    }
    this.raft = raft;
    this.commitSeen = raft.log.committed;
    this.lastSnapshot = snap?.meta.index ?? 0;
    this.incarnation++;
    return raft;
  }

  /** Lose everything volatile; returns the client requests that were waiting here. */
  crash(): { writes: PendingWrite[]; reads: PendingRead[]; held: HeldRequest[] } {
    const lost = { writes: [...this.proposals.values()], reads: [...this.reads.values()], held: this.held };
    this.raft = undefined;
    this.paused = false;
    this.held = [];
    this.proposals = new Map();
    this.reads = new Map();
    this.readWaiters = [];
    this.crashes++;
    return lost;
  }
}

export function nodeConfig(id: NodeId, peers: readonly NodeId[], randInt: (n: number) => number, overrides: Parameters<typeof raftConfig>[3]): RaftConfig {
  return raftConfig(id, peers, randInt, overrides);
}
