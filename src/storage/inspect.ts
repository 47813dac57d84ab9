// A read-only listing of the WAL's records (file, offset, type, size): for diagnostics and for tests
// that need to aim a fault at a particular record.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CodecError, decodeRecord } from './codec.js';
import { readFrame } from './frame.js';
import { listSegments, segmentFileName } from './wal-replay.js';

export interface WalRecordInfo {
  readonly file: string;
  readonly offset: number;
  /** Frame bytes including the 9-byte header. */
  readonly bytes: number;
  readonly kind: 'header' | 'batch' | 'compact' | 'bad';
  /** For batches: the entry index range, if any. */
  readonly entries?: { readonly first: number; readonly last: number };
  readonly detail?: string;
}

/** Every record of every segment in `dir`, in order; stops a segment at its first bad record. */
export async function inspectWal(dir: string): Promise<WalRecordInfo[]> {
  const out: WalRecordInfo[] = [];
  for (const seq of listSegments(await readdir(dir))) {
    const file = join(dir, segmentFileName(seq));
    const buf = await readFile(file);
    let off = 0;
    while (off < buf.length) {
      const fr = readFrame(buf, off);
      if ('bad' in fr) {
        out.push({ file, offset: off, bytes: buf.length - off, kind: 'bad', detail: fr.bad });
        break;
      }
      try {
        const rec = decodeRecord(fr.type, buf, fr.start, fr.end);
        const first = rec.kind === 'batch' ? rec.entries[0] : undefined;
        out.push({
          file,
          offset: off,
          bytes: fr.end - off,
          kind: rec.kind,
          ...(first ? { entries: { first: first.index, last: first.index + (rec.kind === 'batch' ? rec.entries.length : 1) - 1 } } : {}),
        });
      } catch (e) {
        if (!(e instanceof CodecError)) throw e;
        out.push({ file, offset: off, bytes: fr.end - off, kind: 'bad', detail: e.message });
      }
      off = fr.end;
    }
  }
  return out;
}
