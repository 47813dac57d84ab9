// An InstallSnapshot arriving in chunks is assembled in `incoming-<id>.tmp` in the data directory, so
// a multi-megabyte snapshot never sits in memory chunk by chunk and a crash mid-transfer leaves only a
// temp file (removed at the next open). The snapshot becomes durable later, atomically, through
// save({ snapshot }) together with the log reset.
import { join } from 'node:path';
import type { StorageFile, StorageFs } from './fs.js';

/** One chunked transfer. Chunks are Buffers because a chunk boundary may split a UTF-8 character. */
export interface IncomingSnapshot {
  /** Write `chunk` at `offset`. Re-sending an earlier range is fine; skipping ahead is refused. */
  write(offset: number, chunk: Buffer): Promise<void>;
  /** All chunks are in: returns the full data and removes the temp file. */
  finish(): Promise<string>;
  /** Give up: removes the temp file. Safe to call more than once, or after finish(). */
  abort(): Promise<void>;
}

const ID = /^[A-Za-z0-9_.-]{1,100}$/;
export const INCOMING_PREFIX = 'incoming-';

export function beginIncoming(fs: StorageFs, dir: string, id: string): IncomingSnapshot {
  if (typeof id !== 'string' || !ID.test(id)) {
    throw new TypeError(`incoming snapshot id must be 1..100 characters of [A-Za-z0-9_.-], received ${JSON.stringify(id)}`);
  }
  return new Incoming(fs, join(dir, `${INCOMING_PREFIX}${id}.tmp`));
}

class Incoming implements IncomingSnapshot {
  private file: Promise<StorageFile> | undefined;
  private length = 0;
  private state: 'open' | 'done' = 'open';
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly fs: StorageFs,
    private readonly path: string,
  ) {}

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.chain.then(fn, fn);
    this.chain = next.catch(() => undefined);
    return next;
  }

  write(offset: number, chunk: Buffer): Promise<void> {
    return this.serial(async () => {
      if (this.state !== 'open') throw new Error(`incoming snapshot ${this.path} is already finished or aborted`);
      if (!Number.isSafeInteger(offset) || offset < 0) throw new RangeError(`chunk offset must be a non-negative integer, received ${offset}`);
      if (offset > this.length) throw new RangeError(`chunk at offset ${offset} leaves a gap: ${this.length} bytes received so far`);
      this.file ??= this.fs.create(this.path, false);
      await (await this.file).write(chunk, offset);
      this.length = Math.max(this.length, offset + chunk.length);
    });
  }

  finish(): Promise<string> {
    return this.serial(async () => {
      if (this.state !== 'open') throw new Error(`incoming snapshot ${this.path} is already finished or aborted`);
      this.state = 'done';
      try {
        if (!this.file) return '';
        const bytes = (await this.fs.read(this.path)).subarray(0, this.length);
        try {
          return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
        } catch {
          throw new Error(`incoming snapshot ${this.path} is not valid UTF-8 (${bytes.length} bytes)`);
        }
      } finally {
        await this.cleanup();
      }
    });
  }

  abort(): Promise<void> {
    return this.serial(async () => {
      this.state = 'done';
      await this.cleanup();
    });
  }

  private async cleanup(): Promise<void> {
    const f = this.file;
    this.file = undefined;
    if (!f) return;
    try {
      await (await f).close();
    } finally {
      await this.fs.remove(this.path).catch(() => undefined);
    }
  }
}
