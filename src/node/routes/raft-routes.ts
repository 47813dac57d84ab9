// Peer endpoints: the message stream (GET /raft/stream, an HTTP Upgrade: peer-stream.ts), one-shot
// message batches (POST /raft/messages: the same batches, for tools and tests), the hello, and
// InstallSnapshot in chunks. All one-way: the answer to a batch is 204 as soon as it is queued for
// the core; Raft replies travel as messages of their own.
import type { FastifyPluginAsync } from 'fastify';
import { apiError } from '../../shared/index.js';
import { parseBatch, parseSnapEnvelope } from '../message-codec.js';
import { acceptPeerStreams } from '../peer-stream.js';
import type { NodeContext } from '../context.js';

/** Appends carry entries of up to 1 MiB each, batched: allow generous bodies on this route only. */
const BATCH_BODY_LIMIT = 64 * 1024 * 1024;
const CHUNK_BODY_LIMIT = 8 * 1024 * 1024;

const SNAPSHOT_ID = /^[A-Za-z0-9._-]{1,100}$/;

/** `?offset=N` and nothing else, N a non-negative integer of at most 15 digits. */
function chunkOffset(query: Record<string, string | string[] | undefined>): number {
  const extra = Object.keys(query).find((k) => k !== 'offset');
  if (extra !== undefined) throw apiError('INVALID_QUERY', { detail: `unknown parameter ${JSON.stringify(extra)} (only offset)` });
  const v = query.offset;
  if (typeof v !== 'string' || !/^\d{1,15}$/.test(v)) throw apiError('INVALID_QUERY', { detail: 'offset must be a non-negative integer of at most 15 digits' });
  return Number(v);
}

export function raftRoutes(ctx: NodeContext): FastifyPluginAsync {
  const self = ctx.config.id;
  const members = new Set(ctx.config.peers.keys());
  return async (app) => {
    // A cut link drops silently, like a real network: the sender learns nothing.
    const closeStreams = acceptPeerStreams(app.server, {
      self,
      members,
      token: ctx.config.token,
      log: ctx.log,
      deliver: (from, messages) => {
        if (!ctx.faults.dropsFrom(from)) ctx.driver.deliver(messages);
      },
    });
    app.addHook('preClose', (done) => {
      closeStreams();
      done();
    });

    app.addContentTypeParser('application/octet-stream', { parseAs: 'buffer', bodyLimit: CHUNK_BODY_LIMIT }, (_req, body, done) => done(null, body));

    app.post('/raft/messages', { bodyLimit: BATCH_BODY_LIMIT }, async (req, reply) => {
      const batch = parseBatch(req.body, self, members);
      if (typeof batch === 'string') throw apiError('BAD_REQUEST', { detail: batch });
      // A cut link drops silently, like a real network: the sender learns nothing.
      if (!ctx.faults.dropsFrom(batch.from)) ctx.driver.deliver(batch.messages);
      return reply.code(204).send();
    });

    // A peer announcing that it has just started (HttpTransport.announce): if we lead, it gets a
    // heartbeat now instead of within a heartbeat interval, and its catch-up begins that much sooner.
    app.post('/raft/hello', async (req, reply) => {
      const from = (req.body as { from?: unknown } | null)?.from;
      if (typeof from !== 'number' || !members.has(from) || from === self) {
        throw apiError('BAD_REQUEST', { detail: `body must be {"from": N}, N another member's id (${[...members].filter((m) => m !== self).join(', ')})` });
      }
      if (!ctx.faults.dropsFrom(from)) ctx.driver.peerStarted(from);
      return reply.code(204).send();
    });

    // Checked by hand, not by a JSON schema: this route is the first a lagging follower serves
    // after a restart, and compiling Ajv there cost the catch-up ~40 ms (lazy-validators.ts).
    app.put<{ Params: { id: string }; Querystring: Record<string, string | string[] | undefined> }>(
      '/raft/snapshot/:id',
      async (req, reply) => {
        if (!SNAPSHOT_ID.test(req.params.id)) throw apiError('BAD_REQUEST', { detail: 'snapshot id must be 1 to 100 of A-Z a-z 0-9 . _ -' });
        const offset = chunkOffset(req.query);
        if (!Buffer.isBuffer(req.body)) throw apiError('UNSUPPORTED_MEDIA_TYPE', { type: String(req.headers['content-type'] ?? '(none)') });
        const from = Number(req.params.id.split('-')[0]);
        if (ctx.faults.dropsFrom(from)) throw apiError('UNREACHABLE', { detail: 'link cut by the fault filter' });
        const problem = await ctx.snapshots.chunk(req.params.id, offset, req.body);
        if (problem !== undefined) throw apiError('BAD_REQUEST', { detail: problem });
        return reply.code(204).send();
      },
    );

    app.post<{ Params: { id: string } }>('/raft/snapshot/:id/done', async (req, reply) => {
      const env = parseSnapEnvelope(req.body, self, members);
      if (typeof env === 'string') throw apiError('BAD_REQUEST', { detail: env });
      if (ctx.faults.dropsFrom(env.from)) {
        await ctx.snapshots.abort(req.params.id);
        throw apiError('UNREACHABLE', { detail: 'link cut by the fault filter' });
      }
      let data: string;
      try {
        data = await ctx.snapshots.finish(req.params.id, env.size);
      } catch (err) {
        throw apiError('BAD_REQUEST', { detail: err instanceof Error ? err.message : String(err) });
      }
      ctx.log.info({ from: env.from, index: env.meta.index, bytes: env.size }, `received snapshot at index ${env.meta.index} from node ${env.from} (${env.size} bytes)`);
      ctx.driver.deliver([{ type: 'Snap', from: env.from, to: self, term: env.term, snapshot: { meta: env.meta, data } }]);
      return reply.code(204).send();
    });

    app.delete<{ Params: { id: string } }>('/raft/snapshot/:id', async (req, reply) => {
      await ctx.snapshots.abort(req.params.id);
      return reply.code(204).send();
    });
  };
}
