import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EMPTY_HARD_STATE, NONE } from '../../src/raft/types.js';

test('an empty hard state has term 0, no vote and commit 0', () => {
  assert.deepEqual(EMPTY_HARD_STATE, { term: 0, vote: NONE, commit: 0 });
});
