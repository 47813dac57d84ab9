// Talking to a cluster that is being broken: retries within the deadline, one session stamp per
// write across its retries, leader hints, cancellation and the one-line explanations.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CommandRunner, explainFailure } from '../../src/client/repl/index.js';
import type { KvOutcome } from '../../src/client/repl/index.js';
import { FakeKv, deadUrl } from './fake-kv-server.js';

async function withFake<T>(fn: (f: FakeKv) => Promise<T>): Promise<T> {
  const f = await FakeKv.start();
  try {
    return await fn(f);
  } finally {
    await f.close();
  }
}

async function withRunner<T>(url: string, deadlineMs: number, fn: (r: CommandRunner) => Promise<T>): Promise<T> {
  const r = new CommandRunner({ url, deadlineMs, color: false });
  try {
    return await fn(r);
  } finally {
    await r.close();
  }
}

function failed(o: KvOutcome): Extract<KvOutcome, { ok: false }> {
  assert.equal(o.ok, false, `expected a failure, got ${JSON.stringify(o)}`);
  return o as Extract<KvOutcome, { ok: false }>;
}

test('a write retried through NO_QUORUM and LEADERSHIP_LOST keeps one (clientId, seq) and succeeds', () => withFake(async (f) => {
  f.errors.push({ status: 503, code: 'NO_QUORUM', definite: true }, { status: 503, code: 'LEADERSHIP_LOST', definite: false });
  await withRunner(f.url, 3000, async (r) => {
    const o = await r.kv({ kind: 'put', key: 'a', value: '1' });
    assert.equal(o.ok, true);
    assert.equal(o.attempts, 3);
    const puts = f.seen.filter((s) => s.method === 'PUT');
    assert.equal(puts.length, 3);
    assert.ok(puts[0]?.clientId !== undefined && /^repl-[0-9a-f]{16}$/.test(puts[0].clientId));
    assert.deepEqual(new Set(puts.map((p) => `${p.clientId}/${p.seq}`)).size, 1, 'every retry carries the same stamp');
    // The next write gets the next seq.
    await r.kv({ kind: 'del', key: 'a' });
    const del = f.seen.find((s) => s.method === 'DELETE');
    assert.equal(del?.seq, String(Number(puts[0]?.seq) + 1));
    assert.equal(del?.clientId, puts[0]?.clientId);
  });
}));

test('NOT_LEADER with a leader hint sends the next attempt to the leader, which is shown as the server', () => withFake(async (follower) => withFake(async (leader) => {
  follower.errors.push({ status: 421, code: 'NOT_LEADER', definite: true, leader: leader.url });
  await withRunner(follower.url, 3000, async (r) => {
    const o = await r.kv({ kind: 'put', key: 'k', value: 'v' });
    assert.equal(o.ok, true);
    assert.equal(o.servedBy, leader.url);
    assert.equal(leader.store.get('k'), 'v');
    assert.equal(follower.store.has('k'), false);
  });
})));

test('x-served-by from the server names who served, for answers and for 404s', () => withFake(async (f) => {
  f.servedBy = 'node-2';
  await withRunner(f.url, 2000, async (r) => {
    const put = await r.kv({ kind: 'put', key: 'k', value: 'v' });
    assert.equal(put.servedBy, 'node-2');
    const miss = await r.kv({ kind: 'get', key: 'nope', stale: false });
    assert.equal(miss.ok, true);
    assert.equal(miss.servedBy, 'node-2');
    assert.deepEqual(miss.ok && miss.result, { kind: 'get', value: null });
  });
}));

test('a definite answer (CAS mismatch) is not retried and names what the key holds', () => withFake(async (f) => {
  f.store.set('k', 'now');
  await withRunner(f.url, 2000, async (r) => {
    const o = failed(await r.kv({ kind: 'cas', key: 'k', from: 'before', to: 'after' }));
    assert.equal(o.error.code, 'CAS_MISMATCH');
    assert.equal(o.attempts, 1);
    assert.equal(explainFailure(o), 'cas failed: expected k to hold "before" (it holds "now")');
    const absent = failed(await r.kv({ kind: 'cas', key: 'k', from: null, to: 'x' }));
    assert.equal(explainFailure(absent), 'cas failed: expected k to be absent (it holds "now")');
  });
}));

test('an unreachable URL is retried until the deadline, then explained with what to try', async () => {
  const url = await deadUrl();
  await withRunner(url, 600, async (r) => {
    const o = failed(await r.kv({ kind: 'get', key: 'a', stale: false }));
    assert.equal(o.error.code, 'UNREACHABLE');
    assert.equal(o.gaveUp, true);
    assert.ok(o.attempts >= 3, `attempts=${o.attempts}`);
    assert.ok(o.latencyMs >= 450 && o.latencyMs < 3000, `latency ${o.latencyMs}`);
    assert.match(explainFailure(o), new RegExp(`^\\[UNREACHABLE\\] nothing answers at ${url} \\(retried for 600 ms\\) — .*raft-sup up.*raft-sup status`));
  });
});

test('a slow write cut by the deadline is reported as maybe applied', () => withFake(async (f) => {
  f.delayMs = 2000;
  await withRunner(f.url, 300, async (r) => {
    const o = failed(await r.kv({ kind: 'put', key: 'k', value: 'v' }));
    assert.equal(o.error.code, 'TIMEOUT');
    assert.equal(o.uncertain, true);
    assert.match(explainFailure(o), /may or may not have been applied — check with `get k`/);
  });
}));

test('aborting the signal cancels the request in flight at once', () => withFake(async (f) => {
  f.delayMs = 5000;
  await withRunner(f.url, 10_000, async (r) => {
    const ac = new AbortController();
    const pending = r.kv({ kind: 'get', key: 'k', stale: true }, ac.signal);
    const t0 = performance.now();
    // Abort once the server has the request (the condition, not a guess about time).
    while (f.seen.length === 0) await new Promise((res) => setTimeout(res, 5));
    ac.abort();
    const o = failed(await pending);
    assert.equal(o.error.code, 'CANCELLED');
    assert.ok(performance.now() - t0 < 4000, 'cancelled at once, not after the slow answer');
    assert.equal(f.seen[0]?.url, '/kv/k?consistency=stale');
  });
}));

test('bad keys are refused locally with the SPEC rule, before any request', () => withFake(async (f) => {
  await withRunner(f.url, 1000, async (r) => {
    const o = failed(await r.kv({ kind: 'put', key: 'a\u0001b', value: 'v' }));
    assert.equal(o.error.code, 'INVALID_KEY');
    assert.equal(f.seen.length, 0);
    assert.equal(explainFailure(o), '[INVALID_KEY] invalid key: must not contain control characters');
  });
}));

test('keys are sent URL-encoded and come back intact', () => withFake(async (f) => {
  await withRunner(f.url, 1000, async (r) => {
    const key = 'a/b c?d#é';
    assert.equal((await r.kv({ kind: 'put', key, value: 'x y' })).ok, true);
    assert.equal(f.store.get(key), 'x y');
    const o = await r.kv({ kind: 'get', key, stale: false });
    assert.deepEqual(o.ok && o.result, { kind: 'get', value: 'x y' });
  });
}));
