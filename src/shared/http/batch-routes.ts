// POST /batch: several KV operations in one request, on every node and on the proxy. Each operation
// is checked and answered exactly as its own request would be — same validation, same session
// rules, same status and body — and the batch answers 200 with one result per operation, in order.
// The proxy uses it to relay the concurrent requests of many clients to a node as one request:
// per-request HTTP work, not Raft, is what bounds a small cluster's throughput on a few cores.
//
// Operations in one batch are concurrent, like the separate requests they stand for: the node
// proposes the writes together (one log append, one fsync) and confirms the reads with one
// ReadIndex round. There is no ordering or atomicity promise across them.
import type { FastifyPluginAsync } from 'fastify';
import type { Logger } from 'pino';
import { ApiError, apiError } from '../errors.js';
import type { Consistency } from '../api-types.js';
import { clientIdProblem } from '../limits.js';
import { toApiError } from './hardening.js';
import { checkKey, checkValue } from './kv-routes.js';
import type { KvBackend, WriteSession } from './kv-routes.js';

/** Most operations in one batch. */
export const MAX_BATCH_OPS = 1024;
/** Largest batch body: a few maximal values, plus room for keys and framing. */
export const BATCH_BODY_LIMIT = 8 * 1024 * 1024;

/** One operation of a batch, as sent. */
export type BatchOp =
  | { op: 'put'; key: string; value: string; clientId?: string; seq?: number }
  | { op: 'get'; key: string; consistency?: Consistency }
  | { op: 'delete'; key: string; clientId?: string; seq?: number }
  | { op: 'cas'; key: string; from: string | null; to: string; clientId?: string; seq?: number };

/** One operation's answer: the status and body its own request would have had. */
export interface BatchResult {
  status: number;
  body: unknown;
}

const FIELDS: Record<BatchOp['op'], ReadonlySet<string>> = {
  put: new Set(['op', 'key', 'value', 'clientId', 'seq']),
  get: new Set(['op', 'key', 'consistency']),
  delete: new Set(['op', 'key', 'clientId', 'seq']),
  cas: new Set(['op', 'key', 'from', 'to', 'clientId', 'seq']),
};

const batchBodySchema = {
  type: 'object',
  required: ['ops'],
  additionalProperties: false,
  properties: { ops: { type: 'array', minItems: 1, maxItems: MAX_BATCH_OPS, items: { type: 'object' } } },
} as const;

function bad(at: number, detail: string): ApiError {
  return apiError('INVALID_BODY', { detail: `ops[${at}]: ${detail}` });
}

function str(o: Record<string, unknown>, f: string, at: number): string {
  const v = o[f];
  if (typeof v !== 'string') throw bad(at, `${f} must be a string`);
  return v;
}

function session(o: Record<string, unknown>, at: number): WriteSession | undefined {
  const { clientId, seq } = o;
  if (clientId === undefined && seq === undefined) return undefined;
  if (clientId === undefined || seq === undefined) throw bad(at, 'clientId and seq go together: send both or neither');
  if (typeof clientId !== 'string') throw bad(at, 'clientId must be a string');
  if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 0) throw bad(at, 'seq must be a non-negative integer');
  const p = clientIdProblem(clientId);
  if (p) throw bad(at, p);
  return { clientId, seq };
}

/** Checks one operation and starts it; what it throws or rejects with becomes its error result. */
function run(backend: KvBackend, raw: Record<string, unknown>, at: number): Promise<unknown> {
  const kind = raw.op;
  if (kind !== 'put' && kind !== 'get' && kind !== 'delete' && kind !== 'cas') throw bad(at, 'op must be one of "put", "get", "delete", "cas"');
  for (const f of Object.keys(raw)) if (!FIELDS[kind].has(f)) throw bad(at, `a ${kind} must NOT have additional properties (${JSON.stringify(f)})`);
  const key = checkKey(raw.key);
  switch (kind) {
    case 'put':
      return backend.put(key, checkValue(str(raw, 'value', at)), session(raw, at));
    case 'delete':
      return backend.delete(key, session(raw, at));
    case 'cas': {
      const from = raw.from === null ? null : checkValue(str(raw, 'from', at), 'from');
      return backend.cas(key, from, checkValue(str(raw, 'to', at), 'to'), session(raw, at));
    }
    case 'get': {
      const c = raw.consistency;
      if (c !== undefined && c !== 'linearizable' && c !== 'stale') throw bad(at, 'consistency must be "linearizable" or "stale"');
      return backend.get(key, c ?? 'linearizable').then((value) => {
        if (value === null) throw apiError('KEY_NOT_FOUND', { key: JSON.stringify(key.length > 100 ? `${key.slice(0, 100)}…` : key) });
        return { key, value };
      });
    }
  }
}

/** Registers POST /batch over `backend` (the node's driver or the proxy's router). */
export function batchRoutes(backend: KvBackend, log: Logger): FastifyPluginAsync {
  return async (app) => {
    app.post<{ Body: { ops: Record<string, unknown>[] } }>(
      '/batch',
      { bodyLimit: BATCH_BODY_LIMIT, schema: { body: batchBodySchema } },
      async (req) => {
        const settled = req.body.ops.map(async (raw, at): Promise<BatchResult> => {
          try {
            return { status: 200, body: await run(backend, raw, at) };
          } catch (err) {
            const e = toApiError(err, req, log);
            return { status: e.status, body: e.toBody() };
          }
        });
        return { results: await Promise.all(settled) };
      },
    );
  };
}
