// The node's HTTP doors, through fastify inject() against a real one-node cluster (core, KV and
// storage in a temp dir): the happy paths, exactly-once stamps, every bad input in the table, the
// token, the admin API's loopback rule, and a fuzz that must never produce a 5xx.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { KV_BAD_INPUTS } from './bad-inputs.js';
import { errorOf, startSingleNode, testNodeConfig } from './helpers.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startNode } from '../../src/node/index.js';
import { createLogger } from '../../src/shared/index.js';
import type { InjectOptions } from 'fastify';
import type { RunningNode } from '../../src/node/index.js';

const seed = process.env.SEED === undefined ? Math.floor(Math.random() * 0x7fffffff) : Number(process.env.SEED);
const json = { 'content-type': 'application/json' };

describe('node app', () => {
  let node: RunningNode;
  let close: () => Promise<void>;
  before(async () => {
    ({ node, close } = await startSingleNode({ enableFaults: true }));
  });
  after(async () => close());

  const inject = (o: InjectOptions) => node.app.inject(o);

  test('POST /raft/hello: another member\'s id is accepted, anything else is a 400 naming the rule', async () => {
    for (const payload of [{}, { from: 'x' }, { from: 1 }, { from: 99 }, { from: 2.5 }]) {
      const r = await inject({ method: 'POST', url: '/raft/hello', headers: json, payload });
      assert.equal(r.statusCode, 400, `${JSON.stringify(payload)}: ${r.body}`);
      assert.match(errorOf(r.body).message, /another member's id/);
    }
    // A member of a three-node configuration whose peers are down: a hello from one is accepted.
    const tmp = mkdtempSync(join(tmpdir(), 'rs-hello-'));
    const three = await startNode(testNodeConfig(tmp, { peers: new Map([[1, 'http://127.0.0.1:1'], [2, 'http://127.0.0.1:2'], [3, 'http://127.0.0.1:3']]) }), { log: createLogger({ level: 'silent' }) });
    try {
      for (const from of [2, 3]) {
        const r = await three.app.inject({ method: 'POST', url: '/raft/hello', headers: json, payload: { from } });
        assert.equal(r.statusCode, 204, r.body);
      }
    } finally {
      await three.close();
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  test('snapshot chunks: a bad id, offset or query is a 400 naming it; a good chunk is accepted', async () => {
    const oct = { 'content-type': 'application/octet-stream' };
    const cases: [string, number, string, string][] = [
      ['/raft/snapshot/bad%20id?offset=0', 400, 'BAD_REQUEST', 'snapshot id'],
      [`/raft/snapshot/${'x'.repeat(101)}?offset=0`, 400, 'BAD_REQUEST', 'snapshot id'],
      ['/raft/snapshot/2-10-abc', 400, 'INVALID_QUERY', 'offset'],
      ['/raft/snapshot/2-10-abc?offset=-1', 400, 'INVALID_QUERY', 'offset'],
      ['/raft/snapshot/2-10-abc?offset=1234567890123456', 400, 'INVALID_QUERY', 'offset'],
      ['/raft/snapshot/2-10-abc?offset=0&offset=1', 400, 'INVALID_QUERY', 'offset'],
      ['/raft/snapshot/2-10-abc?offset=0&x=1', 400, 'INVALID_QUERY', '"x"'],
    ];
    for (const [url, status, code, names] of cases) {
      const r = await inject({ method: 'PUT', url, headers: oct, payload: Buffer.from('abc') });
      assert.equal(r.statusCode, status, `${url}: ${r.body}`);
      assert.equal(errorOf(r.body).code, code, url);
      assert.match(errorOf(r.body).message, new RegExp(names.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')), url);
    }
    const ok = await inject({ method: 'PUT', url: '/raft/snapshot/2-10-abc?offset=0', headers: oct, payload: Buffer.from('abc') });
    assert.equal(ok.statusCode, 204, ok.body);
    const del = await inject({ method: 'DELETE', url: '/raft/snapshot/2-10-abc' });
    assert.equal(del.statusCode, 204, del.body);
  });

  test('put, get, delete and cas answer as SPEC says', async () => {
    let r = await inject({ method: 'PUT', url: '/kv/greeting', headers: json, payload: { value: 'hola' } });
    assert.equal(r.statusCode, 200, r.body);
    const put = r.json();
    assert.equal(put.key, 'greeting');
    assert.equal(put.value, 'hola');
    assert.ok(Number.isInteger(put.index) && put.index > 1);

    r = await inject({ method: 'GET', url: '/kv/greeting' });
    assert.deepEqual(r.json(), { key: 'greeting', value: 'hola' });
    r = await inject({ method: 'GET', url: '/kv/greeting?consistency=stale' });
    assert.deepEqual(r.json(), { key: 'greeting', value: 'hola' });

    r = await inject({ method: 'POST', url: '/kv/greeting/cas', headers: json, payload: { from: 'adios', to: 'x' } });
    assert.equal(r.statusCode, 409);
    assert.equal(errorOf(r.body).code, 'CAS_MISMATCH');
    assert.equal(errorOf(r.body).definite, true);
    assert.equal(r.json().error.current, 'hola');

    r = await inject({ method: 'POST', url: '/kv/greeting/cas', headers: json, payload: { from: 'hola', to: 'mundo' } });
    assert.equal(r.statusCode, 200, r.body);
    assert.equal(r.json().value, 'mundo');

    r = await inject({ method: 'POST', url: '/kv/fresh/cas', headers: json, payload: { from: null, to: 'new' } });
    assert.equal(r.statusCode, 200, r.body);

    r = await inject({ method: 'DELETE', url: '/kv/greeting' });
    assert.equal(r.statusCode, 200);
    assert.equal(r.json().deleted, true);
    r = await inject({ method: 'DELETE', url: '/kv/greeting' });
    assert.equal(r.json().deleted, false);
    r = await inject({ method: 'GET', url: '/kv/greeting' });
    assert.equal(r.statusCode, 404);
    assert.equal(errorOf(r.body).code, 'KEY_NOT_FOUND');
  });

  test('keys may hold any printable UTF-8, slashes and spaces included, up to 1024 bytes', async () => {
    for (const key of ['a/b/c', 'with space', 'ñandú 🦆', 'k'.repeat(1024), 'é'.repeat(512)]) {
      const url = `/kv/${encodeURIComponent(key)}`;
      let r = await inject({ method: 'PUT', url, headers: json, payload: { value: key } });
      assert.equal(r.statusCode, 200, `${key.slice(0, 20)}: ${r.body}`);
      r = await inject({ method: 'GET', url });
      assert.deepEqual(r.json(), { key, value: key });
    }
  });

  test('a value of exactly 1 MiB is accepted', async () => {
    const value = 'v'.repeat(1024 * 1024);
    const r = await inject({ method: 'PUT', url: '/kv/big', headers: json, payload: JSON.stringify({ value }) });
    assert.equal(r.statusCode, 200, r.body.slice(0, 300));
  });

  test('a retried write with the same clientId/seq is applied once and answered with the first result', async () => {
    const stamp = { 'x-client-id': 'client-A', 'x-request-seq': '7' };
    const first = await inject({ method: 'PUT', url: '/kv/counter', headers: { ...json, ...stamp }, payload: { value: 'one' } });
    assert.equal(first.statusCode, 200);
    await inject({ method: 'PUT', url: '/kv/counter', headers: json, payload: { value: 'two' } });
    const retry = await inject({ method: 'PUT', url: '/kv/counter', headers: { ...json, ...stamp }, payload: { value: 'one' } });
    assert.equal(retry.statusCode, 200);
    assert.deepEqual(retry.json(), first.json(), 'the retry gets the first answer, index included');
    const r = await inject({ method: 'GET', url: '/kv/counter' });
    assert.equal(r.json().value, 'two', 'the retry did not apply again');
    // The same stamp carried in the body instead of headers.
    const viaBody = await inject({ method: 'PUT', url: '/kv/counter', headers: json, payload: { value: 'one', clientId: 'client-A', seq: 7 } });
    assert.deepEqual(viaBody.json(), first.json());
  });

  test('status reports the SPEC fields', async () => {
    const r = await inject({ method: 'GET', url: '/status' });
    assert.equal(r.statusCode, 200);
    const s = r.json();
    for (const f of ['id', 'role', 'term', 'leader', 'commitIndex', 'appliedIndex', 'lastLogIndex', 'snapshotIndex']) assert.ok(f in s, `status has ${f}`);
    assert.equal(s.role, 'leader');
    assert.equal(s.leader.id, 1);
    assert.ok(Array.isArray(s.peers), 'the leader lists its peers');
  });

  test('POST /batch answers each operation as its own request would, in order', async () => {
    const r = await inject({
      method: 'POST',
      url: '/batch',
      headers: json,
      payload: {
        ops: [
          { op: 'put', key: 'b1', value: 'one', clientId: 'batcher', seq: 1 },
          { op: 'put', key: 'b2', value: 'two' },
          { op: 'put', key: 'bad\u0000key', value: 'x' },
          { op: 'put', key: 'b3', value: 'x', ttl: 5 },
          { op: 'frobnicate', key: 'b1' },
          { op: 'cas', key: 'b2', from: 'nope', to: 'three' },
          { op: 'get', key: 'never-written-b' },
          { op: 'get', key: 'b1', consistency: 'eventual' },
          { op: 'put', key: 'b4', value: 'x', clientId: 'batcher' },
        ],
      },
    });
    assert.equal(r.statusCode, 200, r.body);
    const { results } = r.json() as { results: { status: number; body: { key?: string; value?: string; index?: number; error?: { code: string; definite: boolean } } }[] };
    assert.equal(results.length, 9);
    const codes = results.map((x) => x.body.error?.code ?? x.status);
    assert.deepEqual(codes, [200, 200, 'INVALID_KEY', 'INVALID_BODY', 'INVALID_BODY', 'CAS_MISMATCH', 'KEY_NOT_FOUND', 'INVALID_BODY', 'INVALID_BODY']);
    assert.deepEqual(results.map((x) => x.status), [200, 200, 400, 400, 400, 409, 404, 400, 400]);
    assert.equal(results[0]?.body.value, 'one');
    assert.ok(results.every((x) => x.status === 200 || x.body.error?.definite === true), 'every refusal is definite');

    // The writes happened; the refused ones did not; a retried (clientId, seq) applies once.
    const again = await inject({ method: 'POST', url: '/batch', headers: json, payload: { ops: [{ op: 'put', key: 'b1', value: 'changed?', clientId: 'batcher', seq: 1 }, { op: 'get', key: 'b1' }, { op: 'get', key: 'b2' }, { op: 'get', key: 'b3' }, { op: 'delete', key: 'b2' }] } });
    const res2 = (again.json() as { results: { status: number; body: Record<string, unknown> }[] }).results;
    assert.deepEqual(res2[0]?.body, results[0]?.body, 'the retry is answered with the first result');
    assert.equal(res2[1]?.body.value, 'one');
    assert.equal(res2[2]?.body.value, 'two');
    assert.equal(res2[3]?.status, 404);
    assert.equal(res2[4]?.body.deleted, true);
    const single = await inject({ method: 'GET', url: '/kv/b1' });
    assert.deepEqual(single.json(), { key: 'b1', value: 'one' });
  });

  for (const c of KV_BAD_INPUTS) {
    test(`bad input → ${c.status} ${c.code}: ${c.name}`, async () => {
      const r = await inject({ method: c.method, url: c.url, ...(c.headers ? { headers: c.headers } : {}), ...(c.payload !== undefined ? { payload: c.payload } : {}) });
      assert.equal(r.statusCode, c.status, r.body.slice(0, 300));
      const e = errorOf(r.body);
      assert.equal(e.code, c.code);
      assert.equal(e.definite, true);
      assert.equal(typeof e.message, 'string');
      assert.ok(!/at .*\.js:\d+/.test(r.body), 'no stack trace in the answer');
    });
  }

  const peerBad: { name: string; payload: unknown; status: number; code: string }[] = [
    { name: 'not a batch', payload: [1, 2, 3], status: 400, code: 'BAD_REQUEST' },
    { name: 'from an unknown node', payload: { from: 9, messages: [] }, status: 400, code: 'BAD_REQUEST' },
    { name: 'message for another node', payload: { from: 1, messages: [] }, status: 400, code: 'BAD_REQUEST' },
  ];
  for (const c of peerBad) {
    test(`bad peer input → ${c.status} ${c.code}: ${c.name}`, async () => {
      const r = await inject({ method: 'POST', url: '/raft/messages', headers: json, payload: JSON.stringify(c.payload) });
      assert.equal(r.statusCode, c.status, r.body);
      assert.equal(errorOf(r.body).code, c.code);
    });
  }

  test('admin endpoints answer on loopback and refuse other addresses', async () => {
    let r = await inject({ method: 'PUT', url: '/admin/faults', headers: json, payload: { dropTo: [2], loss: 0.5 } });
    assert.equal(r.statusCode, 200, r.body);
    assert.deepEqual(r.json().dropTo, [2]);
    r = await inject({ method: 'PUT', url: '/admin/faults', headers: json, payload: { loss: 2 } });
    assert.equal(r.statusCode, 400);
    assert.equal(errorOf(r.body).code, 'INVALID_BODY');
    r = await inject({ method: 'DELETE', url: '/admin/faults' });
    assert.deepEqual(r.json().dropTo, []);
    r = await inject({ method: 'GET', url: '/admin/faults', remoteAddress: '10.1.2.3' });
    assert.equal(r.statusCode, 403);
    assert.equal(errorOf(r.body).code, 'FORBIDDEN');
  });

  test('fuzz: no path, method, header or body yields a 5xx, and the node keeps serving', async (t) => {
    t.diagnostic(`seed=${seed}`);
    const segment = fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 12 }).map((s) => encodeURIComponent(s)),
      fc.constantFrom('kv', 'cas', 'status', 'raft', 'messages', 'admin', 'faults', '..', '%', '%ZZ', '%00', '%C0%AF', '', '?', '?consistency=stale', '?consistency=1'),
    );
    const path = fc.array(segment, { minLength: 0, maxLength: 4 }).chain((segs) =>
      fc.constantFrom('/kv/', '/', '/raft/', '/admin/', '/kv/x/').map((prefix) => prefix + segs.join('/')),
    );
    const body = fc.oneof(
      fc.json().map((j) => ({ ct: 'application/json', payload: j })),
      fc.record({ value: fc.oneof(fc.string(), fc.integer(), fc.constant(null)), clientId: fc.option(fc.string(), { nil: undefined }), seq: fc.option(fc.integer(), { nil: undefined }) }).map((o) => ({ ct: 'application/json', payload: JSON.stringify(o) })),
      fc.string().map((s) => ({ ct: 'text/plain', payload: s })),
      fc.string().map((s) => ({ ct: 'application/octet-stream', payload: s })),
      fc.constant(undefined),
    );
    const headers = fc.record({ 'x-client-id': fc.option(fc.string({ maxLength: 20 }).filter((s) => /^[\x20-\x7e]*$/.test(s)), { nil: undefined }), 'x-request-seq': fc.option(fc.string({ maxLength: 8 }).filter((s) => /^[\x20-\x7e]*$/.test(s)), { nil: undefined }) });
    try {
      await fc.assert(
        fc.asyncProperty(fc.constantFrom('GET', 'PUT', 'POST', 'DELETE', 'PATCH'), path, body, headers, async (method, url, b, h) => {
          const hs: Record<string, string> = {};
          for (const [k, v] of Object.entries(h)) if (v !== undefined) hs[k] = v;
          if (b) hs['content-type'] = b.ct;
          const r = await inject({ method: method as 'GET', url, headers: hs, ...(b ? { payload: b.payload } : {}) });
          if (r.statusCode >= 500) throw new Error(`${method} ${url} → ${r.statusCode} ${r.body.slice(0, 200)}`);
          if (r.statusCode >= 400) assert.ok(errorOf(r.body).code, 'errors carry a code');
        }),
        { seed, numRuns: 400 },
      );
    } catch (err) {
      console.error(`node app fuzz failed: seed=${seed}; replay with SEED=${seed} node scripts/run-tests.js node/app`);
      throw err;
    }
    const r = await inject({ method: 'PUT', url: '/kv/after-fuzz', headers: json, payload: { value: 'still here' } });
    assert.equal(r.statusCode, 200);
    assert.equal((await inject({ method: 'GET', url: '/status' })).statusCode, 200);
  });
});

describe('node app with a token', () => {
  let node: RunningNode;
  let close: () => Promise<void>;
  before(async () => {
    ({ node, close } = await startSingleNode({ token: 'secret-token-1' }));
  });
  after(async () => close());

  test('every endpoint wants the bearer token', async () => {
    for (const url of ['/status', '/kv/a', '/raft/messages', '/admin/transfer-leadership']) {
      const r = await node.app.inject({ method: 'GET', url });
      assert.equal(r.statusCode, 401, url);
      assert.equal(errorOf(r.body).code, 'UNAUTHORIZED');
    }
    const wrong = await node.app.inject({ method: 'GET', url: '/status', headers: { authorization: 'Bearer secret-token-2' } });
    assert.equal(wrong.statusCode, 401);
    const ok = await node.app.inject({ method: 'GET', url: '/status', headers: { authorization: 'Bearer secret-token-1' } });
    assert.equal(ok.statusCode, 200);
  });
});

describe('node app on a follower', () => {
  test('writes without a known leader are 503 NO_QUORUM (definite); stale reads still work', async () => {
    // Three members, two of which do not exist: this node can never win an election.
    const { node, close } = await (async () => {
      const { tempDir, testNodeConfig } = await import('./helpers.js');
      const { startNode } = await import('../../src/node/index.js');
      const { createLogger } = await import('../../src/shared/index.js');
      const tmp = await tempDir();
      const n = await startNode(
        testNodeConfig(tmp.dir, { peers: new Map([[1, 'http://127.0.0.1:1'], [2, 'http://127.0.0.1:2'], [3, 'http://127.0.0.1:3']]) }),
        { log: createLogger({ level: 'silent' }) },
      );
      return { node: n, close: async () => { await n.close(); await tmp.cleanup(); } };
    })();
    try {
      const r = await node.app.inject({ method: 'PUT', url: '/kv/a', headers: json, payload: { value: 'x' } });
      assert.equal(r.statusCode, 503, r.body);
      assert.equal(errorOf(r.body).code, 'NO_QUORUM');
      assert.equal(errorOf(r.body).definite, true);
      const lin = await node.app.inject({ method: 'GET', url: '/kv/a' });
      assert.equal(lin.statusCode, 503, lin.body);
      const stale = await node.app.inject({ method: 'GET', url: '/kv/a?consistency=stale' });
      assert.equal(stale.statusCode, 404);
      assert.equal(errorOf(stale.body).code, 'KEY_NOT_FOUND');
    } finally {
      await close();
    }
  });
});
