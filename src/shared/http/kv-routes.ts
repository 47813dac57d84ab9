// The client KV API (SPEC "Client HTTP API"), the same on every node and on the proxy: this plugin
// validates and parses requests, a KvBackend does the work (the node's driver, or the proxy's router).
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { apiError } from '../errors.js';
import { clientIdProblem, keyProblem, valueProblem } from '../limits.js';
import type { CasAnswer, Consistency, DeleteAnswer, PutAnswer } from '../api-types.js';

/** The exactly-once stamp of a write: (clientId, seq). */
export interface WriteSession {
  readonly clientId: string;
  readonly seq: number;
}

/** What the routes need; failures are thrown as ApiError (or KvError when relayed). */
export interface KvBackend {
  put(key: string, value: string, session: WriteSession | undefined): Promise<PutAnswer>;
  /** null = the key does not exist. */
  get(key: string, consistency: Consistency): Promise<string | null>;
  delete(key: string, session: WriteSession | undefined): Promise<DeleteAnswer>;
  cas(key: string, from: string | null, to: string, session: WriteSession | undefined): Promise<CasAnswer>;
}

const sessionProps = {
  clientId: { type: 'string' },
  seq: { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER },
} as const;

const keyParams = {
  type: 'object',
  required: ['key'],
  additionalProperties: false,
  properties: { key: { type: 'string' } },
} as const;

export const putBodySchema = {
  type: 'object',
  required: ['value'],
  additionalProperties: false,
  properties: { value: { type: 'string' }, ...sessionProps },
} as const;

const casBodySchema = {
  type: 'object',
  required: ['from', 'to'],
  additionalProperties: false,
  properties: { from: { type: ['string', 'null'] }, to: { type: 'string' }, ...sessionProps },
} as const;

/** DELETE's body is optional (a schema would reject a missing one), so it is checked by hand. */
function deleteBody(body: unknown): { clientId?: string; seq?: number } | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body !== 'object' || Array.isArray(body)) throw apiError('INVALID_BODY', { detail: 'body must be an object with optional clientId and seq' });
  const o = body as Record<string, unknown>;
  for (const k of Object.keys(o)) if (k !== 'clientId' && k !== 'seq') throw apiError('INVALID_BODY', { detail: `body must NOT have additional properties (${JSON.stringify(k)})` });
  if (o.clientId !== undefined && typeof o.clientId !== 'string') throw apiError('INVALID_BODY', { detail: 'body/clientId must be string' });
  if (o.seq !== undefined && (typeof o.seq !== 'number' || !Number.isSafeInteger(o.seq) || o.seq < 0)) throw apiError('INVALID_BODY', { detail: 'body/seq must be a non-negative integer' });
  return o as { clientId?: string; seq?: number };
}

export const getQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: { consistency: { type: 'string', enum: ['linearizable', 'stale'] } },
} as const;

/** Validates a key from a path or a body; throws INVALID_KEY. */
export function checkKey(key: unknown): string {
  const problem = keyProblem(key);
  if (problem !== undefined) throw apiError('INVALID_KEY', { detail: problem });
  return key as string;
}

/** Validates a value (size → 413, malformed → 400). */
export function checkValue(value: string, field = 'value'): string {
  const p = valueProblem(value, field);
  if (p) throw p.tooLarge ? apiError('VALUE_TOO_LARGE', { detail: p.detail }) : apiError('INVALID_BODY', { detail: p.detail });
  return value;
}

/**
 * The write's session from the x-client-id / x-request-seq headers or the body's clientId / seq:
 * both or neither; if both places carry one they must agree.
 */
export function sessionOf(req: FastifyRequest, body: { clientId?: string; seq?: number } | undefined): WriteSession | undefined {
  const hId = req.headers['x-client-id'];
  const hSeq = req.headers['x-request-seq'];
  if (Array.isArray(hId) || Array.isArray(hSeq)) throw apiError('INVALID_HEADER', { detail: 'x-client-id and x-request-seq must appear at most once' });
  let fromHeaders: WriteSession | undefined;
  if (hId !== undefined || hSeq !== undefined) {
    if (hId === undefined || hSeq === undefined) throw apiError('INVALID_HEADER', { detail: 'x-client-id and x-request-seq go together: send both or neither' });
    if (!/^\d{1,16}$/.test(hSeq) || !Number.isSafeInteger(Number(hSeq))) throw apiError('INVALID_HEADER', { detail: `x-request-seq must be a non-negative integer, received ${JSON.stringify(hSeq.slice(0, 40))}` });
    const p = clientIdProblem(hId);
    if (p) throw apiError('INVALID_HEADER', { detail: `x-client-id: ${p}` });
    fromHeaders = { clientId: hId, seq: Number(hSeq) };
  }
  let fromBody: WriteSession | undefined;
  if (body && (body.clientId !== undefined || body.seq !== undefined)) {
    if (body.clientId === undefined || body.seq === undefined) throw apiError('INVALID_BODY', { detail: 'clientId and seq go together: send both or neither' });
    const p = clientIdProblem(body.clientId);
    if (p) throw apiError('INVALID_BODY', { detail: p });
    fromBody = { clientId: body.clientId, seq: body.seq };
  }
  if (fromHeaders && fromBody && (fromHeaders.clientId !== fromBody.clientId || fromHeaders.seq !== fromBody.seq)) {
    throw apiError('INVALID_BODY', { detail: 'clientId/seq in the body disagree with the x-client-id/x-request-seq headers' });
  }
  return fromHeaders ?? fromBody;
}

/** Registers PUT/GET/DELETE /kv/:key and POST /kv/:key/cas over `backend`. */
export function kvRoutes(backend: KvBackend): FastifyPluginAsync {
  return async (app) => {
    // `/kv/` with nothing after it: an empty key, not an unknown route.
    app.route({
      method: ['GET', 'PUT', 'DELETE', 'POST'],
      url: '/kv/',
      handler: async () => {
        throw apiError('INVALID_KEY', { detail: 'must not be empty' });
      },
    });

    app.put<{ Params: { key: string }; Body: { value: string; clientId?: string; seq?: number } }>(
      '/kv/:key',
      { schema: { params: keyParams, body: putBodySchema } },
      async (req) => {
        const key = checkKey(req.params.key);
        const value = checkValue(req.body.value);
        return backend.put(key, value, sessionOf(req, req.body));
      },
    );

    app.get<{ Params: { key: string }; Querystring: { consistency?: Consistency } }>(
      '/kv/:key',
      { schema: { params: keyParams, querystring: getQuerySchema } },
      async (req) => {
        const key = checkKey(req.params.key);
        const value = await backend.get(key, req.query.consistency ?? 'linearizable');
        if (value === null) throw apiError('KEY_NOT_FOUND', { key: JSON.stringify(key.length > 100 ? `${key.slice(0, 100)}…` : key) });
        return { key, value };
      },
    );

    app.delete<{ Params: { key: string } }>(
      '/kv/:key',
      { schema: { params: keyParams } },
      async (req) => {
        const key = checkKey(req.params.key);
        return backend.delete(key, sessionOf(req, deleteBody(req.body)));
      },
    );

    app.post<{ Params: { key: string }; Body: { from: string | null; to: string; clientId?: string; seq?: number } }>(
      '/kv/:key/cas',
      { schema: { params: keyParams, body: casBodySchema } },
      async (req) => {
        const key = checkKey(req.params.key);
        const from = req.body.from === null ? null : checkValue(req.body.from, 'from');
        const to = checkValue(req.body.to, 'to');
        return backend.cas(key, from, to, sessionOf(req, req.body));
      },
    );
  };
}
