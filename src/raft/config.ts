// Defaults and the one validation of a RaftConfig (programmer errors throw).
import type { NodeId, RaftConfig } from './types.js';

export const DEFAULT_RAFT_TIMING = {
  electionTick: 10,
  heartbeatTick: 2,
  maxInflight: 256,
  maxMsgBytes: 1024 * 1024,
} as const;

/** A config with the defaults filled in; `randInt` must come from the caller (seeded or not). */
export function raftConfig(
  id: NodeId,
  peers: readonly NodeId[],
  randInt: (n: number) => number,
  overrides: Partial<Omit<RaftConfig, 'id' | 'peers' | 'randInt'>> = {},
): RaftConfig {
  return { id, peers, randInt, preVote: true, checkQuorum: true, ...DEFAULT_RAFT_TIMING, ...overrides };
}

export function validateConfig(c: RaftConfig): void {
  const fail = (what: string): never => {
    throw new Error(`invalid Raft config: ${what}`);
  };
  if (!Number.isInteger(c.id) || c.id <= 0) fail(`id must be a positive integer, got ${c.id}`);
  if (c.peers.length === 0) fail('peers must not be empty');
  if (new Set(c.peers).size !== c.peers.length) fail(`peers contain duplicates: ${c.peers.join(',')}`);
  if (!c.peers.includes(c.id)) fail(`peers (${c.peers.join(',')}) must include id ${c.id}`);
  for (const p of c.peers) if (!Number.isInteger(p) || p <= 0) fail(`peer ids must be positive integers, got ${p}`);
  if (!Number.isInteger(c.electionTick) || c.electionTick < 2) fail(`electionTick must be an integer >= 2, got ${c.electionTick}`);
  if (!Number.isInteger(c.heartbeatTick) || c.heartbeatTick < 1 || c.heartbeatTick >= c.electionTick) {
    fail(`heartbeatTick must be an integer in [1, electionTick), got ${c.heartbeatTick}`);
  }
  if (!Number.isInteger(c.maxInflight) || c.maxInflight < 1) fail(`maxInflight must be >= 1, got ${c.maxInflight}`);
  if (!(c.maxMsgBytes > 0)) fail(`maxMsgBytes must be > 0, got ${c.maxMsgBytes}`);
}
