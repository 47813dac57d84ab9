// A stand-in for a node or the proxy that speaks the SPEC's client API, in memory, on an ephemeral
// port. Tests can make it slow, make it answer errors, name who served, and inspect what it got.
import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export interface SeenRequest {
  readonly method: string;
  readonly url: string;
  readonly clientId: string | undefined;
  readonly seq: string | undefined;
}

export interface CannedError {
  readonly status: number;
  readonly code: string;
  readonly definite: boolean;
  readonly leader?: string;
}

export class FakeKv {
  readonly store = new Map<string, string>();
  readonly seen: SeenRequest[] = [];
  /** Answers to give (in order) instead of doing the work, one per request. */
  readonly errors: CannedError[] = [];
  /** Each request waits this long before being handled (a slow leader). */
  delayMs = 0;
  /** Sent as `x-served-by` when set. */
  servedBy: string | undefined;
  /** What /status answers (a follower of a 1-node cluster by default). */
  status: Record<string, unknown>;
  url = '';
  #index = 0;
  readonly #app: FastifyInstance;
  /** Ends the artificial delays on close, so a slow request does not outlive the test. */
  readonly #closing = new AbortController();

  private constructor() {
    this.#app = Fastify({ logger: false, forceCloseConnections: true });
    this.status = { kind: 'node', id: 1, url: '', role: 'leader', term: 3, leader: null, commitIndex: 0, appliedIndex: 0, lastLogIndex: 0 };
    this.#routes();
  }

  static async start(): Promise<FakeKv> {
    const f = new FakeKv();
    await f.#app.listen({ host: '127.0.0.1', port: 0 });
    f.url = `http://127.0.0.1:${(f.#app.server.address() as AddressInfo).port}`;
    f.status = { ...f.status, url: f.url, leader: { id: 1, url: f.url } };
    return f;
  }

  async close(): Promise<void> {
    this.#closing.abort();
    await this.#app.close();
  }

  #routes(): void {
    const app = this.#app;
    app.addHook('onRequest', async (req, reply) => {
      this.seen.push({
        method: req.method,
        url: req.url,
        clientId: req.headers['x-client-id'] as string | undefined,
        seq: req.headers['x-request-seq'] as string | undefined,
      });
      if (this.servedBy !== undefined) void reply.header('x-served-by', this.servedBy);
      if (this.delayMs > 0) await sleep(this.delayMs, undefined, { signal: this.#closing.signal }).catch(() => undefined);
      const e = this.errors.shift();
      if (e !== undefined) {
        const error: Record<string, unknown> = { code: e.code, message: `canned ${e.code}`, definite: e.definite };
        if (e.leader !== undefined) error.leader = e.leader;
        return reply.code(e.status).send({ error });
      }
      return undefined;
    });
    const notFound = (key: string) => ({ error: { code: 'KEY_NOT_FOUND', message: `key ${key} not found`, definite: true } });
    app.put<{ Params: { key: string }; Body: { value: string } }>('/kv/:key', async (req) => {
      this.store.set(req.params.key, req.body.value);
      return { key: req.params.key, value: req.body.value, index: ++this.#index };
    });
    app.get<{ Params: { key: string } }>('/kv/:key', async (req, reply) => {
      const v = this.store.get(req.params.key);
      if (v === undefined) return reply.code(404).send(notFound(req.params.key));
      return { key: req.params.key, value: v };
    });
    app.delete<{ Params: { key: string } }>('/kv/:key', async (req) => {
      const deleted = this.store.delete(req.params.key);
      return { key: req.params.key, deleted, index: ++this.#index };
    });
    app.post<{ Params: { key: string }; Body: { from: string | null; to: string } }>('/kv/:key/cas', async (req, reply) => {
      const now = this.store.get(req.params.key) ?? null;
      if (now !== req.body.from) {
        return reply.code(409).send({ error: { code: 'CAS_MISMATCH', message: 'compare-and-set failed', definite: true, current: now } });
      }
      this.store.set(req.params.key, req.body.to);
      return { key: req.params.key, value: req.body.to, index: ++this.#index };
    });
    app.get('/status', async () => this.status);
  }
}

/** A URL where nothing listens: bind an ephemeral port, then close it. */
export async function deadUrl(): Promise<string> {
  const { createServer } = await import('node:net');
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const port = (srv.address() as AddressInfo).port;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
