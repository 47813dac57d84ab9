import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkLinearizable, HistoryError, HistoryRecorder, parseHistoryJsonl } from '../../src/check/index.js';

/** A clock that advances 1 ms per reading, so every timestamp is predictable. */
function tickingClock(): () => number {
  let t = 0;
  return () => t++;
}

test('the recorder turns invoke/ok into operations with monotonic timestamps and results', () => {
  const r = new HistoryRecorder({ clock: tickingClock() });
  const a = r.invoke(0, 'put', 'k', { value: 'x', node: 'node-1' });
  r.ok(a);
  const b = r.invoke(1, 'get', 'k');
  r.ok(b, { value: 'x', node: 'node-2' });
  const c = r.invoke(0, 'delete', 'k');
  r.ok(c, { deleted: true });
  const d = r.invoke(0, 'cas', 'k', { from: null, to: 'y' });
  r.ok(d);
  assert.deepEqual(r.operations(), [
    { id: 0, client: 0, kind: 'put', key: 'k', value: 'x', node: 'node-1', invoke: 0, complete: 1, outcome: 'ok' },
    { id: 1, client: 1, kind: 'get', key: 'k', value: 'x', node: 'node-2', invoke: 2, complete: 3, outcome: 'ok' },
    { id: 2, client: 0, kind: 'delete', key: 'k', deleted: true, invoke: 4, complete: 5, outcome: 'ok' },
    { id: 3, client: 0, kind: 'cas', key: 'k', from: null, value: 'y', invoke: 6, complete: 7, outcome: 'ok' },
  ]);
  assert.equal(checkLinearizable(r.operations()).valid, true);
});

test('definite errors are fail, except 404 on get (absent) and 409 on cas (mismatch), which are results', () => {
  const r = new HistoryRecorder({ clock: tickingClock() });
  const put = r.invoke(0, 'put', 'k', { value: 'x' });
  r.fail(put, { status: 503, error: { code: 'NO_QUORUM', message: 'no quorum', definite: true } });
  const get = r.invoke(0, 'get', 'k');
  r.fail(get, { status: 404 });
  const cas = r.invoke(0, 'cas', 'k', { from: 'a', to: 'b' });
  r.fail(cas, { statusCode: 409 });
  const [p, g, c] = r.operations();
  assert.equal(p?.outcome, 'fail');
  assert.equal(p?.error, '503 NO_QUORUM no quorum');
  assert.deepEqual([g?.outcome, g?.value], ['ok', null]);
  assert.deepEqual([c?.outcome, c?.casFailed], ['ok', true]);
  assert.equal(checkLinearizable(r.operations()).valid, true);
});

test('an indefinite result retires the client; a new client id replaces it', () => {
  const r = new HistoryRecorder({ clock: tickingClock() });
  const id = r.invoke(3, 'put', 'k', { value: 'x' });
  r.info(id, new Error('timeout'));
  const [op] = r.operations();
  assert.equal(op?.outcome, 'info');
  assert.equal(op?.complete, null);
  assert.equal(op?.error, 'timeout');
  assert.equal(r.isRetired(3), true);
  assert.throws(() => r.invoke(3, 'get', 'k'), /client 3 was retired after the indefinite operation 0; use a new client/);
  const next = r.nextClientId();
  assert.equal(next, 4);
  assert.doesNotThrow(() => r.invoke(next, 'get', 'k'));
});

test('misuse throws a clear error: overlapping calls on one client, double completion, missing arguments', () => {
  const r = new HistoryRecorder({ clock: tickingClock() });
  const id = r.invoke(0, 'get', 'k');
  assert.throws(() => r.invoke(0, 'get', 'k'), /client 0 already has operation 0 in flight/);
  assert.throws(() => r.ok(id), /ok get \(op 0\) needs result.value/);
  r.ok(id, { value: null });
  assert.throws(() => r.ok(id, { value: null }), /operation 0 already completed as ok/);
  assert.throws(() => r.ok(42), /unknown operation id 42/);
  assert.throws(() => r.invoke(1, 'put', 'k'), /put needs args.value/);
  assert.throws(() => r.invoke(1, 'cas', 'k', { to: 'x' }), /cas needs args.from/);
  assert.throws(() => r.invoke(-1, 'get', 'k'), /client must be an integer >= 0/);
  assert.throws(() => r.invoke(1, 'incr' as 'get', 'k'), /kind must be one of put, get, delete, cas/);
});

test('calls still in flight when the history is taken count as indefinite', () => {
  const r = new HistoryRecorder({ clock: tickingClock() });
  r.invoke(0, 'put', 'k', { value: 'x' });
  const [op] = r.operations();
  assert.equal(op?.outcome, 'info');
  assert.equal(op?.complete, null);
});

test('history.jsonl round-trips, and a bad line is reported with its line number and field', () => {
  const r = new HistoryRecorder({ clock: tickingClock() });
  r.ok(r.invoke(0, 'put', 'k', { value: 'x' }));
  r.info(r.invoke(1, 'cas', 'k', { from: 'x', to: 'y' }), 'LEADERSHIP_LOST');
  const text = r.toJsonl();
  assert.equal(text.split('\n').length, 3);
  assert.deepEqual(parseHistoryJsonl(text), r.operations());

  const lines = text.trim().split('\n');
  assert.throws(() => parseHistoryJsonl(`${lines[0]}\n{oops`, 'h.jsonl'), (e: Error) => e instanceof HistoryError && /^h\.jsonl:2: not valid JSON/.test(e.message));
  assert.throws(() => parseHistoryJsonl(lines[0]!.replace('"put"', '"incr"')), /history\.jsonl:1: kind must be one of put, get, delete, cas, got "incr"/);
  assert.throws(() => parseHistoryJsonl(lines[0]!.replace('"client"', '"clinet"')), /history\.jsonl:1: unknown field "clinet"/);
  assert.throws(() => parseHistoryJsonl(`${lines[0]}\n${lines[0]}`), /history\.jsonl:2: id 0 is used twice/);
  assert.throws(() => parseHistoryJsonl('[1,2]'), /history\.jsonl:1: expected a JSON object/);
});

test('the default clock is monotonic', () => {
  const r = new HistoryRecorder();
  for (let i = 0; i < 50; i++) r.ok(r.invoke(0, 'get', 'k'), { value: null });
  const ops = r.operations();
  for (let i = 1; i < ops.length; i++) assert.ok(ops[i]!.invoke >= (ops[i - 1]!.complete as number));
});
