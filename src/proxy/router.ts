// The proxy's routing and retry policy. Writes go to the leader; across a leader change they are
// retried with backoff inside an overall deadline, always with the same (clientId, seq), so a retry
// is deduplicated by the state machine and can never apply twice; a write waiting on a node that
// the tracker meanwhile learns is no longer the leader (paused, deposed) moves to the new leader at
// once, with the same stamp. Reads go to followers, which serve them linearizably through ReadIndex,
// falling back to the leader and then any node; a read left unanswered for hedgeMs is also sent to
// the next node, and the first answer wins.
//
// Every call to a node goes through its KvBatcher: the concurrent requests of many clients reach the
// node as a few POST /batch requests, each operation still with its own answer, deadline and retry.
//
// What the proxy answers when it gives up: if any attempt may have reached a leader (timeout,
// connection lost after sending, leadership lost), the write is indefinite (504 TIMEOUT); if every
// attempt certainly failed before anything was proposed, it is definite (503 NO_QUORUM).
import { setTimeout as sleep } from 'node:timers/promises';
import { KvError } from '../client/index.js';
import { apiError } from '../shared/index.js';
import type { CasAnswer, Consistency, DeleteAnswer, PutAnswer } from '../shared/index.js';
import type { KvBackend, WriteSession } from '../shared/http/index.js';
import type { LeaderTracker, TrackedNode } from './leader-tracker.js';
import { SessionLanes } from './session-lanes.js';

export interface RouterOptions {
  /** Overall deadline of one client request, retries included (ms). */
  readonly deadlineMs: number;
  /** Deadline of one attempt at one node (ms); capped by what is left of the overall deadline. */
  readonly attemptTimeoutMs: number;
  readonly backoffMinMs: number;
  readonly backoffMaxMs: number;
  /** A read unanswered this long is also asked of the next node (reads are side-effect free). */
  readonly hedgeMs: number;
}

export const ROUTER_DEFAULTS: RouterOptions = { deadlineMs: 5_000, attemptTimeoutMs: 3_500, backoffMinMs: 5, backoffMaxMs: 80, hedgeMs: 300 };

/**
 * Whether an error is the node's final word on this request (relay it, do not retry): every 4xx —
 * bad input, not found, CAS mismatch, expired session — except "ask the leader" (421) and "too slow"
 * (408). 5xx and network failures are about the node's situation, not the request: retry elsewhere.
 */
function isFinal(err: KvError): boolean {
  return err.status >= 400 && err.status < 500 && err.status !== 421 && err.status !== 408;
}

type Attempt<T> = (node: TrackedNode, timeoutMs: number, session: WriteSession) => Promise<T>;

export class ProxyRouter implements KvBackend {
  readonly #t: LeaderTracker;
  readonly #o: RouterOptions;
  readonly #lanes = new SessionLanes();
  /** Counters for /status and benchmarks. */
  readonly stats = { writes: 0, reads: 0, retries: 0, failures: 0 };

  constructor(tracker: LeaderTracker, opts: Partial<RouterOptions> = {}) {
    this.#t = tracker;
    this.#o = { ...ROUTER_DEFAULTS, ...opts };
  }

  put(key: string, value: string, session: WriteSession | undefined): Promise<PutAnswer> {
    return this.#write(session, (n, timeoutMs, s) => n.batch.put(key, value, { ...s, timeoutMs }));
  }

  delete(key: string, session: WriteSession | undefined): Promise<DeleteAnswer> {
    return this.#write(session, (n, timeoutMs, s) => n.batch.delete(key, { ...s, timeoutMs }));
  }

  cas(key: string, from: string | null, to: string, session: WriteSession | undefined): Promise<CasAnswer> {
    return this.#write(session, (n, timeoutMs, s) => n.batch.cas(key, from, to, { ...s, timeoutMs }));
  }

  async get(key: string, consistency: Consistency): Promise<string | null> {
    this.stats.reads++;
    const deadline = performance.now() + this.#o.deadlineMs;
    let last: KvError | undefined;
    for (let round = 0; ; round++) {
      const r = await this.#readRound(this.#t.readOrder(), key, consistency, deadline);
      if (r.done) return r.value;
      last = r.last ?? last;
      const left = deadline - performance.now();
      if (left <= 0) break;
      void this.#t.refresh();
      await sleep(Math.min(left, this.#backoff(round)));
    }
    this.stats.failures++;
    throw apiError('NO_QUORUM', { detail: `no node could serve the read within ${this.#o.deadlineMs} ms${last ? ` (last error: ${last.code}: ${last.message})` : ''}` });
  }

  /**
   * One pass over `order`: ask the first node; when it fails, or has not answered within hedgeMs (a
   * paused node never does), ask the next one as well, and so on. The first answer wins; a final
   * error (bad input) ends the read. A read changes nothing, so an answer that comes late is dropped.
   */
  #readRound(order: readonly TrackedNode[], key: string, consistency: Consistency, deadline: number): Promise<{ done: true; value: string | null } | { done: false; last: KvError | undefined }> {
    return new Promise((resolve, reject) => {
      let at = 0;
      let running = 0;
      let finished = false;
      let last: KvError | undefined;
      let hedge: NodeJS.Timeout | undefined;
      const finish = (fn: () => void): void => {
        if (finished) return;
        finished = true;
        clearTimeout(hedge);
        fn();
      };
      const launch = (): void => {
        clearTimeout(hedge);
        const node = order[at++];
        const left = deadline - performance.now();
        if (node === undefined || left <= 0) {
          if (running === 0) finish(() => resolve({ done: false, last }));
          return;
        }
        running++;
        node.batch.get(key, { consistency, timeoutMs: Math.min(left, this.#o.attemptTimeoutMs) }).then(
          (value) => finish(() => resolve({ done: true, value })),
          (err: unknown) => {
            running--;
            if (finished) return;
            if (!(err instanceof KvError) || isFinal(err)) return finish(() => reject(err));
            last = err;
            this.stats.retries++;
            if (err.code === 'UNREACHABLE' || err.code === 'CONNECTION_LOST') this.#t.suspect(node.id, `${err.code}: ${err.message}`);
            launch();
          },
        );
        if (at < order.length) hedge = setTimeout(launch, this.#o.hedgeMs);
      };
      launch();
    });
  }

  async #write<T>(given: WriteSession | undefined, attempt: Attempt<T>): Promise<T> {
    this.stats.writes++;
    if (given !== undefined) return this.#retryWrite(given, attempt);
    const borrowed = this.#lanes.acquire();
    try {
      return await this.#retryWrite({ clientId: borrowed.clientId, seq: borrowed.seq }, attempt);
    } finally {
      this.#lanes.release(borrowed.lane);
    }
  }

  /** The least time worth starting another write attempt with (a quarter of the deadline, at most 250 ms). */
  #minAttemptMs(): number {
    return Math.min(250, this.#o.deadlineMs / 4);
  }

  async #retryWrite<T>(session: WriteSession, attempt: Attempt<T>): Promise<T> {
    const deadline = performance.now() + this.#o.deadlineMs;
    let mayHaveHappened = false;
    let last: KvError | undefined;
    let failures = 0;
    let hops = 0;
    let next: TrackedNode | undefined;
    while (true) {
      let left = deadline - performance.now();
      if (left <= 0) break;
      let node = next ?? this.#t.leader;
      next = undefined;
      if (node === undefined) {
        await this.#t.refresh();
        node = this.#t.leader ?? this.#t.anyNode();
      }
      left = deadline - performance.now();
      // An attempt with only a sliver of time left would most likely be cut off, and a cut-off
      // attempt is indefinite: better to end with the definite answer we already have.
      if (left <= 0 || (last !== undefined && left < this.#minAttemptMs())) break;
      const sent = attempt(node, Math.min(left, this.#o.attemptTimeoutMs), session);
      const watch = this.#t.whenLeaderMoves(node.id);
      try {
        const outcome = await Promise.race([sent.then((r) => ({ r })), watch.moved.then((moved) => ({ moved }))]);
        if ('moved' in outcome) {
          // Another node leads now (a paused or deposed leader never answers): try it at once with
          // the same (clientId, seq). If the abandoned attempt still commits, the retry is answered
          // with its result instead of being applied again.
          sent.catch(() => undefined);
          mayHaveHappened = true;
          this.stats.retries++;
          if (hops++ < 4 * this.#t.nodes.size) next = outcome.moved;
          continue;
        }
        this.#t.setLeader(node.id);
        return outcome.r;
      } catch (err) {
        if (!(err instanceof KvError)) throw err;
        if (isFinal(err)) throw err;
        last = err;
        this.stats.retries++;
        if (!err.definite) mayHaveHappened = true;
        if (err.code === 'NOT_LEADER') {
          this.#t.suspect(node.id, err.code);
          const hinted = this.#t.hint(err.leader);
          // Follow a fresh hint at once; a hint back to where we just failed waits for the backoff.
          if (hinted && hinted.id !== node.id && hops++ < this.#t.nodes.size) {
            next = hinted;
            continue;
          }
        } else {
          this.#t.suspect(node.id, `${err.code}: ${err.message}`);
        }
      } finally {
        watch.cancel();
      }
      left = deadline - performance.now();
      if (left <= 0) break;
      void this.#t.refresh();
      await sleep(Math.min(left, this.#backoff(failures++)));
    }
    this.stats.failures++;
    const why = last ? ` (last error: ${last.code}: ${last.message})` : '';
    if (mayHaveHappened) throw apiError('TIMEOUT', { detail: `no leader confirmed the write within ${this.#o.deadlineMs} ms; it may or may not be applied${why}` });
    throw apiError('NO_QUORUM', { detail: `no leader accepted the write within ${this.#o.deadlineMs} ms; it was not applied${why}` });
  }

  #backoff(failures: number): number {
    const base = Math.min(this.#o.backoffMaxMs, this.#o.backoffMinMs * 2 ** Math.min(failures, 10));
    return base / 2 + Math.random() * (base / 2);
  }
}

