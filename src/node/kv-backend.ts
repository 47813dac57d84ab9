// The node's side of the KV API: writes become encoded commands proposed through the driver and are
// answered with what the state machine returned when it applied them; reads go through ReadIndex
// (or local state for consistency=stale).
import { encodeCommand } from '../kv/index.js';
import type { KvCommand, KvResult } from '../kv/index.js';
import { apiError } from '../shared/index.js';
import type { CasAnswer, DeleteAnswer, PutAnswer } from '../shared/index.js';
import type { KvBackend, WriteSession } from '../shared/http/index.js';
import type { NodeDriver } from './driver.js';

function withSession<T extends KvCommand>(cmd: T, s: WriteSession | undefined): T {
  return s === undefined ? cmd : { ...cmd, clientId: s.clientId, seq: s.seq };
}

/** Turns a state-machine answer into the HTTP answer (or throws the matching error). */
function answer(r: KvResult | undefined, op: 'put' | 'delete' | 'cas', s: WriteSession | undefined): PutAnswer | DeleteAnswer {
  if (r === undefined) throw apiError('INTERNAL', { detail: 'the state machine gave no answer for a write' });
  if (!r.ok) {
    if (r.code === 'CAS_MISMATCH') throw apiError('CAS_MISMATCH', { key: JSON.stringify(r.key) }, { current: r.current });
    throw apiError('SESSION_EXPIRED', { seq: s?.seq ?? '?', clientId: s?.clientId ?? '?' });
  }
  // A deduplicated retry is answered with the first result, which may be of another op if the client
  // reused a seq for a different command: say so rather than answer nonsense.
  if (r.op !== op) throw apiError('BAD_REQUEST', { detail: `seq ${s?.seq} of client ${s?.clientId} was already used for a ${r.op}` });
  if (r.op === 'delete') return { key: r.key, deleted: r.deleted, index: r.index };
  return { key: r.key, value: r.value, index: r.index };
}

export function nodeKvBackend(driver: NodeDriver, opts: { unsafeStaleReads: boolean }): KvBackend {
  return {
    async put(key, value, s) {
      const r = await driver.propose(encodeCommand(withSession({ op: 'put', key, value }, s)));
      return answer(r, 'put', s) as PutAnswer;
    },
    async get(key, consistency) {
      const v = consistency === 'stale' || opts.unsafeStaleReads ? driver.readLocal(key) : await driver.read(key);
      return v ?? null;
    },
    async delete(key, s) {
      const r = await driver.propose(encodeCommand(withSession({ op: 'delete', key }, s)));
      return answer(r, 'delete', s) as DeleteAnswer;
    },
    async cas(key, from, to, s) {
      const r = await driver.propose(encodeCommand(withSession({ op: 'cas', key, from, to }, s)));
      return answer(r, 'cas', s) as CasAnswer;
    },
  };
}
