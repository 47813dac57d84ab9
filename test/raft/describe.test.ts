// describeMessage / describeEntry / describeReady: one readable line each, for logs and traces.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeEntry, describeMessage, describeReady, type Message, type Ready } from '../../src/raft/index.js';
import { ents } from './fixtures.js';

const EVERY_MESSAGE: readonly [Message, string][] = [
  [{ type: 'Vote', from: 1, to: 2, term: 3, lastLogIndex: 7, lastLogTerm: 2 }, '1→2 Vote t3 last=7/t2'],
  [{ type: 'PreVote', from: 1, to: 2, term: 3, lastLogIndex: 7, lastLogTerm: 2, transfer: true }, '1→2 PreVote t3 last=7/t2 transfer'],
  [{ type: 'VoteResp', from: 2, to: 1, term: 3, granted: true }, '2→1 VoteResp t3 granted'],
  [{ type: 'PreVoteResp', from: 2, to: 1, term: 3, granted: false }, '2→1 PreVoteResp t3 rejected'],
  [{ type: 'App', from: 1, to: 2, term: 3, prevLogIndex: 4, prevLogTerm: 2, entries: ents([3, 3, 3], 5), commit: 4 }, '1→2 App t3 prev=4/t2 ents=[5..7 (3)] commit=4'],
  [{ type: 'App', from: 1, to: 2, term: 3, prevLogIndex: 4, prevLogTerm: 2, entries: [], commit: 4, readCtx: '9' }, '1→2 App t3 prev=4/t2 ents=[] commit=4 read#9'],
  [{ type: 'AppResp', from: 2, to: 1, term: 3, success: true, matchIndex: 7, rejectedIndex: 0, conflictIndex: 0, conflictTerm: 0 }, '2→1 AppResp t3 ok match=7'],
  [{ type: 'AppResp', from: 2, to: 1, term: 3, success: false, matchIndex: 0, rejectedIndex: 7, conflictIndex: 3, conflictTerm: 1 }, '2→1 AppResp t3 reject at=7 hint=3/t1'],
  [{ type: 'Snap', from: 1, to: 2, term: 3, snapshot: { meta: { index: 50, term: 2, voters: [1, 2, 3] }, data: 'x'.repeat(10) } }, '1→2 Snap t3 snapshot=50/t2 (10 bytes)'],
  [{ type: 'ReadIndex', from: 2, to: 1, term: 3, ctx: 'r1' }, '2→1 ReadIndex t3 ctx="r1"'],
  [{ type: 'ReadIndexResp', from: 1, to: 2, term: 3, ctx: 'r1', index: 9, rejected: false }, '1→2 ReadIndexResp t3 ctx="r1" index=9'],
  [{ type: 'TimeoutNow', from: 1, to: 2, term: 3 }, '1→2 TimeoutNow t3'],
];

test('describeMessage: one exact line for every message type', () => {
  for (const [m, line] of EVERY_MESSAGE) assert.equal(describeMessage(m), line);
});

test('describeEntry: quotes and truncates data so an entry is always one line', () => {
  assert.equal(describeEntry({ term: 2, index: 5, type: 'noop', data: '' }), '5/t2 noop');
  assert.equal(describeEntry({ term: 2, index: 5, type: 'normal', data: 'a\nb' }), '5/t2 "a\\nb"');
  const long = describeEntry({ term: 1, index: 1, type: 'normal', data: 'y'.repeat(1000) });
  assert.ok(long.length < 60 && long.includes('…'), long);
});

test('describeReady: one line naming what the driver must do, "empty" when nothing', () => {
  const empty: Ready = { entries: [], messages: [], committedEntries: [], readStates: [], readFailures: [] };
  assert.equal(describeReady(empty), 'empty');
  const full: Ready = {
    softState: { leader: 1, role: 'leader' },
    hardState: { term: 3, vote: 1, commit: 4 },
    entries: ents([3, 3], 5),
    messages: EVERY_MESSAGE.map(([m]) => m),
    committedEntries: [{ term: 3, index: 4, type: 'normal', data: 'multi\nline' }],
    readStates: [{ ctx: 'r1', index: 4 }],
    readFailures: [{ ctx: 'r2', reason: 'not-leader' }],
  };
  const line = describeReady(full);
  assert.equal(line, 'soft(leader, leader=1) hard(t3 vote=1 commit=4) persist=[5..6 (2)] apply=[4/t3 "multi\\nline"] send=12 reads="r1"@4 readFailures="r2":not-leader');
  assert.ok(!line.includes('\n'));
});
