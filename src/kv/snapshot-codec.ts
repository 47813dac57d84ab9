// The KV snapshot format: one JSON object, written in a fixed field order from maps whose iteration
// order the applied entries alone decide, so every replica that applied the same entries writes the
// same bytes. Data is a flat [key, value, key, value, ...] array: the cheapest shape for JSON to write
// and read back (100k keys round-trip in tens of milliseconds; see test/kv/snapshot.test.ts).
//
//   {"format":"raft-sup-kv","version":1,"appliedIndex":N,"window":W,"maxSessions":M,
//    "data":[k,v,...],"sessions":[[clientId,highestSeq,lastUsedIndex,[seq,tag,key,index,payload,...]],...]}
//
// Remembered results are flattened too (see ResultRecord in result.ts): a full session table holds up
// to maxSessions × window of them, and JSON objects would cost several times more to parse.
//
// The session limits travel with the snapshot so that a restored machine makes exactly the decisions
// the original would have (window and eviction are part of the state machine's behaviour).

import { type Session, type SessionRecord } from './client-sessions.js';
import { readResultRecord, RESULT_RECORD_WIDTH, type KvResult } from './result.js';

export const KV_SNAPSHOT_FORMAT = 'raft-sup-kv';
export const KV_SNAPSHOT_VERSION = 1;

/** Thrown by KvStateMachine.restore on anything that is not a valid snapshot of a known version. */
export class KvSnapshotError extends Error {
  override readonly name = 'KvSnapshotError';
}

export interface SnapshotParts {
  readonly appliedIndex: number;
  readonly window: number;
  readonly maxSessions: number;
  readonly data: ReadonlyMap<string, string>;
  readonly sessions: readonly SessionRecord[];
}

export function writeSnapshot(parts: SnapshotParts): string {
  const flat: string[] = new Array<string>(parts.data.size * 2);
  let i = 0;
  for (const [k, v] of parts.data) {
    flat[i++] = k;
    flat[i++] = v;
  }
  return JSON.stringify({
    format: KV_SNAPSHOT_FORMAT,
    version: KV_SNAPSHOT_VERSION,
    appliedIndex: parts.appliedIndex,
    window: parts.window,
    maxSessions: parts.maxSessions,
    data: flat,
    sessions: parts.sessions,
  });
}

export interface ParsedSnapshot {
  readonly appliedIndex: number;
  readonly window: number;
  readonly maxSessions: number;
  readonly data: Map<string, string>;
  readonly sessions: [string, Session][];
}

/** Parses and fully validates a snapshot; throws KvSnapshotError saying what is wrong and where. */
export function readSnapshot(text: string): ParsedSnapshot {
  if (typeof text !== 'string') fail(`expected a string, received ${typeof text}`);
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch (err) {
    fail(`not JSON (${(err as Error).message}); ${text.length} chars starting ${JSON.stringify(text.slice(0, 40))}`);
  }
  if (typeof root !== 'object' || root === null || Array.isArray(root)) fail('the top level must be a JSON object');
  const o = root as Record<string, unknown>;
  if (o.format !== KV_SNAPSHOT_FORMAT) fail(`format must be "${KV_SNAPSHOT_FORMAT}", received ${JSON.stringify(o.format)}`);
  if (o.version !== KV_SNAPSHOT_VERSION) {
    fail(`unknown version ${JSON.stringify(o.version)}: this build reads version ${KV_SNAPSHOT_VERSION} only`);
  }
  const appliedIndex = nonNegativeInt(o.appliedIndex, 'appliedIndex');
  const window = positiveInt(o.window, 'window');
  const maxSessions = positiveInt(o.maxSessions, 'maxSessions');
  return { appliedIndex, window, maxSessions, data: readData(o.data), sessions: readSessions(o.sessions, appliedIndex, window, maxSessions) };
}

function readData(x: unknown): Map<string, string> {
  if (!Array.isArray(x) || x.length % 2 !== 0) fail('data must be an array of even length [key, value, ...]');
  const data = new Map<string, string>();
  for (let i = 0; i < x.length; i += 2) {
    const k: unknown = x[i];
    const v: unknown = x[i + 1];
    if (typeof k !== 'string' || typeof v !== 'string') fail(`data[${i}] and data[${i + 1}] must be strings (key, value)`);
    data.set(k, v);
  }
  if (data.size * 2 !== x.length) fail('data holds a key twice');
  return data;
}

function readSessions(x: unknown, appliedIndex: number, window: number, maxSessions: number): [string, Session][] {
  if (!Array.isArray(x)) fail('sessions must be an array');
  if (x.length > maxSessions) fail(`sessions holds ${x.length} clients, more than maxSessions ${maxSessions}`);
  const out: [string, Session][] = [];
  const seen = new Set<string>();
  let prevUsed = 0;
  x.forEach((rec: unknown, n) => {
    const at = `sessions[${n}]`;
    if (!Array.isArray(rec) || rec.length !== 4) fail(`${at} must be [clientId, highestSeq, lastUsedIndex, results]`);
    const [clientId, hs, lu, flat] = rec as unknown[];
    if (typeof clientId !== 'string' || clientId.length === 0) fail(`${at}: clientId must be a non-empty string`);
    if (seen.has(clientId)) fail(`${at}: client ${JSON.stringify(clientId)} appears twice`);
    seen.add(clientId);
    const highestSeq = nonNegativeInt(hs, `${at}.highestSeq`);
    const lastUsedIndex = positiveInt(lu, `${at}.lastUsedIndex`);
    // LRU order is the array order; it must be the order of last use, and no use lies in the future.
    if (lastUsedIndex <= prevUsed || lastUsedIndex > appliedIndex) {
      fail(`${at}.lastUsedIndex ${lastUsedIndex} must be above the previous session's (${prevUsed}) and at most appliedIndex ${appliedIndex}`);
    }
    prevUsed = lastUsedIndex;
    const stride = 1 + RESULT_RECORD_WIDTH;
    if (!Array.isArray(flat) || flat.length % stride !== 0) fail(`${at}: results must be a flat array of [seq, tag, key, index, payload] groups`);
    const results = new Map<number, KvResult>();
    for (let i = 0; i < flat.length; i += stride) {
      const seq = nonNegativeInt(flat[i], `${at}.results[${i}]`);
      if (seq <= highestSeq - window || seq > highestSeq) fail(`${at}: result seq ${seq} lies outside the window (${highestSeq - window}, ${highestSeq}]`);
      if (results.has(seq)) fail(`${at}: seq ${seq} appears twice`);
      const r = readResultRecord(flat, i + 1);
      if (typeof r === 'string') fail(`${at}.results[${i + 1}..${i + RESULT_RECORD_WIDTH}] (seq ${seq}): ${r}`);
      if (r.index > lastUsedIndex) fail(`${at}: the result of seq ${seq} has index ${r.index}, after the session's last use ${lastUsedIndex}`);
      results.set(seq, Object.freeze(r));
    }
    out.push([clientId, { highestSeq, lastUsedIndex, results }]);
  });
  return out;
}

function nonNegativeInt(x: unknown, field: string): number {
  if (typeof x !== 'number' || !Number.isSafeInteger(x) || x < 0) fail(`${field} must be a non-negative integer, received ${JSON.stringify(x)}`);
  return x;
}

function positiveInt(x: unknown, field: string): number {
  if (typeof x !== 'number' || !Number.isSafeInteger(x) || x < 1) fail(`${field} must be a positive integer, received ${JSON.stringify(x)}`);
  return x;
}

function fail(msg: string): never {
  throw new KvSnapshotError(`KV snapshot: ${msg}`);
}
