// When to snapshot and how much log to keep: every `every` applied entries, keeping `keep` entries
// behind the snapshot so a briefly lagging follower catches up from the log rather than a snapshot.
// The state machine is serialised synchronously by the caller between two Ready batches (so it is
// exactly the state at `index`); writing it runs in the background (storage orders it with the WAL
// appends), and the core drops its log prefix only once the snapshot is durable — never before.
import type { Logger } from 'pino';
import type { NodeId, Snapshot } from '../raft/index.js';
import type { DriverStorage, RaftCore, StateMachine } from './ports.js';

export class SnapshotPolicy {
  /** Index of the newest snapshot (taken here, installed from the leader, or recovered). */
  lastIndex: number;
  #nextAt: number;
  #busy = false;

  constructor(
    private readonly every: number,
    private readonly keep: number,
    private readonly voters: readonly NodeId[],
    private readonly storage: DriverStorage,
    private readonly log: Logger,
    recoveredIndex: number,
  ) {
    this.lastIndex = recoveredIndex;
    this.#nextAt = recoveredIndex + every;
  }

  /** A snapshot arrived from the leader: count from it. */
  installed(index: number): void {
    this.lastIndex = index;
    this.#nextAt = index + this.every;
  }

  /**
   * Takes a snapshot if one is due. `compact` is called (with the core's compact arguments) once the
   * snapshot is durable; the caller must run it outside ready()/advance() — it queues it.
   */
  maybeTake(raft: RaftCore, sm: StateMachine, onDurable: (compact: () => void) => void): void {
    if (this.every <= 0 || this.#busy) return;
    const index = sm.appliedIndex;
    if (index < this.#nextAt) return;
    this.#nextAt = index + this.every; // also pushed back after a failure, so failures do not spin
    const term = raft.termAt(index);
    if (term === undefined) return;
    this.#busy = true;
    const started = performance.now();
    const st = raft.status();
    const snapshot: Snapshot = { meta: { index, term, voters: [...this.voters] }, data: sm.snapshot() };
    let cut = Math.max(index - this.keep, st.firstIndex - 1, 0);
    let cutTerm = raft.termAt(cut);
    if (cutTerm === undefined) {
      cut = st.firstIndex - 1;
      cutTerm = raft.termAt(cut) ?? 0;
    }
    this.storage.createSnapshot(snapshot, { index: cut, term: cutTerm }).then(
      () =>
        onDurable(() => {
          this.#busy = false;
          try {
            raft.compact(snapshot, cut);
          } catch (err) {
            this.log.error({ err, index, cut }, `compacting the log after snapshot ${index} failed`);
            return;
          }
          if (index > this.lastIndex) this.lastIndex = index;
          const ms = Math.round(performance.now() - started);
          this.log.info({ index, term, bytes: snapshot.data.length, compactedTo: cut, ms }, `snapshot taken at index ${index} (${snapshot.data.length} bytes, ${ms} ms); log compacted up to ${cut}`);
        }),
      (err: unknown) => {
        this.#busy = false;
        this.log.error({ err, index }, `snapshot at index ${index} failed`);
      },
    );
  }
}
