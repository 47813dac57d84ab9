// The proxy's HTTP doors: the same bad-input table as the nodes (answered by the proxy itself, before
// any node is asked), the original project's endpoints, a fuzz that must never yield a 5xx, and a
// slow client that gets 408 instead of holding a connection forever.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import fc from 'fast-check';
import Fastify from 'fastify';
import type { InjectOptions } from 'fastify';
import { buildProxyApp, startProxy } from '../../src/proxy/index.js';
import type { RunningProxy } from '../../src/proxy/index.js';
import { createLogger } from '../../src/shared/index.js';
import { hardenedServerOptions } from '../../src/shared/http/index.js';
import { KV_BAD_INPUTS } from '../node/bad-inputs.js';
import { errorOf } from '../node/helpers.js';
import { fakeNodes } from './fake-node.js';

const seed = process.env.SEED === undefined ? Math.floor(Math.random() * 0x7fffffff) : Number(process.env.SEED);
const json = { 'content-type': 'application/json' };

describe('proxy app', () => {
  let proxy: RunningProxy;
  let closeNodes: () => Promise<void>;
  before(async () => {
    const f = await fakeNodes(3, 1);
    closeNodes = f.close;
    proxy = await startProxy(
      { host: '127.0.0.1', port: 0, nodes: new Map(f.nodes.map((n) => [n.id, n.url])), deadlineMs: 1000, pollMs: 0, lifeline: false, logLevel: 'silent' },
      { log: createLogger({ level: 'silent' }) },
    );
  });
  after(async () => {
    await proxy.close();
    await closeNodes();
  });
  const inject = (o: InjectOptions) => proxy.app.inject(o);

  for (const c of KV_BAD_INPUTS) {
    test(`bad input → ${c.status} ${c.code}: ${c.name}`, async () => {
      const r = await inject({ method: c.method, url: c.url, ...(c.headers ? { headers: c.headers } : {}), ...(c.payload !== undefined ? { payload: c.payload } : {}) });
      assert.equal(r.statusCode, c.status, r.body.slice(0, 300));
      assert.equal(errorOf(r.body).code, c.code);
      assert.equal(errorOf(r.body).definite, true);
    });
  }

  const original: { name: string; opts: InjectOptions; status: number; code: string }[] = [
    { name: 'client_write without key', opts: { method: 'POST', url: '/client_write', headers: json, payload: { value: 'x' } }, status: 400, code: 'INVALID_BODY' },
    { name: 'client_write with a numeric key', opts: { method: 'POST', url: '/client_write', headers: json, payload: { key: 5, value: 'x' } }, status: 400, code: 'INVALID_KEY' },
    { name: 'client_write with an empty key', opts: { method: 'POST', url: '/client_write', headers: json, payload: { key: '', value: 'x' } }, status: 400, code: 'INVALID_KEY' },
    { name: 'client_write as text', opts: { method: 'POST', url: '/client_write', headers: { 'content-type': 'text/plain' }, payload: 'key=a' }, status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
    { name: 'client_read without key', opts: { method: 'GET', url: '/client_read' }, status: 400, code: 'INVALID_QUERY' },
    { name: 'client_read with a control character', opts: { method: 'GET', url: '/client_read?key=a%01' }, status: 400, code: 'INVALID_KEY' },
  ];
  for (const c of original) {
    test(`original endpoint, bad input → ${c.status} ${c.code}: ${c.name}`, async () => {
      const r = await inject(c.opts);
      assert.equal(r.statusCode, c.status, r.body);
      assert.equal(errorOf(r.body).code, c.code);
    });
  }

  test('the original endpoints write and read like PUT and GET', async () => {
    let r = await inject({ method: 'POST', url: '/client_write', headers: json, payload: { key: 'data1', value: 'hola' } });
    assert.equal(r.statusCode, 200, r.body);
    assert.equal(r.json().value, 'hola');
    r = await inject({ method: 'GET', url: '/client_read?key=data1' });
    assert.deepEqual(r.json(), { key: 'data1', value: 'hola' });
    r = await inject({ method: 'GET', url: '/kv/data1' });
    assert.deepEqual(r.json(), { key: 'data1', value: 'hola' });
    r = await inject({ method: 'GET', url: '/client_read?key=nothing' });
    assert.equal(r.statusCode, 404);
  });

  test('fuzz: no request yields a 5xx from the proxy itself', async (t) => {
    t.diagnostic(`seed=${seed}`);
    const seg = fc.oneof(fc.string({ unit: 'grapheme', maxLength: 10 }).map(encodeURIComponent), fc.constantFrom('kv', 'cas', '%', '%ZZ', '%00', 'client_write', 'client_read', '?key=', '?key=%FF'));
    const path = fc.tuple(fc.constantFrom('/kv/', '/', '/client_read?key=', '/kv/a/'), fc.array(seg, { maxLength: 3 })).map(([p, s]) => p + s.join('/'));
    const body = fc.option(fc.oneof(fc.json(), fc.record({ key: fc.oneof(fc.string(), fc.integer()), value: fc.oneof(fc.string(), fc.integer()) }).map((o) => JSON.stringify(o))), { nil: undefined });
    try {
      await fc.assert(
        fc.asyncProperty(fc.constantFrom('GET', 'PUT', 'POST', 'DELETE'), path, body, async (method, url, payload) => {
          const r = await inject({ method: method as 'GET', url, ...(payload !== undefined ? { headers: json, payload } : {}) });
          if (r.statusCode >= 500) throw new Error(`${method} ${url} → ${r.statusCode} ${r.body.slice(0, 200)}`);
        }),
        { seed, numRuns: 300 },
      );
    } catch (err) {
      console.error(`proxy app fuzz failed: seed=${seed}; replay with SEED=${seed} node scripts/run-tests.js proxy/app`);
      throw err;
    }
    assert.equal((await inject({ method: 'GET', url: '/status' })).statusCode, 200);
  });
});

test('a client that sends its headers too slowly gets 408 within the header timeout', async () => {
  const log = createLogger({ level: 'silent' });
  const limits = { bodyLimit: 1024, requestTimeoutMs: 800, headersTimeoutMs: 600 };
  const app = buildProxyApp({ router: {} as never, tracker: { view: () => ({ leader: null, nodes: [] }) } as never, log, startedAt: 0 }, limits);
  const url = new URL(await app.listen({ host: '127.0.0.1', port: 0 }));
  try {
    const started = performance.now();
    const answer = await new Promise<string>((resolve, reject) => {
      const sock = connect(Number(url.port), '127.0.0.1', () => sock.write('GET /status HTTP/1.1\r\nHost: x\r\n')); // never finishes the headers
      let got = '';
      sock.on('data', (d) => (got += d.toString()));
      sock.on('close', () => resolve(got));
      sock.on('error', reject);
      setTimeout(() => {
        sock.destroy();
        reject(new Error('no answer within 5 s'));
      }, 5000).unref();
    });
    const took = performance.now() - started;
    assert.match(answer, /^HTTP\/1\.1 408/);
    assert.ok(took < 3000, `took ${Math.round(took)} ms`);
  } finally {
    await app.close();
  }
  void Fastify; void hardenedServerOptions;
});
