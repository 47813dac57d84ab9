// The runner against a fake cluster: steps run in order, variables bind to the victims, a failing
// step reports its path, what it expected and what it saw with the status table, later steps are
// skipped; `within` bounds every attempt, `retry` tries again, a wrong answer is never polled away.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeCluster } from './fake-cluster.js';
import { runOnFake, statuses } from './runner-helpers.js';
import { waitFor } from '../node/helpers.js';

test('a healthy run passes every step, binds $killed to the victim and $leader to the new leader', async () => {
  const { run, results, cluster } = await runOnFake([
    '- put: { key: a, value: "1" }',
    '- kill: leader',
    '- await: { leader: elected, within: 2s }',
    '- put: { key: b, value: "2" }',
    '- start: $killed',
    '- await: { node: $killed, caught_up: true, within: 2s }',
    '- get: { key: b, expect: "2", from: $killed, consistency: stale }',
  ]);
  assert.equal(statuses(results), 'passed passed passed passed passed passed passed', JSON.stringify(results, null, 1));
  assert.deepEqual(run.state.vars.get('killed'), ['node-1']);
  assert.deepEqual(run.state.vars.get('leader'), ['node-2']);
  assert.deepEqual(cluster.log, ['kill node-1', 'start node-1']);
  assert.match(results[1]?.detail ?? '', /^killed node-1 \(leader, term 1\)$/);
  assert.match(results[2]?.detail ?? '', /^node-2 leads term 2/);
  assert.ok(cluster.statusCalls >= 3, 'the await polled until the election happened');
});

test('a failing await names the path, what it expected and saw, shows the status table, and skips the rest', async () => {
  const t0 = Date.now();
  const { results, run } = await runOnFake([
    '- put: { key: a, value: "1" }',
    '- kill: leader',
    '- await: { leader: elected, within: 300ms }',
    '- put: { key: b, value: "2" }',
    '- check',
  ], new FakeCluster({ elect: false }));
  const elapsed = Date.now() - t0;
  assert.equal(statuses(results), 'passed passed failed skipped skipped');
  const f = results[2]?.failure;
  assert.ok(f !== undefined);
  assert.equal(f.path, 't › step 3 › await leader elected within 300ms');
  assert.equal(f.expected, 'a leader that a majority of the nodes follows');
  assert.match(f.seen, /node-1 crashed; node-2 follower t1, leader -, applied 1; node-3 follower t1/);
  assert.match(f.statusTable, /^NAME\s+PID\s+STATE\s+ROLE/);
  assert.match(f.statusTable, /^node-1\s+-\s+crashed/m);
  assert.equal(f.attempts, 1);
  assert.equal(results[3]?.reason, 'step 3 failed');
  assert.equal(run.failure?.number, 3);
  assert.ok((results[2]?.durationMs ?? 0) >= 300 && elapsed < 3000, `the await gave up at its deadline (${results[2]?.durationMs} ms)`);
});

test('a wrong read fails at once instead of being polled until it happens to be right', async () => {
  const cluster = new FakeCluster();
  cluster.store.set('x', 'new');
  cluster.staleReads.set('x', { value: 'old', times: 1 });
  const { results } = await runOnFake(['- get: { key: x, expect: new, within: 5s }'], cluster);
  assert.equal(statuses(results), 'failed');
  assert.equal(results[0]?.failure?.expected, 'get x to read "new" within 5s');
  assert.equal(results[0]?.failure?.seen, 'read "old"');
  assert.ok((results[0]?.durationMs ?? 0) < 1000, 'no polling until the deadline');
});

test('retry: a step tried again passes on a later attempt, and reports the attempts it needed', async () => {
  const cluster = new FakeCluster();
  cluster.store.set('x', 'new');
  cluster.staleReads.set('x', { value: 'old', times: 2 });
  const { results } = await runOnFake(['- get: { key: x, expect: new, retry: 2 }'], cluster);
  assert.equal(statuses(results), 'passed');
  assert.equal(results[0]?.attempts, 3);
});

test('retry: when every attempt fails, the failure says how many there were', async () => {
  const cluster = new FakeCluster();
  cluster.staleReads.set('x', { value: 'old', times: 10 });
  const { results } = await runOnFake(['- get: { key: x, expect: null, retry: 2 }'], cluster);
  assert.equal(statuses(results), 'failed');
  assert.equal(results[0]?.attempts, 3);
  assert.equal(results[0]?.failure?.attempts, 3);
});

test('within: a request that gets no answer fails at the deadline with "no answer"', async () => {
  const cluster = new FakeCluster();
  cluster.delayMs = 60_000;
  const t0 = Date.now();
  const { results } = await runOnFake(['- put: { key: a, value: "1", within: 250ms }'], cluster);
  assert.equal(statuses(results), 'failed');
  assert.match(results[0]?.failure?.seen ?? '', /^no answer within 250ms/);
  assert.ok(Date.now() - t0 < 3000);
});

test('expect_error: an acknowledged write fails the step; the demanded error passes it; another error does not', async () => {
  const ok = await runOnFake(['- put: { key: a, value: "1", expect_error: NO_QUORUM, within: 1s }']);
  assert.equal(statuses(ok.results), 'failed');
  assert.equal(ok.results[0]?.failure?.expected, 'put a="1" to fail with NO_QUORUM within 1s');
  assert.match(ok.results[0]?.failure?.seen ?? '', /^it succeeded \(committed at index 1\)$/);

  const refusing = new FakeCluster();
  refusing.refuseWrites = 'NO_QUORUM';
  const refused = await runOnFake(['- put: { key: a, value: "1", expect_error: NO_QUORUM, within: 1s }'], refusing);
  assert.equal(statuses(refused.results), 'passed');

  const other = new FakeCluster();
  other.refuseWrites = 'TOO_LARGE';
  const wrong = await runOnFake(['- put: { key: a, value: "1", expect_error: [NO_QUORUM, TIMEOUT], within: 1s }'], other);
  assert.equal(statuses(wrong.results), 'failed');
  assert.match(wrong.results[0]?.failure?.seen ?? '', /^error TOO_LARGE \(503\)/);
});

test('allow_error: an error passes, a wrong value still fails', async () => {
  const refusing = new FakeCluster();
  refusing.nodes[0]!.state = 'crashed';
  const err = await runOnFake(['- get: { key: x, expect: v, from: 1, allow_error: true }'], refusing);
  assert.equal(statuses(err.results), 'passed');
  const wrong = new FakeCluster();
  wrong.store.set('x', 'stale');
  const bad = await runOnFake(['- get: { key: x, expect: v, from: 1, allow_error: true }'], wrong);
  assert.equal(statuses(bad.results), 'failed');
  assert.equal(bad.results[0]?.failure?.seen, 'node-1: read "stale"');
});

test('from: followers reads on every follower and reports each one that is wrong', async () => {
  const cluster = new FakeCluster();
  cluster.store.set('k', 'v');
  cluster.nodes[2]!.state = 'crashed';
  cluster.nodes[2]!.role = null;
  cluster.nodes.push({ id: 4, name: 'node-4', state: 'running', role: 'follower', term: 1, applied: 0 });
  const { results } = await runOnFake(['- get: { key: k, expect: v, from: followers }'], cluster);
  assert.equal(statuses(results), 'passed');
  assert.equal(results[0]?.detail, 'node-2 read "v", node-4 read "v"');
});

test('a role target that names nobody yet is waited for within the deadline (kill leader during an election)', async () => {
  const cluster = new FakeCluster({ electionPolls: 3 });
  cluster.nodes[0]!.role = null;
  cluster.nodes[0]!.state = 'crashed';
  const { results } = await runOnFake(['- kill: leader'], cluster);
  assert.equal(statuses(results), 'passed');
  assert.equal(results[0]?.detail, 'killed node-2 (leader, term 2)');
});

test('the same seed picks the same random victims; the seed decides, not luck', async () => {
  const pick = async (seed: number): Promise<string> => {
    const { run } = await runOnFake(['- kill: follower', '- start: $killed', '- kill: random'], new FakeCluster({ nodes: 5 }), seed);
    return `${run.state.vars.get('killed')?.join(',')}`;
  };
  const picks = await Promise.all([1, 2, 3, 4, 5, 6].map(pick));
  assert.deepEqual(await Promise.all([1, 2, 3, 4, 5, 6].map(pick)), picks);
  assert.ok(new Set(picks).size > 1, `different seeds should not all choose the same victim: ${picks.join(' ')}`);
});

test('isolate binds $isolated and cuts it off from every other node; heal restores', async () => {
  const { run, cluster, results } = await runOnFake(['- isolate: leader', '- heal']);
  assert.equal(statuses(results), 'passed passed');
  assert.deepEqual(run.state.vars.get('isolated'), ['node-1']);
  assert.deepEqual(run.state.vars.get('leader'), ['node-1']);
  assert.equal(cluster.partitions, null);
  assert.equal(results[0]?.detail, 'partitioned: {node-1} | {node-2,node-3}');
});

test('an interrupted run marks the running step interrupted and skips the rest', async () => {
  const { parse, withSteps } = await import('./helpers.js');
  const { ScenarioRun } = await import('../../src/scenarios/index.js');
  const cluster = new FakeCluster({ elect: false });
  cluster.nodes[0]!.state = 'crashed';
  cluster.nodes[0]!.role = null;
  const ac = new AbortController();
  const run = new ScenarioRun(parse(withSteps('- await: { leader: elected, within: 30s }', '- put: { key: a, value: b }')), cluster, { seed: 1, signal: ac.signal });
  const pending = run.runStep(0);
  setTimeout(() => ac.abort(), 100);
  const first = await pending;
  assert.equal(first.status, 'interrupted');
  assert.ok(first.durationMs < 5000);
  assert.equal((await run.runStep(1)).status, 'skipped');
});

test('Ctrl+C ends a step at once, even while its request is still in flight', async () => {
  const { parse, withSteps } = await import('./helpers.js');
  const { ScenarioRun } = await import('../../src/scenarios/index.js');
  const cluster = new FakeCluster();
  cluster.delayMs = 60_000;
  const ac = new AbortController();
  const run = new ScenarioRun(parse(withSteps('- put: { key: a, value: b, within: 30s }')), cluster, { seed: 1, signal: ac.signal });
  const t0 = Date.now();
  const step = run.runStep(0);
  await waitFor('the put to be in flight', () => cluster.delayed > 0);
  ac.abort();
  const r = await step;
  assert.equal(r.status, 'interrupted');
  assert.ok(Date.now() - t0 < 2000, `it ended ${Date.now() - t0} ms after the start, not after the request`);
});
