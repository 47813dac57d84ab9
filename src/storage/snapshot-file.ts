// Snapshot files: `snapshot-<index>-<term>.snap` = magic, header length, JSON header (meta, data
// length, data CRC, encoding), header CRC, data. Written atomically (temp → fdatasync → rename →
// fsync dir), so a crash leaves either the old set of files or the new one, never a half file.
import { crc32 } from 'node:zlib';
import type { Snapshot, SnapshotMeta } from '../raft/index.js';
import { StorageCorruptionError } from './errors.js';
import type { StorageFs } from './fs.js';
import { join } from 'node:path';

const MAGIC = Buffer.from('RSSNAP01', 'latin1');
const SURROGATE = /[\uD800-\uDFFF]/;
const NAME = /^snapshot-(\d+)-(\d+)\.snap$/;

export interface SnapshotName {
  readonly name: string;
  readonly index: number;
  readonly term: number;
}

export function snapshotFileName(meta: { index: number; term: number }): string {
  return `snapshot-${meta.index}-${meta.term}.snap`;
}

/** Snapshot file names in `names`, newest (highest index, then term) first. */
export function listSnapshots(names: readonly string[]): SnapshotName[] {
  const out: SnapshotName[] = [];
  for (const name of names) {
    const m = NAME.exec(name);
    if (m) out.push({ name, index: Number(m[1]), term: Number(m[2]) });
  }
  return out.sort((a, b) => b.index - a.index || b.term - a.term);
}

export function encodeSnapshot(s: Snapshot): Buffer {
  const wide = SURROGATE.test(s.data);
  const data = Buffer.from(s.data, wide ? 'utf16le' : 'utf8');
  const header = Buffer.from(
    JSON.stringify({
      index: s.meta.index,
      term: s.meta.term,
      voters: s.meta.voters,
      encoding: wide ? 'utf16le' : 'utf8',
      dataBytes: data.length,
      dataCrc: crc32(data),
    }),
    'utf8',
  );
  const head = Buffer.allocUnsafe(MAGIC.length + 4);
  MAGIC.copy(head, 0);
  head.writeUInt32LE(header.length, MAGIC.length);
  const headerCrc = Buffer.allocUnsafe(4);
  headerCrc.writeUInt32LE(crc32(header), 0);
  return Buffer.concat([head, header, headerCrc, data]);
}

/** Parse and verify a snapshot file; any damage is a StorageCorruptionError naming the file and offset. */
export function decodeSnapshot(path: string, buf: Buffer, expect: { index: number; term: number }): Snapshot {
  const fail = (offset: number, detail: string): never => {
    throw new StorageCorruptionError(path, offset, `snapshot ${detail}`);
  };
  if (buf.length < MAGIC.length + 4 || !buf.subarray(0, MAGIC.length).equals(MAGIC)) fail(0, 'does not start with the snapshot magic');
  const headerLen = buf.readUInt32LE(MAGIC.length);
  const hStart = MAGIC.length + 4;
  const hEnd = hStart + headerLen;
  if (hEnd + 4 > buf.length) fail(MAGIC.length, `header length ${headerLen} runs past the end of the file`);
  const header = buf.subarray(hStart, hEnd);
  if (crc32(header) !== buf.readUInt32LE(hEnd)) fail(hStart, 'header CRC mismatch');
  let h: unknown;
  try {
    h = JSON.parse(header.toString('utf8'));
  } catch {
    fail(hStart, 'header is not JSON');
  }
  const meta = parseHeader(h);
  if (!meta) return fail(hStart, 'header has missing or wrong-typed fields');
  if (meta.index !== expect.index || meta.term !== expect.term) {
    fail(hStart, `header says index ${meta.index} term ${meta.term}, the file name says ${expect.index}-${expect.term}`);
  }
  const dStart = hEnd + 4;
  if (buf.length - dStart !== meta.dataBytes) fail(dStart, `holds ${buf.length - dStart} data bytes, the header says ${meta.dataBytes}`);
  const data = buf.subarray(dStart);
  if (crc32(data) !== meta.dataCrc) fail(dStart, 'data CRC mismatch');
  const snapMeta: SnapshotMeta = { index: meta.index, term: meta.term, voters: meta.voters };
  return { meta: snapMeta, data: data.toString(meta.encoding) };
}

function parseHeader(h: unknown): (SnapshotMeta & { encoding: 'utf8' | 'utf16le'; dataBytes: number; dataCrc: number }) | undefined {
  if (typeof h !== 'object' || h === null) return undefined;
  const o = h as Record<string, unknown>;
  const nat = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
  if (!nat(o.index) || !nat(o.term) || !nat(o.dataBytes) || !nat(o.dataCrc)) return undefined;
  if (o.encoding !== 'utf8' && o.encoding !== 'utf16le') return undefined;
  if (!Array.isArray(o.voters) || !o.voters.every(nat)) return undefined;
  return { index: o.index, term: o.term, voters: o.voters as number[], encoding: o.encoding, dataBytes: o.dataBytes, dataCrc: o.dataCrc };
}

/** Read and verify the newest snapshot file, if any. A corrupt newest snapshot is refused, not skipped. */
export async function loadLatestSnapshot(fs: StorageFs, dir: string, names: readonly string[]): Promise<Snapshot | undefined> {
  const latest = listSnapshots(names)[0];
  if (!latest) return undefined;
  const path = join(dir, latest.name);
  return decodeSnapshot(path, await fs.read(path), latest);
}
