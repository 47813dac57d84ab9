// Client sessions for exactly-once writes (Raft thesis §6.3). Every replica runs this table inside the
// state machine, so every decision here must depend on the applied entries only: no clock, no
// randomness, no iteration order that the entries do not fix.
//
// Per client we keep the highest seq seen and the first answer to every applied seq in the window
// (highestSeq - window, highestSeq]. A client (the proxy) has many requests in flight, so seqs arrive
// out of order: any seq inside the window that has no remembered answer has certainly not been applied
// (we remember every applied seq in the window) and is applied now. A seq at or below the window's
// floor is unknowable (it may have been applied and forgotten): SESSION_EXPIRED, which the HTTP layer
// answers as indefinite.
//
// Sessions are bounded: when a new client would exceed maxSessions, the least recently used one is
// evicted, "recently" meaning the log index of its last command. Known limit: an evicted client that
// comes back looks brand new, so a retry of a write from before its eviction is applied again. Only a
// client idle while maxSessions other clients were active is exposed to that.

import { pushResultRecord, type KvResult } from './result.js';

export interface Session {
  highestSeq: number;
  /** Log index of the last command from this client. Invariant: strictly increasing along the sessions map. */
  lastUsedIndex: number;
  /**
   * seq → first answer. Holds every applied seq in the window; may also hold a few stale ones below
   * it (pruned lazily from the front), which are never consulted and never serialised.
   */
  readonly results: Map<number, KvResult>;
}

/** One session as serialised: [clientId, highestSeq, lastUsedIndex, [seq, ...ResultRecord, seq, ...]]. */
export type SessionRecord = [string, number, number, unknown[]];

export class ClientSessions {
  // Insertion order == ascending lastUsedIndex: a session is re-inserted on every use, and log indexes
  // only grow. So the first entry is always the least recently used and eviction is O(1).
  readonly #sessions = new Map<string, Session>();

  constructor(
    readonly window: number,
    readonly maxSessions: number,
  ) {}

  get size(): number {
    return this.#sessions.size;
  }

  /**
   * Answers command `seq` of `clientId`, logged at `index`: the remembered first answer, SESSION_EXPIRED,
   * or the result of `execute()` (called at most once, and only if the command must be applied now).
   */
  run(clientId: string, seq: number, index: number, key: string, execute: () => KvResult): KvResult {
    let session = this.#sessions.get(clientId);
    if (session === undefined) {
      session = { highestSeq: seq, lastUsedIndex: index, results: new Map() };
      this.#sessions.set(clientId, session);
      this.#evictOverflow();
    } else {
      this.#sessions.delete(clientId); // re-insert at the back: most recently used
      session.lastUsedIndex = index;
      this.#sessions.set(clientId, session);
    }
    if (seq <= session.highestSeq - this.window) {
      return { ok: false, code: 'SESSION_EXPIRED', key, index };
    }
    const first = session.results.get(seq);
    if (first !== undefined) return first;
    const result = Object.freeze(execute());
    session.results.set(seq, result);
    if (seq > session.highestSeq) {
      session.highestSeq = seq;
      pruneFront(session, this.window);
    }
    return result;
  }

  #evictOverflow(): void {
    for (const clientId of this.#sessions.keys()) {
      if (this.#sessions.size <= this.maxSessions) return;
      this.#sessions.delete(clientId);
    }
  }

  /** Serialisable form, LRU first; only the answers inside each window. Deterministic by construction. */
  toRecords(): SessionRecord[] {
    const out: SessionRecord[] = [];
    for (const [clientId, s] of this.#sessions) {
      const floor = s.highestSeq - this.window;
      const results: unknown[] = [];
      for (const [seq, r] of s.results) {
        if (seq <= floor) continue;
        results.push(seq);
        pushResultRecord(results, r);
      }
      out.push([clientId, s.highestSeq, s.lastUsedIndex, results]);
    }
    return out;
  }

  /** Re-creates a table from validated records (the caller checks shapes; this keeps their order). */
  static fromSessions(window: number, maxSessions: number, sessions: Iterable<[string, Session]>): ClientSessions {
    const table = new ClientSessions(window, maxSessions);
    for (const [clientId, s] of sessions) table.#sessions.set(clientId, s);
    return table;
  }
}

// Drops answers that fell below the window, from the front of the results map (oldest insertions
// first), stopping at the first one still inside. Amortised O(1) per command. An out-of-order seq
// inserted after a newer one may linger below the floor until the newer one goes; the results map
// still never holds more than 2 × window entries, since every entry was inside the window when added.
function pruneFront(session: Session, window: number): void {
  const floor = session.highestSeq - window;
  for (const seq of session.results.keys()) {
    if (seq > floor) return;
    session.results.delete(seq);
  }
}
