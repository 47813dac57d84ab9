import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KvCommandError, KvStateMachine } from '../../src/kv/index.js';
import { noop, normal, write } from './log-feeder.js';

test('a put stores the value and answers it with the entry index', () => {
  const sm = new KvStateMachine();
  assert.deepEqual(write(sm, { op: 'put', key: 'a', value: 'hola' }), { ok: true, op: 'put', key: 'a', value: 'hola', index: 1 });
  assert.equal(sm.get('a'), 'hola');
  assert.deepEqual(write(sm, { op: 'put', key: 'a', value: 'mundo' }), { ok: true, op: 'put', key: 'a', value: 'mundo', index: 2 });
  assert.equal(sm.get('a'), 'mundo');
  assert.equal(sm.size, 1);
  assert.equal(sm.appliedIndex, 2);
});

test('a delete removes the key and says whether it existed', () => {
  const sm = new KvStateMachine();
  write(sm, { op: 'put', key: 'a', value: 'v' });
  assert.deepEqual(write(sm, { op: 'delete', key: 'a' }), { ok: true, op: 'delete', key: 'a', deleted: true, index: 2 });
  assert.equal(sm.get('a'), undefined);
  assert.deepEqual(write(sm, { op: 'delete', key: 'a' }), { ok: true, op: 'delete', key: 'a', deleted: false, index: 3 });
  assert.equal(sm.size, 0);
});

test('cas from null creates a missing key and fails with the current value when the key exists', () => {
  const sm = new KvStateMachine();
  assert.deepEqual(write(sm, { op: 'cas', key: 'a', from: null, to: 'x' }), { ok: true, op: 'cas', key: 'a', value: 'x', index: 1 });
  assert.equal(sm.get('a'), 'x');
  assert.deepEqual(write(sm, { op: 'cas', key: 'a', from: null, to: 'y' }), { ok: false, code: 'CAS_MISMATCH', key: 'a', current: 'x', index: 2 });
  assert.equal(sm.get('a'), 'x');
});

test('cas swaps only when the current value matches, and reports null for a missing key', () => {
  const sm = new KvStateMachine();
  assert.deepEqual(write(sm, { op: 'cas', key: 'a', from: 'x', to: 'y' }), { ok: false, code: 'CAS_MISMATCH', key: 'a', current: null, index: 1 });
  assert.equal(sm.get('a'), undefined);
  write(sm, { op: 'put', key: 'a', value: 'x' });
  assert.deepEqual(write(sm, { op: 'cas', key: 'a', from: 'z', to: 'y' }), { ok: false, code: 'CAS_MISMATCH', key: 'a', current: 'x', index: 3 });
  assert.deepEqual(write(sm, { op: 'cas', key: 'a', from: 'x', to: 'y' }), { ok: true, op: 'cas', key: 'a', value: 'y', index: 4 });
  assert.equal(sm.get('a'), 'y');
});

test('keys() lists the stored keys in the order the log first created them', () => {
  const sm = new KvStateMachine();
  for (const key of ['b', 'a', 'c']) write(sm, { op: 'put', key, value: key });
  write(sm, { op: 'delete', key: 'b' });
  write(sm, { op: 'put', key: 'b', value: 'again' });
  assert.deepEqual([...sm.keys()], ['a', 'c', 'b']);
});

test('a noop entry advances appliedIndex and answers undefined without touching data', () => {
  const sm = new KvStateMachine();
  write(sm, { op: 'put', key: 'a', value: 'v' });
  const before = sm.snapshot();
  assert.equal(sm.apply(noop(2)), undefined);
  assert.equal(sm.appliedIndex, 2);
  assert.equal(sm.get('a'), 'v');
  assert.equal(sm.size, 1);
  assert.notEqual(sm.snapshot(), before); // only appliedIndex moved
  assert.equal(sm.snapshot(), before.replace('"appliedIndex":1', '"appliedIndex":2'));
});

test('applying an entry twice, skipping one or going backwards throws and changes nothing (checklist 16)', () => {
  const sm = new KvStateMachine();
  sm.apply(normal(1, { op: 'put', key: 'a', value: 'v' }));
  const before = sm.snapshot();
  assert.throws(() => sm.apply(normal(1, { op: 'put', key: 'a', value: 'w' })), /entry index 1 already applied; expected 2/);
  assert.throws(() => sm.apply(normal(0, { op: 'put', key: 'a', value: 'w' })), /already applied/);
  assert.throws(() => sm.apply(normal(3, { op: 'put', key: 'a', value: 'w' })), /entry index 3 would skip entries; expected 2/);
  assert.throws(() => sm.apply(noop(5)), /would skip entries/);
  assert.equal(sm.snapshot(), before);
  assert.equal(sm.get('a'), 'v');
});

test('an entry whose data does not decode throws and leaves appliedIndex where it was', () => {
  const sm = new KvStateMachine();
  assert.throws(() => sm.apply({ term: 1, index: 1, type: 'normal', data: 'garbage' }), KvCommandError);
  assert.throws(() => sm.apply({ term: 1, index: 1, type: 'weird' as 'normal', data: '' }), /unknown type "weird"/);
  assert.equal(sm.appliedIndex, 0);
  sm.apply(normal(1, { op: 'put', key: 'a', value: 'v' }));
  assert.equal(sm.appliedIndex, 1);
});

test('session limits that are not positive integers are refused', () => {
  assert.throws(() => new KvStateMachine({ sessionWindow: 0 }), /sessionWindow must be a positive integer/);
  assert.throws(() => new KvStateMachine({ maxSessions: 1.5 }), /maxSessions must be a positive integer/);
});
