// A background `load`: `clients` concurrent clients through the proxy, each one operation at a time,
// every operation recorded in the run's history. It ends by itself at its duration or op count,
// at `stop_load`, or at the end of the scenario.
//
// Values are unique (`<load>:<client>:<n>`), so a lost write is always detectable. A client whose
// operation ended without a definite answer is retired (the operation may still take effect) and
// replaced by a fresh client id, as the history's rules require.

import type { HistoryRecorder } from '../../check/index.js';
import type { LoadStep } from '../types.js';
import { formatDuration } from '../duration.js';
import type { KvEndpoint } from './cluster-adapter.js';
import { seededRandom } from './rng.js';

/** Per-operation deadline: longer than the proxy's own retry deadline (5 s), so its answer decides. */
export const LOAD_OP_TIMEOUT_MS = 7_000;

export interface LoadStats {
  readonly started: number;
  readonly ok: number;
  readonly failed: number;
  readonly unknown: number;
  readonly elapsedMs: number;
}

export class BackgroundLoad {
  readonly name: string;
  #stopped = false;
  #finished = false;
  #started = 0;
  #ok = 0;
  #failed = 0;
  #unknown = 0;
  readonly #t0 = Date.now();
  #endedAt: number | null = null;
  readonly #done: Promise<void>;
  readonly #random: () => number;
  /** The last value known per key (for cas `from`), null = absent. */
  readonly #known = new Map<string, string | null>();
  #timer: NodeJS.Timeout | null = null;

  /** Starts the clients at once. */
  constructor(readonly step: LoadStep, private readonly kv: KvEndpoint, private readonly history: HistoryRecorder, seed: number) {
    this.name = step.name;
    this.#random = seededRandom(seed);
    if (step.limit.kind === 'duration') {
      this.#timer = setTimeout(() => { this.#stopped = true; }, step.limit.ms);
      this.#timer.unref();
    }
    const clients = Array.from({ length: step.clients }, (_, i) => this.#client(i));
    this.#done = Promise.all(clients).then(() => {
      if (this.#timer !== null) clearTimeout(this.#timer);
      this.#endedAt = Date.now();
      this.#finished = true;
    });
  }

  /** True once every client has returned (its limit was reached or it was stopped). */
  get finished(): boolean { return this.#finished; }

  /** Ended by itself (duration or ops), not by stop(). */
  get bounded(): boolean { return this.step.limit.kind !== 'manual'; }

  stats(): LoadStats {
    return { started: this.#started, ok: this.#ok, failed: this.#failed, unknown: this.#unknown, elapsedMs: (this.#endedAt ?? Date.now()) - this.#t0 };
  }

  /** "bg: 412 ops (398 ok, 6 failed, 8 unknown) in 8.0s" */
  describe(): string {
    const s = this.stats();
    return `load ${this.name}: ${s.started} ops (${s.ok} ok, ${s.failed} failed, ${s.unknown} unknown) in ${formatDuration(s.elapsedMs)}${this.#finished ? '' : ', running'}`;
  }

  /** No new operations; in-flight ones finish (each within LOAD_OP_TIMEOUT_MS). */
  stop(): void {
    this.#stopped = true;
  }

  /** Settles when every client has returned. */
  whenDone(): Promise<void> {
    return this.#done;
  }

  #more(): boolean {
    if (this.#stopped) return false;
    if (this.step.limit.kind === 'ops' && this.#started >= this.step.limit.count) return false;
    return true;
  }

  async #client(index: number): Promise<void> {
    let client = this.history.nextClientId();
    let n = 0;
    let backoff = 0;
    while (this.#more()) {
      this.#started++;
      n++;
      const result = await this.#one(client, `${this.name}:${index}:${n}`);
      if (result === 'unknown') client = this.history.nextClientId();
      // After an error, back off (25 ms doubling to 400 ms) so a cluster without a leader or a dead
      // proxy is not hammered with thousands of instant refusals; an answer resets it.
      backoff = result === 'answered' ? 0 : Math.min(400, backoff === 0 ? 25 : backoff * 2);
      if (backoff > 0 && this.#more()) await new Promise((r) => setTimeout(r, backoff));
    }
  }

  /** One operation: answered (ok, or a CAS mismatch), failed (definitely did not happen), or unknown (retire the client). */
  async #one(client: number, unique: string): Promise<'answered' | 'failed' | 'unknown'> {
    const key = this.#pick(this.step.keys);
    const { put, get, cas } = this.step.mix;
    const r = this.#random() * (put + get + cas);
    const kind = r < put ? 'put' : r < put + get ? 'get' : 'cas';
    const from = this.#known.get(key) ?? null;
    const id = kind === 'put'
      ? this.history.invoke(client, 'put', key, { value: unique, node: 'proxy' })
      : kind === 'cas' ? this.history.invoke(client, 'cas', key, { from, to: unique, node: 'proxy' })
        : this.history.invoke(client, 'get', key, { node: 'proxy' });
    try {
      if (kind === 'put') {
        await this.kv.put(key, unique, { timeoutMs: LOAD_OP_TIMEOUT_MS });
        this.history.ok(id);
        this.#known.set(key, unique);
      } else if (kind === 'cas') {
        await this.kv.cas(key, from, unique, { timeoutMs: LOAD_OP_TIMEOUT_MS });
        this.history.ok(id);
        this.#known.set(key, unique);
      } else {
        const value = await this.kv.get(key, { timeoutMs: LOAD_OP_TIMEOUT_MS });
        this.history.ok(id, { value });
        this.#known.set(key, value);
      }
      this.#ok++;
      return 'answered';
    } catch (err) {
      const e = err as { definite?: unknown; code?: unknown; current?: unknown };
      if (e.code === 'CAS_MISMATCH') {
        // A definite answer (recorded as an ok read of "not `from`"); learn the current value when told.
        this.history.fail(id, err);
        if (typeof e.current === 'string' || e.current === null) this.#known.set(key, e.current);
        this.#ok++;
        return 'answered';
      }
      if (e.definite === true) {
        this.history.fail(id, err);
        this.#failed++;
        return 'failed';
      }
      this.history.info(id, err);
      this.#unknown++;
      return 'unknown';
    }
  }

  #pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.#random() * items.length)];
    if (item === undefined) throw new RangeError('a load needs at least one key');
    return item;
  }
}
