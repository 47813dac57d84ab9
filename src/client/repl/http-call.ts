// One HTTP request of the REPL: like KvClient's, but the caller's AbortSignal can cancel it (Ctrl+C)
// and the answer keeps the `x-served-by` header, which KvClient#raw drops. Failures become the
// library's KvError through the same classifiers, so codes and `definite` mean the same everywhere.
import { Agent } from 'undici';
import type { Dispatcher } from 'undici';
import { KvError, errorFromAnswer, networkError } from '../index.js';

export interface CallInit {
  readonly method: Dispatcher.HttpMethod;
  /** Path under the base URL, e.g. `/kv/a`. */
  readonly path: string;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
  readonly timeoutMs: number;
  /** Cancels the request (Ctrl+C); the error is then a KvError with code CANCELLED. */
  readonly signal?: AbortSignal;
}

export interface CallAnswer<T> {
  readonly body: T;
  readonly status: number;
  /** What the server says served the request (`x-served-by`), if it says. */
  readonly servedBy: string | undefined;
}

/** The code of a request the user cancelled (never sent by a server). */
export const CANCELLED = 'CANCELLED';

/** A keep-alive agent shared by every call of one REPL (any number of origins: proxy, leader hints). */
export class HttpCaller {
  readonly #agent: Agent;
  readonly #auth: string | undefined;

  constructor(opts: { token?: string | undefined; connectTimeoutMs: number }) {
    this.#auth = opts.token ? `Bearer ${opts.token}` : undefined;
    this.#agent = new Agent({ keepAliveTimeout: 10_000, connections: 8, connect: { timeout: opts.connectTimeoutMs } });
  }

  /** Performs one request to `base` (a URL, maybe with a path prefix); throws KvError on any failure. */
  async call<T>(base: string, init: CallInit): Promise<CallAnswer<T>> {
    const url = new URL(base);
    const prefix = url.pathname.replace(/\/+$/, '');
    const what = `${init.method} ${base.replace(/\/+$/, '')}${init.path}`;
    const headers: Record<string, string> = { ...init.headers };
    if (this.#auth !== undefined) headers.authorization = this.#auth;
    let payload: string | undefined;
    if (init.body !== undefined) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(init.body);
    }
    const timeoutMs = Math.max(1, Math.ceil(init.timeoutMs));
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = init.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    let status: number;
    let text: string;
    let servedBy: string | undefined;
    try {
      const res = await this.#agent.request({
        origin: url.origin,
        path: `${prefix}${init.path}`,
        method: init.method,
        headers,
        body: payload,
        signal,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      status = res.statusCode;
      const served = res.headers['x-served-by'];
      servedBy = Array.isArray(served) ? served[0] : served;
      text = await res.body.text();
    } catch (err) {
      if (init.signal?.aborted === true) {
        throw new KvError(CANCELLED, 0, false, `${what}: cancelled`, undefined, undefined, { cause: err });
      }
      throw networkError(err, what, timeoutMs);
    }
    if (status >= 200 && status < 300) {
      try {
        return { body: JSON.parse(text) as T, status, servedBy };
      } catch {
        throw new KvError('BAD_RESPONSE', status, false, `${what} answered ${status} with a body that is not JSON`);
      }
    }
    const error = errorFromAnswer(status, text, `${base}${init.path}`);
    throw servedBy === undefined ? error : withServedBy(error, servedBy);
  }

  async close(): Promise<void> {
    await this.#agent.close().catch(() => undefined);
  }
}

/** Errors remember who served them too (a 404 or 409 is an answer from some node). */
const SERVED_BY = new WeakMap<KvError, string>();

function withServedBy(e: KvError, servedBy: string): KvError {
  SERVED_BY.set(e, servedBy);
  return e;
}

/** The `x-served-by` of the answer an error was made from, if any. */
export function servedByOf(e: KvError): string | undefined {
  return SERVED_BY.get(e);
}
