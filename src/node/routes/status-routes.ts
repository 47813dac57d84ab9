// GET /status: what this node knows about itself and, on the leader, about each follower (SPEC).
import type { FastifyPluginAsync } from 'fastify';
import type { NodeStatus, PeerProgress } from '../../shared/index.js';
import type { NodeContext } from '../context.js';

/** Builds the /status document from the driver's view. */
export function nodeStatus(ctx: NodeContext): NodeStatus {
  const { raft, applied, keys, snapshotIndex } = ctx.driver.status();
  const urlOf = (id: number): string | null => ctx.config.peers.get(id) ?? null;
  let peers: PeerProgress[] | undefined;
  if (raft.progress) {
    peers = [];
    for (const [idText, pr] of Object.entries(raft.progress)) {
      const id = Number(idText);
      if (id === ctx.config.id) continue;
      peers.push({ id, url: urlOf(id) ?? '', matchIndex: pr.match, nextIndex: pr.next, state: pr.state });
    }
  }
  return {
    kind: 'node',
    id: ctx.config.id,
    url: urlOf(ctx.config.id) ?? '',
    clusterId: ctx.config.clusterId,
    role: raft.role,
    term: raft.term,
    vote: raft.vote,
    leader: raft.leader === 0 ? null : { id: raft.leader, url: urlOf(raft.leader) },
    commitIndex: raft.commit,
    appliedIndex: applied,
    lastLogIndex: raft.lastIndex,
    lastLogTerm: raft.lastTerm,
    firstIndex: raft.firstIndex,
    snapshotIndex: Math.max(snapshotIndex, raft.snapshotIndex),
    keys,
    uptimeMs: Math.round(performance.now() - ctx.startedAt),
    ...(peers ? { peers } : {}),
    ...(ctx.storageStats ? { storage: ctx.storageStats() } : {}),
    ...(ctx.config.enableFaults ? { faults: ctx.faults.spec } : {}),
  };
}

export function statusRoutes(ctx: NodeContext): FastifyPluginAsync {
  return async (app) => {
    app.get('/status', async () => nodeStatus(ctx));
  };
}
