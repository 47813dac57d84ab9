// Test-only fault layer: wraps the file abstraction and tracks, per file, what is durable (contents as
// of its last fdatasync) and, per directory, which names are durable (as of its last fsync). A
// simulated machine crash rewrites the directory to exactly that: unsynced appends vanish (or are torn
// mid-way), files created or renamed without a directory fsync disappear or revert, removed ones return.
import { readdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { StorageFile, StorageFs } from './fs.js';

/** What survives of data written after the last fdatasync: nothing, a random prefix, or a prefix then zeroes. */
export type CrashTail = 'drop' | 'tear' | 'zeros';

/** Thrown by every file operation of a storage instance whose machine has "crashed". */
export class SimulatedCrashError extends Error {
  constructor() {
    super('simulated machine crash: the file system is gone for this storage instance');
    this.name = 'SimulatedCrashError';
  }
}

class Inode {
  data: Buffer;
  len: number;
  durable: Buffer;
  constructor(content: Buffer, durable: boolean) {
    this.data = Buffer.from(content);
    this.len = content.length;
    this.durable = durable ? Buffer.from(content) : Buffer.alloc(0);
  }
  write(chunk: Uint8Array, pos: number): void {
    const end = pos + chunk.length;
    if (end > this.data.length) {
      const grown = Buffer.alloc(Math.max(end, this.data.length * 2));
      this.data.copy(grown, 0, 0, this.len);
      this.data = grown;
    }
    if (pos > this.len) this.data.fill(0, this.len, pos);
    this.data.set(chunk, pos);
    this.len = Math.max(this.len, end);
  }
  truncate(len: number): void {
    if (len > this.len) this.write(Buffer.alloc(len - this.len), this.len);
    this.len = len;
  }
  current(): Buffer {
    return this.data.subarray(0, this.len);
  }
}

/** Deterministic PRNG (mulberry32) so a crash's tear point is reproducible from the seed. */
function rng(seed: number): (n: number) => number {
  let a = seed >>> 0;
  return (n) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
}

/**
 * Pass one instance as `faults` to every openStorage() of a test; call crash() to kill the "machine",
 * then open again with the same instance. Directories are learnt lazily: whatever is on disk when the
 * layer first touches a directory counts as durable.
 */
export class StorageFaults {
  private epoch = 0;
  private readonly names = new Map<string, Inode>(); // current namespace (tracked directories)
  private readonly durableNames = new Map<string, Inode>(); // namespace as of each directory's last fsync
  private readonly tracked = new Map<string, Promise<void>>();
  private readonly inflight = new Set<Promise<unknown>>();
  private readonly handles = new Set<StorageFile>();
  private readonly rand: (n: number) => number;
  private holding: ((path: string) => boolean) | undefined;
  private readonly held: (() => void)[] = [];
  private readonly heldWaiters: (() => void)[] = [];

  constructor(opts: { seed?: number } = {}) {
    this.rand = rng(opts.seed ?? 1);
  }

  /** The fault-injecting file system for one storage instance (dies at the next crash()). */
  wrap(inner: StorageFs): StorageFs {
    const epoch = this.epoch;
    const guard = <T>(fn: () => Promise<T>): Promise<T> => {
      if (epoch !== this.epoch) return Promise.reject(new SimulatedCrashError());
      const p = fn();
      this.inflight.add(p);
      const done = (): void => {
        this.inflight.delete(p);
      };
      p.then(done, done);
      return p;
    };
    // A held sync never completes: the machine dies with the data still in the page cache.
    const hold = (path: string): Promise<void> | undefined => {
      if (!this.holding?.(path)) return undefined;
      for (const w of this.heldWaiters.splice(0)) w();
      return new Promise<void>((_resolve, reject) => this.held.push(() => reject(new SimulatedCrashError())));
    };
    const wrapFile = (real: StorageFile, inode: Inode, path: string): StorageFile => {
      this.handles.add(real);
      return {
        write: (data, pos) => guard(async () => {
          await real.write(data, pos);
          inode.write(data, pos);
        }),
        truncate: (len) => guard(async () => {
          await real.truncate(len);
          inode.truncate(len);
        }),
        sync: () => hold(path) ?? guard(async () => {
          await real.sync();
          inode.durable = Buffer.from(inode.current());
        }),
        close: () => guard(async () => {
          this.handles.delete(real);
          await real.close();
        }),
      };
    };
    return {
      mkdirp: (dir) => guard(() => inner.mkdirp(dir)),
      list: (dir) => guard(async () => {
        await this.track(dir);
        return inner.list(dir);
      }),
      read: (path) => guard(() => inner.read(path)),
      create: (path, exclusive) => guard(async () => {
        await this.track(dirname(path));
        const real = await inner.create(path, exclusive);
        let inode = this.names.get(path);
        if (inode && !exclusive) inode.truncate(0);
        else {
          inode = new Inode(Buffer.alloc(0), false);
          this.names.set(path, inode);
        }
        return wrapFile(real, inode, path);
      }),
      openExisting: (path) => guard(async () => {
        await this.track(dirname(path));
        const real = await inner.openExisting(path);
        const inode = this.names.get(path);
        if (!inode) throw new Error(`fault layer: ${path} opened but never seen`);
        return wrapFile(real, inode, path);
      }),
      rename: (from, to) => guard(async () => {
        await this.track(dirname(from));
        await this.track(dirname(to));
        await inner.rename(from, to);
        const inode = this.names.get(from);
        this.names.delete(from);
        if (inode) this.names.set(to, inode);
      }),
      remove: (path) => guard(async () => {
        await this.track(dirname(path));
        await inner.remove(path);
        this.names.delete(path);
      }),
      syncDir: (dir) => hold(dir) ?? guard(async () => {
        // A directory the layer never touched (e.g. the parent of a new data dir) is taken as durable.
        if (!this.tracked.has(dir)) return inner.syncDir(dir);
        await inner.syncDir(dir);
        for (const p of [...this.durableNames.keys()]) if (dirname(p) === dir) this.durableNames.delete(p);
        for (const [p, inode] of this.names) if (dirname(p) === dir) this.durableNames.set(p, inode);
      }),
    };
  }

  /**
   * From now until the next crash(), every fdatasync/fsync (of a file or directory whose path matches)
   * blocks forever: writes land in the "page cache", durability never comes.
   */
  holdSyncs(match: (path: string) => boolean = () => true): void {
    this.holding = match;
  }

  /** Resolves once some sync is being held (the storage has written and is waiting for durability). */
  whenSyncHeld(): Promise<void> {
    if (this.held.length > 0) return Promise.resolve();
    return new Promise((resolve) => this.heldWaiters.push(resolve));
  }

  /**
   * The machine dies: every storage wrapped so far fails from now on, and each tracked directory is
   * rewritten to its durable state. `tail` decides the fate of bytes appended after a file's last sync.
   */
  async crash(opts: { tail?: CrashTail } = {}): Promise<void> {
    const tail = opts.tail ?? 'drop';
    this.epoch++;
    this.holding = undefined;
    for (const reject of this.held.splice(0)) reject();
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
    for (const h of this.handles) await h.close().catch(() => undefined);
    this.handles.clear();
    for (const dir of this.tracked.keys()) {
      for (const name of await readdir(dir).catch(() => [])) {
        const p = join(dir, name);
        if (!this.durableNames.has(p)) await unlink(p);
      }
    }
    for (const [p, inode] of this.durableNames) await writeFile(p, this.survivor(inode, tail));
    this.names.clear();
    this.durableNames.clear();
    this.tracked.clear();
  }

  /** Flip one bit of a file on disk (call while no storage has it open): damage to an old record. */
  async flipBit(path: string, offset: number, bit = 0): Promise<void> {
    const buf = await readFile(path);
    if (offset < 0 || offset >= buf.length) throw new RangeError(`offset ${offset} is outside ${path} (${buf.length} bytes)`);
    buf[offset] = (buf[offset] as number) ^ (1 << bit);
    await writeFile(path, buf);
  }

  /** Bytes written but not yet made durable, over all tracked files (for tests' sanity checks). */
  unsyncedBytes(): number {
    let n = 0;
    for (const inode of new Set(this.names.values())) n += Math.max(0, inode.len - inode.durable.length);
    return n;
  }

  private survivor(inode: Inode, tail: CrashTail): Buffer {
    const cur = inode.current();
    const dur = inode.durable;
    const extra = cur.length - dur.length;
    // Only an append on top of the durable bytes can be torn; anything else is simply lost.
    if (tail === 'drop' || extra < 2 || !cur.subarray(0, dur.length).equals(dur)) return dur;
    const keep = 1 + this.rand(extra - 1);
    const torn = cur.subarray(0, dur.length + keep);
    return tail === 'tear' ? Buffer.from(torn) : Buffer.concat([torn, Buffer.alloc(extra - keep)]);
  }

  private track(dir: string): Promise<void> {
    let p = this.tracked.get(dir);
    if (!p) {
      p = this.learn(dir);
      this.tracked.set(dir, p);
    }
    return p;
  }

  private async learn(dir: string): Promise<void> {
    for (const ent of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
      if (!ent.isFile()) continue;
      const p = join(dir, ent.name);
      const inode = new Inode(await readFile(p), true);
      this.names.set(p, inode);
      this.durableNames.set(p, inode);
    }
  }
}
