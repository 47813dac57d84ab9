// Test helper: the simplest possible reading of the KV semantics, to check KvStateMachine against.
// Deliberately naive: results are never pruned (the window is checked arithmetically) and the LRU
// victim is found by a linear scan for the smallest last-use index.
import type { KvCommand, KvResult } from '../../src/kv/index.js';

interface ModelSession {
  highestSeq: number;
  lastUsedIndex: number;
  results: Map<number, KvResult>;
}

export class ReferenceKv {
  readonly data = new Map<string, string>();
  readonly sessions = new Map<string, ModelSession>();
  index = 0;

  constructor(
    readonly window: number,
    readonly maxSessions: number,
  ) {}

  noop(): void {
    this.index++;
  }

  apply(cmd: KvCommand): KvResult {
    const index = ++this.index;
    if (cmd.clientId === undefined || cmd.seq === undefined) return this.#execute(cmd, index);
    let s = this.sessions.get(cmd.clientId);
    if (s === undefined) {
      s = { highestSeq: cmd.seq, lastUsedIndex: index, results: new Map() };
      this.sessions.set(cmd.clientId, s);
      if (this.sessions.size > this.maxSessions) {
        let victim: string | undefined;
        let oldest = Infinity;
        for (const [id, other] of this.sessions) {
          if (other.lastUsedIndex < oldest) [victim, oldest] = [id, other.lastUsedIndex];
        }
        if (victim !== undefined) this.sessions.delete(victim);
      }
    }
    s.lastUsedIndex = index;
    if (cmd.seq <= s.highestSeq - this.window) return { ok: false, code: 'SESSION_EXPIRED', key: cmd.key, index };
    const first = s.results.get(cmd.seq);
    if (first !== undefined) return first;
    const r = this.#execute(cmd, index);
    s.results.set(cmd.seq, r);
    s.highestSeq = Math.max(s.highestSeq, cmd.seq);
    return r;
  }

  #execute(cmd: KvCommand, index: number): KvResult {
    const current = this.data.get(cmd.key);
    if (cmd.op === 'put') {
      this.data.set(cmd.key, cmd.value);
      return { ok: true, op: 'put', key: cmd.key, value: cmd.value, index };
    }
    if (cmd.op === 'delete') {
      this.data.delete(cmd.key);
      return { ok: true, op: 'delete', key: cmd.key, deleted: current !== undefined, index };
    }
    if ((current ?? null) !== cmd.from) return { ok: false, code: 'CAS_MISMATCH', key: cmd.key, current: current ?? null, index };
    this.data.set(cmd.key, cmd.to);
    return { ok: true, op: 'cas', key: cmd.key, value: cmd.to, index };
  }
}
