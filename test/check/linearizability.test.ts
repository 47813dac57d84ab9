import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bruteForceLinearizable, checkLinearizable, HistoryError, type Operation } from '../../src/check/index.js';
import { buildHistory, mulberry32, randomPlan } from './gen-history.js';
import { HistoryBuilder } from './history-builder.js';

/** Checks with both checkers and asserts they agree, so every hand-written case also tests the oracle. */
function verdict(ops: Operation[], initial?: Map<string, string | null>): boolean | 'unknown' {
  const fast = checkLinearizable(ops, initial ? { initial } : {});
  assert.equal(fast.valid, bruteForceLinearizable(ops, initial), 'fast checker and brute force disagree');
  return fast.valid;
}

test('an empty history is linearizable and checks no keys', () => {
  const r = checkLinearizable([]);
  assert.equal(r.valid, true);
  assert.equal(r.keysChecked, 0);
  assert.deepEqual(r.failures, []);
});

test('sequential put, get, delete, get is linearizable', () => {
  const h = new HistoryBuilder();
  h.put(1, 'k', 'a', [0, 1]);
  h.get(2, 'k', 'a', [2, 3]);
  h.del(1, 'k', true, [4, 5]);
  h.get(2, 'k', null, [6, 7]);
  assert.equal(verdict(h.ops), true);
});

test('a stale read is not linearizable and the explanation names the read, the last write and the stale source', () => {
  const h = new HistoryBuilder();
  const a = h.put(1, 'k', 'a', [0, 1]);
  const b = h.put(2, 'k', 'b', [2, 3]);
  const stale = h.get(4, 'k', 'a', [4, 5], { node: 'node-3' });
  assert.equal(verdict(h.ops), false);
  const r = checkLinearizable(h.ops);
  assert.equal(r.failures.length, 1);
  const f = r.failures[0]!;
  assert.equal(f.key, 'k');
  assert.equal(f.op, stale);
  assert.ok(f.conflicts.includes(b), 'conflicts include the overwriting put');
  assert.ok(f.conflicts.includes(a), 'conflicts include the put that wrote the stale value');
  assert.deepEqual(f.linearized, [a, b]);
  assert.match(f.message, /^key k: get→"a" by client 4 via node-3 at 4\.0ms cannot be placed: last write before it is put "b" \(op 1, client 2\)/);
  assert.match(f.message, /"a" was written by op 0/);
});

test('reading a value nobody wrote is not linearizable and says so', () => {
  const h = new HistoryBuilder();
  h.put(1, 'k', 'a', [0, 1]);
  h.get(2, 'k', 'zzz', [2, 3]);
  assert.equal(verdict(h.ops), false);
  assert.match(checkLinearizable(h.ops).failures[0]!.message, /no operation ever wrote "zzz"/);
});

test('reads overlapping a write may see either value, but never go back', () => {
  const ok = new HistoryBuilder();
  ok.put(1, 'k', 'a', [0, 10]);
  ok.get(2, 'k', null, [1, 2]);
  ok.get(3, 'k', 'a', [3, 4]);
  ok.get(2, 'k', 'a', [5, 6]);
  assert.equal(verdict(ok.ops), true);

  const back = new HistoryBuilder();
  back.put(1, 'k', 'a', [0, 10]);
  back.get(2, 'k', 'a', [1, 2]);
  back.get(3, 'k', null, [3, 4]);
  assert.equal(verdict(back.ops), false);
});

test('operations that touch (one returns when the next starts) count as concurrent', () => {
  const h = new HistoryBuilder();
  h.put(1, 'k', 'a', [0, 1]);
  h.get(2, 'k', null, [1, 2]);
  assert.equal(verdict(h.ops), true);
});

test('an indefinite write may take effect later than its caller gave up, or never', () => {
  const later = new HistoryBuilder();
  later.put(1, 'k', 'x', [0, null]);
  later.get(2, 'k', null, [1, 2]);
  later.get(2, 'k', 'x', [50, 51]);
  assert.equal(verdict(later.ops), true);

  const never = new HistoryBuilder();
  never.put(1, 'k', 'x', [0, null]);
  never.get(2, 'k', null, [1, 2]);
  never.get(2, 'k', null, [50, 51]);
  assert.equal(verdict(never.ops), true);

  const afterOverwrite = new HistoryBuilder();
  afterOverwrite.put(1, 'k', 'x', [0, null]);
  afterOverwrite.put(2, 'k', 'y', [1, 2]);
  afterOverwrite.get(3, 'k', 'x', [5, 6]);
  assert.equal(verdict(afterOverwrite.ops), true, 'x may land after y');
});

test('an indefinite write cannot appear and then disappear without another write', () => {
  const h = new HistoryBuilder();
  h.put(1, 'k', 'x', [0, null]);
  h.get(2, 'k', 'x', [1, 2]);
  h.get(2, 'k', null, [3, 4]);
  assert.equal(verdict(h.ops), false);
});

test('indefinite reads are dropped and failed operations never happened', () => {
  const h = new HistoryBuilder();
  h.get(1, 'k', 'nonsense', [0, null]);
  h.put(2, 'k', 'x', [0, 1], { outcome: 'fail' });
  h.get(3, 'k', null, [2, 3]);
  assert.equal(verdict(h.ops), true);

  const acked = new HistoryBuilder();
  acked.put(2, 'k', 'x', [0, 1]);
  acked.get(3, 'k', null, [2, 3]);
  assert.equal(verdict(acked.ops), false);
});

test('cas applies only when the current value equals from', () => {
  const ok = new HistoryBuilder();
  ok.put(1, 'k', 'a', [0, 1]);
  ok.cas(2, 'k', 'a', 'b', [2, 3]);
  ok.get(3, 'k', 'b', [4, 5]);
  assert.equal(verdict(ok.ops), true);

  const wrongFrom = new HistoryBuilder();
  wrongFrom.put(1, 'k', 'c', [0, 1]);
  const bad = wrongFrom.cas(2, 'k', 'a', 'b', [2, 3]);
  assert.equal(verdict(wrongFrom.ops), false);
  const f = checkLinearizable(wrongFrom.ops).failures[0]!;
  assert.equal(f.op, bad);
  assert.match(f.message, /cas "a"→"b" by client 2 at 2\.0ms cannot be placed: last write before it is put "c"/);
});

test('a cas from null succeeds only on an absent key', () => {
  const ok = new HistoryBuilder();
  ok.cas(1, 'k', null, 'a', [0, 1]);
  ok.get(2, 'k', 'a', [2, 3]);
  assert.equal(verdict(ok.ops), true);

  const present = new HistoryBuilder();
  present.put(1, 'k', 'z', [0, 1]);
  present.cas(2, 'k', null, 'a', [2, 3]);
  assert.equal(verdict(present.ops), false);
});

test('a 409 cas mismatch asserts the value differed from `from` and changes nothing', () => {
  const ok = new HistoryBuilder();
  ok.put(1, 'k', 'c', [0, 1]);
  ok.cas(2, 'k', 'a', 'b', [2, 3], { casFailed: true });
  ok.get(3, 'k', 'c', [4, 5]);
  assert.equal(verdict(ok.ops), true);

  const wasEqual = new HistoryBuilder();
  wasEqual.put(1, 'k', 'a', [0, 1]);
  wasEqual.cas(2, 'k', 'a', 'b', [2, 3], { casFailed: true });
  assert.equal(verdict(wasEqual.ops), false);
});

test('an indefinite cas takes effect only if it matched when it landed', () => {
  const h = new HistoryBuilder();
  h.put(1, 'k', 'a', [0, 1]);
  h.cas(2, 'k', 'zz', 'b', [2, null]);
  h.get(3, 'k', 'b', [4, 5]);
  assert.equal(verdict(h.ops), false, 'from never matched, so b cannot appear');

  const matched = new HistoryBuilder();
  matched.put(1, 'k', 'a', [0, 1]);
  matched.cas(2, 'k', 'a', 'b', [2, null]);
  matched.get(3, 'k', 'b', [4, 5]);
  assert.equal(verdict(matched.ops), true);
});

test('delete reports whether the key existed, and removes it', () => {
  const ok = new HistoryBuilder();
  ok.del(1, 'k', false, [0, 1]);
  ok.put(1, 'k', 'a', [2, 3]);
  ok.del(2, 'k', true, [4, 5]);
  ok.get(3, 'k', null, [6, 7]);
  ok.del(3, 'k', undefined, [8, 9]);
  assert.equal(verdict(ok.ops), true);

  const falseWhilePresent = new HistoryBuilder();
  falseWhilePresent.put(1, 'k', 'a', [0, 1]);
  falseWhilePresent.del(2, 'k', false, [2, 3]);
  assert.equal(verdict(falseWhilePresent.ops), false);

  const trueWhileAbsent = new HistoryBuilder();
  trueWhileAbsent.del(2, 'k', true, [0, 1]);
  assert.equal(verdict(trueWhileAbsent.ops), false);
});

test('the initial option sets values present before the history', () => {
  const h = new HistoryBuilder();
  h.get(1, 'k', 'x', [0, 1]);
  assert.equal(verdict(h.ops, new Map([['k', 'x']])), true);
  assert.equal(verdict(h.ops), false);
});

test('keys are checked independently and only the bad key is reported', () => {
  const h = new HistoryBuilder();
  h.put(1, 'good', 'a', [0, 1]);
  h.get(2, 'good', 'a', [2, 3]);
  h.put(1, 'bad', 'a', [4, 5]);
  h.get(2, 'bad', null, [6, 7]);
  const r = checkLinearizable(h.ops);
  assert.equal(r.valid, false);
  assert.equal(r.keysChecked, 2);
  assert.deepEqual(r.failures.map((f) => f.key), ['bad']);
});

test('a generated history with many identical indefinite writes is decided, not timed out', () => {
  // Plan seed 13 (242 ops on one key, 15% indefinite) was found by the property test: 44 timed-out
  // ops, many of them puts of values nobody read. Each subset of those is a different linearized
  // set to the cache, and the search ran out of 20 s; treating identical info ops as one class
  // (only the earliest unplaced is a candidate) decides it in well under a second.
  const ops = buildHistory(randomPlan(mulberry32(13), { ops: 242, keys: 1, threads: 6, infoRate: 0.15, failRate: 0.05 }));
  const r = checkLinearizable(ops, { timeoutMs: 20_000 });
  assert.equal(r.valid, true, r.unknownKeys.length > 0 ? 'ran out of time' : r.failures[0]?.message);
});

test('of identical indefinite ops the earliest is tried first, and a later one is still used when needed', () => {
  // Two identical indefinite deletes (one class): the first explains the absent read at 3, the
  // second the absent read at 10, after 'b' was written and read. Both must be placed, in order.
  const h = new HistoryBuilder();
  h.put(1, 'k', 'a', [0, 1]);
  h.del(2, 'k', undefined, [2, null]);
  h.get(3, 'k', null, [3, 4]);
  h.put(1, 'k', 'b', [5, 6]);
  h.get(4, 'k', 'b', [7, 8]);
  h.del(5, 'k', undefined, [9, null]);
  h.get(3, 'k', null, [10, 11]);
  assert.equal(verdict(h.ops), true);
  // Invoked only after the last read returned, the second delete cannot explain it.
  h.ops[5]!.invoke = 12;
  assert.equal(verdict(h.ops), false);
});

test('a history too hard for the deadline answers unknown instead of hanging', () => {
  // 20 concurrent puts, a concurrent read of each value, then a read of a value nobody wrote:
  // proving it impossible means trying every subset of the puts (2^20 configurations).
  const h = new HistoryBuilder();
  for (let i = 0; i < 20; i++) h.put(i, 'k', `v${i}`, [0, 100]);
  for (let i = 0; i < 20; i++) h.get(20 + i, 'k', `v${i}`, [0, 100]);
  h.get(99, 'k', 'never', [200, 201]);
  const r = checkLinearizable(h.ops, { timeoutMs: 100 });
  assert.equal(r.valid, 'unknown');
  assert.deepEqual(r.unknownKeys, ['k']);
  assert.equal(r.keysChecked, 0);
  assert.ok(r.elapsedMs < 5_000, `took ${r.elapsedMs} ms`);
});

test('one pathological key cannot use up the time of the others', () => {
  const h = new HistoryBuilder();
  for (let i = 0; i < 20; i++) h.put(i, 'hard', `v${i}`, [0, 100]);
  for (let i = 0; i < 20; i++) h.get(20 + i, 'hard', `v${i}`, [0, 100]);
  h.get(99, 'hard', 'never', [200, 201]);
  h.put(1, 'stale', 'a', [0, 1]);
  h.get(2, 'stale', null, [2, 3]);
  h.put(1, 'valid', 'a', [0, 1]);
  const r = checkLinearizable(h.ops, { timeoutMs: 200 });
  assert.equal(r.valid, false);
  assert.deepEqual(r.failures.map((f) => f.key), ['stale']);
  assert.deepEqual(r.unknownKeys, ['hard']);
  assert.equal(r.keysChecked, 2);
});

test('a definite failure wins over keys that ran out of time', () => {
  const h = new HistoryBuilder();
  h.put(1, 'a', 'x', [0, 1]);
  h.get(2, 'a', null, [2, 3]);
  h.get(2, 'b', null, [2, 3]);
  let calls = 0;
  // The clock jumps far ahead after key "a" was started: key "b" is never searched.
  const now = (): number => (++calls <= 2 ? 0 : 1e9);
  const r = checkLinearizable(h.ops, { timeoutMs: 1000, now });
  assert.equal(r.valid, false);
  assert.deepEqual(r.failures.map((f) => f.key), ['a']);
  assert.deepEqual(r.unknownKeys, ['b']);
});

test('a malformed history is rejected with an error naming the operation and field', () => {
  const bad = [{ id: 0, client: 1, kind: 'get', key: 'k', invoke: 5, complete: 2, outcome: 'ok', value: null }] as Operation[];
  assert.throws(() => checkLinearizable(bad), (e: Error) => e instanceof HistoryError && /id 0.*complete must be >= invoke \(5\), got 2/.test(e.message));
  const kind = [{ id: 0, client: 1, kind: 'inc', key: 'k', invoke: 0, complete: 1, outcome: 'ok' }] as unknown as Operation[];
  assert.throws(() => checkLinearizable(kind), /kind must be one of put, get, delete, cas, got "inc"/);
  const dup = new HistoryBuilder();
  dup.put(1, 'k', 'a', [0, 1]);
  dup.put(1, 'k', 'b', [2, 3], { id: 0 });
  assert.throws(() => checkLinearizable(dup.ops), /id 0 is used twice/);
  assert.throws(() => checkLinearizable([], { timeoutMs: -1 }), /timeoutMs must be a number >= 0/);
});
