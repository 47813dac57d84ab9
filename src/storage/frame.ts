// WAL record framing: [length u32 LE][type u8][crc32 u32 LE over type+payload][payload].
// The length covers the payload only. A frame is valid only if its type is known, it fits in the
// buffer and its CRC matches, so all-zero bytes (a file extended but never written) are never valid.
import { crc32 } from 'node:zlib';

export const FRAME_HEADER_BYTES = 9;
/** Upper bound on one record; larger lengths are treated as damage, not as a huge allocation. */
export const MAX_RECORD_BYTES = 1 << 30;

/** Record types. Values are on disk: never renumber. */
export const RecordType = {
  /** First record of every segment: the state as of the roll, so older segments can be deleted. */
  Header: 1,
  /** One per save(): optional log reset (snapshot install), entries, optional hard state. */
  Batch: 2,
  /** Compaction point moved (after createSnapshot). */
  Compact: 3,
} as const;
export type RecordTypeCode = (typeof RecordType)[keyof typeof RecordType];

const KNOWN = new Set<number>(Object.values(RecordType));

/** Allocate a frame with room for `payloadBytes`; the payload starts at FRAME_HEADER_BYTES. */
export function allocFrame(payloadBytes: number): Buffer {
  return Buffer.allocUnsafe(FRAME_HEADER_BYTES + payloadBytes);
}

/** Fill in length, type and CRC once the payload bytes are in place. */
export function sealFrame(frame: Buffer, type: RecordTypeCode): Buffer {
  const payloadBytes = frame.length - FRAME_HEADER_BYTES;
  frame.writeUInt32LE(payloadBytes, 0);
  frame.writeUInt8(type, 4);
  frame.writeUInt32LE(crc32(frame.subarray(FRAME_HEADER_BYTES), crc32(frame.subarray(4, 5))), 5);
  return frame;
}

export interface FrameView {
  readonly type: RecordTypeCode;
  readonly start: number; // payload start
  readonly end: number; // payload end = offset of the next frame
}

/** The frame at `offset`, or a reason it is not a valid frame. */
export function readFrame(buf: Buffer, offset: number): FrameView | { readonly bad: string } {
  const remaining = buf.length - offset;
  if (remaining < FRAME_HEADER_BYTES) return { bad: `only ${remaining} bytes left, a record header needs ${FRAME_HEADER_BYTES}` };
  const length = buf.readUInt32LE(offset);
  const type = buf.readUInt8(offset + 4);
  if (!KNOWN.has(type)) return { bad: `unknown record type ${type}` };
  if (length > MAX_RECORD_BYTES || length > remaining - FRAME_HEADER_BYTES) {
    return { bad: `record length ${length} runs past the end of the file (${remaining - FRAME_HEADER_BYTES} bytes left)` };
  }
  const start = offset + FRAME_HEADER_BYTES;
  const end = start + length;
  const want = buf.readUInt32LE(offset + 5);
  const got = crc32(buf.subarray(start, end), crc32(buf.subarray(offset + 4, offset + 5)));
  if (want !== got) return { bad: `CRC mismatch (stored ${want.toString(16)}, computed ${got.toString(16)})` };
  return { type: type as RecordTypeCode, start, end };
}

/**
 * Is the damage at `offset` a torn tail (what a crash mid-write leaves) rather than corruption?
 * Yes if the rest is all zeroes, or if no valid frame starts anywhere after `offset`. A bit flip in an
 * old record leaves the following records intact, and the scan finds the next one quickly.
 * Caveat: user data that happens to embed a valid frame inside a torn record makes this say "no" —
 * a refusal to start, never silent loss.
 */
export function isTornTail(buf: Buffer, offset: number): boolean {
  let allZero = true;
  for (let i = offset; i < buf.length; i++) {
    if (buf[i] !== 0) {
      allZero = false;
      break;
    }
  }
  if (allZero) return true;
  for (let p = offset + 1; p + FRAME_HEADER_BYTES <= buf.length; p++) {
    if (!KNOWN.has(buf[p + 4] ?? 0)) continue; // cheap filter before the length and CRC checks
    if (!('bad' in readFrame(buf, p))) return false;
  }
  return true;
}
