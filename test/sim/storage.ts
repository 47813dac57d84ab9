// In-memory stable storage for one simulated node. Only what the driver persisted from a Ready (or
// a snapshot the application took) lives here; everything else in the node dies with a crash.
import { EMPTY_HARD_STATE, type Entry, type HardState, type RaftRestoreState, type Ready, type Snapshot } from '../../src/raft/index.js';

export class MemStorage {
  hardState: HardState = EMPTY_HARD_STATE;
  snapshot: Snapshot | undefined;
  /** (index, term) just before entries[0]. Invariant: logStart.index <= snapshot index when a snapshot exists. */
  logStart = { index: 0, term: 0 };
  entries: Entry[] = [];

  lastIndex(): number {
    return this.logStart.index + this.entries.length;
  }

  termAt(index: number): number | undefined {
    if (index === this.logStart.index) return this.logStart.term;
    return this.entries[index - this.logStart.index - 1]?.term;
  }

  /**
   * The persist step of a Ready (one atomic WAL record: a torn record is dropped on recovery, which
   * is the same as crashing before this call). Throws on a Ready that would leave a gap in the log:
   * that is a core bug, reported with the seed.
   */
  persist(rd: Ready): void {
    if (rd.snapshot) {
      const { index, term } = rd.snapshot.meta;
      this.snapshot = rd.snapshot;
      this.logStart = { index, term };
      this.entries = [];
    }
    const first = rd.entries[0];
    if (first !== undefined) {
      if (first.index <= this.logStart.index) {
        throw new Error(`storage: Ready entries start at ${first.index}, at or below the log start ${this.logStart.index}`);
      }
      if (first.index > this.lastIndex() + 1) {
        throw new Error(`storage: Ready entries start at ${first.index} but the stored log ends at ${this.lastIndex()} (gap)`);
      }
      this.entries.length = first.index - this.logStart.index - 1; // truncate a conflicting suffix
      for (const e of rd.entries) this.entries.push(e);
    }
    if (rd.hardState) this.hardState = rd.hardState;
  }

  /** The application's snapshot at `snap.meta.index`, then the log cut at `compactTo` (atomic here). */
  compact(snap: Snapshot, compactTo: number): void {
    if (this.snapshot === undefined || snap.meta.index > this.snapshot.meta.index) this.snapshot = snap;
    if (compactTo <= this.logStart.index) return;
    const term = this.termAt(compactTo);
    if (term === undefined) throw new Error(`storage: compact to ${compactTo} outside the stored log (${this.logStart.index}..${this.lastIndex()})`);
    this.entries = this.entries.slice(compactTo - this.logStart.index);
    this.logStart = { index: compactTo, term };
  }

  /** What a restarted node is built from. */
  restoreState(): RaftRestoreState {
    return {
      hardState: this.hardState,
      ...(this.snapshot ? { snapshot: this.snapshot } : {}),
      logStart: this.logStart,
      entries: this.entries.slice(),
    };
  }
}
