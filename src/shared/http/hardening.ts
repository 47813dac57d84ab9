// The doors of every HTTP server we run (node and proxy), set up in one place: strict Ajv (no type
// coercion, no silently dropped fields), JSON-only bodies, prototype poisoning refused, real header
// and request timeouts, an optional bearer token checked in constant time on every endpoint, and one
// error handler that turns every failure into the shared JSON error shape — never a stack trace,
// never a 5xx for anything a client sent.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify';
import { ApiError, apiError } from '../errors.js';
import type { Logger } from 'pino';
import { lazyValidators } from './lazy-validators.js';

export interface ServerLimits {
  /** Default body limit in bytes (routes may raise theirs). */
  readonly bodyLimit: number;
  /** Time to receive a whole request, and its headers (ms): a slow client gets 408. */
  readonly requestTimeoutMs: number;
  readonly headersTimeoutMs: number;
}

export const DEFAULT_LIMITS: ServerLimits = {
  bodyLimit: 1024 * 1024 + 64 * 1024,
  requestTimeoutMs: 5000,
  headersTimeoutMs: 4000,
};

/** Fastify options shared by the node and the proxy. */
export function hardenedServerOptions(limits: ServerLimits = DEFAULT_LIMITS, log?: Logger): FastifyServerOptions {
  return {
    // Errors fastify raises before routing (a URL that is not valid percent-encoding) bypass the
    // error handler; route them through the same mapping.
    frameworkErrors: (err: unknown, req: FastifyRequest, reply: FastifyReply) => sendError(reply, toApiError(err, req, log ?? silentLog)),
    logger: false,
    bodyLimit: limits.bodyLimit,
    // Keys are up to 1024 bytes of UTF-8, i.e. up to 3 × 1024 characters once percent-encoded.
    routerOptions: { maxParamLength: 8 * 1024, ignoreTrailingSlash: false },
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: 72_000,
    // Node checks request/header timeouts only every connectionsCheckingInterval (30 s by default).
    http: { headersTimeout: limits.headersTimeoutMs, requestTimeout: limits.requestTimeoutMs, connectionsCheckingInterval: 500 },
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, useDefaults: false, allErrors: false } },
    schemaController: { compilersFactory: { buildValidator: lazyValidators() } },
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    exposeHeadRoutes: false,
    return503OnClosing: true,
  } as FastifyServerOptions;
}

/** Compares a presented token with the expected one in constant time (hashes equalise lengths). */
export function tokenMatches(presented: string, expected: string): boolean {
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

const silentLog = { error: () => undefined } as unknown as Logger;

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/** True when the request came from this machine. */
export function fromLoopback(req: FastifyRequest): boolean {
  const addr = req.socket.remoteAddress;
  return addr !== undefined && (LOOPBACK.has(addr) || addr.startsWith('127.'));
}

/** True for addresses that only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

export interface HardeningOptions {
  readonly token?: string | undefined;
  readonly log: Logger;
}

/** Installs auth, content types, the not-found and error handlers on a fresh app. */
export function installHardening(app: FastifyInstance, opts: HardeningOptions): void {
  // Only JSON bodies: anything else is 415 (fastify answers unknown content types with 415).
  app.removeContentTypeParser(['text/plain']);

  if (opts.token) {
    const token = opts.token;
    app.addHook('onRequest', async (req) => {
      const h = req.headers.authorization;
      const presented = typeof h === 'string' && h.startsWith('Bearer ') ? h.slice(7) : '';
      if (!tokenMatches(presented, token)) throw apiError('UNAUTHORIZED');
    });
  }

  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0] ?? '';
    // A key too long for the router (> maxParamLength) lands here: say what is really wrong.
    if (path.startsWith('/kv/') && path.length > 8 * 1024) {
      return sendError(reply, apiError('INVALID_KEY', { detail: 'must be at most 1024 bytes of UTF-8' }));
    }
    return sendError(reply, apiError('NOT_FOUND', { method: req.method, url: path.length > 200 ? `${path.slice(0, 200)}…` : path }));
  });

  app.setErrorHandler((err, req, reply) => sendError(reply, toApiError(err, req, opts.log)));
}

/** Writes an ApiError (or a relayed KvError-like error) as our JSON shape. */
export function sendError(reply: FastifyReply, err: ApiError): FastifyReply {
  return reply.code(err.status).type('application/json').send(err.toBody());
}

interface FastifyLikeError {
  code?: string;
  statusCode?: number;
  message?: string;
  validation?: unknown;
  validationContext?: string;
  toBody?: () => unknown;
  httpStatus?: number;
}

/** Maps anything thrown in a route or by fastify itself onto the error table. */
export function toApiError(err: unknown, req: FastifyRequest, log: Logger): ApiError {
  if (err instanceof ApiError) return err;
  const e = (err ?? {}) as FastifyLikeError;
  // A KvError relayed by the proxy carries its own code, status and definiteness.
  if (typeof e.toBody === 'function' && typeof e.httpStatus === 'number' && typeof e.code === 'string') {
    const b = e.toBody() as { error: { code: string; message: string; definite: boolean; leader?: string; current?: string | null } };
    return new ApiError(b.error.code as never, e.httpStatus, b.error.definite, b.error.message, b.error.leader, b.error.current);
  }
  if (e.validation !== undefined) {
    const ctx = e.validationContext;
    const code = ctx === 'params' ? 'INVALID_KEY' : ctx === 'querystring' ? 'INVALID_QUERY' : ctx === 'headers' ? 'INVALID_HEADER' : 'INVALID_BODY';
    return apiError(code, { detail: e.message ?? 'failed validation' });
  }
  switch (e.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return apiError('UNSUPPORTED_MEDIA_TYPE', { type: JSON.stringify(req.headers['content-type'] ?? '(none)') });
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return apiError('PAYLOAD_TOO_LARGE', { limit: req.routeOptions.bodyLimit ?? 0 });
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return apiError('INVALID_BODY', { detail: 'content-type is application/json but the body is empty' });
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return apiError('BAD_REQUEST', { detail: 'content-length does not match the body' });
    case 'FST_ERR_BAD_URL':
      return req.url.startsWith('/kv/')
        ? apiError('INVALID_KEY', { detail: 'the key is not valid percent-encoded UTF-8' })
        : apiError('BAD_REQUEST', { detail: 'the URL is not valid percent-encoded UTF-8' });
    case 'FST_ERR_ASYNC_CONSTRAINT':
    default:
      break;
  }
  const status = e.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    // JSON syntax errors, prototype poisoning, and other client mistakes fastify detected.
    const code = status === 400 ? 'INVALID_BODY' : status === 413 ? 'PAYLOAD_TOO_LARGE' : status === 415 ? 'UNSUPPORTED_MEDIA_TYPE' : 'BAD_REQUEST';
    const a = apiError(code, { detail: e.message ?? 'bad request', limit: req.routeOptions.bodyLimit ?? 0, type: String(req.headers['content-type'] ?? '') });
    return status === a.status ? a : new ApiError(a.code, status, true, a.message);
  }
  log.error({ err, method: req.method, url: req.url.slice(0, 300) }, 'unexpected error while handling a request');
  return apiError('INTERNAL', { detail: e.message ?? 'unexpected failure' });
}
