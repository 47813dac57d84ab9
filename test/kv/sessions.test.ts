import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KvStateMachine, type KvCommand } from '../../src/kv/index.js';
import { noop, write } from './log-feeder.js';

test('a retried write with the same clientId and seq answers the first result and is not applied again (checklist 17)', () => {
  const sm = new KvStateMachine();
  const first = write(sm, { op: 'put', key: 'a', value: 'one', clientId: 'c', seq: 1 });
  write(sm, { op: 'put', key: 'a', value: 'two' });
  const retry = write(sm, { op: 'put', key: 'a', value: 'one', clientId: 'c', seq: 1 });
  assert.deepEqual(retry, first);
  assert.equal(retry.index, 1);
  assert.equal(sm.get('a'), 'two'); // the retry did not overwrite the later put
  assert.equal(sm.appliedIndex, 3);
});

test('a retried delete answers deleted: true again even though the key is gone', () => {
  const sm = new KvStateMachine();
  write(sm, { op: 'put', key: 'a', value: 'v' });
  const first = write(sm, { op: 'delete', key: 'a', clientId: 'c', seq: 5 });
  assert.deepEqual(write(sm, { op: 'delete', key: 'a', clientId: 'c', seq: 5 }), first);
  assert.deepEqual(first, { ok: true, op: 'delete', key: 'a', deleted: true, index: 2 });
});

test('a retried cas answers its first outcome, a mismatch included, whatever the key holds now', () => {
  const sm = new KvStateMachine();
  const mismatch = write(sm, { op: 'cas', key: 'a', from: 'x', to: 'y', clientId: 'c', seq: 1 });
  assert.deepEqual(mismatch, { ok: false, code: 'CAS_MISMATCH', key: 'a', current: null, index: 1 });
  write(sm, { op: 'put', key: 'a', value: 'x' });
  assert.deepEqual(write(sm, { op: 'cas', key: 'a', from: 'x', to: 'y', clientId: 'c', seq: 1 }), mismatch);
  assert.equal(sm.get('a'), 'x');
  const created = write(sm, { op: 'cas', key: 'b', from: null, to: 'n', clientId: 'c', seq: 2 });
  assert.deepEqual(write(sm, { op: 'cas', key: 'b', from: null, to: 'n', clientId: 'c', seq: 2 }), created);
  assert.equal(created.ok, true);
});

test('seqs that arrive out of order inside the window are each applied once', () => {
  const sm = new KvStateMachine({ sessionWindow: 8 });
  const order = [5, 2, 8, 1, 3, 7, 4, 6];
  const firsts = new Map(order.map((seq) => [seq, write(sm, { op: 'put', key: `k${seq}`, value: `v${seq}`, clientId: 'p', seq })]));
  assert.equal(sm.size, 8);
  for (const [seq, r] of firsts) assert.equal(r.index, order.indexOf(seq) + 1);
  for (const seq of [...order].reverse()) {
    assert.deepEqual(write(sm, { op: 'put', key: `k${seq}`, value: 'changed', clientId: 'p', seq }), firsts.get(seq));
  }
  assert.equal(sm.get('k3'), 'v3');
});

test('the first seq a new client sends does not expire the lower seqs still in flight', () => {
  const sm = new KvStateMachine({ sessionWindow: 4 });
  write(sm, { op: 'put', key: 'a', value: 'v4', clientId: 'p', seq: 4 });
  const r = write(sm, { op: 'put', key: 'b', value: 'v1', clientId: 'p', seq: 1 });
  assert.equal(r.ok, true);
  assert.equal(sm.get('b'), 'v1');
});

test('a seq at or below the window floor answers SESSION_EXPIRED without applying, applied before or not', () => {
  const sm = new KvStateMachine({ sessionWindow: 4 });
  write(sm, { op: 'put', key: 'a', value: 'v1', clientId: 'p', seq: 1 });
  write(sm, { op: 'put', key: 'a', value: 'v5', clientId: 'p', seq: 5 }); // window is now (1, 5]
  const forgotten = write(sm, { op: 'put', key: 'a', value: 'v1', clientId: 'p', seq: 1 });
  assert.deepEqual(forgotten, { ok: false, code: 'SESSION_EXPIRED', key: 'a', index: 3 });
  const neverSeen = write(sm, { op: 'delete', key: 'a', clientId: 'p', seq: 0 });
  assert.deepEqual(neverSeen, { ok: false, code: 'SESSION_EXPIRED', key: 'a', index: 4 });
  assert.equal(sm.get('a'), 'v5');
  // The lowest seq still inside the window is applied normally.
  assert.equal(write(sm, { op: 'put', key: 'b', value: 'v2', clientId: 'p', seq: 2 }).ok, true);
  assert.equal(sm.get('b'), 'v2');
});

test('sessions of different clients are independent, and writes without a session are never deduplicated', () => {
  const sm = new KvStateMachine();
  const a = write(sm, { op: 'put', key: 'k', value: 'from-a', clientId: 'a', seq: 1 });
  const b = write(sm, { op: 'put', key: 'k', value: 'from-b', clientId: 'b', seq: 1 });
  assert.notDeepEqual(a, b);
  assert.equal(sm.get('k'), 'from-b');
  write(sm, { op: 'put', key: 'n', value: '1' });
  assert.equal(write(sm, { op: 'put', key: 'n', value: '1' }).index, 4);
  assert.equal(sm.sessionCount, 2);
});

test('the least recently used session by log index is evicted when a new client exceeds maxSessions', () => {
  const sm = new KvStateMachine({ maxSessions: 2 });
  const a1 = write(sm, { op: 'put', key: 'a', value: '1', clientId: 'A', seq: 1 }); // index 1
  write(sm, { op: 'put', key: 'b', value: '1', clientId: 'B', seq: 1 }); // index 2
  write(sm, { op: 'put', key: 'a', value: '2', clientId: 'A', seq: 2 }); // index 3: A is now newer than B
  write(sm, { op: 'put', key: 'c', value: '1', clientId: 'C', seq: 1 }); // index 4: evicts B, not A
  assert.equal(sm.sessionCount, 2);
  assert.deepEqual(write(sm, { op: 'put', key: 'a', value: '1', clientId: 'A', seq: 1 }), a1); // A remembered
  // B was forgotten: it comes back as a new client and its retry is applied again (documented limit).
  const b1again = write(sm, { op: 'put', key: 'b', value: '1', clientId: 'B', seq: 1 });
  assert.equal(b1again.index, 6);
  assert.equal(sm.sessionCount, 2);
});

test('two machines fed the same entries, evictions included, write byte-identical snapshots', () => {
  const feed = (sm: KvStateMachine): void => {
    for (let i = 0; i < 300; i++) {
      const client = `c${(i * 7) % 13}`;
      if (i % 17 === 0) sm.apply(noop(sm.appliedIndex + 1));
      const [key, seq] = [`k${i % 11}`, i % 23];
      const cmd: KvCommand = i % 5 === 0 ? { op: 'delete', key, clientId: client, seq } : { op: 'put', key, value: `v${i}`, clientId: client, seq };
      write(sm, cmd);
    }
  };
  const a = new KvStateMachine({ maxSessions: 4, sessionWindow: 3 });
  const b = new KvStateMachine({ maxSessions: 4, sessionWindow: 3 });
  feed(a);
  feed(b);
  assert.equal(a.sessionCount, 4);
  assert.equal(a.snapshot(), b.snapshot());
});
