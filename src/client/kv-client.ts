// A typed client for the KV API and /status of a node or the proxy, over one undici keep-alive pool.
// Every call has a deadline; every failure is a KvError (see kv-error.ts) that says whether the
// operation certainly did not happen (definite) or may have happened.
import { Pool } from '../shared/undici-pool.js';
import type { Dispatcher } from 'undici';
import type {
  CasAnswer, Consistency, DeleteAnswer, FaultSpec, NodeStatus, ProxyStatus, PutAnswer,
} from '../shared/index.js';
import { KvError, errorFromAnswer, localError } from './kv-error.js';

export interface KvClientOptions {
  /** Bearer token sent on every request (nodes/proxy started with --token). */
  readonly token?: string | undefined;
  /** Default deadline per call (ms). */
  readonly timeoutMs?: number;
  /** Keep-alive connections in the pool. */
  readonly connections?: number;
}

/** Per-write options: an exactly-once session stamp and a deadline. */
export interface WriteOptions {
  readonly clientId?: string;
  readonly seq?: number;
  readonly timeoutMs?: number;
}

export interface ReadOptions {
  readonly consistency?: Consistency;
  readonly timeoutMs?: number;
}

export interface RawAnswer {
  readonly status: number;
  readonly text: string;
}

const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

/** Client for one base URL (a node or the proxy). */
export class KvClient {
  readonly url: string;
  readonly #pool: Pool;
  readonly #prefix: string;
  readonly #auth: string | undefined;
  readonly #timeoutMs: number;

  constructor(url: string, opts: KvClientOptions = {}) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new TypeError(`KvClient: ${JSON.stringify(url)} is not a URL (expected e.g. http://127.0.0.1:5000)`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new TypeError(`KvClient: ${url} must be an http:// or https:// URL`);
    }
    this.url = url.replace(/\/+$/, '');
    this.#prefix = parsed.pathname.replace(/\/+$/, '');
    this.#auth = opts.token ? `Bearer ${opts.token}` : undefined;
    this.#timeoutMs = opts.timeoutMs ?? 10_000;
    this.#pool = new Pool(parsed.origin, {
      connections: opts.connections ?? 64,
      keepAliveTimeout: 30_000,
      connect: { timeout: Math.min(this.#timeoutMs, 5_000) },
    });
  }

  /** PUT /kv/:key — resolves once committed and applied. */
  async put(key: string, value: string, opts: WriteOptions = {}): Promise<PutAnswer> {
    return this.#json<PutAnswer>('PUT', kvPath(key), { value }, opts, writeHeaders(opts));
  }

  /** GET /kv/:key — the value, or null when the key does not exist. */
  async get(key: string, opts: ReadOptions = {}): Promise<string | null> {
    const q = opts.consistency ? `?consistency=${opts.consistency}` : '';
    try {
      const a = await this.#json<{ value: string }>('GET', `${kvPath(key)}${q}`, undefined, opts);
      return a.value;
    } catch (err) {
      if (err instanceof KvError && err.code === 'KEY_NOT_FOUND') return null;
      throw err;
    }
  }

  /** DELETE /kv/:key. */
  async delete(key: string, opts: WriteOptions = {}): Promise<DeleteAnswer> {
    return this.#json<DeleteAnswer>('DELETE', kvPath(key), undefined, opts, writeHeaders(opts));
  }

  /** POST /kv/:key/cas — `from: null` means "the key must not exist"; 409 throws CAS_MISMATCH. */
  async cas(key: string, from: string | null, to: string, opts: WriteOptions = {}): Promise<CasAnswer> {
    return this.#json<CasAnswer>('POST', `${kvPath(key)}/cas`, { from, to }, opts, writeHeaders(opts));
  }

  /** GET /status of a node or of the proxy. */
  async status(opts: { timeoutMs?: number } = {}): Promise<NodeStatus | ProxyStatus> {
    return this.#json<NodeStatus | ProxyStatus>('GET', '/status', undefined, opts);
  }

  /** GET /status, insisting that the other side is a node. */
  async nodeStatus(opts: { timeoutMs?: number } = {}): Promise<NodeStatus> {
    const s = await this.status(opts);
    if (s.kind !== 'node') throw localError('BAD_RESPONSE', `${this.url} is not a node (it is a ${s.kind})`);
    return s;
  }

  /** Admin (node with --enable-faults, loopback): replace the fault filter. */
  async setFaults(spec: Partial<FaultSpec>, opts: { timeoutMs?: number } = {}): Promise<FaultSpec> {
    return this.#json<FaultSpec>('PUT', '/admin/faults', spec, opts);
  }

  /** Admin: the current fault filter. */
  async getFaults(opts: { timeoutMs?: number } = {}): Promise<FaultSpec> {
    return this.#json<FaultSpec>('GET', '/admin/faults', undefined, opts);
  }

  /** Admin: remove every fault. */
  async heal(opts: { timeoutMs?: number } = {}): Promise<FaultSpec> {
    return this.#json<FaultSpec>('DELETE', '/admin/faults', undefined, opts);
  }

  /** Admin (loopback): ask the leader to hand leadership to `to`; resolves when `to` leads or fails. */
  async transferLeadership(to: number, opts: { timeoutMs?: number } = {}): Promise<{ leader: number }> {
    return this.#json<{ leader: number }>('POST', '/admin/transfer-leadership', { to }, opts);
  }

  /** Any request; resolves with the raw answer (never throws on HTTP status, only on network failure). */
  async raw(method: Dispatcher.HttpMethod, path: string, init: { body?: string; headers?: Record<string, string>; timeoutMs?: number } = {}): Promise<RawAnswer> {
    const headers: Record<string, string> = { ...init.headers };
    if (this.#auth && headers.authorization === undefined) headers.authorization = this.#auth;
    // Integral and positive: timers and undici refuse fractions (callers subtract clocks).
    const timeoutMs = Math.max(1, Math.ceil(init.timeoutMs ?? this.#timeoutMs));
    // The deadline covers the whole call (waiting for a pooled connection included): a plain timer
    // raced against the request. Not AbortSignal.timeout (it fires long after the call ended and
    // builds a DOMException each time), not even an AbortController (creating its signal costs ~20 µs):
    // either is several times the CPU of the rest of the call (bench profile). undici's header and
    // body timeouts still end an abandoned request (at ~1 s resolution, hence the precise timer here).
    const request = this.#pool
      .request({ method, path: `${this.#prefix}${path}`, headers, body: init.body, headersTimeout: timeoutMs, bodyTimeout: timeoutMs })
      .then(async (res) => ({ status: res.statusCode, text: await res.body.text() }));
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(Object.assign(new Error('deadline'), { name: 'TimeoutError' })), timeoutMs);
    });
    try {
      return await Promise.race([request, deadline]);
    } catch (err) {
      request.catch(() => undefined); // abandoned: its own timeout ends it
      throw networkError(err, `${method} ${this.url}${path}`, timeoutMs);
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    await this.#pool.close().catch(() => undefined);
  }

  async #json<T>(method: Dispatcher.HttpMethod, path: string, body: unknown, opts: { timeoutMs?: number | undefined }, extra?: Record<string, string>): Promise<T> {
    const headers: Record<string, string> = { ...extra };
    let payload: string | undefined;
    if (body !== undefined) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    const init: { body?: string; headers: Record<string, string>; timeoutMs?: number } = { headers };
    if (payload !== undefined) init.body = payload;
    if (opts.timeoutMs !== undefined) init.timeoutMs = opts.timeoutMs;
    const a = await this.raw(method, path, init);
    if (a.status >= 200 && a.status < 300) {
      try {
        return JSON.parse(a.text) as T;
      } catch {
        throw new KvError('BAD_RESPONSE', a.status, false, `${this.url}${path} answered ${a.status} with a body that is not JSON`);
      }
    }
    throw errorFromAnswer(a.status, a.text, `${this.url}${path}`);
  }
}

function kvPath(key: string): string {
  return `/kv/${encodeURIComponent(key)}`;
}

function writeHeaders(opts: WriteOptions): Record<string, string> {
  const h: Record<string, string> = {};
  if (opts.clientId !== undefined) h['x-client-id'] = opts.clientId;
  if (opts.seq !== undefined) h['x-request-seq'] = String(opts.seq);
  return h;
}

/** Classifies a failure without an HTTP answer: refused (definite) vs lost or timed out (indefinite). */
export function networkError(err: unknown, what: string, timeoutMs: number): KvError {
  const e = err as { code?: string; name?: string; message?: string };
  if (e.name === 'TimeoutError' || e.name === 'AbortError' || e.code === 'UND_ERR_ABORTED' || e.code === 'UND_ERR_HEADERS_TIMEOUT' || e.code === 'UND_ERR_BODY_TIMEOUT') {
    return localError('TIMEOUT', `${what}: no answer within ${timeoutMs} ms`, err);
  }
  const code = e.code ?? (e as { cause?: { code?: string } }).cause?.code;
  if (code !== undefined && UNREACHABLE_CODES.has(code)) {
    return localError('UNREACHABLE', `${what}: cannot connect (${code})`, err);
  }
  return localError('CONNECTION_LOST', `${what}: connection failed (${code ?? e.message ?? String(err)})`, err);
}
