// Replication (§5.3; RAFT-CHECKLIST 8-13): durability before acks, the consistency check, truncation
// only on a real conflict, the commit rule on followers, and how the leader treats answers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Raft } from '../../src/raft/index.js';
import { app, appOk, appReject, as, core, ents, flush, logTerms, makeLeader, sentBy } from './fixtures.js';
import { Network } from './network.js';

/** Leader 1 of [1,2,3] in term 2 over the log [1/t1, 2/t1, 3/t1]; its no-op is entry 4. */
function leaderWithLog(): Raft {
  const r = core(1, { terms: [1, 1, 1], hard: { term: 1, commit: 3 } });
  makeLeader(r);
  return r;
}

function progressOf(r: Raft, id: number): { match: number; next: number; state: string } {
  const p = r.status().progress?.[id];
  if (p === undefined) throw new Error(`no progress for ${id}`);
  return p;
}

// --- Rule 8: durable before any reply that depends on it, and before the leader counts itself.

test('§5.3 rule 8: a follower acks entries in the Ready that persists them', () => {
  const r = core(2, { terms: [1], hard: { term: 1 } });
  r.step(app(1, 2, 1, [1, 1], ents([1, 1], 2), 1));
  const rd = flush(r);
  assert.deepEqual(rd.entries.map((e) => e.index), [2, 3]);
  const ack = as(rd.messages[0], 'AppResp');
  assert.equal(ack.success, true);
  assert.equal(ack.matchIndex, 3);
});

test('§5.3 rule 8: a single-node leader commits its entry only after the Ready that persists it', () => {
  const r = core(1, { peers: [1] });
  r.campaign();
  flush(r); // becomes leader, persists the no-op
  const rd0 = flush(r); // the no-op commits after it became durable
  assert.deepEqual(rd0.committedEntries.map((e) => e.type), ['noop']);
  const p = r.propose('x');
  assert.ok(p.ok);
  const rd1 = r.ready();
  assert.deepEqual(rd1.entries.map((e) => e.data), ['x']);
  assert.deepEqual(rd1.committedEntries, [], 'not committed while only in memory');
  assert.equal(r.log.committed, p.index - 1);
  r.advance(rd1);
  const rd2 = flush(r);
  assert.deepEqual(rd2.committedEntries.map((e) => e.data), ['x']);
});

test('§5.3 rule 8: a follower ack for an entry the leader has not persisted does not commit it', () => {
  // The leader's own progress follows what is durable, not its log length: even an ack that raced
  // ahead of the leader's persist (possible only with asynchronous storage) cannot commit alone.
  const r = leaderWithLog();
  r.step(appOk(2, 1, 2, 4));
  flush(r);
  assert.equal(r.log.committed, 4, 'the no-op was persisted by the leader: ack + self = majority');
  const p = r.propose('y');
  assert.ok(p.ok);
  r.step(appOk(2, 1, 2, 5));
  assert.equal(r.log.committed, 4, 'self has not persisted 5: one ack is not a majority');
  const rd = flush(r);
  assert.deepEqual(rd.entries.map((e) => e.index), [5]);
  assert.equal(r.log.committed, 5, 'counted once durable');
});

// --- Rule 9: the consistency check runs on every append, heartbeats included.

test('§5.3 rule 9: a heartbeat whose prev entry does not match is rejected and does not move commit', () => {
  const r = core(2, { terms: [1, 1], hard: { term: 2 } });
  r.step(app(1, 2, 2, [2, 2], [], 2));
  const resp = as(sentBy(r)[0], 'AppResp');
  assert.equal(resp.success, false);
  assert.equal(r.log.committed, 0);
});

test('§5.3 rule 9: leader heartbeats are appends anchored at the follower match, carrying min(commit, match)', () => {
  const r = leaderWithLog();
  r.step(appOk(2, 1, 2, 4));
  flush(r);
  for (let i = 0; i < 2; i++) r.tick();
  const beats = sentBy(r, 'App').map((m) => as(m, 'App'));
  assert.deepEqual(
    beats.map((m) => [m.to, m.prevLogIndex, m.prevLogTerm, m.entries.length, m.commit]),
    [[2, 4, 2, 0, 4], [3, 0, 0, 0, 0]],
  );
});

// --- Rule 10: truncate only on a real conflict: a delayed old append must not shorten the log.

test('§5.3 rule 10: a delayed old append does not shorten the log', () => {
  const r = core(2, { terms: [1, 1, 1, 1, 1], hard: { term: 1 } });
  r.step(app(1, 2, 1, [1, 1], ents([1], 2), 1));
  const ack = as(sentBy(r)[0], 'AppResp');
  assert.deepEqual(logTerms(r), [1, 1, 1, 1, 1]);
  assert.equal(ack.matchIndex, 2, 'rule 12: the ack covers what was sent, not our log length');
});

test('§5.3 rule 10: a real conflict truncates from the first conflicting entry', () => {
  const r = core(2, { terms: [1, 1, 1, 1], hard: { term: 1 } });
  r.step(app(1, 2, 2, [1, 1], ents([2], 2), 0));
  const rd = flush(r);
  assert.deepEqual(logTerms(r), [1, 2]);
  assert.deepEqual(rd.entries.map((e) => [e.index, e.term]), [[2, 2]], 'storage rewrites from 2');
});

test('§5.3 rule 10 in a network: reordered and late duplicate appends never shorten the log', () => {
  const net = new Network({ seed: 5 });
  const leader = net.electLeader(1);
  net.autoDeliver = false;
  for (const d of ['a', 'b', 'c']) net.propose(d, leader);
  const held = net.inFlight((m) => m.type === 'App' && m.to === 2);
  assert.equal(held.length, 3, 'three pipelined appends, one per Ready');
  const [a, b, c] = held;
  assert.ok(a !== undefined && b !== undefined && c !== undefined);
  const last = net.raft(leader).log.lastIndex();
  net.deliver((m) => m === c); // arrives first: a gap, rejected, nothing truncated
  assert.equal(net.raft(2).log.lastIndex(), last - 3);
  net.deliver((m) => m === a || m === b);
  net.inject(c); // c again (a duplicate), now in order
  net.deliver((m) => m === c);
  assert.equal(net.raft(2).log.lastIndex(), last);
  net.inject(a); // a late duplicate of the oldest append
  net.deliver((m) => m === a);
  assert.equal(net.raft(2).log.lastIndex(), last, 'the late duplicate did not cut the log');
  net.autoDeliver = true;
  net.settle();
  net.waitApplied(last);
  assert.deepEqual(net.node(2).app.values(), ['a', 'b', 'c']);
  net.assertSafe();
});

// --- Rule 11: commitIndex = min(leaderCommit, index of the last new entry).

test('§5.3 rule 11: a follower commits no further than the last entry the append vouched for', () => {
  // Entries 3-4 came from a deposed leader; the new leader's append only vouches for 1-2.
  const r = core(2, { terms: [1, 1, 1, 1], hard: { term: 1 } });
  r.step(app(1, 2, 2, [1, 1], ents([1], 2), 4));
  flush(r);
  assert.equal(r.log.committed, 2);
  assert.deepEqual(logTerms(r), [1, 1, 1, 1], 'and nothing was truncated');
});

// --- Rule 12: ignore replies from an older term; matchIndex from what was sent, never back.

test('§5.3 rule 12: an answer from an older term is ignored', () => {
  const r = leaderWithLog();
  r.step(appOk(2, 1, 1, 4));
  assert.equal(progressOf(r, 2).match, 0);
  assert.deepEqual(sentBy(r), []);
});

test('§5.3 rule 12: reordered answers never move matchIndex back', () => {
  const r = leaderWithLog();
  r.step(appOk(2, 1, 2, 4));
  flush(r);
  for (const d of ['a', 'b', 'c']) {
    r.propose(d);
    flush(r); // one pipelined append per Ready: [5], [6], [7]
  }
  for (const match of [7, 5, 6]) {
    r.step(appOk(2, 1, 2, match));
    flush(r);
    assert.equal(progressOf(r, 2).match, 7, `after the ack for ${match}`);
  }
  assert.equal(progressOf(r, 2).next, 8);
});

test('§5.3 rule 12: a stale rejection (for an index already matched) is ignored', () => {
  const r = leaderWithLog();
  r.step(appOk(2, 1, 2, 4));
  flush(r);
  const before = progressOf(r, 2);
  r.step(appReject(2, 1, 2, 3, [1, 1]));
  assert.deepEqual(progressOf(r, 2), before);
  assert.deepEqual(sentBy(r, 'App'), [], 'no retry for a rejection we no longer care about');
});

test('§5.3 rule 12: matchIndex never moves back under duplication, reordering, delay and loss', () => {
  for (let seed = 1; seed <= 10; seed++) {
    const net = new Network({ seed, faults: { drop: 0.1, duplicate: 0.2, reorder: true, maxDelay: 3 } });
    const seen = new Map<string, number>();
    for (let step = 0; step < 300; step++) {
      const l = net.leader();
      if (l !== undefined && step % 3 === 0) net.propose(`v${step}`, l);
      net.tick();
      for (const id of net.ids) {
        const r = net.raft(id);
        for (const [peer, p] of Object.entries(r.status().progress ?? {})) {
          const key = `${r.term}:${id}->${peer}`;
          const prev = seen.get(key) ?? 0;
          if (p.match < prev) throw net.failure(`match ${key} went back from ${prev} to ${p.match}`);
          seen.set(key, p.match);
        }
      }
    }
    net.assertSafe();
  }
});

// --- Rule 13: a rejection carrying a higher term makes the leader step down; nextIndex is not moved.

test('§5.3 rule 13: a higher-term rejection makes the leader step down and retry nothing', () => {
  const r = leaderWithLog();
  flush(r);
  r.step(appReject(2, 1, 3, 3, [1, 1]));
  assert.equal(r.role, 'follower');
  assert.equal(r.term, 3);
  assert.deepEqual(sentBy(r, 'App'), [], 'no append retried at a lower nextIndex');
});

test('§5.3 rule 13 (contrast): the same rejection in the current term does move nextIndex back', () => {
  const r = leaderWithLog();
  flush(r);
  r.step(appReject(2, 1, 2, 3, [1, 1]));
  const retry = as(sentBy(r, 'App')[0], 'App');
  assert.equal(retry.prevLogIndex, 1);
  assert.equal(progressOf(r, 2).next, 2);
});
