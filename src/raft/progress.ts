// The leader's view of one follower: matchIndex/nextIndex (§5.3) plus the flow-control state that
// makes replication fast (pipelining in `replicate`) and safe to retry (`probe`, `snapshot`).

export type ProgressState = 'probe' | 'replicate' | 'snapshot';

export class Progress {
  /** Highest index known replicated on the follower. Invariant: never moves back (rule 12). */
  match = 0;
  /** Next index to send. Invariant: match < next. */
  next: number;
  state: ProgressState = 'probe';
  /** probe: one append in flight; wait for its answer (or a heartbeat answer) before the next. */
  probeSent = false;
  /** snapshot: the index of the snapshot sent; and when (tick) it was sent, to retry a lost one. */
  pendingSnapshot = 0;
  snapshotSentTick = 0;
  /** CheckQuorum: heard from this peer since the last check. */
  recentActive = false;
  /** Tick at which match last advanced (or replication (re)started): detects lost pipelined appends. */
  lastProgressTick = 0;
  /** Restarts (replicate → probe on a rejection) in tick `restartTick`; capped, see handleAppendResponse. */
  private restartTick = -1;
  private restartsInTick = 0;
  /** A restart was refused by the per-tick cap: the next tick performs it (see restartDeferred). */
  restartPending = false;

  /** Restarts counted in `tick`. */
  restartsIn(tick: number): number {
    return this.restartTick === tick ? this.restartsInTick : 0;
  }

  /** Falls back from replicate to probe after a rejection, counting the restart against `tick`. */
  restart(tick: number): void {
    this.restartsInTick = this.restartsIn(tick) + 1;
    this.restartTick = tick;
    this.becomeProbe();
  }
  /** replicate: last index of each append in flight, oldest first (the pipelining window). */
  private inflights: number[] = [];

  constructor(
    next: number,
    private readonly maxInflight: number,
  ) {
    this.next = next;
  }

  isPaused(): boolean {
    switch (this.state) {
      case 'probe':
        return this.probeSent;
      case 'replicate':
        return this.inflights.length >= this.maxInflight;
      case 'snapshot':
        return true;
    }
  }

  inflightCount(): number {
    return this.inflights.length;
  }

  becomeProbe(): void {
    this.restartPending = false;
    // After a snapshot, the follower has at least the snapshot: probe right after it.
    this.next = this.state === 'snapshot' ? Math.max(this.match + 1, this.pendingSnapshot + 1) : this.match + 1;
    this.state = 'probe';
    this.probeSent = false;
    this.pendingSnapshot = 0;
    this.inflights = [];
  }

  becomeReplicate(tick: number): void {
    this.restartPending = false;
    this.state = 'replicate';
    this.next = this.match + 1;
    this.probeSent = false;
    this.pendingSnapshot = 0;
    this.inflights = [];
    this.lastProgressTick = tick;
  }

  becomeSnapshot(index: number, tick: number): void {
    this.restartPending = false;
    this.state = 'snapshot';
    this.pendingSnapshot = index;
    this.snapshotSentTick = tick;
    this.probeSent = false;
    this.inflights = [];
  }

  /** A successful append response for `n`: raise match (never lower it). Returns whether it moved. */
  maybeUpdate(n: number, tick: number): boolean {
    let updated = false;
    if (this.match < n) {
      this.match = n;
      this.probeSent = false;
      this.lastProgressTick = tick;
      updated = true;
    }
    if (this.next < n + 1) this.next = n + 1;
    return updated;
  }

  /** An append carrying entries up to `last` was sent at `tick`. */
  sentEntries(last: number, tick: number): void {
    if (this.state === 'replicate') {
      // An idle pipeline starts its stall clock now, not when match last moved.
      if (this.inflights.length === 0) this.lastProgressTick = tick;
      this.next = last + 1;
      this.inflights.push(last);
    } else if (this.state === 'probe') {
      this.probeSent = true;
    }
  }

  freeUpTo(index: number): void {
    let i = 0;
    while (i < this.inflights.length && (this.inflights[i] ?? Infinity) <= index) i++;
    if (i > 0) this.inflights.splice(0, i);
  }

  freeFirst(): void {
    this.inflights.shift();
  }

  /**
   * A rejection of the append at `rejected` with the follower's hint. Returns false for a stale
   * rejection (one that answers an append we no longer care about), which must be ignored.
   */
  maybeDecrTo(rejected: number, matchHint: number): boolean {
    if (this.state === 'replicate') {
      if (rejected <= this.match) return false;
      this.next = this.match + 1;
      return true;
    }
    if (this.next - 1 !== rejected) return false;
    this.next = Math.max(Math.min(rejected, matchHint + 1), this.match + 1);
    this.probeSent = false;
    return true;
  }
}
