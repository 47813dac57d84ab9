// The proxy's routing and retry policy against scripted fake nodes: it finds the leader, follows
// 421 hints, retries with the same (clientId, seq) so a retry applies once, spreads reads over
// followers with fallback, and gives up with the right definite/indefinite answer at its deadline.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { waitFor } from '../node/helpers.js';
import { KvClient, KvError } from '../../src/client/index.js';
import { LeaderTracker, ProxyRouter, startProxy } from '../../src/proxy/index.js';
import type { RunningProxy } from '../../src/proxy/index.js';
import { createLogger } from '../../src/shared/index.js';
import { fakeNodes, setLeader } from './fake-node.js';
import type { FakeNode } from './fake-node.js';

async function proxyFor(nodes: FakeNode[], deadlineMs = 1500): Promise<{ proxy: RunningProxy; client: KvClient; close: () => Promise<void> }> {
  const proxy = await startProxy(
    { host: '127.0.0.1', port: 0, nodes: new Map(nodes.map((n) => [n.id, n.url])), deadlineMs, pollMs: 0, lifeline: false, logLevel: 'silent' },
    { log: createLogger({ level: 'silent' }) },
  );
  const client = new KvClient(proxy.url, { timeoutMs: deadlineMs + 2000 });
  return { proxy, client, close: async () => { await client.close(); await proxy.close(); } };
}

async function rejects(p: Promise<unknown>): Promise<KvError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof KvError, `expected a KvError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected the call to fail');
}

test('writes go to the leader found through /status, stamped with clientId and seq', async () => {
  const f = await fakeNodes(3, 2);
  const p = await proxyFor(f.nodes);
  try {
    const r = await p.client.put('a', 'x');
    assert.equal(r.value, 'x');
    const writes = f.nodes.flatMap((n) => n.seen.filter((s) => s.method === 'PUT').map((s) => ({ node: n.id, ...s })));
    assert.equal(writes.length, 1);
    assert.equal(writes[0]?.node, 2);
    assert.ok(writes[0]?.clientId && writes[0]?.seq, 'the proxy stamps every write');
  } finally {
    await p.close();
    await f.close();
  }
});

test('a 421 leader hint is followed at once', async () => {
  const f = await fakeNodes(3, 1);
  const p = await proxyFor(f.nodes);
  try {
    await p.client.put('a', '1'); // proxy now believes node 1 leads
    setLeader(f.nodes, 3, 2); // leadership moves; node 1 answers 421 pointing at node 3
    const r = await p.client.put('b', '2');
    assert.equal(r.value, '2');
    assert.equal(f.nodes[2]?.seen.filter((s) => s.method === 'PUT').length, 1);
  } finally {
    await p.close();
    await f.close();
  }
});

test('a write retried after LEADERSHIP_LOST is applied exactly once and answered with the first result', async () => {
  const f = await fakeNodes(3, 1);
  const p = await proxyFor(f.nodes);
  try {
    const leader = f.nodes[0] as FakeNode;
    leader.mode = 'lost-after-apply'; // applies, then answers "indefinite"
    const r = await p.client.put('k', 'v');
    assert.equal(r.value, 'v');
    const puts = leader.seen.filter((s) => s.method === 'PUT');
    assert.equal(puts.length, 2, 'one attempt plus one retry');
    assert.equal(puts[0]?.clientId, puts[1]?.clientId);
    assert.equal(puts[0]?.seq, puts[1]?.seq, 'the retry reuses the seq');
    assert.equal(f.cluster.applied, 1, 'applied once');
    assert.equal(r.index, 1, 'the first answer is returned');
  } finally {
    await p.close();
    await f.close();
  }
});

test('leader down: the proxy finds the new leader and the write succeeds', async () => {
  const f = await fakeNodes(3, 1);
  const p = await proxyFor(f.nodes, 3000);
  try {
    await p.client.put('a', '1');
    await f.nodes[0]?.close(); // the leader dies
    setLeader(f.nodes.slice(1), 0); // followers know no leader for a moment
    const elected = setTimeout(() => setLeader(f.nodes.slice(1), 2, 2), 150);
    const r = await p.client.put('b', '2');
    clearTimeout(elected);
    assert.equal(r.value, '2');
    assert.equal(f.cluster.applied, 2, 'both writes applied once');
    assert.equal(f.cluster.data.get('b'), '2');
  } finally {
    await p.close();
    await f.close();
  }
});

test('no leader at all: 503 NO_QUORUM, definite, within the deadline', async () => {
  const f = await fakeNodes(3, 0);
  for (const n of f.nodes) n.mode = 'no-quorum';
  const p = await proxyFor(f.nodes, 1_500);
  try {
    const started = performance.now();
    const e = await rejects(p.client.put('a', 'x'));
    const took = performance.now() - started;
    assert.equal(e.status, 503);
    assert.equal(e.code, 'NO_QUORUM');
    assert.equal(e.definite, true);
    assert.ok(took >= 1_000 && took < 3_000, `gave up after ${Math.round(took)} ms (deadline 1.5 s)`);
  } finally {
    await p.close();
    await f.close();
  }
});

test('every node unreachable: 503 NO_QUORUM, definite', async () => {
  const f = await fakeNodes(3, 1);
  await f.close();
  const p = await proxyFor(f.nodes, 400);
  try {
    const e = await rejects(p.client.put('a', 'x'));
    assert.equal(e.code, 'NO_QUORUM');
    assert.equal(e.definite, true);
    const r = await rejects(p.client.get('a'));
    assert.equal(r.status, 503);
  } finally {
    await p.close();
  }
});

test('a leader that never answers: 504 TIMEOUT, indefinite', async () => {
  const f = await fakeNodes(3, 1);
  (f.nodes[0] as FakeNode).mode = 'hang';
  const p = await proxyFor(f.nodes, 500);
  try {
    const e = await rejects(p.client.put('a', 'x'));
    assert.equal(e.status, 504);
    assert.equal(e.code, 'TIMEOUT');
    assert.equal(e.definite, false);
  } finally {
    await p.close();
    await f.close();
  }
});

test('node answers that are final (CAS mismatch, not found) are relayed, not retried', async () => {
  const f = await fakeNodes(3, 1);
  const p = await proxyFor(f.nodes);
  try {
    assert.equal(await p.client.get('missing'), null);
    const reads = f.nodes.reduce((n, x) => n + x.seen.filter((s) => s.method === 'GET').length, 0);
    assert.equal(reads, 1, 'a 404 is an answer, not a failure');
  } finally {
    await p.close();
    await f.close();
  }
});

test('reads are spread over followers and fall back to the leader when followers cannot serve', async () => {
  const f = await fakeNodes(3, 1);
  const p = await proxyFor(f.nodes);
  try {
    await p.client.put('k', 'v');
    for (let i = 0; i < 20; i++) assert.equal(await p.client.get('k'), 'v');
    const gets = (n: FakeNode | undefined): number => n?.seen.filter((s) => s.method === 'GET').length ?? 0;
    assert.equal(gets(f.nodes[0]), 0, 'the leader is spared while followers serve');
    assert.ok(gets(f.nodes[1]) >= 5 && gets(f.nodes[2]) >= 5, `spread: ${gets(f.nodes[1])}/${gets(f.nodes[2])}`);
    for (const n of f.nodes.slice(1)) n.mode = 'read-fails';
    assert.equal(await p.client.get('k'), 'v');
    assert.equal(gets(f.nodes[0]), 1, 'fell back to the leader');
  } finally {
    await p.close();
    await f.close();
  }
});

test('the proxy status names the leader and every node', async () => {
  const f = await fakeNodes(3, 3);
  const p = await proxyFor(f.nodes);
  try {
    await p.client.put('a', 'b');
    const s = await p.client.status();
    assert.equal(s.kind, 'proxy');
    if (s.kind !== 'proxy') return;
    assert.equal(s.leader?.id, 3);
    assert.equal(s.nodes.length, 3);
  } finally {
    await p.close();
    await f.close();
  }
});

/** A tracker and router straight over fake nodes, with attempts that would wait a minute. */
function patientRouter(nodes: FakeNode[], pollMs: number): { router: ProxyRouter; tracker: LeaderTracker } {
  const tracker = new LeaderTracker({ nodes: new Map(nodes.map((n) => [n.id, n.url])), pollMs, statusTimeoutMs: 200, minRefreshGapMs: 15, connections: 8 });
  const router = new ProxyRouter(tracker, { deadlineMs: 60_000, attemptTimeoutMs: 60_000 });
  tracker.start();
  return { router, tracker };
}

test('a write stuck at a leader that never answers moves to the new leader as soon as the proxy learns of it', { timeout: 30_000 }, async () => {
  const f = await fakeNodes(3, 1);
  const { router, tracker } = patientRouter(f.nodes, 50);
  try {
    await router.put('a', '1', undefined);
    (f.nodes[0] as FakeNode).mode = 'hang'; // the leader is paused: requests reach it and wait forever
    const write = router.put('b', '2', undefined);
    await waitFor('the write at the paused leader', () => (f.nodes[0]?.seen.filter((s) => s.method === 'PUT').length ?? 0) === 2);
    setLeader(f.nodes, 2, 2); // the others elect node 2; the tracker's polling will see it
    const r = await write; // without moving on, this waits out the 60 s attempt
    assert.equal(r.value, '2');
    assert.equal(f.cluster.data.get('b'), '2');
    const retried = f.nodes[1]?.seen.find((s) => s.method === 'PUT');
    const first = f.nodes[0]?.seen.filter((s) => s.method === 'PUT')[1];
    assert.deepEqual([retried?.clientId, retried?.seq], [first?.clientId, first?.seq], 'the same (clientId, seq): applied at most once');
  } finally {
    await f.close(); // first: it answers the requests it held, so the tracker's pools can close
    await tracker.close();
  }
});

test('a read unanswered by a paused follower is also asked of the next node', { timeout: 30_000 }, async () => {
  const f = await fakeNodes(3, 1);
  const { router, tracker } = patientRouter(f.nodes, 0);
  try {
    await router.put('k', 'v', undefined);
    (f.nodes[1] as FakeNode).mode = 'hang';
    // Round-robin sends every other read to node 2 first; each must still be answered.
    for (let i = 0; i < 4; i++) assert.equal(await router.get('k', 'linearizable'), 'v');
    assert.ok((f.nodes[1]?.seen.filter((s) => s.method === 'GET').length ?? 0) >= 1, 'the paused follower was asked');
  } finally {
    await f.close(); // first: it answers the requests it held, so the tracker's pools can close
    await tracker.close();
  }
});
