// src/shared/undici-pool.ts loads undici's Pool from its deep paths (to skip fetch & co. at start-up);
// this proves the installed undici still works that way: requests, bodies, pipelining.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool } from '../../src/shared/undici-pool.js';

const server = createServer((req, res) => {
  let body = '';
  req.on('data', (c: Buffer) => (body += c.toString()));
  req.on('end', () => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ method: req.method, url: req.url, body }));
  });
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
after(() => new Promise<void>((r) => server.close(() => r())));

test('pool.request works from the deep import, pipelined on one connection', async () => {
  const pool = new Pool(origin, { connections: 1, pipelining: 4 });
  try {
    const answers = await Promise.all([1, 2, 3, 4, 5].map(async (i) => {
      const res = await pool.request({ method: 'POST', path: `/x/${i}`, body: `b${i}`, idempotent: true });
      assert.equal(res.statusCode, 200);
      return (await res.body.json()) as { method: string; url: string; body: string };
    }));
    assert.deepEqual(answers.map((a) => a.url), ['/x/1', '/x/2', '/x/3', '/x/4', '/x/5']);
    assert.deepEqual(answers.map((a) => a.body), ['b1', 'b2', 'b3', 'b4', 'b5']);
  } finally {
    await pool.close();
  }
});
