// Exactly-once stamps for the proxy's writes. Each in-flight write borrows a *lane* — a clientId
// with its own seq counter — for its whole life, retries included, and returns it when answered.
// A lane carries at most one request at a time, so a retry always re-sends that lane's highest seq:
// it can never fall out of the state machine's per-client dedup window, however many other writes
// the proxy pushes meanwhile (with one clientId for the whole proxy, 1,024 newer writes — a third of
// a second at full load — would expire a retry's session).
import { randomBytes } from 'node:crypto';

export interface Lane {
  readonly clientId: string;
  seq: number;
}

export class SessionLanes {
  readonly #prefix: string;
  readonly #free: Lane[] = [];
  #created = 0;

  constructor(prefix = `proxy-${randomBytes(6).toString('hex')}`) {
    this.#prefix = prefix;
  }

  /** A lane for one write, with a fresh seq. */
  acquire(): { clientId: string; seq: number; lane: Lane } {
    const lane = this.#free.pop() ?? { clientId: `${this.#prefix}-${this.#created++}`, seq: 0 };
    lane.seq++;
    return { clientId: lane.clientId, seq: lane.seq, lane };
  }

  release(lane: Lane): void {
    this.#free.push(lane);
  }

  /** Lanes ever created (= the peak number of concurrent writes). */
  get size(): number {
    return this.#created;
  }
}
