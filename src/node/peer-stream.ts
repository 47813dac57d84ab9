// The peer message stream: one long-lived, one-way TCP stream per ordered pair of members, opened
// with an HTTP/1.1 Upgrade on the node's one port (`GET /raft/stream`, `Upgrade: raft-batches/1`,
// `X-Raft-From: N`, the bearer token if one is set) and then carrying length-prefixed frames, each
// one batch `{from, messages}` in JSON. Answers travel the same way on the other member's stream.
//
// Why not a POST per batch, as before: each POST was answered by an empty 204, and the answer to
// the batch was a POST of its own, answered by another empty 204. On this kind of machine a socket
// write costs tens of microseconds of kernel time (loopback delivery runs in the writer's syscall),
// and those empty answers were a third of a leader's CPU at one write at a time. A stream sends only
// what Raft sends: half the writes, and no HTTP parsing or routing per batch.
//
// Frame: 4-byte big-endian length, then that many bytes of UTF-8 JSON. A frame above
// MAX_FRAME_BYTES, bad JSON or an invalid batch closes the stream (the sender reconnects; Raft
// retransmits what was lost).
import type { IncomingMessage } from 'node:http';
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import { apiError } from '../shared/index.js';
import { tokenMatches } from '../shared/http/hardening.js';
import type { Message, NodeId } from '../raft/index.js';
import { parseBatch } from './message-codec.js';

export const PEER_STREAM_PATH = '/raft/stream';
export const PEER_STREAM_PROTOCOL = 'raft-batches/1';
/** Largest frame a receiver accepts (the sender keeps batches near 8 MiB of entry data). */
export const MAX_FRAME_BYTES = 64 * 1024 * 1024;

/** One frame: the length, then the JSON text, in one buffer (one write, one syscall). */
export function encodeFrame(json: string): Buffer {
  const len = Buffer.byteLength(json);
  const buf = Buffer.allocUnsafe(4 + len);
  buf.writeUInt32BE(len, 0);
  buf.write(json, 4, 'utf8');
  return buf;
}

/** Reassembles frames from the chunks a socket delivers, however they were cut. */
export class FrameReader {
  #chunks: Buffer[] = [];
  #buffered = 0;

  constructor(private readonly maxFrame = MAX_FRAME_BYTES) {}

  /** Bytes received but not yet part of a whole frame. */
  get buffered(): number {
    return this.#buffered;
  }

  /** Adds a chunk; returns every frame it completes (their bodies), or a string saying what is wrong. */
  push(chunk: Buffer): Buffer[] | string {
    this.#chunks.push(chunk);
    this.#buffered += chunk.length;
    const frames: Buffer[] = [];
    for (;;) {
      if (this.#buffered < 4) return frames;
      const head = this.#chunks[0] as Buffer;
      const len = head.length >= 4 ? head.readUInt32BE(0) : this.#take(4, false).readUInt32BE(0);
      if (len > this.maxFrame) return `frame of ${len} bytes is larger than the ${this.maxFrame} allowed`;
      if (this.#buffered < 4 + len) return frames;
      frames.push(this.#take(4 + len, true).subarray(4));
    }
  }

  /** The first n buffered bytes, as one buffer; removed from the buffer when `consume`. */
  #take(n: number, consume: boolean): Buffer {
    let head = this.#chunks[0] as Buffer;
    if (head.length < n) {
      head = Buffer.concat(this.#chunks, this.#buffered);
      this.#chunks = [head];
    }
    const out = head.subarray(0, n);
    if (consume) {
      if (head.length === n) this.#chunks.shift();
      else this.#chunks[0] = head.subarray(n);
      this.#buffered -= n;
    }
    return out;
  }
}

export interface StreamHandshake {
  readonly self: NodeId;
  readonly token?: string | undefined;
}

/**
 * Opens a stream to the member at `url`: connects, asks for the upgrade and waits for
 * `101 Switching Protocols`. Rejects with a short reason (refused, timed out, or the status and body
 * of a refusal) and never leaves a socket open behind it.
 */
export function openPeerStream(url: string, h: StreamHandshake, timeoutMs: number): Promise<Socket> {
  const u = new URL(url);
  const port = Number(u.port || (u.protocol === 'https:' ? 443 : 80));
  const host = u.hostname.replace(/^\[|\]$/g, '');
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port, noDelay: true });
    let got = Buffer.alloc(0);
    const fail = (why: string): void => {
      clearTimeout(timer);
      socket.destroy();
      reject(new Error(why));
    };
    const timer = setTimeout(() => fail('timed out'), timeoutMs);
    socket.on('error', (err: NodeJS.ErrnoException) => fail(err.code ?? err.message));
    socket.on('close', () => fail('closed during the handshake'));
    const onData = (chunk: Buffer): void => {
      got = Buffer.concat([got, chunk]);
      const end = got.indexOf('\r\n\r\n');
      if (end < 0) {
        if (got.length > 64 * 1024) fail('answer to the upgrade is too long');
        return;
      }
      const head = got.subarray(0, end).toString('latin1');
      const status = /^HTTP\/1\.1 (\d{3})/.exec(head)?.[1];
      if (status !== '101') {
        fail(`answered ${status ?? 'something that is not HTTP'}: ${got.subarray(end + 4, end + 204).toString('utf8')}`);
        return;
      }
      clearTimeout(timer);
      socket.removeListener('data', onData);
      socket.removeAllListeners('error');
      socket.removeAllListeners('close');
      resolve(socket);
    };
    socket.on('data', onData);
    const auth = h.token ? `Authorization: Bearer ${h.token}\r\n` : '';
    socket.write(
      `GET ${PEER_STREAM_PATH} HTTP/1.1\r\nHost: ${u.host}\r\nConnection: Upgrade\r\nUpgrade: ${PEER_STREAM_PROTOCOL}\r\n` +
      `X-Raft-From: ${h.self}\r\n${auth}\r\n`,
    );
  });
}

export interface StreamServerOptions {
  readonly self: NodeId;
  readonly members: ReadonlySet<NodeId>;
  readonly token?: string | undefined;
  readonly log: Logger;
  /** Called for every valid batch, in the order received. */
  readonly deliver: (from: NodeId, messages: readonly Message[]) => void;
}

/** Refuses an upgrade with a JSON error, as any other endpoint would answer it, and closes. */
function refuse(socket: Socket, err: ReturnType<typeof apiError>): void {
  const body = JSON.stringify(err.toBody());
  const reason = err.status === 401 ? 'Unauthorized' : 'Bad Request';
  socket.end(`HTTP/1.1 ${err.status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

/**
 * Accepts peer streams on an HTTP server (its `upgrade` event). Returns a function that closes
 * every open stream, for shutdown: an upgraded socket is no longer the HTTP server's to close.
 */
export function acceptPeerStreams(server: { on(event: 'upgrade', fn: (req: IncomingMessage, socket: Socket, head: Buffer) => void): unknown }, o: StreamServerOptions): () => void {
  const open = new Set<Socket>();
  server.on('upgrade', (req, socket, head) => {
    socket.on('error', () => undefined);
    const path = (req.url ?? '').split('?')[0];
    if (path !== PEER_STREAM_PATH || req.method !== 'GET') {
      return refuse(socket, apiError('BAD_REQUEST', { detail: `only GET ${PEER_STREAM_PATH} may ask for an upgrade (to ${PEER_STREAM_PROTOCOL})` }));
    }
    if (o.token) {
      const h = req.headers.authorization;
      const presented = typeof h === 'string' && h.startsWith('Bearer ') ? h.slice(7) : '';
      if (!tokenMatches(presented, o.token)) return refuse(socket, apiError('UNAUTHORIZED'));
    }
    if (String(req.headers.upgrade).toLowerCase() !== PEER_STREAM_PROTOCOL) {
      return refuse(socket, apiError('BAD_REQUEST', { detail: `upgrade must be ${PEER_STREAM_PROTOCOL}` }));
    }
    const from = Number(req.headers['x-raft-from']);
    if (!Number.isSafeInteger(from) || !o.members.has(from) || from === o.self) {
      const others = [...o.members].filter((m) => m !== o.self).join(', ');
      return refuse(socket, apiError('BAD_REQUEST', { detail: `X-Raft-From must be another member's id (${others})` }));
    }
    socket.setNoDelay(true);
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: ${PEER_STREAM_PROTOCOL}\r\n\r\n`);
    open.add(socket);
    socket.on('close', () => open.delete(socket));
    // The HTTP server's sockets allow half-open: a peer's FIN (its process died) would end only
    // the reading side and never close the socket. Nothing is ever written back: close it.
    socket.on('end', () => socket.destroy());
    const reader = new FrameReader();
    const onChunk = (chunk: Buffer): void => {
      const frames = reader.push(chunk);
      if (typeof frames === 'string') return drop(frames);
      for (const f of frames) {
        let body: unknown;
        try {
          body = JSON.parse(f.toString('utf8'));
        } catch {
          return drop('a frame is not JSON');
        }
        const batch = parseBatch(body, o.self, o.members);
        if (typeof batch === 'string') return drop(batch);
        if (batch.from !== from) return drop(`a batch from ${batch.from} on node ${from}'s stream`);
        o.deliver(from, batch.messages);
      }
    };
    const drop = (why: string): void => {
      o.log.warn({ peer: from }, `closing the message stream from node ${from}: ${why}`);
      socket.destroy();
    };
    socket.on('data', onChunk);
    if (head.length > 0) onChunk(head);
  });
  return () => {
    const all = [...open];
    open.clear();
    for (const s of all) s.destroy();
  };
}
