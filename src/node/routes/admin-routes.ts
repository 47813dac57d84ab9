// Admin endpoints, answered only on loopback: the fault filter (only with --enable-faults; the
// supervisor's partition/isolate/heal use it) and leadership transfer (the supervisor's restart of
// the leader hands leadership over first, so no write fails).
import type { FastifyPluginAsync } from 'fastify';
import { apiError } from '../../shared/index.js';
import type { FaultSpec } from '../../shared/index.js';
import { fromLoopback } from '../../shared/http/index.js';
import type { NodeContext } from '../context.js';

const idList = { type: 'array', maxItems: 64, items: { type: 'integer', minimum: 1, maximum: 999_999 } } as const;

const faultBody = {
  type: 'object',
  additionalProperties: false,
  properties: {
    dropTo: idList,
    dropFrom: idList,
    delayMs: { type: 'integer', minimum: 0, maximum: 60_000 },
    jitterMs: { type: 'integer', minimum: 0, maximum: 60_000 },
    loss: { type: 'number', minimum: 0, maximum: 1 },
  },
} as const;

export function adminRoutes(ctx: NodeContext): FastifyPluginAsync {
  return async (app) => {
    app.addHook('onRequest', async (req) => {
      if (!fromLoopback(req)) throw apiError('FORBIDDEN', { detail: 'admin endpoints answer only on loopback' });
    });

    if (ctx.config.enableFaults) {
      app.get('/admin/faults', async () => ctx.faults.spec);
      app.put<{ Body: Partial<FaultSpec> }>('/admin/faults', { schema: { body: faultBody } }, async (req) => {
        const spec = ctx.faults.set(req.body);
        ctx.log.warn({ faults: spec }, `fault filter set: ${describeFaults(spec)}`);
        return spec;
      });
      app.delete('/admin/faults', async () => {
        const spec = ctx.faults.heal();
        ctx.log.info('fault filter cleared (healed)');
        return spec;
      });
    }

    app.post<{ Body: { to: number; timeoutMs?: number } }>(
      '/admin/transfer-leadership',
      {
        schema: {
          body: {
            type: 'object',
            required: ['to'],
            additionalProperties: false,
            properties: { to: { type: 'integer', minimum: 1 }, timeoutMs: { type: 'integer', minimum: 1, maximum: 30_000 } },
          },
        },
      },
      async (req) => {
        const { to } = req.body;
        if (!ctx.config.peers.has(to)) throw apiError('BAD_REQUEST', { detail: `node ${to} is not a member (members: ${[...ctx.config.peers.keys()].join(', ')})` });
        const r = await ctx.driver.transferLeadership(to, req.body.timeoutMs ?? 3_000);
        if (!r.ok) {
          const hint = ctx.driver.leaderHint();
          if (r.leader !== ctx.config.id && r.leader !== to) {
            throw apiError('NOT_LEADER', { id: ctx.config.id, hint: hint?.url ? `; the leader is node ${hint.id} at ${hint.url}` : '' }, { leader: hint?.url });
          }
          throw apiError('TIMEOUT', { detail: `leadership did not move to node ${to} in time` });
        }
        ctx.log.info({ to }, `leadership transferred to node ${to}`);
        return { leader: r.leader };
      },
    );
  };
}

function describeFaults(s: FaultSpec): string {
  const parts: string[] = [];
  if (s.dropTo.length) parts.push(`drop to ${s.dropTo.join(',')}`);
  if (s.dropFrom.length) parts.push(`drop from ${s.dropFrom.join(',')}`);
  if (s.delayMs || s.jitterMs) parts.push(`delay ${s.delayMs}+${s.jitterMs} ms`);
  if (s.loss) parts.push(`loss ${s.loss}`);
  return parts.length ? parts.join('; ') : 'none';
}
