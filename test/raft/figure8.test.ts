// Commit only by counting replicas of a current-term entry, and the no-op on election (§5.4.2,
// Figure 8; RAFT-CHECKLIST 15).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Entry, Message, PlantedBugs, RaftRestoreState } from '../../src/raft/index.js';
import { appOk, core, flush, makeLeader } from './fixtures.js';
import { Network } from './network.js';

const e = (index: number, term: number, data: string): Entry => ({ index, term, type: 'normal', data });
const node = (term: number, log: Entry[], vote = 0): RaftRestoreState => ({ hardState: { term, vote, commit: 1 }, entries: log });

/**
 * The exact scenario of Figure 8, in plain §5 Raft (no Pre-Vote, no CheckQuorum), 5 nodes:
 *   (a)/(b) already happened: S1 led term 2 and wrote 2/t2 on S1, S2; S5 led term 3 and wrote 2/t3
 *           on itself only. Everyone has 1/t1 committed.
 *   (c) S5 is down. S1 is elected in term 4 and replicates 2/t2 to S3: stored on a majority
 *       (S1, S2, S3) and counted by the leader — yet of an older term.
 *   (d) S1 crashes. S5 wins term 5 with S3 and S4 and overwrites index 2 with its 2/t3.
 * Returns the network and S1's commit index at the end of (c).
 */
function figure8(bugs: PlantedBugs): { net: Network; s1CommitInC: number; s1Knows: { s2: number; s3: number } } {
  const one = e(1, 1, 'one');
  const net = new Network({
    size: 5,
    autoDeliver: false,
    // One entry per append, so S3 can be sent 2/t2 without 3/t4 (the paper's picture exactly).
    config: { preVote: false, checkQuorum: false, maxMsgBytes: 1, bugs },
    restore: {
      1: node(3, [one, e(2, 2, 'from-t2')]),
      2: node(3, [one, e(2, 2, 'from-t2')]),
      3: node(3, [one]),
      4: node(3, [one]),
      5: node(3, [one, e(2, 3, 'from-t3')], 5),
    },
  });
  const to = (id: number) => (m: Message): boolean => m.to === id;
  const from = (id: number) => (m: Message): boolean => m.from === id;

  // (c) S1 is elected in term 4 while S5 is down.
  net.crash(5);
  net.campaign(1);
  net.deliver(); // vote requests
  net.deliver(); // grants: S1 leads term 4, appends its no-op 3/t4
  assert.equal(net.raft(1).role, 'leader');
  assert.equal(net.raft(1).term, 4);
  net.dropWhere(to(4));
  net.cut(1, 4); // S4 stays at [1/t1]
  net.deliver(to(2)); // S2 matches at 2/t2 and takes 3/t4
  net.deliver(from(2));
  net.deliver(to(3)); // S3 rejects prev 2/t2 ...
  net.deliver(from(3)); // ... S1 backs up ...
  net.deliver(to(3)); // ... and sends [2/t2] alone
  net.deliver(from(3)); // S3 acks 2: 2/t2 is on S1, S2, S3
  net.dropWhere(to(3));
  net.cut(1, 3); // 3/t4 never reaches S3
  net.settle();
  const progress = net.raft(1).status().progress ?? {};
  const s1Knows = { s2: progress[2]?.match ?? 0, s3: progress[3]?.match ?? 0 };
  const s1CommitInC = net.raft(1).log.committed;

  // (d) S1 crashes; S5 comes back and, with S3 and S4, wins term 5. S2 (which has 3/t4 and would
  // refuse S5) is cut off from S5.
  net.crash(1);
  net.heal();
  net.restart(5);
  net.cut(2, 5);
  net.autoDeliver = true;
  net.campaign(5);
  assert.notEqual(net.raft(5).role, 'leader', 'term 4: everyone already voted for S1');
  net.campaign(5);
  assert.equal(net.raft(5).role, 'leader');
  assert.equal(net.raft(5).term, 5);
  net.tick(); // S5 replicates its no-op 3/t5, which commits 2/t3 with it
  return { net, s1CommitInC, s1Knows };
}

test('§5.4.2 Figure 8 rule 15: an old-term entry stored on a majority is not committed by counting, and is later overwritten', () => {
  const { net, s1CommitInC, s1Knows } = figure8({});
  assert.deepEqual(s1Knows, { s2: 3, s3: 2 }, 'the leader counted 2/t2 on S1, S2, S3');
  assert.equal(s1CommitInC, 1, '2/t2 is on a majority but not committed');
  net.waitApplied(3, [3, 4, 5]);
  for (const id of [3, 4, 5]) {
    assert.deepEqual(net.node(id).app.values(), ['one', 'from-t3'], `S${id} applied the term-3 entry at index 2`);
  }
  assert.equal(net.raft(3).termAt(2), 3, "S3's 2/t2 was overwritten");
  net.assertSafe();
});

test('§5.4.2 Figure 8 rule 15 has teeth: with bugs.commitOldTermByCounting the overwritten entry was already applied', () => {
  const { net, s1CommitInC } = figure8({ commitOldTermByCounting: true });
  assert.equal(s1CommitInC, 2, 'S1 committed 2/t2 by counting');
  net.waitApplied(3, [3, 4, 5]);
  assert.ok(
    net.violations.some((v) => v.includes('applied 2/t3') && v.includes('from-t2')),
    `state machine safety must be violated: ${net.violations.join('; ')}`,
  );
});

// --- The no-op on election.

test('§5.4.2: a new leader appends a no-op of its own term at once', () => {
  const r = core(1, { terms: [1, 1], hard: { term: 1 } });
  const rd = makeLeader(r);
  assert.deepEqual(rd.entries.map((x) => [x.index, x.term, x.type]), [[3, 2, 'noop']]);
  assert.deepEqual(
    rd.messages.filter((m) => m.type === 'App').map((m) => m.type === 'App' && m.entries.map((x) => x.index)),
    [[3], [3]],
    'and sends it right away',
  );
});

test('§5.4.2: committing the no-op commits the older-term entries before it', () => {
  const r = core(1, { terms: [1, 1], hard: { term: 1 } });
  makeLeader(r);
  r.step(appOk(2, 1, 2, 2)); // 1-2 of term 1 on a majority: not committed by counting
  assert.equal(r.log.committed, 0);
  r.step(appOk(2, 1, 2, 3)); // the no-op of term 2 on a majority
  assert.equal(r.log.committed, 3);
  assert.deepEqual(flush(r).committedEntries.map((x) => x.index), [1, 2, 3]);
});
