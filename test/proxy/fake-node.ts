// A scriptable stand-in for a node, for proxy tests: it serves /status and a minimal KV API over a
// map, deduplicates writes by (clientId, seq) like the real state machine, records what it was
// asked, and can be told to misbehave (not leader, no quorum, lose leadership after applying, hang).
import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';

export type FakeMode = 'ok' | 'not-leader' | 'no-quorum' | 'lost-after-apply' | 'hang' | 'read-fails';

export interface FakeCluster {
  /** Shared store: the "replicated" state every fake node reads and writes. */
  readonly data: Map<string, string>;
  /** (clientId/seq) → first answer, shared like the real replicated session table. */
  readonly sessions: Map<string, unknown>;
  applied: number;
}

export function fakeCluster(): FakeCluster {
  return { data: new Map(), sessions: new Map(), applied: 0 };
}

export class FakeNode {
  app: FastifyInstance;
  url = '';
  role: 'leader' | 'follower' = 'follower';
  term = 1;
  leader: { id: number; url: string } | null = null;
  mode: FakeMode = 'ok';
  /** Requests seen: method + path + clientId/seq. */
  readonly seen: { method: string; url: string; clientId?: string; seq?: string }[] = [];
  readonly #hung: (() => void)[] = [];

  constructor(
    readonly id: number,
    readonly cluster: FakeCluster,
  ) {
    this.app = this.#build();
  }

  async listen(port = 0): Promise<void> {
    this.url = await this.app.listen({ host: '127.0.0.1', port });
  }

  async close(): Promise<void> {
    for (const h of this.#hung.splice(0)) h();
    await this.app.close();
  }

  /** Replace the server (after close) on the same port: a restarted node. */
  async restart(): Promise<void> {
    const port = Number(new URL(this.url).port);
    this.app = this.#build();
    await this.listen(port);
  }

  #build(): FastifyInstance {
    const app = Fastify({ logger: false, forceCloseConnections: true, routerOptions: { maxParamLength: 8192 } });
    app.get('/status', async () => ({
      kind: 'node',
      id: this.id,
      role: this.role,
      term: this.term,
      leader: this.role === 'leader' ? { id: this.id, url: this.url } : this.leader,
      commitIndex: this.cluster.applied,
      appliedIndex: this.cluster.applied,
    }));
    const write = async (req: { method: string; url: string; headers: Record<string, unknown> }, reply: { code(n: number): { send(b: unknown): unknown } }, apply: () => unknown) => {
      const clientId = req.headers['x-client-id'] as string | undefined;
      const seq = req.headers['x-request-seq'] as string | undefined;
      this.seen.push({ method: req.method, url: req.url, ...(clientId ? { clientId } : {}), ...(seq ? { seq } : {}) });
      if (this.mode === 'hang') return new Promise((resolve) => this.#hung.push(() => resolve(reply.code(503).send({ error: { code: 'SHUTTING_DOWN', message: 'bye', definite: true } }))));
      if (this.mode === 'no-quorum') return reply.code(503).send({ error: { code: 'NO_QUORUM', message: 'no leader', definite: true } });
      if (this.role !== 'leader' || this.mode === 'not-leader') {
        return reply.code(421).send({ error: { code: 'NOT_LEADER', message: 'not leader', definite: true, ...(this.leader ? { leader: this.leader.url } : {}) } });
      }
      const sk = clientId && seq ? `${clientId}/${seq}` : undefined;
      let answer = sk ? this.cluster.sessions.get(sk) : undefined;
      if (answer === undefined) {
        answer = apply();
        if (sk) this.cluster.sessions.set(sk, answer);
      }
      if (this.mode === 'lost-after-apply') {
        this.mode = 'ok';
        return reply.code(503).send({ error: { code: 'LEADERSHIP_LOST', message: 'lost it', definite: false } });
      }
      return answer;
    };
    app.put<{ Params: { key: string }; Body: { value: string } }>('/kv/:key', async (req, reply) =>
      write(req, reply, () => {
        this.cluster.data.set(req.params.key, req.body.value);
        return { key: req.params.key, value: req.body.value, index: ++this.cluster.applied };
      }),
    );
    app.delete<{ Params: { key: string } }>('/kv/:key', async (req, reply) =>
      write(req, reply, () => ({ key: req.params.key, deleted: this.cluster.data.delete(req.params.key), index: ++this.cluster.applied })),
    );
    app.get<{ Params: { key: string } }>('/kv/:key', async (req, reply) => {
      this.seen.push({ method: 'GET', url: req.url });
      if (this.mode === 'read-fails' || this.mode === 'no-quorum') return reply.code(503).send({ error: { code: 'NO_QUORUM', message: 'cannot confirm', definite: true } });
      if (this.mode === 'hang') return new Promise((resolve) => this.#hung.push(() => resolve(reply.code(503).send({ error: { code: 'SHUTTING_DOWN', message: 'bye', definite: true } }))));
      const v = this.cluster.data.get(req.params.key);
      if (v === undefined) return reply.code(404).send({ error: { code: 'KEY_NOT_FOUND', message: 'none', definite: true } });
      return { key: req.params.key, value: v };
    });
    // POST /batch (the proxy relays through it): each op is replayed as its own request against the
    // routes above, so every mode and every `seen` record applies per op, as on a real node.
    app.post<{ Body: { ops: Record<string, unknown>[] } }>('/batch', async (req) => {
      const results = await Promise.all(
        req.body.ops.map(async (op) => {
          const key = encodeURIComponent(String(op.key));
          const headers: Record<string, string> = {};
          if (typeof op.clientId === 'string') headers['x-client-id'] = op.clientId;
          if (typeof op.seq === 'number') headers['x-request-seq'] = String(op.seq);
          const r =
            op.op === 'get'
              ? await app.inject({ method: 'GET', url: `/kv/${key}` })
              : op.op === 'delete'
                ? await app.inject({ method: 'DELETE', url: `/kv/${key}`, headers })
                : op.op === 'cas'
                  ? await app.inject({ method: 'POST', url: `/kv/${key}/cas`, headers, payload: { from: op.from, to: op.to } })
                  : await app.inject({ method: 'PUT', url: `/kv/${key}`, headers, payload: { value: op.value } });
          return { status: r.statusCode, body: r.json() as unknown };
        }),
      );
      return { results };
    });
    return app;
  }
}

/** Starts `n` fake nodes sharing one store; node `leaderId` leads (0 = nobody). */
export async function fakeNodes(n: number, leaderId: number): Promise<{ nodes: FakeNode[]; cluster: FakeCluster; close: () => Promise<void> }> {
  const cluster = fakeCluster();
  const nodes: FakeNode[] = [];
  for (let i = 1; i <= n; i++) {
    const f = new FakeNode(i, cluster);
    await f.listen();
    nodes.push(f);
  }
  setLeader(nodes, leaderId);
  return { nodes, cluster, close: async () => void (await Promise.all(nodes.map((x) => x.close().catch(() => undefined)))) };
}

export function setLeader(nodes: FakeNode[], leaderId: number, term?: number): void {
  const leader = nodes.find((x) => x.id === leaderId);
  for (const f of nodes) {
    f.role = f.id === leaderId ? 'leader' : 'follower';
    f.leader = leader ? { id: leader.id, url: leader.url } : null;
    if (term !== undefined) f.term = term;
  }
}
