import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkLostWrites } from '../../src/check/index.js';
import { HistoryBuilder } from './history-builder.js';

const finals = (entries: Array<[string, string | null]>): Map<string, string | null> => new Map(entries);

test('an acknowledged write that is the final value is not lost', () => {
  const h = new HistoryBuilder();
  h.put(1, 'k', 'a', [0, 1]);
  assert.deepEqual(checkLostWrites(h.ops, finals([['k', 'a']])), { ok: true, lost: [] });
});

test('an acknowledged write superseded by a later write or delete is not lost', () => {
  const h = new HistoryBuilder();
  h.put(1, 'k', 'a', [0, 1]);
  h.put(2, 'k', 'b', [2, 3]);
  h.put(1, 'j', 'a', [0, 1]);
  h.del(2, 'j', true, [2, 3]);
  assert.equal(checkLostWrites(h.ops, finals([['k', 'b'], ['j', null]])).ok, true);
});

test('a concurrent or indefinite write may supersede it, a failed one may not', () => {
  const concurrent = new HistoryBuilder();
  concurrent.put(1, 'k', 'a', [0, 10]);
  concurrent.put(2, 'k', 'b', [1, 2]);
  assert.equal(checkLostWrites(concurrent.ops, finals([['k', 'b']])).ok, true);

  const info = new HistoryBuilder();
  info.put(2, 'k', 'b', [0, null]);
  info.put(1, 'k', 'a', [5, 6]);
  assert.equal(checkLostWrites(info.ops, finals([['k', 'b']])).ok, true, 'b may have landed after a');

  const failed = new HistoryBuilder();
  failed.put(1, 'k', 'a', [0, 1]);
  failed.put(2, 'k', 'b', [2, 3], { outcome: 'fail' });
  assert.equal(checkLostWrites(failed.ops, finals([['k', 'b']])).ok, false);
});

test('a write that finished before the superseding candidate started does not help', () => {
  const h = new HistoryBuilder();
  h.put(2, 'k', 'old', [0, 1]);
  const a = h.put(1, 'k', 'a', [5, 6], { node: 'node-2' });
  const r = checkLostWrites(h.ops, finals([['k', 'old']]));
  assert.equal(r.ok, false);
  assert.equal(r.lost.length, 1);
  assert.equal(r.lost[0]?.op, a);
  assert.equal(r.lost[0]?.final, 'old');
  assert.equal(
    r.lost[0]?.message,
    'key k: put "a" (op 1, client 1 via node-2) acknowledged at 6.0ms is lost: the final value is "old" and no write or delete of the key ran concurrently with it or after it',
  );
});

test('an applied cas counts as a write; a 409 mismatch and a failed put do not', () => {
  const h = new HistoryBuilder();
  h.put(1, 'k', 'a', [0, 1]);
  const cas = h.cas(1, 'k', 'a', 'b', [2, 3]);
  h.cas(2, 'k', 'zz', 'c', [4, 5], { casFailed: true });
  h.put(2, 'k', 'd', [6, 7], { outcome: 'fail' });
  const r = checkLostWrites(h.ops, finals([['k', null]]));
  assert.deepEqual(
    r.lost.map((l) => l.op),
    [cas],
  );
  assert.match(r.lost[0]!.message, /cas "a"→"b" \(op 1, client 1\) acknowledged at 3\.0ms is lost: the final value is absent/);
});

test('keys that were not read at the end are not checked', () => {
  const h = new HistoryBuilder();
  h.put(1, 'unread', 'a', [0, 1]);
  assert.equal(checkLostWrites(h.ops, new Map()).ok, true);
});
