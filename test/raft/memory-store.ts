// In-memory durable storage for one node: what survives a crash. Only what a Ready asked to persist
// (and what the application compacted into a snapshot) lives here; everything else is lost on crash.
import { EMPTY_HARD_STATE, type Entry, type HardState, type RaftRestoreState, type Ready, type Snapshot } from '../../src/raft/index.js';

export class MemoryStore {
  hardState: HardState = EMPTY_HARD_STATE;
  snapshot: Snapshot | undefined;
  /** (index, term) of the entry just before entries[0]. */
  logStart = { index: 0, term: 0 };
  // Invariant: entries[i].index === logStart.index + 1 + i.
  entries: Entry[] = [];

  constructor(init?: RaftRestoreState) {
    if (init === undefined) return;
    this.hardState = init.hardState;
    this.snapshot = init.snapshot;
    this.logStart = init.logStart ?? (init.snapshot ? { index: init.snapshot.meta.index, term: init.snapshot.meta.term } : { index: 0, term: 0 });
    this.entries = [...init.entries];
  }

  lastIndex(): number {
    return this.logStart.index + this.entries.length;
  }

  /** The persist step of the Ready contract: hard state, snapshot, then entries (truncating on overlap). */
  persist(rd: Ready): void {
    if (rd.hardState) this.hardState = rd.hardState;
    if (rd.snapshot) {
      // The snapshot replaces the whole log: the core dropped its entries when it accepted it.
      this.snapshot = rd.snapshot;
      this.logStart = { index: rd.snapshot.meta.index, term: rd.snapshot.meta.term };
      this.entries = [];
    }
    const first = rd.entries[0];
    if (first === undefined) return;
    if (first.index <= this.logStart.index) throw new Error(`persist of entry ${first.index} at or below the log start ${this.logStart.index}`);
    if (first.index > this.lastIndex() + 1) throw new Error(`persist of entry ${first.index} leaves a gap after ${this.lastIndex()}`);
    this.entries.length = first.index - this.logStart.index - 1;
    for (const e of rd.entries) this.entries.push(e);
  }

  /** The application took `snap` and dropped entries up to `compactTo` (outside any Ready). */
  compact(snap: Snapshot, compactTo: number): void {
    this.snapshot = snap;
    if (compactTo <= this.logStart.index) return;
    const term = this.entries[compactTo - this.logStart.index - 1]?.term;
    if (term === undefined) throw new Error(`compactTo ${compactTo} is not in the stored log`);
    this.entries = this.entries.slice(compactTo - this.logStart.index);
    this.logStart = { index: compactTo, term };
  }

  /** What a restarted node recovers. Copies, so the store and the core never share arrays. */
  restoreState(): RaftRestoreState {
    return {
      hardState: this.hardState,
      ...(this.snapshot ? { snapshot: this.snapshot } : {}),
      logStart: this.logStart,
      entries: [...this.entries],
    };
  }
}
