// The peer transport and its fault filter, over real sockets on loopback: batching on the message
// stream, one-way and two-way cuts, loss and delay, a dead or frozen peer never holding up a healthy
// one, a restarted peer reconnected to, and chunked InstallSnapshot reassembled whole on the other side.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import { FaultFilter, HttpTransport, SnapshotReceiver, memoryIncomingSnapshot } from '../../src/node/index.js';
import type { NodeConfig, NodeContext } from '../../src/node/index.js';
import { raftRoutes } from '../../src/node/routes/raft-routes.js';
import type { Message } from '../../src/raft/index.js';
import { createLogger } from '../../src/shared/index.js';
import { hardenedServerOptions, installHardening } from '../../src/shared/http/index.js';
import { freePort, waitFor } from './helpers.js';

const log = createLogger({ level: 'silent' });
const seed = process.env.SEED === undefined ? Math.floor(Math.random() * 0x7fffffff) : Number(process.env.SEED);

/** A peer that runs the real raft routes and records what reaches its "driver" (`received` counts batches before the fault filter). */
async function receiver(id: number, members: number[], faults = new FaultFilter(), port = 0): Promise<{ app: FastifyInstance; url: string; got: Message[]; batches: number; received: number; faults: FaultFilter }> {
  const got: Message[] = [];
  const state = { batches: 0, received: 0 };
  const dropsFrom = faults.dropsFrom.bind(faults);
  faults.dropsFrom = (peer) => {
    state.received++;
    return dropsFrom(peer);
  };
  const driver = { deliver: (ms: readonly Message[]) => { state.batches++; got.push(...ms); } };
  const config = { id, peers: new Map(members.map((m) => [m, 'http://127.0.0.1:1'])) } as unknown as NodeConfig;
  const ctx = { config, driver, faults, snapshots: new SnapshotReceiver(() => memoryIncomingSnapshot(), log), log, startedAt: 0 } as unknown as NodeContext;
  const app = Fastify(hardenedServerOptions(undefined, log));
  installHardening(app, { log });
  await app.register(raftRoutes(ctx));
  const url = await app.listen({ host: '127.0.0.1', port });
  return { app, url, got, get batches() { return state.batches; }, get received() { return state.received; }, faults };
}

const heartbeat = (from: number, to: number, commit = 0): Message => ({ type: 'App', from, to, term: 1, prevLogIndex: 0, prevLogTerm: 0, entries: [], commit });

/** A heartbeat that confirms a read: never delayed or dropped by the transport. */
const readBeat = (from: number, to: number, commit: number): Message => ({ ...heartbeat(from, to, commit), readCtx: String(commit) }) as Message;

test('messages to one peer are batched into few frames and arrive in order', async () => {
  const r2 = await receiver(2, [1, 2]);
  const faults = new FaultFilter();
  const t = new HttpTransport({ self: 1, peers: new Map([[1, 'http://127.0.0.1:1'], [2, r2.url]]), timeoutMs: 1000, faults, log });
  try {
    for (let i = 1; i <= 200; i++) t.send([readBeat(1, 2, i)]);
    await waitFor('200 messages', () => r2.got.length === 200);
    assert.deepEqual(r2.got.map((m) => (m as { commit: number }).commit), Array.from({ length: 200 }, (_, i) => i + 1));
    assert.ok(r2.batches < 200, `${r2.batches} frames for 200 messages`);
  } finally {
    await t.close();
    await r2.app.close();
  }
});

test('a bare append waits briefly for company and is dropped when a later append supersedes it', async () => {
  const r2 = await receiver(2, [1, 2]);
  const t = new HttpTransport({ self: 1, peers: new Map([[1, 'http://127.0.0.1:1'], [2, r2.url]]), timeoutMs: 1000, faults: new FaultFilter(), log });
  try {
    // Alone, it still goes (after the short wait).
    t.send([heartbeat(1, 2, 1)]);
    await waitFor('the lone heartbeat', () => r2.got.length === 1);
    // A burst of commit announcements: only the newest needs to arrive.
    for (let i = 2; i <= 200; i++) t.send([heartbeat(1, 2, i)]);
    await waitFor('the newest announcement', () => r2.got.some((m) => (m as { commit: number }).commit === 200));
    assert.ok(r2.got.length < 50, `${r2.got.length} of 200 bare appends were sent`);
    const commits = r2.got.map((m) => (m as { commit: number }).commit);
    assert.deepEqual(commits, [...commits].sort((a, b) => a - b), 'still in order');
    // A bare append followed by one that confirms a read: the read's goes at once and carries the news.
    const before = r2.got.length;
    t.send([heartbeat(1, 2, 201)]);
    t.send([readBeat(1, 2, 202)]);
    await waitFor('the read confirmation', () => r2.got.length > before);
    assert.deepEqual(r2.got.slice(before).map((m) => (m as { commit: number }).commit), [202]);
  } finally {
    await t.close();
    await r2.app.close();
  }
});

test('dropTo cuts one direction to one peer; dropFrom cuts on the receiving side; heal restores both', async () => {
  const r2 = await receiver(2, [1, 2, 3]);
  const r3 = await receiver(3, [1, 2, 3]);
  const faults = new FaultFilter();
  const t = new HttpTransport({ self: 1, peers: new Map([[1, 'http://127.0.0.1:1'], [2, r2.url], [3, r3.url]]), timeoutMs: 1000, faults, log });
  try {
    faults.set({ dropTo: [2] });
    t.send([heartbeat(1, 2, 1), heartbeat(1, 3, 1)]);
    await waitFor('node 3 to get its message', () => r3.got.length === 1);
    r3.faults.set({ dropFrom: [1] });
    const before = r3.received;
    t.send([heartbeat(1, 2, 2), heartbeat(1, 3, 2)]);
    await waitFor('node 3 to receive (and discard) the batch', () => r3.received > before);
    faults.heal();
    r3.faults.heal();
    t.send([heartbeat(1, 2, 3), heartbeat(1, 3, 3)]);
    await waitFor('both to get the post-heal message', () => r2.got.length === 1 && r3.got.length === 2);
    assert.deepEqual(r2.got.map((m) => (m as { commit: number }).commit), [3], 'node 2 saw nothing while cut');
    assert.deepEqual(r3.got.map((m) => (m as { commit: number }).commit), [1, 3], 'node 3 discarded what came while it dropped from 1');
  } finally {
    await t.close();
    await Promise.all([r2.app.close(), r3.app.close()]);
  }
});

test('delay holds every outgoing batch; loss drops batches at the configured rate', async (t) => {
  t.diagnostic(`seed=${seed}`);
  const r2 = await receiver(2, [1, 2]);
  const faults = new FaultFilter();
  const tr = new HttpTransport({ self: 1, peers: new Map([[1, 'http://127.0.0.1:1'], [2, r2.url]]), timeoutMs: 1000, faults, log });
  try {
    faults.set({ delayMs: 150 });
    const started = performance.now();
    tr.send([heartbeat(1, 2, 1)]);
    await waitFor('the delayed message', () => r2.got.length === 1);
    assert.ok(performance.now() - started >= 140, 'delivered no earlier than the delay');
    // A fresh, idle transport: its batch is drawn (and lost) at once, not merged with a later one.
    const lossy = new FaultFilter();
    const tl = new HttpTransport({ self: 1, peers: new Map([[1, 'http://127.0.0.1:1'], [2, r2.url]]), timeoutMs: 1000, faults: lossy, log });
    lossy.set({ loss: 1 });
    tl.send([heartbeat(1, 2, 2)]);
    lossy.heal();
    tl.send([heartbeat(1, 2, 3)]);
    await waitFor('the message after loss', () => r2.got.some((m) => (m as { commit: number }).commit === 3));
    await tl.close();
    assert.ok(!r2.got.some((m) => (m as { commit: number }).commit === 2), 'the batch sent at loss=1 was dropped');
  } finally {
    await tr.close();
    await r2.app.close();
  }
  // The loss draw itself, with a seeded source: close to the configured rate.
  let x = seed >>> 0 || 1;
  const rand = (): number => ((x = (Math.imul(x, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const f = new FaultFilter(rand);
  f.set({ loss: 0.3 });
  let lost = 0;
  for (let i = 0; i < 2000; i++) if (f.losesBatch()) lost++;
  assert.ok(lost > 450 && lost < 750, `lost ${lost}/2000 at loss=0.3 (seed=${seed})`);
});

test('a dead peer and a frozen peer never hold up a healthy one', async () => {
  const healthy = await receiver(2, [1, 2, 3, 4]);
  const deadPort = await freePort(); // nothing listens there
  // A "SIGSTOPped" peer: accepts connections, reads, never answers.
  const sockets: Socket[] = [];
  const frozen: Server = createServer((s) => { sockets.push(s); s.on('data', () => undefined); });
  await new Promise<void>((r) => frozen.listen(0, '127.0.0.1', r));
  const frozenPort = (frozen.address() as { port: number }).port;
  const faults = new FaultFilter();
  const t = new HttpTransport({
    self: 1,
    peers: new Map([[1, 'http://127.0.0.1:1'], [2, healthy.url], [3, `http://127.0.0.1:${deadPort}`], [4, `http://127.0.0.1:${frozenPort}`]]),
    timeoutMs: 2000,
    faults,
    log,
  });
  try {
    for (let round = 1; round <= 5; round++) {
      const sent = performance.now();
      t.send([heartbeat(1, 2, round), heartbeat(1, 3, round), heartbeat(1, 4, round)]);
      await waitFor(`round ${round} at the healthy peer`, () => healthy.got.length === round, 1500, 2);
      const took = performance.now() - sent;
      assert.ok(took < 1000, `round ${round} took ${Math.round(took)} ms while the frozen peer hangs for 2000 ms`);
    }
  } finally {
    await t.close();
    await healthy.app.close();
    for (const s of sockets) s.destroy();
    await new Promise((r) => frozen.close(r));
  }
});

test('an InstallSnapshot travels in chunks and reaches the core whole', async () => {
  const r2 = await receiver(2, [1, 2]);
  const faults = new FaultFilter();
  const t = new HttpTransport({ self: 1, peers: new Map([[1, 'http://127.0.0.1:1'], [2, r2.url]]), timeoutMs: 1000, faults, log, chunkBytes: 64 * 1024 });
  try {
    // Multi-byte characters, so chunk boundaries split UTF-8 sequences.
    const data = 'ñandú 🦆 '.repeat(40_000);
    const snap: Message = { type: 'Snap', from: 1, to: 2, term: 3, snapshot: { meta: { index: 500, term: 3, voters: [1, 2] }, data } };
    t.send([snap, heartbeat(1, 2, 9)]);
    await waitFor('the snapshot', () => r2.got.some((m) => m.type === 'Snap'), 10_000);
    const got = r2.got.find((m) => m.type === 'Snap');
    assert.ok(got && got.type === 'Snap');
    assert.deepEqual(got.snapshot.meta, { index: 500, term: 3, voters: [1, 2] });
    assert.equal(got.snapshot.data, data);
    assert.ok(r2.got.some((m) => m.type === 'App'), 'the heartbeat was not held up by the transfer');
  } finally {
    await t.close();
    await r2.app.close();
  }
});

test('a backlog of large appends is split into bodies the receiver accepts', async () => {
  const r2 = await receiver(2, [1, 2]);
  const faults = new FaultFilter();
  const t = new HttpTransport({ self: 1, peers: new Map([[1, 'http://127.0.0.1:1'], [2, r2.url]]), timeoutMs: 5000, faults, log });
  try {
    const big = 'v'.repeat(1024 * 1024);
    const msgs: Message[] = [];
    for (let i = 1; i <= 12; i++) {
      msgs.push({ type: 'App', from: 1, to: 2, term: 1, prevLogIndex: i - 1, prevLogTerm: 1, entries: [{ index: i, term: 1, type: 'normal', data: big }], commit: 0 });
    }
    t.send(msgs);
    await waitFor('all 12 appends', () => r2.got.length === 12, 20_000);
    assert.ok(r2.batches >= 2, `${r2.batches} frames`);
  } finally {
    await t.close();
    await r2.app.close();
  }
});
