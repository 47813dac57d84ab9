// Validation of peer messages received over HTTP. The core trusts what it is stepped with, so every
// field is checked here and each message is rebuilt from known fields only: a malformed or hostile
// body becomes a 400, never a crash or a corrupted core. Hand-written rather than a JSON schema
// because it runs on every append batch (hot path) and the union is easier to say in code.
import type { Entry, Message, NodeId, Snapshot } from '../raft/index.js';

/** The body of POST /raft/messages: one batch from one peer. */
export interface WireBatch {
  readonly from: NodeId;
  readonly messages: readonly Message[];
}

class Bad extends Error {}

type Obj = Record<string, unknown>;

function obj(x: unknown, what: string): Obj {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) throw new Bad(`${what} must be an object`);
  return x as Obj;
}
function uint(o: Obj, f: string, what: string): number {
  const v = o[f];
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw new Bad(`${what}.${f} must be a non-negative integer`);
  return v;
}
function bool(o: Obj, f: string, what: string): boolean {
  const v = o[f];
  if (typeof v !== 'boolean') throw new Bad(`${what}.${f} must be a boolean`);
  return v;
}
function str(o: Obj, f: string, what: string): string {
  const v = o[f];
  if (typeof v !== 'string') throw new Bad(`${what}.${f} must be a string`);
  return v;
}
function optStr(o: Obj, f: string, what: string): { readCtx?: string } {
  const v = o[f];
  if (v === undefined) return {};
  if (typeof v !== 'string') throw new Bad(`${what}.${f} must be a string when present`);
  return { readCtx: v };
}

function entry(x: unknown, what: string): Entry {
  const o = obj(x, what);
  const type = o.type;
  if (type !== 'normal' && type !== 'noop') throw new Bad(`${what}.type must be "normal" or "noop"`);
  return { term: uint(o, 'term', what), index: uint(o, 'index', what), type, data: str(o, 'data', what) };
}

/** Validates a snapshot's metadata (the data travels separately, in chunks). */
export function parseSnapshotMeta(x: unknown, what = 'snapshot.meta'): Snapshot['meta'] {
  const o = obj(x, what);
  const voters = o.voters;
  if (!Array.isArray(voters) || voters.length === 0 || voters.some((v) => typeof v !== 'number' || !Number.isSafeInteger(v) || v <= 0)) {
    throw new Bad(`${what}.voters must be a non-empty array of positive integers`);
  }
  return { index: uint(o, 'index', what), term: uint(o, 'term', what), voters: voters as number[] };
}

function message(x: unknown, what: string, from: NodeId, self: NodeId): Message {
  const o = obj(x, what);
  if (o.from !== from) throw new Bad(`${what}.from must equal the batch's from (${from})`);
  if (o.to !== self) throw new Bad(`${what}.to must be this node (${self}), received ${JSON.stringify(o.to)}`);
  const base = { from, to: self, term: uint(o, 'term', what) };
  switch (o.type) {
    case 'Vote':
    case 'PreVote': {
      const m = { ...base, type: o.type, lastLogIndex: uint(o, 'lastLogIndex', what), lastLogTerm: uint(o, 'lastLogTerm', what) } as const;
      if (o.transfer === undefined) return m;
      return { ...m, transfer: bool(o, 'transfer', what) };
    }
    case 'VoteResp':
    case 'PreVoteResp':
      return { ...base, type: o.type, granted: bool(o, 'granted', what) };
    case 'App': {
      const ents = o.entries;
      if (!Array.isArray(ents)) throw new Bad(`${what}.entries must be an array`);
      return {
        ...base,
        type: 'App',
        prevLogIndex: uint(o, 'prevLogIndex', what),
        prevLogTerm: uint(o, 'prevLogTerm', what),
        entries: ents.map((e, i) => entry(e, `${what}.entries[${i}]`)),
        commit: uint(o, 'commit', what),
        ...optStr(o, 'readCtx', what),
      };
    }
    case 'AppResp':
      return {
        ...base,
        type: 'AppResp',
        success: bool(o, 'success', what),
        matchIndex: uint(o, 'matchIndex', what),
        rejectedIndex: uint(o, 'rejectedIndex', what),
        conflictTerm: uint(o, 'conflictTerm', what),
        conflictIndex: uint(o, 'conflictIndex', what),
        ...optStr(o, 'readCtx', what),
      };
    case 'ReadIndex':
      return { ...base, type: 'ReadIndex', ctx: str(o, 'ctx', what) };
    case 'ReadIndexResp':
      return { ...base, type: 'ReadIndexResp', ctx: str(o, 'ctx', what), index: uint(o, 'index', what), rejected: bool(o, 'rejected', what) };
    case 'TimeoutNow':
      return { ...base, type: 'TimeoutNow' };
    case 'Snap':
      throw new Bad(`${what}: snapshots travel through /raft/snapshot, not in a message batch`);
    default:
      throw new Bad(`${what}.type ${JSON.stringify(o.type)} is not a Raft message type`);
  }
}

/**
 * Parses a batch for node `self` from a member of `members`. Returns the batch, or a string that says
 * what is wrong (for a 400 answer).
 */
export function parseBatch(body: unknown, self: NodeId, members: ReadonlySet<NodeId>): WireBatch | string {
  try {
    const o = obj(body, 'body');
    const from = o.from;
    if (typeof from !== 'number' || !members.has(from) || from === self) {
      throw new Bad(`body.from must be the id of another member (${[...members].filter((m) => m !== self).join(', ')}), received ${JSON.stringify(from)}`);
    }
    const msgs = o.messages;
    if (!Array.isArray(msgs)) throw new Bad('body.messages must be an array');
    return { from, messages: msgs.map((m, i) => message(m, `messages[${i}]`, from, self)) };
  } catch (err) {
    if (err instanceof Bad) return err.message;
    throw err;
  }
}

/** Validates the message envelope of a snapshot transfer (everything but the data). */
export function parseSnapEnvelope(body: unknown, self: NodeId, members: ReadonlySet<NodeId>): { from: NodeId; term: number; meta: Snapshot['meta']; size: number } | string {
  try {
    const o = obj(body, 'body');
    const from = o.from;
    if (typeof from !== 'number' || !members.has(from) || from === self) throw new Bad('body.from must be the id of another member');
    if (o.to !== self) throw new Bad(`body.to must be this node (${self})`);
    return { from, term: uint(o, 'term', 'body'), meta: parseSnapshotMeta(o.meta), size: uint(o, 'size', 'body') };
  } catch (err) {
    if (err instanceof Bad) return err.message;
    throw err;
  }
}
