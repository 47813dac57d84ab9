// Linearizable reads in flight (thesis §6.4). Reads that arrive between two loop iterations form one
// batch with one ReadIndex ctx: each of them began before the ReadIndex was asked for, so the index
// the leader confirms is a valid linearization point for all of them. A batch with its index waits
// until the local state machine has applied that far, then every read in it is served locally.
import { randomBytes } from 'node:crypto';
import { apiError } from '../shared/index.js';
import type { ApiError } from '../shared/index.js';

interface ReadWaiter {
  readonly key: string;
  done: boolean;
  readonly resolve: (v: string | undefined) => void;
  readonly reject: (e: ApiError) => void;
  readonly timer: NodeJS.Timeout;
}

export class PendingReads {
  #queued: ReadWaiter[] = [];
  readonly #byCtx = new Map<string, ReadWaiter[]>();
  /** Batches with a confirmed read index, waiting until it is applied. */
  #toServe: { index: number; waiters: ReadWaiter[] }[] = [];
  readonly #ctxPrefix: string;
  #seq = 0;

  /** ctx values are unique per node and per process life (followers forward them to the leader). */
  constructor(nodeId: number) {
    this.#ctxPrefix = `${nodeId}.${randomBytes(4).toString('hex')}.`;
  }

  /** Queues a read; it resolves with the value (undefined = absent) or rejects. */
  enqueue(key: string, timeoutMs: number): Promise<string | undefined> {
    return new Promise((resolve, reject) => {
      const r: ReadWaiter = {
        key,
        done: false,
        resolve,
        reject,
        timer: setTimeout(() => {
          settle(r, () => reject(apiError('TIMEOUT', { detail: `no read index confirmed within ${timeoutMs} ms (no quorum reachable?)` })));
        }, timeoutMs),
      };
      r.timer.unref?.();
      this.#queued.push(r);
    });
  }

  get hasQueued(): boolean {
    return this.#queued.length > 0;
  }

  /** Takes every queued read as one batch; returns its ctx, or undefined if none is left. */
  startBatch(): string | undefined {
    const batch = this.#queued.filter((r) => !r.done);
    this.#queued = [];
    if (batch.length === 0) return undefined;
    const ctx = `${this.#ctxPrefix}${++this.#seq}`;
    this.#byCtx.set(ctx, batch);
    return ctx;
  }

  /** The core confirmed `index` for `ctx`. */
  confirmed(ctx: string, index: number): void {
    const waiters = this.#byCtx.get(ctx);
    if (!waiters) return;
    this.#byCtx.delete(ctx);
    this.#toServe.push({ index, waiters });
  }

  /** The core could not confirm `ctx`. */
  failed(ctx: string, err: () => ApiError): void {
    const waiters = this.#byCtx.get(ctx);
    if (!waiters) return;
    this.#byCtx.delete(ctx);
    for (const r of waiters) settle(r, () => r.reject(err()));
  }

  /** Serves every batch whose index is applied, reading with `get`. */
  serve(applied: number, get: (key: string) => string | undefined): void {
    if (this.#toServe.length === 0) return;
    const waiting: { index: number; waiters: ReadWaiter[] }[] = [];
    for (const batch of this.#toServe) {
      if (batch.index > applied) waiting.push(batch);
      else for (const r of batch.waiters) settle(r, () => r.resolve(get(r.key)));
    }
    this.#toServe = waiting;
  }

  failAll(err: () => ApiError): void {
    const all = [...this.#queued, ...[...this.#byCtx.values()].flat(), ...this.#toServe.flatMap((b) => b.waiters)];
    for (const r of all) settle(r, () => r.reject(err()));
    this.#queued = [];
    this.#byCtx.clear();
    this.#toServe = [];
  }
}

function settle(r: ReadWaiter, fn: () => void): void {
  if (r.done) return;
  r.done = true;
  clearTimeout(r.timer);
  fn();
}
