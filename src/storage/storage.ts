// The durable home of one node's Raft state: WAL segments (entries, hard state, compaction point)
// and snapshot files in one directory. One fdatasync per save() (group commit); every change reaches
// the disk before the promise resolves, and start-up replays exactly what was made durable.
import { dirname, join } from 'node:path';
import type { Entry, HardState, RaftRestoreState, Snapshot, SnapshotMeta } from '../raft/index.js';
import { encodeBatch, encodeCompact, encodeHeader, type LogPoint } from './codec.js';
import { StorageCorruptionError } from './errors.js';
import type { StorageFaults } from './faults.js';
import { nodeFs, writeFileAtomic, type StorageFile, type StorageFs } from './fs.js';
import { checkIdentity } from './identity.js';
import { beginIncoming, type IncomingSnapshot } from './incoming-snapshot.js';
import { LogModel } from './log-model.js';
import { encodeSnapshot, listSnapshots, loadLatestSnapshot, snapshotFileName } from './snapshot-file.js';
import { checkEntries, checkHardState, checkOptions, checkPoint, checkSnapshot, type CheckedOptions } from './validate.js';
import { listSegments, replayWal, segmentFileName, type LogFn, type SegmentInfo } from './wal-replay.js';

export interface OpenStorageOptions {
  /** The node's own directory, e.g. <state>/node-1; created if missing. */
  dir: string;
  nodeId: number;
  /** Written on first open; a directory with another nodeId or clusterId is refused. */
  clusterId: string;
  /** WAL segment size before rolling to a new file (default 64 MiB). */
  segmentBytes?: number;
  /** Test-only fault layer: simulated crashes that lose unsynced data, torn tails, bit flips. */
  faults?: StorageFaults;
  log?: (level: 'info' | 'warn' | 'error', msg: string) => void;
}

export interface StorageStats {
  /** fdatasync/fsync calls made since open (WAL, snapshot files and directories). */
  fsyncs: number;
  walBytes: number;
  segments: number;
  snapshotIndex: number;
}

export interface RaftStorage {
  /** What was recovered at open: hard state, latest snapshot (with data), logStart, entries after it. */
  readonly initial: RaftRestoreState;
  /**
   * Persist one Ready batch with at most one fdatasync of the WAL. Effects in order: install
   * `snapshot` (file written atomically, log reset to start after it); append entries (truncating a
   * conflicting suffix first); record the hard state. All of it is one WAL record: a crash keeps all or none.
   */
  save(batch: { hardState?: HardState; entries: readonly Entry[]; snapshot?: Snapshot }): Promise<void>;
  /** The application snapshotted at snapshot.meta.index: store it, then compact the log to `compactTo`. */
  createSnapshot(snapshot: Snapshot, compactTo: { index: number; term: number }): Promise<void>;
  /** Assemble an incoming chunked InstallSnapshot in a temp file in the data directory. */
  beginIncomingSnapshot(id: string): IncomingSnapshot;
  stats(): StorageStats;
  close(): Promise<void>;
}

const KEEP_SNAPSHOTS = 2; // the latest, plus one previous as a manual recovery aid

/** Open (or create) a node's storage, replaying the WAL and repairing a torn tail. */
export async function openStorage(opts: OpenStorageOptions): Promise<RaftStorage> {
  const o = checkOptions(opts);
  const log: LogFn = opts.log ?? (() => undefined);
  const fs = opts.faults ? opts.faults.wrap(nodeFs) : nodeFs;
  const { dir } = o;
  let names = await fs.list(dir).catch(async (e: NodeJS.ErrnoException) => {
    if (e.code !== 'ENOENT') throw e;
    await fs.mkdirp(dir);
    await fs.syncDir(dirname(dir)); // the new directory's own name must survive a crash too
    return fs.list(dir);
  });
  const hasData = listSegments(names).length > 0 || listSnapshots(names).length > 0;
  await checkIdentity(fs, dir, names, hasData, o);
  // Leftovers of a crash mid-write (snapshot temp files, incoming transfers): never part of the state.
  const temps = names.filter((n) => n.endsWith('.tmp'));
  for (const n of temps) await fs.remove(join(dir, n));
  if (temps.length > 0) {
    await fs.syncDir(dir);
    names = await fs.list(dir);
  }

  const snapshot = await loadLatestSnapshot(fs, dir, names);
  const replay = await replayWal(fs, dir, names, log);
  const model = replay.log;
  if (replay.empty && snapshot) {
    throw new StorageCorruptionError(dir, 0, 'snapshot files exist but the WAL holds no record: the term and vote are lost');
  }
  const hole = model.firstHole();
  if (hole !== undefined) {
    throw new StorageCorruptionError(replay.segments[0]?.path ?? dir, 0, `entry ${hole} lived in a deleted segment that no compaction covers`);
  }
  // Reconcile the newest snapshot with the log. save({snapshot}) writes the snapshot file before the
  // WAL record that resets the log, so a crash in between leaves a snapshot ahead of the log: adopt it
  // as an install would (keep the log only if it holds the snapshot's last entry with the same term).
  let resetTo: LogPoint | undefined;
  if (snapshot) {
    const s = snapshot.meta;
    if (s.index < model.logStart.index) {
      throw new StorageCorruptionError(join(dir, snapshotFileName(s)), 0, `the log starts after index ${model.logStart.index} but the newest snapshot ends at ${s.index}`);
    }
    if (model.termAt(s.index) !== s.term) resetTo = { index: s.index, term: s.term };
  } else if (model.logStart.index > 0) {
    throw new StorageCorruptionError(dir, 0, `the log starts after index ${model.logStart.index} but there is no snapshot file`);
  }
  if (resetTo) model.reset(resetTo);
  const initial: RaftRestoreState = {
    hardState: replay.hardState,
    ...(snapshot ? { snapshot } : {}),
    logStart: { index: model.logStart.index, term: model.logStart.term },
    entries: model.entries(),
  };
  const storage = new FileStorage(fs, o, log, initial, model.shapeCopy(), replay.hardState, replay.segments, snapshot?.meta);
  await storage.start(replay.lastHasHeader, resetTo);
  log('info', `storage open: ${dir}, log ${model.logStart.index + 1}..${model.lastIndex}, snapshot ${snapshot?.meta.index ?? 0}, term ${replay.hardState.term}`);
  return storage;
}

class FileStorage implements RaftStorage {
  private active!: StorageFile;
  private fsyncs = 0;
  private state: 'open' | 'closed' = 'open';
  private failure: Error | undefined;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly fs: StorageFs,
    private readonly o: CheckedOptions,
    private readonly log: LogFn,
    readonly initial: RaftRestoreState,
    private model: LogModel,
    private hardState: HardState,
    private readonly segments: SegmentInfo[],
    private snapshotMeta: SnapshotMeta | undefined,
  ) {}

  /** Open the last segment for appending (writing its header if a crash left it empty). */
  async start(lastHasHeader: boolean, resetTo: LogPoint | undefined): Promise<void> {
    const last = this.segments.at(-1);
    if (!last) {
      await this.createSegment(1, Buffer.alloc(0));
    } else {
      this.active = await this.fs.openExisting(last.path);
      if (!lastHasHeader) {
        const header = this.header(last.seq);
        await this.active.truncate(0);
        await this.active.write(header, 0);
        await this.sync(this.active);
        await this.syncDir();
        last.size = header.length;
      }
    }
    if (resetTo) {
      // Make the adoption of the newer snapshot durable, so later appends replay on top of it.
      await this.append(encodeBatch({ reset: resetTo, entries: [] }));
      this.model.reset(resetTo);
      for (const s of this.segments) s.maxIndex = 0;
    }
    await this.dropObsoleteSegments();
  }

  async save(batch: { hardState?: HardState; entries: readonly Entry[]; snapshot?: Snapshot }): Promise<void> {
    const { hardState, entries, snapshot } = batch;
    if (hardState) checkHardState(hardState);
    checkEntries(entries);
    if (snapshot) checkSnapshot(snapshot);
    return this.serial(async () => {
      const cur = this.snapshotMeta;
      if (snapshot && cur && (snapshot.meta.index < cur.index || (snapshot.meta.index === cur.index && snapshot.meta.term !== cur.term))) {
        throw new RangeError(`cannot install snapshot ${snapshot.meta.index}/${snapshot.meta.term}: storage already holds snapshot ${cur.index}/${cur.term}`);
      }
      const next = this.model.shapeCopy();
      if (snapshot) next.reset(snapshot.meta);
      const first = entries[0];
      if (first) {
        const why = next.checkAppend(first.index);
        if (why) throw new RangeError(`cannot save: ${why}`);
        next.append(entries);
      }
      if (!snapshot && !first && !hardState) return;
      await this.mutate(async () => {
        if (snapshot) await this.writeSnapshotFile(snapshot);
        const rec: Parameters<typeof encodeBatch>[0] = {
          entries,
          ...(snapshot ? { reset: { index: snapshot.meta.index, term: snapshot.meta.term } } : {}),
          ...(hardState ? { hardState } : {}),
        };
        await this.append(encodeBatch(rec));
        this.model = next;
        if (hardState) this.hardState = hardState;
        if (snapshot) for (const s of this.segments) s.maxIndex = 0;
        const act = this.segments.at(-1) as SegmentInfo;
        if (first) act.maxIndex = Math.max(act.maxIndex, next.lastIndex);
        if (snapshot) {
          await this.dropObsoleteSegments();
          await this.pruneSnapshots();
        }
      });
    });
  }

  async createSnapshot(snapshot: Snapshot, compactTo: { index: number; term: number }): Promise<void> {
    checkSnapshot(snapshot);
    checkPoint('compactTo', compactTo);
    if (compactTo.index > snapshot.meta.index) {
      throw new RangeError(`compactTo.index ${compactTo.index} is above the snapshot index ${snapshot.meta.index}: those entries would be lost`);
    }
    return this.serial(() =>
      this.mutate(async () => {
        const cur = this.snapshotMeta;
        if (!cur || snapshot.meta.index > cur.index) await this.writeSnapshotFile(snapshot);
        if (compactTo.index > this.model.logStart.index) {
          await this.append(encodeCompact(compactTo));
          this.model.compact(compactTo);
        }
        await this.dropObsoleteSegments();
        await this.pruneSnapshots();
      }),
    );
  }

  beginIncomingSnapshot(id: string): IncomingSnapshot {
    this.checkUsable();
    return beginIncoming(this.fs, this.o.dir, id);
  }

  stats(): StorageStats {
    return {
      fsyncs: this.fsyncs,
      walBytes: this.segments.reduce((n, s) => n + s.size, 0),
      segments: this.segments.length,
      snapshotIndex: this.snapshotMeta?.index ?? 0,
    };
  }

  close(): Promise<void> {
    if (this.state === 'closed') return this.chain.then(() => undefined);
    this.state = 'closed';
    const done = this.chain.then(() => this.active.close().catch(() => undefined));
    this.chain = done;
    return done;
  }

  // ---------------------------------------------------------------------------------------------

  private checkUsable(): void {
    if (this.state === 'closed') throw new Error(`storage ${this.o.dir} is closed`);
    if (this.failure) throw this.failedError();
  }

  private failedError(): Error {
    return new Error(`storage ${this.o.dir} failed earlier and cannot be trusted until restart: ${this.failure?.message}`);
  }

  /** One mutation at a time: the WAL position, segment list and model change together. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    this.checkUsable(); // closed: refuse at once; ops queued before close() still run
    const run = (): Promise<T> => {
      if (this.failure) return Promise.reject(this.failedError());
      return fn();
    };
    const next = this.chain.then(run, run);
    this.chain = next.catch(() => undefined);
    return next;
  }

  /**
   * An I/O failure midway leaves memory and disk out of step (and after a failed fsync the kernel may
   * have dropped the dirty pages): refuse everything after it; a restart replays what is really there.
   */
  private async mutate(fn: () => Promise<void>): Promise<void> {
    try {
      await fn();
    } catch (e) {
      this.failure = e instanceof Error ? e : new Error(String(e));
      this.log('error', `storage ${this.o.dir} failed: ${this.failure.message}`);
      throw e;
    }
  }

  private header(seq: number): Buffer {
    return encodeHeader({ seq, hardState: this.hardState, logStart: this.model.logStart, lastIndex: this.model.lastIndex });
  }

  private async sync(f: StorageFile): Promise<void> {
    await f.sync();
    this.fsyncs++;
  }

  private async syncDir(): Promise<void> {
    await this.fs.syncDir(this.o.dir);
    this.fsyncs++;
  }

  /** Append one frame to the active segment and fdatasync; roll first if the segment is full. */
  private async append(frame: Buffer): Promise<void> {
    const act = this.segments.at(-1) as SegmentInfo;
    if (act.size >= this.o.segmentBytes) {
      await this.createSegment(act.seq + 1, frame);
      return;
    }
    await this.active.write(frame, act.size);
    await this.sync(this.active);
    act.size += frame.length;
  }

  /** New segment = header (state before `frame`) + frame, one fdatasync, then fsync the directory. */
  private async createSegment(seq: number, frame: Buffer): Promise<void> {
    const path = join(this.o.dir, segmentFileName(seq));
    const header = this.header(seq);
    const f = await this.fs.create(path, true);
    const data = Buffer.concat([header, frame]);
    try {
      await f.write(data, 0);
      await this.sync(f);
      await this.syncDir();
    } catch (e) {
      await f.close().catch(() => undefined);
      throw e;
    }
    const old = this.segments.length > 0 ? this.active : undefined;
    this.active = f;
    this.segments.push({ seq, path, size: data.length, maxIndex: 0 });
    await old?.close();
  }

  /** Remove the oldest segments whose live entries all lie at or below the log start (never the active one). */
  private async dropObsoleteSegments(): Promise<void> {
    let removed = 0;
    while (this.segments.length > 1) {
      const s = this.segments[0] as SegmentInfo;
      if (s.maxIndex > this.model.logStart.index) break;
      await this.fs.remove(s.path);
      this.segments.shift();
      removed++;
    }
    if (removed > 0) await this.syncDir();
  }

  private async writeSnapshotFile(s: Snapshot): Promise<void> {
    const name = snapshotFileName(s.meta);
    const path = join(this.o.dir, name);
    await writeFileAtomic(this.fs, this.o.dir, `${path}.tmp`, path, encodeSnapshot(s));
    this.fsyncs += 2;
    this.snapshotMeta = s.meta;
  }

  private async pruneSnapshots(): Promise<void> {
    const old = listSnapshots(await this.fs.list(this.o.dir)).slice(KEEP_SNAPSHOTS);
    for (const s of old) await this.fs.remove(join(this.o.dir, s.name));
    if (old.length > 0) await this.syncDir();
  }
}
