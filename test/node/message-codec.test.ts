// Peer message validation (message-codec.ts): what a node accepts in POST /raft/messages is rebuilt
// from known fields only; the optional epoch of appends and their answers survives the trip and is
// checked like every other number.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseBatch } from '../../src/node/index.js';

const members = new Set([1, 2, 3]);
const app = { type: 'App', from: 2, to: 1, term: 3, prevLogIndex: 4, prevLogTerm: 3, entries: [{ term: 3, index: 5, type: 'normal', data: 'x' }], commit: 4 };
const resp = { type: 'AppResp', from: 2, to: 1, term: 3, success: false, matchIndex: 0, rejectedIndex: 9, conflictIndex: 4, conflictTerm: 3 };

test('appends and their answers keep their epoch; unknown fields are dropped', () => {
  const b = parseBatch({ from: 2, messages: [{ ...app, epoch: 7, extra: 'dropped' }, { ...resp, epoch: 0 }, resp] }, 1, members);
  assert.ok(typeof b !== 'string', String(b));
  assert.equal((b.messages[0] as { epoch?: number }).epoch, 7);
  assert.ok(!('extra' in (b.messages[0] as object)));
  assert.equal((b.messages[1] as { epoch?: number }).epoch, 0);
  assert.ok(!('epoch' in (b.messages[2] as object)), 'absent stays absent');
});

test('a malformed epoch is refused with the field named', () => {
  for (const epoch of [-1, 1.5, '3', null, true]) {
    const r = parseBatch({ from: 2, messages: [{ ...resp, epoch }] }, 1, members);
    assert.equal(typeof r, 'string', `epoch ${JSON.stringify(epoch)}`);
    assert.match(String(r), /messages\[0\]\.epoch must be a non-negative integer/);
  }
});
