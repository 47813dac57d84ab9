// The thin file abstraction every storage write goes through. Production uses `nodeFs`; tests wrap it
// with the fault layer (faults.ts), which tracks what is durable and can rewind files to it on a crash.
import { fdatasyncSync, writeSync } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, unlink, type FileHandle } from 'node:fs/promises';

/** An open file written at explicit positions; `sync` is fdatasync (data + the size needed to read it). */
export interface StorageFile {
  write(data: Uint8Array, position: number): Promise<void>;
  truncate(length: number): Promise<void>;
  sync(): Promise<void>;
  close(): Promise<void>;
}

/** Directory-level operations; `syncDir` makes creates, renames and removes in `dir` durable. */
export interface StorageFs {
  mkdirp(dir: string): Promise<void>;
  list(dir: string): Promise<string[]>;
  read(path: string): Promise<Buffer>;
  /** `exclusive`: fail if the name exists (segments); otherwise create or truncate (temp files). */
  create(path: string, exclusive: boolean): Promise<StorageFile>;
  openExisting(path: string): Promise<StorageFile>;
  rename(from: string, to: string): Promise<void>;
  remove(path: string): Promise<void>;
  syncDir(dir: string): Promise<void>;
}

/**
 * Writes and fdatasyncs are made synchronously, on the calling thread, behind the async interface.
 * Each asynchronous fs call is a round trip through libuv's thread pool, and on a 2-core VM that
 * round trip cost ~70 µs of CPU and ~70 µs of latency; a save is one write and one fdatasync, on
 * every node, for every batch: `write + fdatasync` of 300 bytes took 310–370 µs (200 µs of CPU)
 * through the pool and 110–170 µs (50–75 µs of CPU) in place. The node's event loop waits for the
 * disk meanwhile — but the driver waits for the save before it steps the core again anyway, so
 * only HTTP parsing pauses, for the length of one fdatasync (0.1–0.2 ms on this disk).
 */
class NodeFile implements StorageFile {
  constructor(private readonly fh: FileHandle) {}
  async write(data: Uint8Array, position: number): Promise<void> {
    let done = 0;
    // A regular-file pwrite rarely writes short, but the contract allows it: loop until all is written.
    while (done < data.length) {
      const bytesWritten = writeSync(this.fh.fd, data, done, data.length - done, position + done);
      if (bytesWritten <= 0) throw new Error('write made no progress');
      done += bytesWritten;
    }
  }
  truncate(length: number): Promise<void> {
    return this.fh.truncate(length);
  }
  async sync(): Promise<void> {
    fdatasyncSync(this.fh.fd);
  }
  close(): Promise<void> {
    return this.fh.close();
  }
}

/** The real file system (node:fs/promises). */
export const nodeFs: StorageFs = {
  async mkdirp(dir) {
    await mkdir(dir, { recursive: true });
  },
  list: (dir) => readdir(dir),
  read: (path) => readFile(path),
  async create(path, exclusive) {
    return new NodeFile(await open(path, exclusive ? 'wx+' : 'w+'));
  },
  async openExisting(path) {
    return new NodeFile(await open(path, 'r+'));
  },
  rename: (from, to) => rename(from, to),
  remove: (path) => unlink(path),
  async syncDir(dir) {
    const fh = await open(dir, 'r');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  },
};

/** Write a whole file atomically: temp file → fdatasync → rename → fsync the directory. */
export async function writeFileAtomic(fs: StorageFs, dir: string, tmpPath: string, finalPath: string, data: Uint8Array): Promise<void> {
  const f = await fs.create(tmpPath, false);
  try {
    await f.write(data, 0);
    await f.sync();
  } finally {
    await f.close();
  }
  await fs.rename(tmpPath, finalPath);
  await fs.syncDir(dir);
}
