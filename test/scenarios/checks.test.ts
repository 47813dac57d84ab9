// `load` and `check` against a fake cluster: a correct store passes both checks; a planted stale read
// is caught by `linearizable`, a planted lost write by `no_lost_writes`, a refused write by
// `no_failed_writes` (but not one a step demanded).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeCluster } from './fake-cluster.js';
import { runOnFake, statuses } from './runner-helpers.js';

test('a load recorded through the proxy on a correct store is linearizable with no lost writes', async () => {
  const { results, run } = await runOnFake([
    '- load: { name: bg, clients: 4, ops: 200, keys: 3, mix: { put: 2, get: 2, cas: 1 } }',
    '- await: { load: bg, done: true, within: 5s }',
    '- check: [linearizable, no_lost_writes, no_failed_writes]',
  ]);
  assert.equal(statuses(results), 'passed passed passed', JSON.stringify(results.map((r) => r.failure), null, 1));
  const ops = run.state.history.operations();
  assert.equal(ops.length, 200);
  assert.ok(ops.every((o) => o.outcome === 'ok'));
  assert.match(results[2]?.detail ?? '', /^linearizable: 200 operations on 3 keys; no lost writes: 3 keys read back; no failed writes among \d+$/);
});

test('a stale read planted in the history makes `check: linearizable` fail and say which key', async () => {
  const cluster = new FakeCluster();
  const { results } = await runOnFake([
    '- put: { key: x, value: one }',
    '- put: { key: x, value: two }',
    '- get: { key: x }',
    '- check: linearizable',
  ], (() => { cluster.staleReads.set('x', { value: 'one', times: 1 }); return cluster; })());
  assert.equal(statuses(results), 'passed passed passed failed');
  assert.equal(results[3]?.failure?.expected, 'every key\'s history to be linearizable');
  assert.match(results[3]?.failure?.seen ?? '', /key x/);
});

test('a stale read is not judged by the history (stale reads are not linearizable by definition)', async () => {
  const cluster = new FakeCluster();
  const { results, run } = await runOnFake(['- put: { key: x, value: one }', '- get: { key: x, consistency: stale }', '- check'], cluster);
  assert.equal(statuses(results), 'passed passed passed');
  assert.equal(run.state.history.operations().length, 1);
});

test('an acknowledged write that vanished fails `check: no_lost_writes` with the write named', async () => {
  const cluster = new FakeCluster();
  cluster.dropped.add('gone');
  const { results } = await runOnFake(['- put: { key: k, value: kept }', '- put: { key: k, value: gone }', '- check: no_lost_writes'], cluster);
  assert.equal(statuses(results), 'passed passed failed');
  assert.match(results[2]?.failure?.seen ?? '', /^1 lost: key k: put "gone" .* is lost: the final value is "kept"/);
});

test('no_failed_writes counts refused load writes but not a write a step demanded to fail', async () => {
  const cluster = new FakeCluster();
  cluster.refuseWrites = 'NO_QUORUM';
  const demanded = await runOnFake(['- put: { key: a, value: b, expect_error: NO_QUORUM, within: 1s }', '- check: no_failed_writes'], cluster);
  assert.equal(statuses(demanded.results), 'passed passed');
  const load = await runOnFake([
    '- load: { name: w, clients: 1, ops: 3, keys: 1, mix: { put: 1 } }',
    '- await: { load: w, done: true, within: 5s }',
    '- check: no_failed_writes',
  ], cluster);
  assert.equal(statuses(load.results), 'passed passed failed');
  assert.match(load.results[2]?.failure?.seen ?? '', /^3 failed: w-k0: put "w:0:1" \(failed\) \(op 0 via proxy\): 503 NO_QUORUM/);
});

test('await load progress polls until the load has made that many successful operations; stop_load ends it', async () => {
  const cluster = new FakeCluster();
  cluster.delayMs = 2;
  const { results, run } = await runOnFake([
    '- load: { name: bg, clients: 2, keys: 2 }',
    '- await: { load: bg, ops: 20, within: 5s }',
    '- stop_load: bg',
    '- check',
  ], cluster);
  assert.equal(statuses(results), 'passed passed passed passed');
  const load = run.state.loads.get('bg');
  assert.ok(load?.finished);
  assert.ok((load?.stats().ok ?? 0) >= 20);
});
