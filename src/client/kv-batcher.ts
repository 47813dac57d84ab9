// Coalesces concurrent KV calls to one node into POST /batch requests. The calls look exactly like
// KvClient's (same answers, same KvError on failure), so a caller switches by changing which object
// it calls; what changes is the cost: 64 clients' writes relayed by the proxy become a few requests
// per fsync instead of 64.
//
// Calls made in one turn of the event loop go out together (flushed from setImmediate); while
// `maxInFlight` batches are on their way, new calls wait and join the next one, so a busy node
// receives fewer, larger batches and an idle one sees a lone call leave at once. Each call keeps its
// own deadline: a timed-out call fails with TIMEOUT (indefinite) while its batch goes on.
import type { CasAnswer, Consistency, DeleteAnswer, PutAnswer } from '../shared/index.js';
import type { KvClient, ReadOptions, WriteOptions } from './kv-client.js';
import { KvError, errorFromAnswer, localError } from './kv-error.js';

export interface KvBatcherOptions {
  /** Batches on their way to the node at once. */
  readonly maxInFlight?: number;
  /** Most calls in one batch (the node accepts up to 1,024). */
  readonly maxOps?: number;
  /** Soft cap on the value bytes of one batch (at least one call always goes). */
  readonly maxBytes?: number;
}

interface Call {
  readonly op: Record<string, unknown>;
  readonly bytes: number;
  readonly timeoutMs: number;
  readonly resolve: (body: unknown) => void;
  readonly reject: (err: KvError) => void;
  timer: NodeJS.Timeout | undefined;
  done: boolean;
}

interface WireResult {
  status: number;
  body: unknown;
}

const DEFAULT_TIMEOUT_MS = 10_000;

export class KvBatcher {
  readonly #client: KvClient;
  readonly #maxInFlight: number;
  readonly #maxOps: number;
  readonly #maxBytes: number;
  #queue: Call[] = [];
  #inFlight = 0;
  #scheduled = false;
  /** Batches sent and the calls they carried (ops / batches = how much was coalesced). */
  readonly stats = { batches: 0, ops: 0 };

  constructor(client: KvClient, opts: KvBatcherOptions = {}) {
    this.#client = client;
    this.#maxInFlight = opts.maxInFlight ?? 4;
    this.#maxOps = opts.maxOps ?? 256;
    this.#maxBytes = opts.maxBytes ?? 4 * 1024 * 1024;
  }

  put(key: string, value: string, opts: WriteOptions = {}): Promise<PutAnswer> {
    return this.#call({ op: 'put', key, value, ...session(opts) }, key.length + value.length, opts.timeoutMs) as Promise<PutAnswer>;
  }

  /** The value, or null when the key does not exist. */
  async get(key: string, opts: ReadOptions = {}): Promise<string | null> {
    const op: Record<string, unknown> = { op: 'get', key };
    if (opts.consistency !== undefined) op.consistency = opts.consistency satisfies Consistency;
    try {
      const a = (await this.#call(op, key.length, opts.timeoutMs)) as { value: string };
      return a.value;
    } catch (err) {
      if (err instanceof KvError && err.code === 'KEY_NOT_FOUND') return null;
      throw err;
    }
  }

  delete(key: string, opts: WriteOptions = {}): Promise<DeleteAnswer> {
    return this.#call({ op: 'delete', key, ...session(opts) }, key.length, opts.timeoutMs) as Promise<DeleteAnswer>;
  }

  cas(key: string, from: string | null, to: string, opts: WriteOptions = {}): Promise<CasAnswer> {
    return this.#call({ op: 'cas', key, from, to, ...session(opts) }, key.length + (from?.length ?? 0) + to.length, opts.timeoutMs) as Promise<CasAnswer>;
  }

  #call(op: Record<string, unknown>, bytes: number, timeoutMs: number | undefined): Promise<unknown> {
    const ms = Math.max(1, Math.ceil(timeoutMs ?? DEFAULT_TIMEOUT_MS));
    return new Promise((resolve, reject) => {
      const call: Call = { op, bytes, timeoutMs: ms, resolve, reject, timer: undefined, done: false };
      call.timer = setTimeout(() => {
        settle(call, () => reject(localError('TIMEOUT', `${this.#client.url}/batch: no answer within ${ms} ms`)));
      }, ms);
      this.#queue.push(call);
      this.#schedule();
    });
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      this.#flush();
    });
  }

  #flush(): void {
    while (this.#inFlight < this.#maxInFlight && this.#queue.length > 0) {
      const batch = this.#take();
      if (batch.length === 0) continue;
      this.#inFlight++;
      void this.#send(batch).finally(() => {
        this.#inFlight--;
        if (this.#queue.length > 0) this.#schedule();
      });
    }
  }

  /** The next batch: calls still waiting (timed-out ones are dropped), up to the op and byte caps. */
  #take(): Call[] {
    const out: Call[] = [];
    let bytes = 0;
    let i = 0;
    for (; i < this.#queue.length && out.length < this.#maxOps; i++) {
      const c = this.#queue[i] as Call;
      if (c.done) continue;
      if (out.length > 0 && bytes + c.bytes > this.#maxBytes) break;
      bytes += c.bytes;
      out.push(c);
    }
    this.#queue = i === this.#queue.length ? [] : this.#queue.slice(i);
    return out;
  }

  async #send(batch: Call[]): Promise<void> {
    const what = `${this.#client.url}/batch`;
    let timeoutMs = 0;
    for (const c of batch) timeoutMs = Math.max(timeoutMs, c.timeoutMs);
    this.stats.batches++;
    this.stats.ops += batch.length;
    let results: WireResult[];
    try {
      const a = await this.#client.raw('POST', '/batch', {
        body: JSON.stringify({ ops: batch.map((c) => c.op) }),
        headers: { 'content-type': 'application/json' },
        timeoutMs,
      });
      if (a.status !== 200) {
        const err = errorFromAnswer(a.status, a.text, what);
        for (const c of batch) settle(c, () => c.reject(err));
        return;
      }
      results = parseResults(a.text, batch.length, what);
    } catch (err) {
      // A network failure (refused: definite; lost or timed out: indefinite) is every call's fate.
      const e = err instanceof KvError ? err : localError('CONNECTION_LOST', `${what}: ${String(err)}`, err);
      for (const c of batch) settle(c, () => c.reject(e));
      return;
    }
    batch.forEach((c, i) => {
      const r = results[i] as WireResult;
      if (r.status >= 200 && r.status < 300) settle(c, () => c.resolve(r.body));
      else settle(c, () => c.reject(errorFromAnswer(r.status, JSON.stringify(r.body), what)));
    });
  }
}

function session(opts: WriteOptions): { clientId?: string; seq?: number } {
  const s: { clientId?: string; seq?: number } = {};
  if (opts.clientId !== undefined) s.clientId = opts.clientId;
  if (opts.seq !== undefined) s.seq = opts.seq;
  return s;
}

function settle(c: Call, fn: () => void): void {
  if (c.done) return;
  c.done = true;
  clearTimeout(c.timer);
  fn();
}

/** The node's answer must be one result per call; anything else is BAD_RESPONSE (indefinite). */
function parseResults(text: string, n: number, what: string): WireResult[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const results = (parsed as { results?: unknown } | undefined)?.results;
  if (!Array.isArray(results) || results.length !== n || results.some((r) => typeof r !== 'object' || r === null || typeof (r as WireResult).status !== 'number')) {
    throw new KvError('BAD_RESPONSE', 200, false, `${what} answered 200 without one result per operation`);
  }
  return results as WireResult[];
}
