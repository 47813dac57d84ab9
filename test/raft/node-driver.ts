// One node of the in-memory network: a Raft core, its durable store, and a tiny state machine, driven
// by the Ready contract: persist → send → apply → advance.
import { Raft, raftConfig, type Entry, type Message, type NodeId, type RaftConfig, type Ready, type ReadFailure, type Snapshot } from '../../src/raft/index.js';
import { MemoryStore } from './memory-store.js';

export type RaftOverrides = Partial<Omit<RaftConfig, 'id' | 'peers' | 'randInt'>>;

/**
 * The application: an append-only list of applied entries (noops included). Comparing these lists
 * across nodes is the state machine safety check; "exactly once, in order" is enforced on apply.
 */
export class ListApp {
  applied: Entry[] = [];
  /** Index of the last applied entry (the snapshot index after a restore). */
  appliedIndex = 0;

  apply(e: Entry): void {
    if (e.index !== this.appliedIndex + 1) {
      throw new Error(`applied entry ${e.index} out of order: last applied is ${this.appliedIndex}`);
    }
    this.applied.push(e);
    this.appliedIndex = e.index;
  }

  /** The data of applied normal entries, in order: what a client reading "everything" would see. */
  values(): string[] {
    return this.applied.filter((e) => e.type === 'normal').map((e) => e.data);
  }

  serialize(): string {
    return JSON.stringify(this.applied);
  }

  restore(snap: Snapshot): void {
    this.applied = JSON.parse(snap.data) as Entry[];
    this.appliedIndex = snap.meta.index;
    const last = this.applied[this.applied.length - 1];
    if ((last?.index ?? 0) !== snap.meta.index) throw new Error(`snapshot ${snap.meta.index} holds entries up to ${last?.index ?? 0}`);
  }
}

export interface ServedRead {
  readonly ctx: string;
  /** The read index the core returned. */
  readonly index: number;
  /** The applied index when the read was served (>= index). */
  readonly appliedIndex: number;
  readonly values: readonly string[];
}

export class NodeDriver {
  readonly raft: Raft;
  readonly app = new ListApp();
  readonly served: ServedRead[] = [];
  readonly failedReads: ReadFailure[] = [];
  private waitingReads: { ctx: string; index: number }[] = [];

  constructor(
    readonly id: NodeId,
    peers: readonly NodeId[],
    readonly store: MemoryStore,
    randInt: (n: number) => number,
    overrides: RaftOverrides,
  ) {
    // A restart rebuilds the state machine from the durable snapshot; the core replays the rest.
    if (store.snapshot) this.app.restore(store.snapshot);
    this.raft = new Raft(raftConfig(id, peers, randInt, overrides), store.restoreState());
  }

  /**
   * Perform one Ready if there is one. `send` receives the messages after the persist step.
   * Returns the Ready performed, or undefined.
   */
  handleReady(send: (m: Message) => void): Ready | undefined {
    if (!this.raft.hasReady()) return undefined;
    const rd = this.raft.ready();
    this.store.persist(rd);
    if (rd.snapshot) this.app.restore(rd.snapshot);
    for (const m of rd.messages) send(m);
    for (const e of rd.committedEntries) this.app.apply(e);
    for (const rs of rd.readStates) this.waitingReads.push(rs);
    for (const f of rd.readFailures) this.failedReads.push(f);
    this.serveReads();
    this.raft.advance(rd);
    return rd;
  }

  /** A read is served once the state machine has applied its read index (thesis §6.4 step 4). */
  private serveReads(): void {
    const still: { ctx: string; index: number }[] = [];
    for (const r of this.waitingReads) {
      if (this.app.appliedIndex >= r.index) {
        this.served.push({ ctx: r.ctx, index: r.index, appliedIndex: this.app.appliedIndex, values: this.app.values() });
      } else {
        still.push(r);
      }
    }
    this.waitingReads = still;
  }

  /** The application snapshots at its applied index and compacts the log up to `compactTo`. */
  compact(voters: readonly NodeId[], compactTo = this.app.appliedIndex): Snapshot {
    const index = this.app.appliedIndex;
    const term = this.raft.termAt(index);
    if (term === undefined) throw new Error(`node ${this.id}: no term for applied index ${index}`);
    const snap: Snapshot = { meta: { index, term, voters: [...voters] }, data: this.app.serialize() };
    this.raft.compact(snap, compactTo);
    this.store.compact(snap, compactTo);
    return snap;
  }
}
