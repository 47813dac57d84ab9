import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkRaftInvariants, type RaftEvent } from '../../src/check/index.js';

test('one leader per term and identical committed entries pass', () => {
  const events: RaftEvent[] = [
    { node: 'node-1', type: 'leader', term: 1 },
    { node: 'node-1', type: 'commit', index: 1, term: 1, digest: 'a' },
    { node: 'node-2', type: 'commit', index: 1, term: 1, digest: 'a' },
    { node: 'node-2', type: 'leader', term: 2 },
    { node: 'node-2', type: 'leader', term: 2 },
    { node: 'node-3', type: 'commit', index: 1, term: 1, digest: 'a' },
  ];
  assert.deepEqual(checkRaftInvariants(events), { ok: true, violations: [] });
});

test('two leaders in one term is an Election Safety violation (§5.2)', () => {
  const r = checkRaftInvariants([
    { node: 'node-1', type: 'leader', term: 3 },
    { node: 'node-2', type: 'leader', term: 3 },
  ]);
  assert.deepEqual(r, { ok: false, violations: ['term 3 has 2 leaders: node-1, node-2'] });
});

test('different entries committed at one index is a State Machine Safety violation (§5.4.3)', () => {
  const r = checkRaftInvariants([
    { node: 'node-1', type: 'commit', index: 7, term: 2, digest: 'put k=1' },
    { node: 'node-3', type: 'commit', index: 7, term: 3, digest: 'put k=2' },
    { node: 'node-2', type: 'commit', index: 7, term: 3, digest: 'put k=2' },
  ]);
  assert.equal(r.ok, false);
  assert.deepEqual(r.violations, ['index 7 committed differently: node-1 has term 2 "put k=1", node-3 has term 3 "put k=2"']);
});
