// KvBatcher against a scripted /batch server: concurrent calls leave as one request, each call gets
// its own answer or KvError, a call's own deadline holds inside a slow batch, the in-flight cap makes
// later calls wait and join one batch, and a whole-request failure is every call's failure.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { waitFor } from '../node/helpers.js';
import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import { KvBatcher, KvClient, KvError } from '../../src/client/index.js';

interface Op {
  op: string;
  key: string;
  value?: string;
}

let app: FastifyInstance;
let url = '';
const batches: Op[][] = [];
/** How the next /batch requests are answered. */
let mode: 'ok' | 'broken' | 'unauthorized' | 'hold' = 'ok';
const held: (() => void)[] = [];

before(async () => {
  app = Fastify({ logger: false, forceCloseConnections: true });
  app.post<{ Body: { ops: Op[] } }>('/batch', async (req, reply) => {
    const ops = req.body.ops;
    batches.push(ops);
    if (mode === 'unauthorized') return reply.code(401).send({ error: { code: 'UNAUTHORIZED', message: 'no', definite: true } });
    if (mode === 'broken') return { results: [] };
    if (mode === 'hold') await new Promise<void>((r) => held.push(r));
    return {
      results: ops.map((o) => {
        if (o.key === 'missing') return { status: 404, body: { error: { code: 'KEY_NOT_FOUND', message: 'none', definite: true } } };
        if (o.key === 'follower') return { status: 421, body: { error: { code: 'NOT_LEADER', message: 'ask 1', definite: true, leader: 'http://127.0.0.1:1' } } };
        if (o.op === 'get') return { status: 200, body: { key: o.key, value: `v(${o.key})` } };
        return { status: 200, body: { key: o.key, value: o.value, index: 7 } };
      }),
    };
  });
  url = await app.listen({ host: '127.0.0.1', port: 0 });
});

after(async () => {
  for (const h of held.splice(0)) h();
  await app.close();
});

function fresh(maxInFlight = 4): { b: KvBatcher; close: () => Promise<void> } {
  batches.length = 0;
  mode = 'ok';
  const client = new KvClient(url, { timeoutMs: 5000 });
  return { b: new KvBatcher(client, { maxInFlight }), close: () => client.close() };
}

test('calls made together leave as one batch and each gets its own answer', async () => {
  const { b, close } = fresh();
  try {
    const [p1, g1, g2, d1] = await Promise.all([b.put('a', '1'), b.get('a'), b.get('missing'), b.delete('x', { clientId: 'c', seq: 3 })]);
    assert.equal(batches.length, 1, 'one request');
    assert.deepEqual(batches[0]?.map((o) => o.op), ['put', 'get', 'get', 'delete']);
    assert.deepEqual(batches[0]?.[3], { op: 'delete', key: 'x', clientId: 'c', seq: 3 });
    assert.deepEqual(p1, { key: 'a', value: '1', index: 7 });
    assert.equal(g1, 'v(a)');
    assert.equal(g2, null, 'KEY_NOT_FOUND reads as null, as with KvClient');
    assert.equal(d1.key, 'x');
    await assert.rejects(b.put('follower', 'v'), (e: unknown) => e instanceof KvError && e.code === 'NOT_LEADER' && e.status === 421 && e.definite && e.leader === 'http://127.0.0.1:1');
    assert.equal(b.stats.ops, 5);
  } finally {
    await close();
  }
});

test('with every slot busy, new calls wait and then leave together', async () => {
  const { b, close } = fresh(1);
  mode = 'hold';
  try {
    const first = b.put('first', 'x');
    await waitFor('the first batch', () => batches.length === 1);
    const rest = Array.from({ length: 20 }, (_, i) => b.put(`k${i}`, 'v'));
    // Let the 20 calls queue while the only slot is taken.
    await new Promise((r) => setImmediate(r));
    assert.equal(batches.length, 1, 'nothing leaves while the slot is taken');
    mode = 'ok';
    for (const h of held.splice(0)) h();
    await Promise.all([first, ...rest]);
    assert.equal(batches.length, 2, 'the 20 waiting calls went as one batch');
    assert.equal(batches[1]?.length, 20);
  } finally {
    for (const h of held.splice(0)) h();
    await close();
  }
});

test("a call's own deadline holds even when its batch is slow", async () => {
  const { b, close } = fresh();
  mode = 'hold'; // the server keeps the batch until the quick call has given up
  try {
    const quick = b.get('slow', { timeoutMs: 50 });
    const patient = b.get('other', { timeoutMs: 30_000 });
    await assert.rejects(quick, (e: unknown) => e instanceof KvError && e.code === 'TIMEOUT' && !e.definite);
    await waitFor('the batch to reach the server', () => held.length === 1);
    for (const h of held.splice(0)) h();
    assert.equal(await patient, 'v(other)', 'the rest of the batch still gets its answer');
    assert.deepEqual(batches.at(-1)?.map((o) => o.key), ['slow', 'other'], 'both calls travelled in the one batch');
  } finally {
    for (const h of held.splice(0)) h();
    await close();
  }
});

test('a failed batch is every call’s failure, with the right definiteness', async () => {
  const { b, close } = fresh();
  try {
    mode = 'unauthorized';
    const r1 = await Promise.allSettled([b.put('a', '1'), b.get('b')]);
    for (const r of r1) assert.ok(r.status === 'rejected' && r.reason instanceof KvError && r.reason.code === 'UNAUTHORIZED' && r.reason.status === 401);
    mode = 'broken';
    const r2 = await Promise.allSettled([b.put('a', '1'), b.get('b')]);
    for (const r of r2) assert.ok(r.status === 'rejected' && r.reason instanceof KvError && r.reason.code === 'BAD_RESPONSE' && !r.reason.definite);
  } finally {
    await close();
  }
  // Nobody listening: refused before anything was sent, so definite.
  const dead = new KvClient('http://127.0.0.1:1', { timeoutMs: 2000 });
  try {
    const b = new KvBatcher(dead);
    await assert.rejects(b.put('a', '1'), (e: unknown) => e instanceof KvError && e.code === 'UNREACHABLE' && e.definite);
  } finally {
    await dead.close();
  }
});
