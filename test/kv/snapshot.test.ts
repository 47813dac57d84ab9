import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KvSnapshotError, KvStateMachine } from '../../src/kv/index.js';
import { noop, normal, write } from './log-feeder.js';

test('restore(snapshot()) gives a machine with the same data, appliedIndex and byte-identical snapshot', () => {
  const sm = new KvStateMachine();
  write(sm, { op: 'put', key: 'a', value: '1' });
  write(sm, { op: 'put', key: 'b', value: '2', clientId: 'c', seq: 1 });
  sm.apply(noop(3));
  const copy = KvStateMachine.restore(sm.snapshot());
  assert.equal(copy.appliedIndex, 3);
  assert.equal(copy.size, 2);
  assert.deepEqual([...copy.keys()], ['a', 'b']);
  assert.equal(copy.get('b'), '2');
  assert.equal(copy.snapshot(), sm.snapshot());
});

test('a restored machine still answers retries with the first result and still expires old seqs (checklist 17)', () => {
  const sm = new KvStateMachine({ sessionWindow: 4 });
  const first = write(sm, { op: 'cas', key: 'a', from: null, to: 'x', clientId: 'c', seq: 3 });
  write(sm, { op: 'put', key: 'a', value: 'y', clientId: 'c', seq: 6 }); // window (2, 6]
  const copy = KvStateMachine.restore(sm.snapshot());
  for (const m of [sm, copy]) {
    assert.deepEqual(write(m, { op: 'cas', key: 'a', from: null, to: 'x', clientId: 'c', seq: 3 }), first);
    assert.deepEqual(write(m, { op: 'put', key: 'a', value: 'z', clientId: 'c', seq: 2 }), { ok: false, code: 'SESSION_EXPIRED', key: 'a', index: 4 });
    assert.equal(write(m, { op: 'put', key: 'b', value: 'w', clientId: 'c', seq: 4 }).index, 5);
  }
  assert.equal(copy.snapshot(), sm.snapshot());
});

test('a restored machine evicts the same session the original would (LRU order survives the snapshot)', () => {
  const sm = new KvStateMachine({ maxSessions: 2 });
  write(sm, { op: 'put', key: 'k', value: '1', clientId: 'A', seq: 1 });
  write(sm, { op: 'put', key: 'k', value: '1', clientId: 'B', seq: 1 });
  write(sm, { op: 'put', key: 'k', value: '2', clientId: 'A', seq: 2 });
  const copy = KvStateMachine.restore(sm.snapshot());
  for (const m of [sm, copy]) write(m, { op: 'put', key: 'k', value: '1', clientId: 'C', seq: 1 }); // evicts B
  assert.equal(copy.snapshot(), sm.snapshot());
  assert.doesNotMatch(copy.snapshot(), /"B"/);
});

test('after restore the next entry must be appliedIndex + 1', () => {
  const sm = new KvStateMachine();
  write(sm, { op: 'put', key: 'a', value: '1' });
  const copy = KvStateMachine.restore(sm.snapshot());
  assert.throws(() => copy.apply(normal(1, { op: 'put', key: 'a', value: '2' })), /already applied/);
  assert.equal(copy.apply(noop(2)), undefined);
});

test('restore refuses corrupt, foreign or unknown-version snapshots with a KvSnapshotError naming the problem', () => {
  const sm = new KvStateMachine({ sessionWindow: 4 });
  write(sm, { op: 'put', key: 'a', value: '1', clientId: 'c', seq: 5 });
  write(sm, { op: 'put', key: 'b', value: '2', clientId: 'd', seq: 1 });
  const good = JSON.parse(sm.snapshot()) as Record<string, unknown>;
  const mutate = (f: (o: Record<string, unknown>) => void): string => {
    const o = structuredClone(good);
    f(o);
    return JSON.stringify(o);
  };
  const cases: [string, RegExp][] = [
    ['', /not JSON/],
    [sm.snapshot().slice(0, -5), /not JSON/],
    ['[1,2]', /top level must be a JSON object/],
    [mutate((o) => { o.format = 'other'; }), /format must be "raft-sup-kv"/],
    [mutate((o) => { o.version = 2; }), /unknown version 2/],
    [mutate((o) => { delete o.appliedIndex; }), /appliedIndex must be a non-negative integer/],
    [mutate((o) => { o.window = 0; }), /window must be a positive integer/],
    [mutate((o) => { o.data = ['a']; }), /data must be an array of even length/],
    [mutate((o) => { o.data = ['a', 1]; }), /must be strings/],
    [mutate((o) => { o.data = ['a', '1', 'a', '2']; }), /holds a key twice/],
    [mutate((o) => { o.sessions = {}; }), /sessions must be an array/],
    [mutate((o) => { (o.sessions as unknown[][]).reverse(); }), /lastUsedIndex 1 must be above the previous session's \(2\)/],
    [mutate((o) => { o.appliedIndex = 1; }), /at most appliedIndex 1/],
    [mutate((o) => { (o.sessions as unknown[][])[1]![0] = 'c'; }), /appears twice/],
    [mutate((o) => { o.maxSessions = 1; }), /more than maxSessions 1/],
    [mutate((o) => { (o.sessions as unknown[][])[0]![3] = [1, 'p', 'a', 1, '1']; }), /outside the window \(1, 5\]/],
    [mutate((o) => { (o.sessions as unknown[][])[0]![3] = [5, 'p', 'a']; }), /groups/],
    [mutate((o) => { (o.sessions as unknown[][])[0]![3] = [5, 'p', 'a', 1, 7]; }), /seq 5\): the value of a put must be a string/],
    [mutate((o) => { (o.sessions as unknown[][])[0]![3] = [5, 'm', 'a', 1, false]; }), /string or null/],
    [mutate((o) => { (o.sessions as unknown[][])[0]![3] = [5, 'x', 'a', 1, null]; }), /unknown result tag "x"/],
    [mutate((o) => { (o.sessions as unknown[][])[0]![3] = [5, 'd', 'a', 9, true]; }), /index 9, after the session's last use 1/],
  ];
  for (const [text, message] of cases) {
    assert.throws(() => KvStateMachine.restore(text), (err: unknown) => err instanceof KvSnapshotError && message.test(err.message), `${message}`);
  }
  assert.equal(KvStateMachine.restore(mutate(() => {})).snapshot(), sm.snapshot());
});

function timeRoundTrip(label: string, withSessions: boolean): void {
  const sm = new KvStateMachine();
  const pad = 'x'.repeat(94);
  for (let i = 0; i < 100_000; i++) {
    const value = `${pad}${String(i).padStart(6, '0')}`;
    // With sessions: 100 clients × 1,000 seqs each, so 100k remembered results ride along.
    write(sm, withSessions ? { op: 'put', key: `key-${i}`, value, clientId: `proxy-${i % 100}`, seq: Math.floor(i / 100) } : { op: 'put', key: `key-${i}`, value });
  }
  let t = performance.now();
  const snap = sm.snapshot();
  const snapshotMs = performance.now() - t;
  t = performance.now();
  const copy = KvStateMachine.restore(snap);
  const restoreMs = performance.now() - t;
  console.log(`kv snapshot, 100k keys × 100 B ${label}: ${(snap.length / 1e6).toFixed(1)} MB, snapshot ${snapshotMs.toFixed(0)} ms, restore ${restoreMs.toFixed(0)} ms`);
  assert.equal(copy.size, 100_000);
  assert.equal(copy.get('key-99999'), `${pad}099999`);
  assert.equal(copy.sessionCount, withSessions ? 100 : 0);
  assert.equal(copy.snapshot(), snap);
}

test('snapshot and restore of 100,000 keys with 100-byte values round-trip exactly (timings printed)', () => {
  timeRoundTrip('without sessions', false);
  timeRoundTrip('+ 100 sessions × 1,000 remembered results', true);
});
