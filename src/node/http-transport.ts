// Outbound peer transport. Messages go over one long-lived stream per peer (peer-stream.ts: an
// HTTP Upgrade on the peer's port, then length-prefixed JSON batches), one queue per peer:
// everything the core wants to send while the stream cannot take more is batched into the next
// frame, so throughput never depends on the number of messages. Peers are fully independent — a
// dead or SIGSTOPped follower only ever delays its own queue (the original froze when one follower
// was paused). What cannot be sent is dropped: Raft retransmits.
//
// Empty appends that confirm no read (a heartbeat, or the leader announcing a new commit index) are
// the one kind of message that loses nothing by waiting: the next append to the same peer carries
// a commit index at least as new. So a queue holding only those waits COALESCE_MS for company, and
// one followed by a later append in the same queue is dropped. At one write at a time this halves
// the frames per write — each write's commit announcement rides with the next write's append — and
// with it the CPU and latency of a sequential write. (Dropping and delaying are what a network may
// do to any message; Raft copes by design.)
//
// InstallSnapshot is the exception: its data can be large, so it goes to its own endpoint in chunks
// over a separate pool and never holds up appends and heartbeats to the same peer. So does the
// hello a starting node sends (POST /raft/hello).
import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from '../shared/undici-pool.js';
import type { Logger } from 'pino';
import type { Message, MsgSnap, NodeId } from '../raft/index.js';
import type { FaultFilter } from './fault-filter.js';
import type { Transport } from './ports.js';
import type { WireBatch } from './message-codec.js';
import { encodeFrame, openPeerStream } from './peer-stream.js';

export interface HttpTransportOptions {
  readonly self: NodeId;
  /** Every member's base URL (self included; self is never sent to). */
  readonly peers: ReadonlyMap<NodeId, string>;
  readonly token?: string | undefined;
  /** Deadline of opening a stream, of a hello, and of a stream that stops taking data (ms). */
  readonly timeoutMs: number;
  /** Deadline of one snapshot chunk (ms). */
  readonly snapshotTimeoutMs?: number;
  readonly chunkBytes?: number;
  /** Messages queued per peer beyond which the oldest are dropped. */
  readonly maxQueue?: number;
  readonly faults: FaultFilter;
  readonly log: Logger;
}

const DEFAULT_CHUNK = 1024 * 1024;
/** Soft cap on the entry data in one frame (a receiver accepts frames of up to 64 MiB). */
const MAX_BATCH_BYTES = 8 * 1024 * 1024;
/** How long a queue of nothing but empty appends waits for a message to travel with (ms). */
const COALESCE_MS = 2;

/** An append with no entries and no read to confirm: superseded by any later append to the peer. */
function isBareAppend(m: Message): boolean {
  return m.type === 'App' && m.entries.length === 0 && m.readCtx === undefined;
}

class PeerLink {
  /** Only for the hello (messages travel on #stream). */
  readonly #pool: Pool;
  readonly #snapPool: Pool;
  readonly #headers: Record<string, string>;
  #queue: Message[] = [];
  #stream: Socket | undefined;
  #connecting = false;
  #snapBusy = false;
  /** Armed while the stream holds data the peer has not taken: a peer that stops reading is cut. */
  #stallTimer: NodeJS.Timeout | undefined;
  #coalesceTimer: NodeJS.Timeout | undefined;
  #down = false;
  #closed = false;

  constructor(
    readonly id: NodeId,
    readonly url: string,
    readonly o: HttpTransportOptions,
  ) {
    const origin = new URL(url).origin;
    const connectTimeout = Math.min(o.timeoutMs, 1000);
    this.#pool = new Pool(origin, { connections: 1, keepAliveTimeout: 10_000, connect: { timeout: connectTimeout } });
    this.#snapPool = new Pool(origin, { connections: 1, pipelining: 1, keepAliveTimeout: 10_000, connect: { timeout: connectTimeout } });
    this.#headers = { 'content-type': 'application/json' };
    if (o.token) this.#headers.authorization = `Bearer ${o.token}`;
  }

  enqueue(m: Message): void {
    if (this.#closed) return;
    if (m.type === 'Snap') {
      void this.#sendSnapshot(m);
      return;
    }
    this.#queue.push(m);
    const max = this.o.maxQueue ?? 10_000;
    if (this.#queue.length > max) this.#queue.splice(0, this.#queue.length - max);
  }

  /**
   * Sends what is queued, as far as the stream takes it without buffering (the kernel's socket
   * buffer is the pipeline); the rest waits for `drain` and goes as one frame.
   */
  flush(): void {
    if (this.#queue.length > 0 && this.#queue.every(isBareAppend)) {
      this.#coalesceTimer ??= setTimeout(() => {
        this.#coalesceTimer = undefined;
        this.#sendAll();
      }, COALESCE_MS);
      return;
    }
    this.#sendAll();
  }

  #sendAll(): void {
    if (this.#coalesceTimer !== undefined) {
      clearTimeout(this.#coalesceTimer);
      this.#coalesceTimer = undefined;
    }
    this.#dropSuperseded();
    if (this.#closed || this.#queue.length === 0) return;
    const s = this.#stream;
    if (s === undefined) {
      this.#connect();
      return;
    }
    while (this.#queue.length > 0 && !s.writableNeedDrain) this.#dispatch(s, this.#takeBatch());
  }

  /** Applies the fault filter's cut, loss and delay, then writes the batch as one frame. */
  #dispatch(s: Socket, batch: Message[]): void {
    if (this.o.faults.dropsTo(this.id) || this.o.faults.losesBatch()) return;
    const delay = this.o.faults.delayMs();
    if (delay > 0) {
      void sleep(delay).then(() => {
        if (!this.#closed && this.#stream === s && !this.o.faults.dropsTo(this.id)) this.#write(s, batch);
      });
      return;
    }
    this.#write(s, batch);
  }

  #write(s: Socket, messages: Message[]): void {
    const body: WireBatch = { from: this.o.self, messages };
    s.write(encodeFrame(JSON.stringify(body)), this.#flushed);
    if (s.writableLength > 0 && this.#stallTimer === undefined) this.#watchStall(s, performance.now());
  }

  /** When the kernel last took a frame (a write's callback). */
  #flushedAt = 0;
  readonly #flushed = (): void => {
    this.#flushedAt = performance.now();
  };

  /**
   * Cuts the stream if data stays pending for a whole timeout without the kernel taking any of it
   * (a frozen peer). `drain` alone cannot say so: it only fires after a write that filled the
   * buffer, so a timer cleared by it would cut healthy streams that never filled theirs.
   */
  #watchStall(s: Socket, since: number): void {
    this.#stallTimer = setTimeout(() => {
      this.#stallTimer = undefined;
      if (this.#stream !== s || s.writableLength === 0) return;
      if (this.#flushedAt > since) this.#watchStall(s, performance.now());
      else this.#lost(s, `took no data for ${this.o.timeoutMs} ms`, true);
    }, this.o.timeoutMs);
  }

  /**
   * Opens the stream. Until it is open, messages wait in the queue; if it cannot be opened they are
   * dropped (Raft retransmits), so a dead peer never accumulates stale messages. The next message
   * to the peer (a leader heartbeats every few tens of ms) tries again.
   */
  #connect(): void {
    if (this.#connecting || this.#closed) return;
    this.#connecting = true;
    openPeerStream(this.url, { self: this.o.self, token: this.o.token }, Math.min(this.o.timeoutMs, 1000)).then(
      (s) => {
        this.#connecting = false;
        if (this.#closed) {
          s.destroy();
          return;
        }
        this.#stream = s;
        s.on('drain', () => {
          this.#clearStall();
          this.flush();
        });
        s.on('error', (err) => this.#lost(s, describeError(err)));
        s.on('close', () => this.#lost(s, 'connection closed'));
        s.on('data', () => undefined); // the receiver never writes on a stream; ignore it if it does
        this.#markUp();
        this.flush();
      },
      (err: unknown) => {
        this.#connecting = false;
        this.#queue = [];
        this.#markDown(describeError(err));
      },
    );
  }

  #lost(s: Socket, why: string, destroy = false): void {
    if (destroy) s.destroy();
    if (this.#stream !== s) return;
    this.#stream = undefined;
    this.#clearStall();
    this.#markDown(why);
  }

  #clearStall(): void {
    if (this.#stallTimer !== undefined) clearTimeout(this.#stallTimer);
    this.#stallTimer = undefined;
  }

  /** Drops every bare append that a later append in the queue supersedes (see the header). */
  #dropSuperseded(): void {
    const q = this.#queue;
    let lastApp = q.length - 1;
    while (lastApp > 0 && (q[lastApp] as Message).type !== 'App') lastApp--;
    if (lastApp <= 0 || !q.some((m, i) => i < lastApp && isBareAppend(m))) return;
    this.#queue = q.filter((m, i) => i >= lastApp || !isBareAppend(m));
  }

  /**
   * Everything queued, up to about MAX_BATCH_BYTES of entry data (at least one message): appends of
   * 1 MiB values to a lagging follower must not add up to a frame the receiver refuses forever.
   */
  #takeBatch(): Message[] {
    let bytes = 0;
    let n = 0;
    for (const m of this.#queue) {
      const size = m.type === 'App' ? m.entries.reduce((a, e) => a + e.data.length + 64, 256) : 256;
      if (n > 0 && bytes + size > MAX_BATCH_BYTES) break;
      bytes += size;
      n++;
    }
    if (n === this.#queue.length) {
      const all = this.#queue;
      this.#queue = [];
      return all;
    }
    return this.#queue.splice(0, n);
  }

  async #sendSnapshot(m: MsgSnap): Promise<void> {
    if (this.#snapBusy || this.o.faults.dropsTo(this.id)) return; // the core asks again later
    this.#snapBusy = true;
    const id = `${this.o.self}-${m.snapshot.meta.index}-${randomBytes(6).toString('hex')}`;
    const data = Buffer.from(m.snapshot.data, 'utf8');
    const chunk = this.o.chunkBytes ?? DEFAULT_CHUNK;
    const timeoutMs = this.o.snapshotTimeoutMs ?? 10_000;
    const auth: Record<string, string> = this.o.token ? { authorization: `Bearer ${this.o.token}` } : {};
    const started = performance.now();
    try {
      for (let offset = 0; offset < data.length || offset === 0; offset += chunk) {
        if (this.#closed || this.o.faults.dropsTo(this.id)) throw new Error('transfer cancelled');
        const res = await this.#snapPool.request({
          method: 'PUT',
          path: `/raft/snapshot/${id}?offset=${offset}`,
          headers: { ...auth, 'content-type': 'application/octet-stream' },
          body: data.subarray(offset, offset + chunk),
          signal: AbortSignal.timeout(timeoutMs),
        });
        const text = await res.body.text();
        if (res.statusCode >= 300) throw new Error(`chunk at ${offset} answered ${res.statusCode}: ${text.slice(0, 200)}`);
        if (data.length === 0) break;
      }
      const envelope = { from: this.o.self, to: this.id, term: m.term, meta: m.snapshot.meta, size: data.length };
      const res = await this.#snapPool.request({
        method: 'POST',
        path: `/raft/snapshot/${id}/done`,
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify(envelope),
        signal: AbortSignal.timeout(timeoutMs),
      });
      const text = await res.body.text();
      if (res.statusCode >= 300) throw new Error(`finish answered ${res.statusCode}: ${text.slice(0, 200)}`);
      const ms = Math.round(performance.now() - started);
      this.o.log.info({ peer: this.id, index: m.snapshot.meta.index, bytes: data.length, ms }, `sent snapshot at index ${m.snapshot.meta.index} to node ${this.id} (${data.length} bytes, ${ms} ms)`);
    } catch (err) {
      this.o.log.warn({ peer: this.id, index: m.snapshot.meta.index }, `sending snapshot to node ${this.id} failed: ${describeError(err)}`);
      // Best effort: let the receiver drop its partial file now rather than at its idle timeout.
      this.#snapPool.request({ method: 'DELETE', path: `/raft/snapshot/${id}`, headers: auth, signal: AbortSignal.timeout(1000) })
        .then((r) => r.body.dump(), () => undefined)
        .catch(() => undefined);
    } finally {
      this.#snapBusy = false;
    }
  }

  announce(): void {
    if (this.#closed || this.o.faults.dropsTo(this.id)) return;
    this.#pool
      .request({ method: 'POST', path: '/raft/hello', headers: this.#headers, body: JSON.stringify({ from: this.o.self }), headersTimeout: this.o.timeoutMs, bodyTimeout: this.o.timeoutMs })
      .then((r) => r.body.dump(), () => undefined)
      .catch(() => undefined);
  }

  #markDown(why: string): void {
    if (this.#down || this.#closed) return;
    this.#down = true;
    this.o.log.warn({ peer: this.id, url: this.url }, `peer node ${this.id} unreachable: ${why}`);
  }

  #markUp(): void {
    if (!this.#down) return;
    this.#down = false;
    this.o.log.info({ peer: this.id }, `peer node ${this.id} reachable again`);
  }

  get reachable(): boolean {
    return !this.#down;
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#queue = [];
    if (this.#coalesceTimer !== undefined) clearTimeout(this.#coalesceTimer);
    this.#clearStall();
    this.#stream?.destroy();
    this.#stream = undefined;
    await Promise.all([this.#pool.destroy().catch(() => undefined), this.#snapPool.destroy().catch(() => undefined)]);
  }
}

function describeError(err: unknown): string {
  const e = err as { code?: string; name?: string; message?: string; cause?: { code?: string } };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return 'timed out';
  return e.code ?? e.cause?.code ?? e.message ?? String(err);
}

/** The node's outbound transport: per-peer queues, a message stream per peer, chunked snapshots. */
export class HttpTransport implements Transport {
  readonly #links = new Map<NodeId, PeerLink>();
  readonly #log: Logger;

  constructor(o: HttpTransportOptions) {
    this.#log = o.log;
    for (const [id, url] of o.peers) if (id !== o.self) this.#links.set(id, new PeerLink(id, url, o));
  }

  send(messages: readonly Message[]): void {
    const touched = new Set<PeerLink>();
    for (const m of messages) {
      const link = this.#links.get(m.to);
      if (!link) {
        this.#log.error({ to: m.to, type: m.type }, `core sent a message to unknown node ${m.to}`);
        continue;
      }
      link.enqueue(m);
      touched.add(link);
    }
    for (const link of touched) link.flush();
  }

  /**
   * Tells every peer that this node has just started (POST /raft/hello), so that the leader
   * heartbeats it at once. Best effort, fire and forget: a peer that is down or cut off simply
   * does not hear it, and the next heartbeat does the same job.
   */
  announce(): void {
    for (const link of this.#links.values()) link.announce();
  }

  /** Which peers' streams are open or not known to be broken. */
  reachability(): Record<number, boolean> {
    const out: Record<number, boolean> = {};
    for (const [id, link] of this.#links) out[id] = link.reachable;
    return out;
  }

  async close(): Promise<void> {
    await Promise.all([...this.#links.values()].map((l) => l.close()));
  }
}
