// Edge validation: options are user input (clear messages naming the option); batches and snapshots
// come from the driver, so a malformed one is a programmer error and throws before any I/O.
import type { Entry, HardState, Snapshot } from '../raft/index.js';

const isNat = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

function nat(what: string, v: unknown): void {
  if (!isNat(v)) throw new TypeError(`${what} must be a non-negative safe integer, received ${String(v)}`);
}

export interface CheckedOptions {
  readonly dir: string;
  readonly nodeId: number;
  readonly clusterId: string;
  readonly segmentBytes: number;
}

export const DEFAULT_SEGMENT_BYTES = 64 * 1024 * 1024;
export const MIN_SEGMENT_BYTES = 128;

export function checkOptions(o: { dir?: unknown; nodeId?: unknown; clusterId?: unknown; segmentBytes?: unknown }): CheckedOptions {
  if (typeof o.dir !== 'string' || o.dir.length === 0) throw new TypeError(`storage option "dir" must be a non-empty path, received ${JSON.stringify(o.dir)}`);
  if (!isNat(o.nodeId) || o.nodeId < 1) throw new TypeError(`storage option "nodeId" must be a positive integer, received ${String(o.nodeId)}`);
  // eslint-disable-next-line no-control-regex
  if (typeof o.clusterId !== 'string' || o.clusterId.length === 0 || o.clusterId.length > 256 || /[\u0000-\u001f\u007f]/.test(o.clusterId)) {
    throw new TypeError(`storage option "clusterId" must be 1..256 characters without control characters, received ${JSON.stringify(o.clusterId)}`);
  }
  const segmentBytes = o.segmentBytes ?? DEFAULT_SEGMENT_BYTES;
  if (!isNat(segmentBytes) || segmentBytes < MIN_SEGMENT_BYTES || segmentBytes > 2 ** 30) {
    throw new TypeError(`storage option "segmentBytes" must be an integer in [${MIN_SEGMENT_BYTES}, 2^30], received ${String(o.segmentBytes)}`);
  }
  return { dir: o.dir, nodeId: o.nodeId, clusterId: o.clusterId, segmentBytes };
}

export function checkHardState(hs: HardState): void {
  nat('hardState.term', hs.term);
  nat('hardState.vote', hs.vote);
  nat('hardState.commit', hs.commit);
}

/** Entries must be well-typed and contiguous; where they may start is LogModel.checkAppend's job. */
export function checkEntries(entries: readonly Entry[]): void {
  const first = entries[0];
  if (!first) return;
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i] as Entry;
    nat(`entries[${i}].term`, e.term);
    if (e.index !== first.index + i) throw new RangeError(`entries must be contiguous: entries[${i}].index is ${e.index}, expected ${first.index + i}`);
    if (e.index < 1) throw new RangeError(`entries[${i}].index must be >= 1, received ${e.index}`);
    if (e.type !== 'normal' && e.type !== 'noop') throw new TypeError(`entries[${i}].type must be "normal" or "noop", received ${String(e.type)}`);
    if (typeof e.data !== 'string') throw new TypeError(`entries[${i}].data must be a string`);
  }
  nat('entries[0].index', first.index);
}

export function checkSnapshot(s: Snapshot): void {
  nat('snapshot.meta.index', s.meta.index);
  nat('snapshot.meta.term', s.meta.term);
  if (!Array.isArray(s.meta.voters) || !s.meta.voters.every(isNat)) throw new TypeError('snapshot.meta.voters must be an array of node ids');
  if (typeof s.data !== 'string') throw new TypeError('snapshot.data must be a string');
}

export function checkPoint(what: string, p: { index: number; term: number }): void {
  nat(`${what}.index`, p.index);
  nat(`${what}.term`, p.term);
}
