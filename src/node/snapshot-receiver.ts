// Incoming InstallSnapshot transfers: chunks arrive on their own endpoint and are assembled through
// storage (a temp file that is switched in atomically); only when the whole snapshot is there is the
// MsgSnap stepped into the core, whole. Transfers that stall are aborted so temp files never pile up.
import type { Logger } from 'pino';
import type { BeginIncomingSnapshot, IncomingSnapshot } from './ports.js';

interface Transfer {
  readonly inc: IncomingSnapshot;
  bytes: number;
  lastActivity: number;
}

export class SnapshotReceiver {
  readonly #begin: BeginIncomingSnapshot;
  readonly #log: Logger;
  readonly #transfers = new Map<string, Transfer>();
  readonly #idleMs: number;
  readonly #sweeper: NodeJS.Timeout;
  readonly #maxConcurrent: number;

  constructor(begin: BeginIncomingSnapshot, log: Logger, opts: { idleMs?: number; maxConcurrent?: number } = {}) {
    this.#begin = begin;
    this.#log = log;
    this.#idleMs = opts.idleMs ?? 30_000;
    this.#maxConcurrent = opts.maxConcurrent ?? 4;
    this.#sweeper = setInterval(() => this.#sweep(), Math.min(this.#idleMs, 5_000));
    this.#sweeper.unref();
  }

  /** Writes one chunk; the first chunk (offset 0) opens the transfer. Returns an error string or undefined. */
  async chunk(id: string, offset: number, data: Buffer): Promise<string | undefined> {
    let t = this.#transfers.get(id);
    if (t === undefined) {
      if (offset !== 0) return `unknown transfer ${id} (it must start at offset 0)`;
      if (this.#transfers.size >= this.#maxConcurrent) return 'too many snapshot transfers in progress';
      t = { inc: this.#begin(id), bytes: 0, lastActivity: performance.now() };
      this.#transfers.set(id, t);
    }
    if (offset !== t.bytes) return `expected offset ${t.bytes}, received ${offset}`;
    try {
      await t.inc.write(offset, data);
    } catch (err) {
      await this.abort(id);
      throw err;
    }
    t.bytes += data.length;
    t.lastActivity = performance.now();
    return undefined;
  }

  /** Completes a transfer of `size` bytes and returns the snapshot data. */
  async finish(id: string, size: number): Promise<string> {
    const t = this.#transfers.get(id);
    if (t === undefined) throw new Error(`unknown snapshot transfer ${id}`);
    this.#transfers.delete(id);
    if (t.bytes !== size) {
      await Promise.resolve(t.inc.abort()).catch(() => undefined);
      throw new Error(`snapshot transfer ${id} has ${t.bytes} bytes, the sender announced ${size}`);
    }
    return t.inc.finish();
  }

  async abort(id: string): Promise<void> {
    const t = this.#transfers.get(id);
    if (!t) return;
    this.#transfers.delete(id);
    await Promise.resolve(t.inc.abort()).catch(() => undefined);
  }

  async close(): Promise<void> {
    clearInterval(this.#sweeper);
    await Promise.all([...this.#transfers.keys()].map((id) => this.abort(id)));
  }

  #sweep(): void {
    const now = performance.now();
    for (const [id, t] of this.#transfers) {
      if (now - t.lastActivity > this.#idleMs) {
        this.#log.warn({ transfer: id }, `abandoned snapshot transfer ${id} after ${this.#idleMs} ms without data`);
        void this.abort(id);
      }
    }
  }
}

/** An in-memory assembler (for tests and for storage that offers none). */
export function memoryIncomingSnapshot(): IncomingSnapshot {
  const parts: Buffer[] = [];
  return {
    write(_offset: number, chunk: Buffer): void {
      parts.push(Buffer.from(chunk));
    },
    async finish(): Promise<string> {
      return Buffer.concat(parts).toString('utf8');
    },
    abort(): void {
      parts.length = 0;
    },
  };
}
