// The in-memory Raft log: a compaction marker, the entries after it, and the indices that say how
// much of it is durable (stabled), committed and applied. Storage mirrors it; the core owns it.
import type { Entry, Snapshot, RaftRestoreState } from './types.js';

export class RaftLog {
  /** (index, term) of the last compacted entry; entries[0] has index markerIndex + 1. */
  markerIndex: number;
  markerTerm: number;
  // Invariant: entries[i].index === markerIndex + 1 + i, terms non-decreasing.
  private entries: Entry[];
  /** Highest index known durable in storage. Invariant: markerIndex <= stabled <= lastIndex(). */
  stabled: number;
  /** Invariant: applied <= committed <= lastIndex(); markerIndex <= applied after restore. */
  committed: number;
  applied: number;
  /** The latest snapshot (durable or not): what a leader sends to followers behind the marker. */
  snapshot: Snapshot | undefined;
  /** A snapshot received from the leader that storage has not persisted yet. */
  pendingSnapshot: Snapshot | undefined;

  constructor(restore: RaftRestoreState) {
    const snap = restore.snapshot;
    const start = restore.logStart ?? (snap ? { index: snap.meta.index, term: snap.meta.term } : { index: 0, term: 0 });
    this.markerIndex = start.index;
    this.markerTerm = start.term;
    this.entries = restore.entries.slice();
    this.entries.forEach((e, i) => {
      if (e.index !== start.index + 1 + i) {
        throw new Error(`restored log is not contiguous: entry ${i} has index ${e.index}, expected ${start.index + 1 + i}`);
      }
    });
    this.snapshot = snap;
    this.pendingSnapshot = undefined;
    this.stabled = this.lastIndex();
    const snapIndex = snap?.meta.index ?? 0;
    if (snapIndex < this.markerIndex) throw new Error(`log starts at ${this.markerIndex} after snapshot ${snapIndex}`);
    if (snapIndex > this.lastIndex()) throw new Error(`snapshot ${snapIndex} is beyond the log's last index ${this.lastIndex()}`);
    // The state machine is restored from the snapshot; committed entries after it are replayed.
    this.applied = snapIndex;
    this.committed = Math.min(Math.max(restore.hardState.commit, snapIndex), this.lastIndex());
  }

  firstIndex(): number {
    return this.markerIndex + 1;
  }

  lastIndex(): number {
    return this.markerIndex + this.entries.length;
  }

  lastTerm(): number {
    return this.termAt(this.lastIndex()) ?? 0;
  }

  /** Term of the entry at `index`, or undefined when compacted away or beyond the end. */
  termAt(index: number): number | undefined {
    if (index === this.markerIndex) return this.markerTerm;
    if (index < this.markerIndex || index > this.lastIndex()) return undefined;
    return this.entries[index - this.markerIndex - 1]?.term;
  }

  matchTerm(index: number, term: number): boolean {
    return this.termAt(index) === term;
  }

  /** §5.4.1: a candidate's log is at least as up to date as ours. */
  isUpToDate(lastIndex: number, lastTerm: number): boolean {
    const myTerm = this.lastTerm();
    return lastTerm > myTerm || (lastTerm === myTerm && lastIndex >= this.lastIndex());
  }

  /** Entries in [lo, hi), capped at maxBytes of data (always at least one entry). */
  slice(lo: number, hi: number, maxBytes = Infinity): Entry[] {
    if (lo <= this.markerIndex) throw new Error(`slice(${lo}) reaches into the compacted log (marker ${this.markerIndex})`);
    const end = Math.min(hi, this.lastIndex() + 1);
    const out: Entry[] = [];
    let bytes = 0;
    for (let i = lo; i < end; i++) {
      const e = this.entries[i - this.markerIndex - 1];
      if (e === undefined) break;
      bytes += e.data.length + 32;
      if (out.length > 0 && bytes > maxBytes) break;
      out.push(e);
    }
    return out;
  }

  entry(index: number): Entry | undefined {
    if (index <= this.markerIndex) return undefined;
    return this.entries[index - this.markerIndex - 1];
  }

  /** Leader-side append of new entries at the end. */
  append(ents: readonly Entry[]): void {
    for (const e of ents) {
      if (e.index !== this.lastIndex() + 1) throw new Error(`append of ${e.index} after ${this.lastIndex()}`);
      this.entries.push(e);
    }
  }

  /**
   * Follower-side AppendEntries (§5.3): if our log matches at (prevIndex, prevTerm), append what is
   * new, truncating only at a real conflict (rule 10: a delayed old append never shortens the log),
   * and advance commit to min(leaderCommit, last new index) (rule 11). Returns the last new index, or
   * undefined when the consistency check fails.
   */
  maybeAppend(prevIndex: number, prevTerm: number, leaderCommit: number, ents: readonly Entry[]): number | undefined {
    if (!this.matchTerm(prevIndex, prevTerm)) return undefined;
    const lastNew = prevIndex + ents.length;
    const conflict = this.findConflict(ents);
    if (conflict !== 0) {
      if (conflict <= this.committed) {
        throw new Error(`entry ${conflict} conflicts with committed entry (commit ${this.committed}): safety violation`);
      }
      this.truncateAndAppend(ents.slice(conflict - (ents[0]?.index ?? conflict)));
    }
    this.commitTo(Math.min(leaderCommit, lastNew));
    return lastNew;
  }

  /** Index of the first entry that is new or whose term differs from ours; 0 if all match. */
  private findConflict(ents: readonly Entry[]): number {
    for (const e of ents) {
      if (!this.matchTerm(e.index, e.term)) return e.index;
    }
    return 0;
  }

  private truncateAndAppend(ents: readonly Entry[]): void {
    const first = ents[0];
    if (first === undefined) return;
    if (first.index <= this.markerIndex) throw new Error(`truncate at ${first.index} below marker ${this.markerIndex}`);
    this.entries.length = first.index - this.markerIndex - 1;
    for (const e of ents) this.entries.push(e);
    // Whatever storage held from first.index on is now wrong; it must be rewritten.
    this.stabled = Math.min(this.stabled, first.index - 1);
  }

  /**
   * The largest index <= `index` whose term is <= `term` (fast backtracking, rule 14). Returns the
   * marker when the answer lies in the compacted prefix.
   */
  findConflictByTerm(index: number, term: number): number {
    let i = Math.min(index, this.lastIndex());
    while (i > this.markerIndex) {
      const t = this.termAt(i);
      if (t !== undefined && t <= term) return i;
      i--;
    }
    return this.markerIndex;
  }

  commitTo(index: number): void {
    if (index > this.committed) {
      if (index > this.lastIndex()) throw new Error(`commit ${index} beyond last index ${this.lastIndex()}`);
      this.committed = index;
    }
  }

  /** Entries not yet durable: storage appends them (truncating first if they overlap). */
  unstableEntries(): Entry[] {
    if (this.stabled >= this.lastIndex()) return [];
    return this.entries.slice(this.stabled - this.markerIndex);
  }

  stableTo(index: number, term: number): void {
    // Only if the entry is still the one that was persisted (the log could have been truncated).
    if (this.matchTerm(index, term) && index > this.stabled) this.stabled = index;
  }

  /** Committed entries not yet handed to the application, in order. */
  nextCommittedEntries(): Entry[] {
    const from = Math.max(this.applied, this.markerIndex) + 1;
    if (this.committed < from) return [];
    return this.entries.slice(from - this.markerIndex - 1, this.committed - this.markerIndex);
  }

  hasNextCommittedEntries(): boolean {
    return this.committed > Math.max(this.applied, this.markerIndex);
  }

  appliedTo(index: number): void {
    if (index > this.committed) throw new Error(`applied ${index} beyond commit ${this.committed}`);
    if (index > this.applied) this.applied = index;
  }

  /** Follower installs a leader's snapshot: the log restarts after it (rule 21). */
  restoreSnapshot(snap: Snapshot): void {
    this.markerIndex = snap.meta.index;
    this.markerTerm = snap.meta.term;
    this.entries = [];
    this.committed = snap.meta.index;
    this.stabled = snap.meta.index;
    this.snapshot = snap;
    this.pendingSnapshot = snap;
  }

  snapshotPersisted(index: number): void {
    if (this.pendingSnapshot && this.pendingSnapshot.meta.index === index) {
      this.pendingSnapshot = undefined;
      if (index > this.applied) this.applied = index;
    }
  }

  /** The application snapshotted at snap.meta.index; drop entries up to compactTo. */
  compact(snap: Snapshot, compactTo: number): void {
    const idx = snap.meta.index;
    if (idx > this.applied) throw new Error(`snapshot at ${idx} is beyond applied ${this.applied}`);
    if (compactTo > idx) throw new Error(`compactTo ${compactTo} beyond snapshot ${idx}`);
    if (compactTo > this.stabled) throw new Error(`compactTo ${compactTo} beyond stable ${this.stabled}`);
    if (!this.snapshot || idx > this.snapshot.meta.index) this.snapshot = snap;
    if (compactTo <= this.markerIndex) return;
    const term = this.termAt(compactTo);
    if (term === undefined) throw new Error(`compactTo ${compactTo} is not in the log`);
    this.entries = this.entries.slice(compactTo - this.markerIndex);
    this.markerIndex = compactTo;
    this.markerTerm = term;
  }
}
