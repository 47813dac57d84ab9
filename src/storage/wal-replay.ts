// Start-up replay of the WAL segments: rebuilds the log (honouring truncations, resets and the
// compaction point), the latest hard state and each segment's highest live entry index.
// A torn last record in the last segment is cut off (original kept as *.broken); any other damage is
// a StorageCorruptionError naming the file and byte offset.
import { basename, join } from 'node:path';
import { EMPTY_HARD_STATE, type HardState } from '../raft/index.js';
import { CodecError, decodeRecord, type WalRecord } from './codec.js';
import { StorageCorruptionError } from './errors.js';
import { isTornTail, readFrame } from './frame.js';
import type { StorageFs } from './fs.js';
import { LogModel } from './log-model.js';

export type LogFn = (level: 'info' | 'warn' | 'error', msg: string) => void;

const SEGMENT = /^wal-(\d{16})\.log$/;

export function segmentFileName(seq: number): string {
  return `wal-${String(seq).padStart(16, '0')}.log`;
}

/** Segment sequence numbers found in `names`, ascending. */
export function listSegments(names: readonly string[]): number[] {
  const out: number[] = [];
  for (const name of names) {
    const m = SEGMENT.exec(name);
    if (m) out.push(Number(m[1]));
  }
  return out.sort((a, b) => a - b);
}

export interface SegmentInfo {
  readonly seq: number;
  readonly path: string;
  size: number;
  /**
   * Highest index of a live entry written to this segment: entries written before a later reset do
   * not count. The segment may be deleted once the log start reaches it (and it is not the active one).
   */
  maxIndex: number;
}

export interface ReplayResult {
  readonly log: LogModel;
  readonly hardState: HardState;
  readonly segments: SegmentInfo[];
  /** False when the last segment is empty (created just before a crash): it needs its header written. */
  readonly lastHasHeader: boolean;
  /** No segment holds any record: a fresh directory (or one whose WAL is gone). */
  readonly empty: boolean;
}

export async function replayWal(fs: StorageFs, dir: string, names: readonly string[], log: LogFn): Promise<ReplayResult> {
  const seqs = listSegments(names);
  const model = new LogModel(true);
  let hardState: HardState = EMPTY_HARD_STATE;
  const segments: SegmentInfo[] = [];
  let lastHasHeader = false;
  let empty = true;
  for (let i = 0; i < seqs.length; i++) {
    const seq = seqs[i] as number;
    const path = join(dir, segmentFileName(seq));
    const prev = seqs[i - 1];
    if (prev !== undefined && seq !== prev + 1) throw new StorageCorruptionError(path, 0, `segment ${prev + 1} is missing`);
    const isLast = i === seqs.length - 1;
    const buf = await fs.read(path);
    const info: SegmentInfo = { seq, path, size: buf.length, maxIndex: 0 };
    segments.push(info);
    let sawHeader = false;
    let off = 0;
    while (off < buf.length) {
      const fr = readFrame(buf, off);
      if ('bad' in fr) {
        if (!isLast) throw new StorageCorruptionError(path, off, `${fr.bad}, in a sealed segment (a later segment exists)`);
        if (!isTornTail(buf, off)) throw new StorageCorruptionError(path, off, `${fr.bad}, with valid records after it`);
        await repairTornTail(fs, dir, path, buf, off, fr.bad, log);
        info.size = off;
        break;
      }
      let rec: WalRecord;
      try {
        rec = decodeRecord(fr.type, buf, fr.start, fr.end);
      } catch (e) {
        if (e instanceof CodecError) throw new StorageCorruptionError(path, off, e.message);
        throw e;
      }
      const bad = (detail: string): never => {
        throw new StorageCorruptionError(path, off, detail);
      };
      if (!sawHeader) {
        if (rec.kind !== 'header') bad(`segment starts with a ${rec.kind} record, not a header`);
        else {
          if (rec.seq !== seq) bad(`segment header says sequence ${rec.seq}, the file name says ${seq}`);
          if (i === 0) {
            model.startFromHeader(rec.logStart, rec.lastIndex);
            hardState = rec.hardState;
          } else if (
            rec.logStart.index !== model.logStart.index ||
            rec.logStart.term !== model.logStart.term ||
            rec.lastIndex !== model.lastIndex ||
            !sameHardState(rec.hardState, hardState)
          ) {
            bad(
              `segment header (log start ${rec.logStart.index}/${rec.logStart.term}, last ${rec.lastIndex}) disagrees with ` +
                `the earlier segments (log start ${model.logStart.index}/${model.logStart.term}, last ${model.lastIndex})`,
            );
          }
          sawHeader = true;
          empty = false;
        }
      } else if (rec.kind === 'header') {
        bad('a second header record inside one segment');
      } else if (rec.kind === 'compact') {
        model.compact(rec.logStart);
      } else {
        if (rec.reset) {
          model.reset(rec.reset);
          for (const s of segments) s.maxIndex = 0; // everything written before the reset is dead
        }
        const first = rec.entries[0];
        if (first) {
          const why = model.checkAppend(first.index);
          if (why) bad(why);
          model.append(rec.entries);
          info.maxIndex = Math.max(info.maxIndex, model.lastIndex);
        }
        if (rec.hardState) hardState = rec.hardState;
      }
      off = fr.end;
    }
    if (!sawHeader && !isLast) throw new StorageCorruptionError(path, 0, 'a sealed segment holds no header record');
    if (!sawHeader && seqs.length === 1 && seq !== 1) {
      throw new StorageCorruptionError(path, 0, 'the only segment is empty but older segments were deleted: the log is gone');
    }
    lastHasHeader = sawHeader;
  }
  return { log: model, hardState, segments, lastHasHeader, empty };
}

function sameHardState(a: HardState, b: HardState): boolean {
  return a.term === b.term && a.vote === b.vote && a.commit === b.commit;
}

/** Keep the damaged original as <segment>.broken (or .broken.N), then cut the segment at `offset`. */
async function repairTornTail(fs: StorageFs, dir: string, path: string, buf: Buffer, offset: number, why: string, log: LogFn): Promise<void> {
  const existing = new Set(await fs.list(dir));
  const base = `${basename(path)}.broken`;
  let name = base;
  for (let n = 1; existing.has(name); n++) name = `${base}.${n}`;
  const brokenPath = join(dir, name);
  const copy = await fs.create(brokenPath, true);
  try {
    await copy.write(buf, 0);
    await copy.sync();
  } finally {
    await copy.close();
  }
  await fs.syncDir(dir);
  const f = await fs.openExisting(path);
  try {
    await f.truncate(offset);
    await f.sync();
  } finally {
    await f.close();
  }
  log('warn', `torn tail in ${path} at byte ${offset} (${why}): cut ${buf.length - offset} bytes; original kept as ${brokenPath}`);
}
