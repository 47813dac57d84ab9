// The proxy's HTTP app: the same KV API as a node (over the router), its own /status, and the
// original project's endpoints (POST /client_write, GET /client_read?key=) so its clients still work.
import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { ProxyStatus } from '../shared/index.js';
import { DEFAULT_LIMITS, batchRoutes, checkKey, checkValue, getQuerySchema, hardenedServerOptions, installHardening, kvRoutes, putBodySchema, sessionOf } from '../shared/http/index.js';
import type { ServerLimits } from '../shared/http/index.js';
import { apiError } from '../shared/index.js';
import type { LeaderTracker } from './leader-tracker.js';
import type { ProxyRouter } from './router.js';

export interface ProxyContext {
  readonly router: ProxyRouter;
  readonly tracker: LeaderTracker;
  readonly log: Logger;
  readonly token?: string | undefined;
  readonly startedAt: number;
}

const clientWriteBody = {
  type: 'object',
  required: ['key', 'value'],
  additionalProperties: false,
  properties: { key: {}, ...putBodySchema.properties },
} as const;

const clientReadQuery = {
  type: 'object',
  required: ['key'],
  additionalProperties: false,
  properties: { key: { type: 'string' }, ...getQuerySchema.properties },
} as const;

export function buildProxyApp(ctx: ProxyContext, limits: ServerLimits = DEFAULT_LIMITS): FastifyInstance {
  const app = Fastify(hardenedServerOptions(limits, ctx.log));
  installHardening(app, { token: ctx.token, log: ctx.log });
  void app.register(kvRoutes(ctx.router));
  void app.register(batchRoutes(ctx.router, ctx.log));

  void app.register(async (scope) => {
    scope.get('/status', async (): Promise<ProxyStatus> => ({
      kind: 'proxy',
      ...ctx.tracker.view(),
      uptimeMs: Math.round(performance.now() - ctx.startedAt),
    }));

    // The original's endpoints. `key` is checked by checkKey (so a non-string key says "invalid key").
    scope.post<{ Body: { key: unknown; value: string; clientId?: string; seq?: number } }>(
      '/client_write',
      { schema: { body: clientWriteBody } },
      async (req) => {
        const key = checkKey(req.body.key);
        const value = checkValue(req.body.value);
        return ctx.router.put(key, value, sessionOf(req, req.body));
      },
    );

    scope.get<{ Querystring: { key: string; consistency?: 'linearizable' | 'stale' } }>(
      '/client_read',
      { schema: { querystring: clientReadQuery } },
      async (req) => {
        const key = checkKey(req.query.key);
        const value = await ctx.router.get(key, req.query.consistency ?? 'linearizable');
        if (value === null) throw apiError('KEY_NOT_FOUND', { key: JSON.stringify(key.length > 100 ? `${key.slice(0, 100)}…` : key) });
        return { key, value };
      },
    );
  });
  return app;
}
