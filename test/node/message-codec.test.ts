// Peer message validation (message-codec.ts): what a node accepts in POST /raft/messages is rebuilt
// from known fields only, and a malformed field is refused with its path named.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseBatch } from '../../src/node/index.js';

const members = new Set([1, 2, 3]);
const app = { type: 'App', from: 2, to: 1, term: 3, prevLogIndex: 4, prevLogTerm: 3, entries: [{ term: 3, index: 5, type: 'normal', data: 'x' }], commit: 4 };
const resp = { type: 'AppResp', from: 2, to: 1, term: 3, success: false, matchIndex: 0, rejectedIndex: 9, conflictIndex: 4, conflictTerm: 3 };

test('messages are rebuilt from known fields: unknown ones are dropped, optional ones kept', () => {
  const b = parseBatch({ from: 2, messages: [{ ...app, extra: 'dropped', readCtx: '7' }, resp] }, 1, members);
  assert.ok(typeof b !== 'string', String(b));
  assert.ok(!('extra' in (b.messages[0] as object)));
  assert.equal((b.messages[0] as { readCtx?: string }).readCtx, '7');
  assert.ok(!('readCtx' in (b.messages[1] as object)), 'absent stays absent');
});

test('a malformed field is refused with its path named', () => {
  for (const [field, value] of [['rejectedIndex', -1], ['conflictTerm', 1.5], ['matchIndex', '3'], ['success', null]] as const) {
    const r = parseBatch({ from: 2, messages: [{ ...resp, [field]: value }] }, 1, members);
    assert.equal(typeof r, 'string', `${field} ${JSON.stringify(value)}`);
    assert.match(String(r), new RegExp(`messages\\[0\\]\\.${field} must be`));
  }
  assert.match(String(parseBatch({ from: 2, messages: [{ ...app, entries: [{ term: 3, index: 5, type: 'weird', data: 'x' }] }] }, 1, members)), /entries\[0\]\.type must be "normal" or "noop"/);
});
