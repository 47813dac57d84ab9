// Test helper: feeds commands to a state machine as consecutive log entries (term 1, index 1, 2, ...).
import type { Entry } from '../../src/raft/index.js';
import { encodeCommand, type KvCommand, type KvResult, type KvStateMachine } from '../../src/kv/index.js';

export function normal(index: number, cmd: KvCommand): Entry {
  return { term: 1, index, type: 'normal', data: encodeCommand(cmd) };
}

export function noop(index: number): Entry {
  return { term: 1, index, type: 'noop', data: '' };
}

/** Applies `cmd` at the machine's next index and returns its (defined) result. */
export function write(sm: KvStateMachine, cmd: KvCommand): KvResult {
  const result = sm.apply(normal(sm.appliedIndex + 1, cmd));
  if (result === undefined) throw new Error('a normal entry must produce a result');
  return result;
}
