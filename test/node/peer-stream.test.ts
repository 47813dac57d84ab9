// The peer message stream (peer-stream.ts): frames survive any cutting of the byte stream, the
// upgrade refuses what it should with a JSON error naming the problem, a bad frame closes only that
// stream, the sender reconnects to a restarted peer, and a peer that stops reading is cut loose.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, createServer } from 'node:net';
import type { Socket } from 'node:net';
import fc from 'fast-check';
import Fastify from 'fastify';
import { FaultFilter, HttpTransport } from '../../src/node/index.js';
import type { NodeConfig, NodeContext } from '../../src/node/index.js';
import { FrameReader, MAX_FRAME_BYTES, PEER_STREAM_PROTOCOL, encodeFrame } from '../../src/node/peer-stream.js';
import { raftRoutes } from '../../src/node/routes/raft-routes.js';
import type { Message } from '../../src/raft/index.js';
import { createLogger } from '../../src/shared/index.js';
import { hardenedServerOptions, installHardening } from '../../src/shared/http/index.js';
import { freePort, waitFor } from './helpers.js';

const log = createLogger({ level: 'silent' });
const seed = process.env.SEED === undefined ? Math.floor(Math.random() * 0x7fffffff) : Number(process.env.SEED);

const heartbeat = (from: number, to: number, commit: number): Message => ({ type: 'App', from, to, term: 1, prevLogIndex: 0, prevLogTerm: 0, entries: [], commit, readCtx: String(commit) }) as Message;

/** A member (id 2 of 1..3) running the real raft routes; `got` is what reached its driver. */
async function member(o: { token?: string; port?: number } = {}): Promise<{ url: string; port: number; got: Message[]; close: () => Promise<void> }> {
  const got: Message[] = [];
  const config = { id: 2, token: o.token, peers: new Map([1, 2, 3].map((m) => [m, 'http://127.0.0.1:1'])) } as unknown as NodeConfig;
  const ctx = { config, driver: { deliver: (ms: readonly Message[]) => void got.push(...ms) }, faults: new FaultFilter(), log } as unknown as NodeContext;
  const app = Fastify(hardenedServerOptions(undefined, log));
  installHardening(app, { token: o.token, log });
  await app.register(raftRoutes(ctx));
  const url = await app.listen({ host: '127.0.0.1', port: o.port ?? 0 });
  return { url, port: Number(new URL(url).port), got, close: () => app.close() };
}

/** Sends a raw upgrade request; resolves with the status line, the body, and the open socket. */
function upgrade(port: number, headers: string): Promise<{ status: number; body: string; socket: Socket }> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1');
    let got = '';
    s.on('error', reject);
    s.on('data', (c) => {
      got += c.toString('utf8');
      const end = got.indexOf('\r\n\r\n');
      if (end < 0) return;
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(got)?.[1]);
      if (status === 101 || s.readableEnded) resolve({ status, body: got.slice(end + 4), socket: s });
    });
    s.on('end', () => {
      const end = got.indexOf('\r\n\r\n');
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(got)?.[1]), body: got.slice(end + 4), socket: s });
    });
    s.write(`${headers}\r\n`);
  });
}

test('frames come out whole and in order however the byte stream is cut', (t) => {
  t.diagnostic(`seed=${seed}`);
  fc.assert(
    fc.property(fc.array(fc.string({ maxLength: 300, unit: 'binary' }), { maxLength: 20 }), fc.array(fc.integer({ min: 1, max: 97 }), { minLength: 1, maxLength: 10 }), (texts, cuts) => {
      const bytes = Buffer.concat(texts.map((x) => encodeFrame(x)));
      const reader = new FrameReader();
      const out: string[] = [];
      for (let at = 0, i = 0; at < bytes.length; i++) {
        const n = cuts[i % cuts.length] as number;
        const frames = reader.push(bytes.subarray(at, at + n));
        assert.ok(Array.isArray(frames), String(frames));
        for (const f of frames) out.push(f.toString('utf8'));
        at += n;
      }
      assert.deepEqual(out, texts);
      assert.equal(reader.buffered, 0);
    }),
    { seed, numRuns: 300 },
  );
});

test('a frame longer than the limit is refused before it is buffered', () => {
  const reader = new FrameReader(1024);
  const head = Buffer.alloc(4);
  head.writeUInt32BE(1025);
  assert.match(String(reader.push(head)), /frame of 1025 bytes is larger than the 1024 allowed/);
  assert.equal(new FrameReader().push(Buffer.from([0xff, 0xff, 0xff, 0xff])), `frame of ${0xffffffff} bytes is larger than the ${MAX_FRAME_BYTES} allowed`);
});

test('the upgrade refuses a wrong path, token, protocol or sender with a JSON error naming it', async () => {
  const m = await member({ token: 's3cret' });
  const base = (over: Record<string, string>): string => {
    const h: Record<string, string> = { Host: 'x', Connection: 'Upgrade', Upgrade: PEER_STREAM_PROTOCOL, 'X-Raft-From': '1', Authorization: 'Bearer s3cret', ...over };
    const path = h.Path ?? '/raft/stream';
    delete h.Path;
    return `GET ${path} HTTP/1.1\r\n${Object.entries(h).filter(([, v]) => v !== '').map(([k, v]) => `${k}: ${v}\r\n`).join('')}`;
  };
  try {
    const cases: Array<[Record<string, string>, number, RegExp]> = [
      [{ Path: '/kv/a' }, 400, /only GET \/raft\/stream may ask for an upgrade/],
      [{ Authorization: 'Bearer nope' }, 401, /missing or wrong bearer token/],
      [{ Authorization: '' }, 401, /missing or wrong bearer token/],
      [{ Upgrade: 'websocket' }, 400, /upgrade must be raft-batches\/1/],
      [{ 'X-Raft-From': '2' }, 400, /X-Raft-From must be another member's id \(1, 3\)/],
      [{ 'X-Raft-From': '9' }, 400, /X-Raft-From/],
      [{ 'X-Raft-From': 'abc' }, 400, /X-Raft-From/],
    ];
    for (const [over, status, message] of cases) {
      const r = await upgrade(m.port, base(over));
      r.socket.destroy();
      assert.equal(r.status, status, JSON.stringify(over));
      const body = JSON.parse(r.body) as { error: { code: string; message: string } };
      assert.match(body.error.message, message, JSON.stringify(over));
    }
    // The right request is switched, and its frames reach the driver.
    const ok = await upgrade(m.port, base({}));
    assert.equal(ok.status, 101);
    ok.socket.write(encodeFrame(JSON.stringify({ from: 1, messages: [heartbeat(1, 2, 7)] })));
    await waitFor('the framed message', () => m.got.length === 1);
    // A frame that is not a valid batch closes that stream, and only it.
    const closed = new Promise<void>((r) => ok.socket.on('close', () => r()));
    ok.socket.write(encodeFrame(JSON.stringify({ from: 1, messages: [{ type: 'App', from: 1, to: 2 }] })));
    await closed;
    const again = await upgrade(m.port, base({ 'X-Raft-From': '3' }));
    assert.equal(again.status, 101);
    again.socket.write(encodeFrame(JSON.stringify({ from: 1, messages: [heartbeat(1, 2, 8)] })));
    const closedToo = new Promise<void>((r) => again.socket.on('close', () => r()));
    await closedToo; // a batch claiming another sender than the stream's
    assert.equal(m.got.length, 1, 'nothing from the bad frames reached the core');
  } finally {
    await m.close();
  }
});

test('the sender reconnects to a peer that restarted on the same port, with the token', async () => {
  let m = await member({ token: 't' });
  const faults = new FaultFilter();
  const t = new HttpTransport({ self: 1, peers: new Map([[1, 'http://127.0.0.1:1'], [2, m.url]]), token: 't', timeoutMs: 1000, faults, log });
  try {
    t.send([heartbeat(1, 2, 1)]);
    await waitFor('the first message', () => m.got.length === 1);
    const port = m.port;
    await m.close();
    m = await member({ token: 't', port });
    let n = 1;
    await waitFor('a message on a new stream', () => {
      t.send([heartbeat(1, 2, ++n)]);
      return m.got.length > 0;
    }, 10_000, 50);
    assert.equal(t.reachability()[2], true);
  } finally {
    await t.close();
    await m.close();
  }
});

test('a peer that accepts the stream and then stops reading is cut loose after the timeout', async () => {
  // A "SIGSTOPped" peer after the handshake: answers 101, then never reads again.
  const sockets: Socket[] = [];
  const frozen = createServer((s) => {
    sockets.push(s);
    s.once('data', () => {
      s.write(`HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: ${PEER_STREAM_PROTOCOL}\r\n\r\n`);
      s.pause();
    });
  });
  await new Promise<void>((r) => frozen.listen(0, '127.0.0.1', r));
  const port = (frozen.address() as { port: number }).port;
  const t = new HttpTransport({ self: 1, peers: new Map([[1, 'http://127.0.0.1:1'], [2, `http://127.0.0.1:${port}`]]), timeoutMs: 800, faults: new FaultFilter(), log });
  try {
    const big = 'v'.repeat(1024 * 1024);
    let i = 0;
    // Enough data to fill the kernel's buffers both ways; then the stall timer runs out.
    await waitFor('the frozen peer to be marked unreachable', () => {
      if (i < 64) {
        i++;
        t.send([{ type: 'App', from: 1, to: 2, term: 1, prevLogIndex: i - 1, prevLogTerm: 1, entries: [{ index: i, term: 1, type: 'normal', data: big }], commit: 0 }]);
      }
      return t.reachability()[2] === false;
    }, 15_000, 25);
  } finally {
    await t.close();
    for (const s of sockets) s.destroy();
    await new Promise((r) => frozen.close(r));
  }
});

test('a dead port is reported unreachable', async () => {
  const port = await freePort();
  const t = new HttpTransport({ self: 1, peers: new Map([[1, 'http://127.0.0.1:1'], [2, `http://127.0.0.1:${port}`]]), timeoutMs: 500, faults: new FaultFilter(), log });
  try {
    t.send([heartbeat(1, 2, 1)]);
    await waitFor('unreachable', () => t.reachability()[2] === false, 5000);
  } finally {
    await t.close();
  }
});
