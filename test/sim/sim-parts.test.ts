// The simulator's own parts: determinism (the seed is the bug report), storage that keeps only what
// was persisted, partitions, and the replay command.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EMPTY_HARD_STATE, type Entry, type Message, type Ready } from '../../src/raft/index.js';
import { Network } from './network.js';
import { drawParams, REGIMES } from './params.js';
import { Prng } from './prng.js';
import { replayCommand } from './replay.js';
import { runSimulation } from './simulation.js';
import { MemStorage } from './storage.js';

const e = (index: number, term: number): Entry => ({ index, term, type: 'normal', data: `${index}/${term}` });
const ready = (over: Partial<Ready>): Ready => ({ entries: [], messages: [], committedEntries: [], readStates: [], readFailures: [], ...over });

test('the same seed replays the same run, event for event', () => {
  const trace = (): { lines: string[]; fn: (l: string) => void } => {
    const lines: string[] = [];
    return { lines, fn: (l) => lines.push(l) };
  };
  const a = trace();
  const b = trace();
  const ra = runSimulation({ seed: 7, ticks: 300, trace: a.fn });
  const rb = runSimulation({ seed: 7, ticks: 300, trace: b.fn });
  assert.deepEqual(ra.stats, rb.stats);
  assert.equal(a.lines.length, b.lines.length);
  assert.deepEqual(a.lines, b.lines);
  assert.ok(a.lines.length > 100, 'the trace should show the run');
});

test('different seeds draw different fault regimes and cluster sizes', () => {
  const regimes = new Set<string>();
  const sizes = new Set<number>();
  for (let seed = 1; seed <= 200; seed++) {
    const p = drawParams(seed);
    regimes.add(p.regime);
    sizes.add(p.nodes);
  }
  assert.deepEqual([...regimes].sort(), [...REGIMES].sort());
  assert.deepEqual([...sizes].sort(), [3, 5]);
  assert.equal(drawParams(5, 3).nodes, 3);
});

test('the PRNG is deterministic per seed and its forks are independent streams', () => {
  const a = new Prng(42);
  const b = new Prng(42);
  const xs = Array.from({ length: 20 }, () => a.nextU32());
  assert.deepEqual(xs, Array.from({ length: 20 }, () => b.nextU32()));
  assert.notDeepEqual(new Prng(1).fork(1).nextU32(), new Prng(1).fork(2).nextU32());
  const r = new Prng(3);
  for (let i = 0; i < 1000; i++) {
    const v = r.range(2, 5);
    assert.ok(v >= 2 && v <= 5 && Number.isInteger(v));
  }
});

test('storage keeps only persisted Readies: a restart sees exactly what was persisted', () => {
  const s = new MemStorage();
  s.persist(ready({ hardState: { term: 2, vote: 1, commit: 0 }, entries: [e(1, 1), e(2, 2), e(3, 2)] }));
  const r = s.restoreState();
  assert.deepEqual(r.hardState, { term: 2, vote: 1, commit: 0 });
  assert.deepEqual(r.entries.map((x) => x.index), [1, 2, 3]);
  // A conflicting suffix is truncated before the new entries are appended.
  s.persist(ready({ entries: [e(2, 3)] }));
  assert.deepEqual(s.restoreState().entries.map((x) => `${x.index}/${x.term}`), ['1/1', '2/3']);
  // A gap is a core bug, reported loudly.
  assert.throws(() => s.persist(ready({ entries: [e(5, 3)] })), /gap/);
});

test('storage compaction keeps the snapshot and the log after the cut; an installed snapshot replaces the log', () => {
  const s = new MemStorage();
  s.persist(ready({ hardState: { ...EMPTY_HARD_STATE, term: 1 }, entries: [e(1, 1), e(2, 1), e(3, 1), e(4, 1)] }));
  const snap = { meta: { index: 3, term: 1, voters: [1, 2, 3] }, data: 'x' };
  s.compact(snap, 2);
  const r = s.restoreState();
  assert.deepEqual(r.logStart, { index: 2, term: 1 });
  assert.deepEqual(r.entries.map((x) => x.index), [3, 4]);
  assert.equal(r.snapshot?.meta.index, 3);
  s.persist(ready({ snapshot: { meta: { index: 10, term: 4, voters: [1, 2, 3] }, data: 'y' }, entries: [e(11, 4)] }));
  assert.deepEqual(s.restoreState().logStart, { index: 10, term: 4 });
  assert.deepEqual(s.restoreState().entries.map((x) => x.index), [11]);
});

test('the network honours symmetric and one-way partitions and heals', () => {
  const net = new Network(new Prng(1), [1, 2, 3], { drop: 0, dup: 0, minDelay: 0, maxDelay: 0 });
  const msg = (from: number, to: number): Message => ({ type: 'TimeoutNow', from, to, term: 1 });
  net.block(1, 2); // one way: 1 cannot reach 2, 2 still reaches 1
  net.send(msg(1, 2), 0);
  net.send(msg(2, 1), 0);
  assert.deepEqual(net.takeDue(0).map((m) => `${m.from}>${m.to}`), ['2>1']);
  net.split([3], [1, 2]);
  net.send(msg(3, 1), 1);
  net.send(msg(1, 3), 1);
  assert.deepEqual(net.takeDue(1), []);
  net.healPartitions();
  net.send(msg(1, 2), 2);
  assert.deepEqual(net.takeDue(2).map((m) => `${m.from}>${m.to}`), ['1>2']);
  // A send after its tick was fully delivered arrives on the next tick instead of being lost.
  assert.deepEqual(net.takeDue(2), []);
  net.send(msg(2, 3), 2);
  assert.deepEqual(net.takeDue(3).map((m) => `${m.from}>${m.to}`), ['2>3']);
});

test('the replay command names the seed and every option that shapes the run', () => {
  assert.equal(replayCommand({ seed: 17 }), 'npm run sim -- --seeds 1 --first-seed 17 --trace');
  assert.equal(
    replayCommand({ seed: 3, nodes: 5, ticks: 800, bug: 'voteBeforePersist' }),
    'npm run sim -- --seeds 1 --first-seed 3 --nodes 5 --ticks 800 --bug voteBeforePersist --trace',
  );
});
