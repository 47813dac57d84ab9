// Fast backtracking (§5.3 optimisation, thesis §5.3; RAFT-CHECKLIST 14): with conflict term/index
// hints the leader finds the match point on any divergent log in about one round trip per term.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { NodeId } from '../../src/raft/index.js';
import { logTerms, restoreOf } from './fixtures.js';
import { Network } from './network.js';
import { Prng } from './prng.js';

/**
 * A 3-node cluster: node 1 holds `leaderLog`, node 2 `followerLog`, node 3 a copy of the leader's
 * log (so it votes for node 1). Node 1 is elected in the next term and the network settles.
 * All start in `term`. Returns the network and how many appends the follower rejected.
 */
function syncFollower(leaderLog: readonly number[], followerLog: readonly number[], seed = 1, term = Math.max(0, ...leaderLog, ...followerLog)): { net: Network; rejections: number } {
  const restore = { 1: restoreOf(leaderLog, { term }), 2: restoreOf(followerLog, { term }), 3: restoreOf(leaderLog, { term }) };
  const net = new Network({ seed, restore });
  net.electLeader(1);
  net.settle();
  const rejections = net.sent.filter((m) => m.type === 'AppResp' && m.from === 2 && !m.success).length;
  return { net, rejections };
}

function distinctTerms(log: readonly number[]): number {
  return new Set(log).size;
}

// Figure 7 of the paper: the leader for term 8 and six possible follower logs.
const FIGURE_7_LEADER = [1, 1, 1, 4, 4, 5, 5, 6, 6, 6];
const FIGURE_7_FOLLOWERS: Readonly<Record<string, readonly number[]>> = {
  a: [1, 1, 1, 4, 4, 5, 5, 6, 6],
  b: [1, 1, 1, 4],
  c: [1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 6],
  d: [1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 7, 7],
  e: [1, 1, 1, 4, 4, 4, 4],
  f: [1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3],
};

for (const [name, followerLog] of Object.entries(FIGURE_7_FOLLOWERS)) {
  test(`§5.3 Figure 7 (${name}) rule 14: the leader brings follower (${name}) to its own log`, () => {
    const { net, rejections } = syncFollower(FIGURE_7_LEADER, followerLog, 1, 7);
    const leaderTerms = logTerms(net.raft(1));
    assert.deepEqual(leaderTerms, [...FIGURE_7_LEADER, 8], 'the leader appended its no-op in term 8');
    assert.deepEqual(logTerms(net.raft(2)), leaderTerms);
    // One rejection at most (naive one-entry-at-a-time backtracking needs 7 for follower f).
    assert.ok(rejections <= 1, `${rejections} rejections`);
    net.assertSafe();
  });
}

/**
 * Random logs that could really coexist: every term's entries are created by one leader on top of
 * some earlier history (so Log Matching holds), and each node holds a prefix of some history.
 */
function divergentLogs(rng: Prng): { leader: number[]; follower: number[] } {
  const histories: number[][] = [[]];
  let term = 0;
  const terms = 3 + rng.int(8);
  for (let k = 0; k < terms; k++) {
    term += 1 + rng.int(2);
    const base = histories[rng.int(histories.length)] ?? [];
    const prefix = base.slice(0, rng.int(base.length + 1));
    histories.push([...prefix, ...Array.from({ length: rng.int(12) }, () => term)]);
  }
  const pick = (): number[] => {
    const h = histories[rng.int(histories.length)] ?? [];
    return h.slice(0, rng.int(h.length + 1));
  };
  return { leader: pick(), follower: pick() };
}

test('§5.3 rule 14: fast backtracking converges on 300 random divergent logs, one rejection per follower term at most', () => {
  for (let seed = 1; seed <= 300; seed++) {
    const { leader, follower } = divergentLogs(new Prng(seed));
    const { net, rejections } = syncFollower(leader, follower, seed);
    const want = logTerms(net.raft(1));
    const got = logTerms(net.raft(2 as NodeId));
    const where = `seed=${seed} leader=[${leader.join(',')}] follower=[${follower.join(',')}]`;
    assert.deepEqual(got, want, where);
    assert.ok(rejections <= distinctTerms(follower) + 1, `${where}: ${rejections} rejections`);
    net.assertSafe();
  }
});
