// The simulated network: messages in flight keyed by delivery tick, per-link delay/drop/duplicate,
// and partitions (symmetric and one-way) that the fault schedule changes over time. Reordering comes
// from per-message delays and from shuffling each tick's deliveries.
import type { Message, NodeId } from '../../src/raft/index.js';
import type { Prng } from './prng.js';

export interface LinkFaults {
  drop: number;
  dup: number;
  minDelay: number;
  maxDelay: number;
}

export class Network {
  private readonly inflight = new Map<number, Message[]>();
  /** blocked[from][to]: the link from → to delivers nothing (checked at send and at delivery). */
  private readonly blocked: boolean[][];
  private readonly links: LinkFaults[][];
  private faultsOn = true;
  /** Ticks up to here have been fully delivered: a later send due then arrives on the next tick. */
  private drainedThrough = -1;
  sent = 0;
  delivered = 0;
  dropped = 0;
  duplicated = 0;

  constructor(
    private readonly rng: Prng,
    readonly ids: readonly NodeId[],
    base: LinkFaults,
  ) {
    const size = Math.max(...ids) + 1;
    this.blocked = Array.from({ length: size }, () => new Array<boolean>(size).fill(false));
    // Every link gets its own quality around the base: some links are worse than others.
    this.links = Array.from({ length: size }, () =>
      Array.from({ length: size }, () => ({
        drop: base.drop * 2 * rng.float(),
        dup: base.dup * 2 * rng.float(),
        minDelay: base.minDelay,
        maxDelay: base.minDelay + rng.int(base.maxDelay - base.minDelay + 1),
      })),
    );
  }

  /** Queue `m` sent at tick `now` (maybe dropped, maybe twice, each copy with its own delay). */
  send(m: Message, now: number): void {
    this.sent++;
    if (this.isBlocked(m.from, m.to)) {
      this.dropped++;
      return;
    }
    const link = this.link(m.from, m.to);
    if (this.faultsOn && this.rng.chance(link.drop)) {
      this.dropped++;
      return;
    }
    this.enqueue(m, now + this.delay(link));
    if (this.faultsOn && this.rng.chance(link.dup)) {
      this.duplicated++;
      this.enqueue(m, now + this.delay(link));
    }
  }

  /** Hold `m` (already delivered to a paused node's socket) until tick `at`; no new faults apply. */
  deferTo(m: Message, at: number): void {
    this.delivered--;
    this.enqueue(m, at);
  }

  /** Messages due at `now`, in random order, removed from flight. Call until it returns nothing. */
  takeDue(now: number): Message[] {
    const due = this.inflight.get(now);
    if (due === undefined) {
      this.drainedThrough = now;
      return [];
    }
    this.inflight.delete(now);
    this.rng.shuffle(due);
    const out: Message[] = [];
    for (const m of due) {
      if (this.isBlocked(m.from, m.to)) this.dropped++;
      else out.push(m);
    }
    this.delivered += out.length;
    return out;
  }

  /** Whether anything is still in flight (used by the liveness phase and the trace). */
  inflightCount(): number {
    let n = 0;
    for (const ms of this.inflight.values()) n += ms.length;
    return n;
  }

  isBlocked(from: NodeId, to: NodeId): boolean {
    return this.blocked[from]?.[to] === true;
  }

  block(from: NodeId, to: NodeId): void {
    const row = this.blocked[from];
    if (row) row[to] = true;
  }

  /** Cut every link between the two groups, both ways. */
  split(a: readonly NodeId[], b: readonly NodeId[]): void {
    for (const x of a) {
      for (const y of b) {
        this.block(x, y);
        this.block(y, x);
      }
    }
  }

  healPartitions(): void {
    for (const row of this.blocked) row.fill(false);
  }

  /** Liveness phase: no more drops, duplicates or long delays (messages in flight still arrive). */
  calm(maxDelay: number): void {
    this.faultsOn = false;
    for (const row of this.links) {
      for (const l of row) {
        l.minDelay = Math.min(l.minDelay, maxDelay);
        l.maxDelay = Math.min(l.maxDelay, maxDelay);
      }
    }
  }

  describePartitions(): string {
    const cuts: string[] = [];
    for (const from of this.ids) {
      for (const to of this.ids) {
        if (from < to && this.isBlocked(from, to) && this.isBlocked(to, from)) cuts.push(`${from}-${to}`);
        else if (from !== to && this.isBlocked(from, to) && !this.isBlocked(to, from)) cuts.push(`${from}>${to}`);
      }
    }
    return cuts.length ? cuts.join(' ') : 'none';
  }

  private link(from: NodeId, to: NodeId): LinkFaults {
    const l = this.links[from]?.[to];
    if (l === undefined) throw new Error(`no link ${from}→${to}`);
    return l;
  }

  private delay(l: LinkFaults): number {
    return l.minDelay + this.rng.int(l.maxDelay - l.minDelay + 1);
  }

  private enqueue(m: Message, at: number): void {
    if (at <= this.drainedThrough) at = this.drainedThrough + 1;
    const q = this.inflight.get(at);
    if (q) q.push(m);
    else this.inflight.set(at, [m]);
  }
}
