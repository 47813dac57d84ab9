// The shape of the stored log (log start, last index, optionally the entries) and the rules that
// change it. Both live saves and start-up replay go through this one class, so what save() promised
// and what replay rebuilds cannot drift apart.
import type { Entry } from '../raft/index.js';
import type { LogPoint } from './codec.js';

export class LogModel {
  /** (index, term) of the entry just before the first stored one: the compaction point. */
  logStart: LogPoint = { index: 0, term: 0 };
  // Invariant: lastIndex >= logStart.index; items (when kept) hold logStart.index+1 .. lastIndex.
  lastIndex = 0;
  /** Entries when kept (replay only). `undefined` slots are entries known to exist in deleted segments. */
  private items: (Entry | undefined)[] | undefined;

  constructor(keepEntries: boolean) {
    this.items = keepEntries ? [] : undefined;
  }

  /** A copy of the shape (log start and last index) without entries: to stage a change before it is durable. */
  shapeCopy(): LogModel {
    const m = new LogModel(false);
    m.logStart = this.logStart;
    m.lastIndex = this.lastIndex;
    return m;
  }

  /** Why a batch starting at `first` cannot be appended, or undefined if it can. */
  checkAppend(first: number): string | undefined {
    if (first <= this.logStart.index) return `entries start at index ${first}, at or below the log start ${this.logStart.index}`;
    if (first > this.lastIndex + 1) return `entries start at index ${first}, leaving a gap after the last index ${this.lastIndex}`;
    return undefined;
  }

  /** Append contiguous entries (already checked); a first index <= lastIndex truncates the conflict first. */
  append(entries: readonly Entry[]): void {
    const first = entries[0];
    if (first === undefined) return;
    if (this.items) {
      this.items.length = first.index - this.logStart.index - 1;
      for (const e of entries) this.items.push(e);
    }
    this.lastIndex = first.index + entries.length - 1;
  }

  /** Snapshot installed: the log restarts empty after `p`. */
  reset(p: LogPoint): void {
    this.logStart = { index: p.index, term: p.term };
    this.lastIndex = p.index;
    if (this.items) this.items = [];
  }

  /** Drop entries up to `p.index`. Never moves the start backwards; returns whether anything changed. */
  compact(p: LogPoint): boolean {
    if (p.index <= this.logStart.index) return false;
    if (p.index >= this.lastIndex) {
      this.reset(p);
      return true;
    }
    if (this.items) this.items = this.items.slice(p.index - this.logStart.index);
    this.logStart = { index: p.index, term: p.term };
    return true;
  }

  /** The first surviving segment's header: entries up to lastIndex exist but lived in deleted segments. */
  startFromHeader(logStart: LogPoint, lastIndex: number): void {
    this.logStart = { index: logStart.index, term: logStart.term };
    this.lastIndex = lastIndex;
    if (this.items) this.items = new Array<Entry | undefined>(lastIndex - logStart.index).fill(undefined);
  }

  /** Term of the entry at `index` if known (the log start counts). */
  termAt(index: number): number | undefined {
    if (index === this.logStart.index) return this.logStart.term;
    if (index < this.logStart.index || index > this.lastIndex) return undefined;
    return this.items?.[index - this.logStart.index - 1]?.term;
  }

  /** Index of the first entry that is known to exist but whose data is gone (a missing segment). */
  firstHole(): number | undefined {
    const i = this.items?.indexOf(undefined) ?? -1;
    return i < 0 ? undefined : this.logStart.index + 1 + i;
  }

  entries(): Entry[] {
    return (this.items ?? []).filter((e): e is Entry => e !== undefined);
  }
}
