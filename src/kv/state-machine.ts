// The deterministic key-value state machine under the Raft log (RAFT-CHECKLIST 16, 17).
// Every replica feeds it the same committed entries in the same order and must end in the same state,
// byte for byte: nothing here reads a clock, draws a random number or depends on anything but the
// entries (JS Maps iterate in insertion order, which the entries fix).

import type { Entry } from '../raft/index.js';
import { ClientSessions } from './client-sessions.js';
import { decodeCommand, type KvCommand } from './command.js';
import type { KvResult } from './result.js';
import { readSnapshot, writeSnapshot } from './snapshot-codec.js';

/**
 * How many recent seqs per client are remembered: must exceed a client's requests in flight. Every
 * writer of ours has one request in flight per clientId (a proxy lane, the REPL), so 64 leaves ample
 * room for other clients; it was 1,024, and the proxy's 64 lanes × 1,024 remembered answers were the
 * largest thing in a node's heap (~14 MB) and in every snapshot (9 of its 10 MB).
 */
export const DEFAULT_SESSION_WINDOW = 64;
/** How many clients are remembered before the least recently used (by log index) is evicted. */
export const DEFAULT_MAX_SESSIONS = 10_000;

/** Session limits; every replica of a cluster must use the same (a snapshot carries them along). */
export interface KvStateMachineOptions {
  readonly sessionWindow?: number;
  readonly maxSessions?: number;
}

/** Applies committed entries exactly once, in order, and answers each write with its KvResult. */
export class KvStateMachine {
  // Not readonly only so that restore() can adopt the parsed maps without copying them.
  #data: Map<string, string>;
  #sessions: ClientSessions;
  // Invariant: every entry with index <= #appliedIndex has been applied exactly once, none above it.
  #appliedIndex: number;

  constructor(options: KvStateMachineOptions = {}) {
    const window = options.sessionWindow ?? DEFAULT_SESSION_WINDOW;
    const maxSessions = options.maxSessions ?? DEFAULT_MAX_SESSIONS;
    if (!Number.isSafeInteger(window) || window < 1) throw new RangeError(`KvStateMachine: sessionWindow must be a positive integer, received ${window}`);
    if (!Number.isSafeInteger(maxSessions) || maxSessions < 1) throw new RangeError(`KvStateMachine: maxSessions must be a positive integer, received ${maxSessions}`);
    this.#data = new Map();
    this.#sessions = new ClientSessions(window, maxSessions);
    this.#appliedIndex = 0;
  }

  get appliedIndex(): number {
    return this.#appliedIndex;
  }

  get size(): number {
    return this.#data.size;
  }

  /** Number of remembered client sessions (for /status and tests). */
  get sessionCount(): number {
    return this.#sessions.size;
  }

  get(key: string): string | undefined {
    return this.#data.get(key);
  }

  keys(): IterableIterator<string> {
    return this.#data.keys();
  }

  /**
   * Applies the entry at appliedIndex + 1. Noop entries answer undefined. Throws (a driver bug, state
   * unchanged) if the index is not the next one, the type is unknown or the data does not decode.
   */
  apply(entry: Entry): KvResult | undefined {
    const expected = this.#appliedIndex + 1;
    if (entry.index !== expected) {
      const why = entry.index <= this.#appliedIndex ? 'already applied' : 'would skip entries';
      throw new Error(`KvStateMachine.apply: entry index ${entry.index} ${why}; expected ${expected} (apply in order, exactly once)`);
    }
    if (entry.type === 'noop') {
      this.#appliedIndex = entry.index;
      return undefined;
    }
    if (entry.type !== 'normal') {
      throw new Error(`KvStateMachine.apply: entry ${entry.index} has unknown type ${JSON.stringify(entry.type)}`);
    }
    const cmd = decodeCommand(entry.data); // throws before any state changes
    this.#appliedIndex = entry.index;
    if (cmd.clientId === undefined || cmd.seq === undefined) return this.#execute(cmd, entry.index);
    return this.#sessions.run(cmd.clientId, cmd.seq, entry.index, cmd.key, () => this.#execute(cmd, entry.index));
  }

  #execute(cmd: KvCommand, index: number): KvResult {
    const { key } = cmd;
    switch (cmd.op) {
      case 'put':
        this.#data.set(key, cmd.value);
        return { ok: true, op: 'put', key, value: cmd.value, index };
      case 'delete':
        return { ok: true, op: 'delete', key, deleted: this.#data.delete(key), index };
      case 'cas': {
        const current = this.#data.get(key) ?? null;
        if (current !== cmd.from) return { ok: false, code: 'CAS_MISMATCH', key, current, index };
        this.#data.set(key, cmd.to);
        return { ok: true, op: 'cas', key, value: cmd.to, index };
      }
    }
  }

  /** The full state (data, sessions, appliedIndex, limits) as a versioned, deterministic string. */
  snapshot(): string {
    return writeSnapshot({
      appliedIndex: this.#appliedIndex,
      window: this.#sessions.window,
      maxSessions: this.#sessions.maxSessions,
      data: this.#data,
      sessions: this.#sessions.toRecords(),
    });
  }

  /** A machine equal to the one that wrote `data`; throws KvSnapshotError on corrupt/unknown input. */
  static restore(data: string): KvStateMachine {
    const parsed = readSnapshot(data);
    const sm = new KvStateMachine({ sessionWindow: parsed.window, maxSessions: parsed.maxSessions });
    sm.#data = parsed.data;
    sm.#sessions = ClientSessions.fromSessions(parsed.window, parsed.maxSessions, parsed.sessions);
    sm.#appliedIndex = parsed.appliedIndex;
    return sm;
  }
}
