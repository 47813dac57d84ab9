// The wires of the in-memory network: messages in flight, partitions, and seeded faults (loss,
// duplication, delay, reordering). Knows nothing of nodes; the Network asks it what to deliver.
import { describeMessage, type Message, type NodeId } from '../../src/raft/index.js';
import type { Prng } from './prng.js';

export interface Faults {
  /** Probability that a sent message is lost. */
  drop: number;
  /** Probability that a sent message is delivered twice. */
  duplicate: number;
  /** Deliver due messages in a seeded random order instead of send order. */
  reorder: boolean;
  /** Each message (and each duplicate) waits a random 0..maxDelay ticks before delivery. */
  maxDelay: number;
}

export const NO_FAULTS: Faults = { drop: 0, duplicate: 0, reorder: false, maxDelay: 0 };

export type MessagePredicate = (m: Message) => boolean;

interface InFlight {
  readonly m: Message;
  /** The tick from which it may be delivered. */
  readonly at: number;
}

export class Links {
  faults: Faults;
  /** Messages lost (partition, drop rate, crash, test) and extra copies made by duplication. */
  readonly counts = { lost: 0, duplicated: 0 };
  private queue: InFlight[] = [];
  private readonly cuts = new Set<string>();
  private readonly losses: { pred: MessagePredicate; left: number }[] = [];

  constructor(
    private readonly rng: Prng,
    faults: Faults,
    private readonly trace: (line: string) => void,
  ) {
    this.faults = faults;
  }

  cutOneWay(from: NodeId, to: NodeId): void {
    this.cuts.add(`${from}>${to}`);
  }

  isCut(from: NodeId, to: NodeId): boolean {
    return this.cuts.has(`${from}>${to}`);
  }

  healAll(): void {
    this.cuts.clear();
  }

  /** Lose the next `count` messages matching `pred` when they are sent (a targeted fault). */
  loseNext(pred: MessagePredicate, count: number): void {
    this.losses.push({ pred, left: count });
  }

  /** A node sent `m` at tick `now`: it is lost, queued, or queued twice. */
  send(m: Message, now: number): void {
    if (this.isCut(m.from, m.to)) return this.lose(m, 'cut');
    const loss = this.losses.find((l) => l.left > 0 && l.pred(m));
    if (loss !== undefined) {
      loss.left--;
      return this.lose(m, 'lost by test');
    }
    if (this.rng.chance(this.faults.drop)) return this.lose(m, 'lost');
    this.enqueue(m, now);
    if (this.rng.chance(this.faults.duplicate)) {
      this.trace(`duplicate ${describeMessage(m)}`);
      this.counts.duplicated++;
      this.enqueue(m, now);
    }
  }

  /** Put `m` in flight, due at `now`, bypassing faults. */
  inject(m: Message, now: number): void {
    this.trace(`inject ${describeMessage(m)}`);
    this.queue.push({ m, at: now });
  }

  size(): number {
    return this.queue.length;
  }

  /** Messages due at `now` matching `pred`, in queue order (left in the queue). */
  due(now: number, pred: MessagePredicate): Message[] {
    return this.queue.filter((f) => f.at <= now && pred(f.m)).map((f) => f.m);
  }

  /**
   * Remove and return the messages due at `now` that match `pred` and are not `held` (e.g. for a
   * paused node), in send order or shuffled when reordering.
   */
  take(now: number, pred: MessagePredicate, held: MessagePredicate): Message[] {
    const due = this.queue.filter((f) => f.at <= now && !held(f.m) && pred(f.m));
    if (due.length === 0) return [];
    const chosen = new Set(due);
    this.queue = this.queue.filter((f) => !chosen.has(f));
    const out = due.map((f) => f.m);
    return this.faults.reorder ? this.shuffle(out) : out;
  }

  /** Remove queued messages matching `pred` (they are lost). Returns how many. */
  dropWhere(pred: MessagePredicate): number {
    const before = this.queue.length;
    this.queue = this.queue.filter((f) => {
      if (!pred(f.m)) return true;
      this.lose(f.m, 'by test');
      return false;
    });
    return before - this.queue.length;
  }

  lose(m: Message, why: string): void {
    this.trace(`drop ${describeMessage(m)} (${why})`);
    this.counts.lost++;
  }

  private enqueue(m: Message, now: number): void {
    const delay = this.faults.maxDelay > 0 ? this.rng.int(this.faults.maxDelay + 1) : 0;
    this.queue.push({ m, at: now + delay });
  }

  private shuffle<T>(xs: T[]): T[] {
    const out = [...xs];
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.rng.int(i + 1);
      const a = out[i] as T;
      out[i] = out[j] as T;
      out[j] = a;
    }
    return out;
  }
}
