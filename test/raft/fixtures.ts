// Helpers for tests that step single cores message by message (etcd raft_paper_test.go style):
// build a core from an explicit log, perform its Ready, pick messages out of it.
import {
  EMPTY_HARD_STATE,
  NONE,
  Raft,
  raftConfig,
  type Entry,
  type HardState,
  type Message,
  type MessageType,
  type NodeId,
  type RaftRestoreState,
  type Ready,
} from '../../src/raft/index.js';
import type { RaftOverrides } from './node-driver.js';

/** Election timeouts are exactly electionTick: no randomness, so timer tests can count ticks. */
export const noJitter = (_n: number): number => 0;

export const ELECTION_TICK = 10;
export const HEARTBEAT_TICK = 2;

/** Entries with the given terms, starting at `start` (data `e<index>`). `ents([1, 1, 2])`. */
export function ents(terms: readonly number[], start = 1): Entry[] {
  return terms.map((term, i) => ({ term, index: start + i, type: 'normal' as const, data: `e${start + i}` }));
}

export interface CoreOptions {
  peers?: readonly NodeId[];
  /** The durable log, by term of each entry (index 1..n). */
  terms?: readonly number[];
  hard?: Partial<HardState>;
  config?: RaftOverrides;
  randInt?: (n: number) => number;
  restore?: RaftRestoreState;
}

export function restoreOf(terms: readonly number[], hard: Partial<HardState> = {}): RaftRestoreState {
  const last = terms[terms.length - 1] ?? 0;
  return { hardState: { ...EMPTY_HARD_STATE, term: last, ...hard }, entries: ents(terms) };
}

/** A core started from an explicit durable state (default: 3 voters, empty log, term 0). */
export function core(id: NodeId, opts: CoreOptions = {}): Raft {
  const restore = opts.restore ?? restoreOf(opts.terms ?? [], opts.hard);
  const cfg = raftConfig(id, opts.peers ?? [1, 2, 3], opts.randInt ?? noJitter, {
    electionTick: ELECTION_TICK,
    heartbeatTick: HEARTBEAT_TICK,
    ...opts.config,
  });
  return new Raft(cfg, restore);
}

/** Perform the core's Ready as a driver would (nothing to persist for real) and return it. */
export function flush(r: Raft): Ready {
  const rd = r.ready();
  r.advance(rd);
  return rd;
}

/** Flush and return the messages of the given types (all when none given). */
export function sentBy(r: Raft, ...types: MessageType[]): readonly Message[] {
  const out = flush(r).messages;
  return types.length === 0 ? out : out.filter((m) => types.includes(m.type));
}

/** Narrow a message to its type, failing the test if it is something else. */
export function as<T extends MessageType>(m: Message | undefined, type: T): Message & { readonly type: T } {
  if (m === undefined) throw new Error(`expected a ${type} message, got none`);
  if (m.type !== type) throw new Error(`expected a ${type} message, got ${m.type}`);
  return m as Message & { readonly type: T };
}

/** Tick `n` times. */
export function ticks(r: Raft, n: number): void {
  for (let i = 0; i < n; i++) r.tick();
}

/**
 * Make `r` leader by feeding it the grants it asks for (pre-vote round included), then flush the
 * Ready holding its no-op. Returns that Ready.
 */
export function makeLeader(r: Raft, voters: readonly NodeId[] = r.peers.filter((p) => p !== r.id)): Ready {
  r.campaign();
  const need = r.quorum - 1;
  if (r.role === 'pre-candidate') {
    const term = r.term + 1;
    for (const from of voters.slice(0, need)) r.step({ type: 'PreVoteResp', from, to: r.id, term, granted: true });
  }
  if (r.role === 'candidate') {
    for (const from of voters.slice(0, need)) r.step({ type: 'VoteResp', from, to: r.id, term: r.term, granted: true });
  }
  if (r.role !== 'leader') throw new Error(`node ${r.id} did not become leader (role ${r.role})`);
  return flush(r);
}

/** A follower of `leader` in `term`: it has heard an (empty, consistent) append from it. */
export function follow(r: Raft, leader: NodeId, term: number): void {
  r.step({ type: 'App', from: leader, to: r.id, term, prevLogIndex: 0, prevLogTerm: 0, entries: [], commit: 0 });
  flush(r);
}

export function vote(from: NodeId, to: NodeId, term: number, lastLogIndex: number, lastLogTerm: number, type: 'Vote' | 'PreVote' = 'Vote'): Message {
  return { type, from, to, term, lastLogIndex, lastLogTerm };
}

export function app(from: NodeId, to: NodeId, term: number, prev: readonly [number, number], entries: readonly Entry[], commit: number): Message {
  return { type: 'App', from, to, term, prevLogIndex: prev[0], prevLogTerm: prev[1], entries, commit };
}

export function appOk(from: NodeId, to: NodeId, term: number, matchIndex: number): Message {
  return { type: 'AppResp', from, to, term, success: true, matchIndex, rejectedIndex: 0, conflictIndex: 0, conflictTerm: 0 };
}

export function appReject(from: NodeId, to: NodeId, term: number, rejectedIndex: number, hint: readonly [number, number] = [0, 0]): Message {
  return { type: 'AppResp', from, to, term, success: false, matchIndex: 0, rejectedIndex, conflictIndex: hint[0], conflictTerm: hint[1] };
}

/** The terms of the core's log from firstIndex to lastIndex. */
export function logTerms(r: Raft): number[] {
  const out: number[] = [];
  for (let i = r.log.firstIndex(); i <= r.log.lastIndex(); i++) out.push(r.termAt(i) ?? -1);
  return out;
}

export { NONE };
