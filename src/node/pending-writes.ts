// Writes the core has accepted, waiting for their entry to be applied. The answer is decided by
// rule 18: the entry applied at the proposed index must carry the proposed term — otherwise
// leadership changed and that index holds someone else's command, and ours may or may not be
// applied elsewhere (indefinite).
import type { KvResult } from '../kv/index.js';
import type { Entry } from '../raft/index.js';
import { apiError } from '../shared/index.js';
import type { ApiError } from '../shared/index.js';

interface WriteWaiter {
  readonly index: number;
  readonly term: number;
  readonly resolve: (r: KvResult | undefined) => void;
  readonly reject: (e: ApiError) => void;
  timer: NodeJS.Timeout | undefined;
}

export class PendingWrites {
  /** By log index; several only if leadership came back and reused an index. */
  readonly #byIndex = new Map<number, WriteWaiter[]>();

  get size(): number {
    return this.#byIndex.size;
  }

  /** The core accepted a write at (index, term); it must be answered by `deadline` (performance.now()). */
  add(index: number, term: number, deadline: number, resolve: (r: KvResult | undefined) => void, reject: (e: ApiError) => void): void {
    const w: WriteWaiter = { index, term, resolve, reject, timer: undefined };
    w.timer = setTimeout(() => {
      this.#remove(w);
      reject(apiError('TIMEOUT', { detail: `write proposed at index ${index} was not committed in time; it may or may not be applied` }));
    }, Math.max(0, deadline - performance.now()));
    w.timer.unref?.();
    const list = this.#byIndex.get(index);
    if (list) list.push(w);
    else this.#byIndex.set(index, [w]);
  }

  /** Entry `e` was applied with `result`: answer whoever waits on its index. */
  applied(e: Entry, result: KvResult | undefined): void {
    const waiters = this.#byIndex.get(e.index);
    if (!waiters) return;
    this.#byIndex.delete(e.index);
    for (const w of waiters) {
      clearTimeout(w.timer);
      if (e.term === w.term) w.resolve(result);
      else w.reject(apiError('LEADERSHIP_LOST', { detail: `leadership changed: index ${e.index} holds another entry (term ${e.term}, proposed in term ${w.term}); the write may or may not be applied` }));
    }
  }

  /** A snapshot replaced the log up to `index`: those writes' fate is unknown here. */
  failUpTo(index: number): void {
    for (const [i, ws] of this.#byIndex) {
      if (i > index) continue;
      this.#byIndex.delete(i);
      for (const w of ws) {
        clearTimeout(w.timer);
        w.reject(apiError('LEADERSHIP_LOST', { detail: `a snapshot replaced the log up to index ${index}; the write may or may not be applied` }));
      }
    }
  }

  /** The node stops: every waiting write is answered as indefinite. */
  failAll(detail: string): void {
    for (const ws of this.#byIndex.values()) {
      for (const w of ws) {
        clearTimeout(w.timer);
        w.reject(apiError('LEADERSHIP_LOST', { detail }));
      }
    }
    this.#byIndex.clear();
  }

  #remove(w: WriteWaiter): void {
    const list = this.#byIndex.get(w.index);
    if (!list) return;
    const rest = list.filter((x) => x !== w);
    if (rest.length === 0) this.#byIndex.delete(w.index);
    else this.#byIndex.set(w.index, rest);
  }
}
