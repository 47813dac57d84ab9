// A warm spare's rehearsal (src/cli/child-launch.ts): while it waits to be told which node to be,
// it runs what a restarted follower runs first — a peer batch of appends parsed and checked, the
// core appending and committing it, the WAL encoding and decoding, the state machine applying it, a
// snapshot written and restored, /status serialised — on made-up data in memory. V8 then has compiled and
// optimised that code before it matters: a fresh process ran the first 10,000 entries of a
// catch-up in the interpreter. No files, no sockets, no timers; nothing it builds outlives the call.
import { KvStateMachine, encodeCommand } from '../kv/index.js';
import { EMPTY_HARD_STATE, Raft, raftConfig, type Entry } from '../raft/index.js';
import { decodeRecord, encodeBatch } from '../storage/codec.js';
import { readFrame } from '../storage/frame.js';
import { parseBatch } from './message-codec.js';

const MEMBERS: ReadonlySet<number> = new Set([1, 2, 3]);

/** Runs `rounds` rehearsals of `entries` entries each; returns how many entries were applied (a check for tests). */
export function rehearse(entries = 2000, rounds = 3): number {
  let applied = 0;
  for (let round = 0; round < rounds; round++) {
    const raft = new Raft(raftConfig(1, [1, 2, 3], () => 0), { hardState: EMPTY_HARD_STATE, entries: [] });
    const ents: Entry[] = [];
    for (let i = 1; i <= entries; i++) {
      const data = encodeCommand({ op: 'put', key: `rehearsal-${i % 512}`, value: 'v'.repeat(100), clientId: `lane-${i % 64}`, seq: Math.ceil(i / 64) });
      ents.push({ term: 1, index: i, type: 'normal', data });
    }
    const wire = JSON.stringify({ from: 2, messages: [{ type: 'App', from: 2, to: 1, term: 1, prevLogIndex: 0, prevLogTerm: 0, entries: ents, commit: entries }] });
    const batch = parseBatch(JSON.parse(wire), 1, MEMBERS);
    if (typeof batch === 'string') throw new Error(`rehearsal: ${batch}`);
    for (const m of batch.messages) raft.step(m);
    const rd = raft.ready();
    // The WAL both ways: a follower writes this batch now and reads such batches back at its next start.
    const frame = encodeBatch({ entries: rd.entries, ...(rd.hardState ? { hardState: rd.hardState } : {}) });
    const view = readFrame(frame, 0);
    if ('bad' in view) throw new Error(`rehearsal: ${view.bad}`);
    decodeRecord(view.type, frame, view.start, view.end);
    const sm = new KvStateMachine();
    for (const e of rd.committedEntries) sm.apply(e);
    raft.advance(rd);
    applied += sm.appliedIndex;
    KvStateMachine.restore(sm.snapshot());
    JSON.stringify(raft.status());
  }
  return applied;
}
