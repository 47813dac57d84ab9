// The node's HTTP app, built in one function from route plugins (fastify's testing guide): peer
// routes, the KV API (single requests and POST /batch), /status and the loopback admin API. listen() happens elsewhere (main).
import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import { DEFAULT_LIMITS, batchRoutes, hardenedServerOptions, installHardening, kvRoutes } from '../shared/http/index.js';
import type { ServerLimits } from '../shared/http/index.js';
import type { NodeContext } from './context.js';
import { nodeKvBackend } from './kv-backend.js';
import { adminRoutes } from './routes/admin-routes.js';
import { raftRoutes } from './routes/raft-routes.js';
import { statusRoutes } from './routes/status-routes.js';

export function buildNodeApp(ctx: NodeContext, limits: ServerLimits = DEFAULT_LIMITS): FastifyInstance {
  const app = Fastify(hardenedServerOptions(limits, ctx.log));
  installHardening(app, { token: ctx.config.token, log: ctx.log });
  void app.register(raftRoutes(ctx));
  const kv = nodeKvBackend(ctx.driver, { unsafeStaleReads: ctx.config.unsafeStaleReads });
  void app.register(kvRoutes(kv));
  void app.register(batchRoutes(kv, ctx.log));
  void app.register(statusRoutes(ctx));
  void app.register(adminRoutes(ctx));
  return app;
}
